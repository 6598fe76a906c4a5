use std::collections::BTreeSet;

use serde_json::Value;

use super::*;
use crate::route_table::Operation;

fn documented() -> BTreeSet<Operation> {
    let mut operations = BTreeSet::new();
    let document = document(|_| true);
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method = match method.as_str() {
                "get" => "GET",
                "post" => "POST",
                "put" => "PUT",
                "patch" => "PATCH",
                "delete" => "DELETE",
                other => panic!("unexpected method {other} at {path}"),
            };
            operations.insert(Operation { method, path: path.clone() });
        }
    }
    operations
}

#[test]
fn every_routed_operation_is_documented_and_every_documented_one_is_routed() {
    let documented = documented();
    let routed = routed(true);
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(undocumented.is_empty(), "routed but not in the OpenAPI document: {undocumented:#?}");
    assert!(unrouted.is_empty(), "in the OpenAPI document but not routed: {unrouted:#?}");
}

fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get("$ref") {
                found.push(target.clone());
            }
            object.values().for_each(|value| references(value, found));
        }
        Value::Array(items) => items.iter().for_each(|value| references(value, found)),
        _ => {}
    }
}

#[test]
fn every_reference_names_a_component_and_every_component_is_used() {
    let document = document(|_| true);
    let mut found = Vec::new();
    references(&document["paths"], &mut found);
    references(&document["components"], &mut found);
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for target in &found {
        let name = target.strip_prefix("#/components/schemas/").expect("a local reference");
        assert!(schemas.contains_key(name), "{target} names no component");
    }
    let used: BTreeSet<&str> = found.iter().map(|t| t.trim_start_matches("#/components/schemas/")).collect();
    let unused: Vec<&String> = schemas.keys().filter(|name| !used.contains(name.as_str())).collect();
    assert!(unused.is_empty(), "components nothing refers to: {unused:?}");
}

#[test]
fn operation_ids_are_unique_and_path_parameters_declared() {
    let document = document(|_| true);
    let mut ids = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "operationId {id} twice");
            let declared: BTreeSet<&str> = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            let in_path: BTreeSet<&str> = schema::path_parameters(path).collect();
            assert_eq!(declared, in_path, "{path}");
        }
    }
}
