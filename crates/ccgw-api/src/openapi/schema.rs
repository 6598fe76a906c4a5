//! Small constructors for JSON Schema fragments (the OpenAPI 3.0 dialect).

use serde_json::{Map, Value, json};

pub(super) fn string() -> Value {
    json!({"type": "string"})
}

/// Text of `min..=max` characters.
pub(super) fn text(min: usize, max: usize) -> Value {
    json!({"type": "string", "minLength": min, "maxLength": max})
}

pub(super) fn text_matching(pattern: &str) -> Value {
    json!({"type": "string", "pattern": pattern})
}

pub(super) fn one_of_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Value {
    json!({"type": "string", "enum": names.into_iter().collect::<Vec<_>>()})
}

pub(super) fn integer() -> Value {
    json!({"type": "integer"})
}

pub(super) fn integer_in(minimum: i64, maximum: i64) -> Value {
    json!({"type": "integer", "minimum": minimum, "maximum": maximum})
}

pub(super) fn boolean() -> Value {
    json!({"type": "boolean"})
}

pub(super) fn nullable(mut schema: Value) -> Value {
    if let Some(object) = schema.as_object_mut() {
        object.insert("nullable".into(), Value::Bool(true));
    }
    schema
}

pub(super) fn described(mut schema: Value, description: &str) -> Value {
    if let Some(object) = schema.as_object_mut() {
        object.insert("description".into(), Value::String(description.into()));
    }
    schema
}

pub(super) fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

/// An object with these properties, none required, others allowed.
pub(super) fn object(properties: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> =
        properties.iter().map(|(name, schema)| ((*name).into(), schema.clone())).collect();
    json!({"type": "object", "properties": properties})
}

/// An object with these properties, the named ones required, no others allowed: the
/// extension API's request bodies refuse unknown fields.
pub(super) fn strict_object(properties: &[(&str, Value)], required: &[&str]) -> Value {
    let mut schema = object(properties);
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema["additionalProperties"] = Value::Bool(false);
    schema
}

/// An object with these properties, the named ones required, others allowed.
pub(super) fn object_requiring(properties: &[(&str, Value)], required: &[&str]) -> Value {
    let mut schema = object(properties);
    schema["required"] = json!(required);
    schema
}

pub(super) fn reference(component: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{component}")})
}

/// Any JSON value.
pub(super) fn any() -> Value {
    json!({})
}

/// The names of the `{parameters}` of an axum path template, in order.
pub(super) fn path_parameters(template: &str) -> impl Iterator<Item = &str> {
    template.split('/').filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_read_in_order() {
        let names: Vec<_> = path_parameters("/a/{agentid}/rest/{time}/{restcause}").collect();
        assert_eq!(names, ["agentid", "time", "restcause"]);
    }
}
