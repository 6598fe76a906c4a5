//! `GET /ccgw/v1/openapi.json`: an OpenAPI 3.0 document of both APIs — the Huawei
//! interfaces and the extension API — built from tables of their operations. A test holds
//! the tables and the routers to the same set of operations, both ways; the document
//! served lists what this gateway routes (the simulated switch's paths only with it).
//!
//! The document is written out, not derived from Rust types: Huawei request bodies are
//! read field by field and leniently (spec 08), so there are no body types to derive it
//! from, and one hand-kept shape for both APIs reads better than two mechanisms.

mod extension;
mod huawei;
mod operation;
mod schema;

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use serde_json::{Map, Value, json};

use crate::route_table::Operation;
use crate::state::ApiState;

/// The document, rendered on first use.
pub(crate) async fn serve(State(state): State<ApiState>) -> Response {
    let body = state
        .openapi
        .get_or_init(|| {
            let served = routed(state.sim.is_some());
            Bytes::from(serde_json::to_vec(&document(|op| served.contains(op))).unwrap_or_default())
        })
        .clone();
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

/// Every operation the routers serve.
fn routed(with_sim: bool) -> BTreeSet<Operation> {
    let mut operations: BTreeSet<Operation> = crate::agentgateway::routes().operations().iter().cloned().collect();
    operations.extend(crate::ext::operations(with_sim));
    operations
}

/// The document of the documented operations `include` keeps.
fn document(include: impl Fn(&Operation) -> bool) -> Value {
    let mut paths = Map::new();
    for op in huawei::OPERATIONS {
        let path = huawei::path_item_key(op.path);
        if include(&Operation { method: op.method, path: path.clone() }) {
            add(&mut paths, path, op.method, huawei::operation(op));
        }
    }
    for op in extension::OPERATIONS {
        if include(&Operation { method: op.method, path: op.path.to_owned() }) {
            add(&mut paths, op.path.to_owned(), op.method, extension::operation(op));
        }
    }
    let schemas: Map<String, Value> = huawei::components()
        .into_iter()
        .map(|(name, schema)| (huawei::component_name(name), schema))
        .chain(extension::components().into_iter().map(|(name, schema)| (name.to_owned(), schema)))
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "ccgw",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The Huawei CC-Gateway agent interfaces (`/agentgateway/resource`) and ccgw's extension API (`/ccgw/v1`). Huawei answers are always HTTP 200 with a `retcode`; the extension API answers with HTTP statuses and `{\"error\":{\"code\",\"message\"}}`.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "guid": {"type": "apiKey", "in": "header", "name": "Guid", "description": "The Guid of the agent's sign-in, from `Set-GUID`"},
                "adminToken": {"type": "http", "scheme": "bearer", "description": "The admin token"},
            },
        },
    })
}

fn add(paths: &mut Map<String, Value>, path: String, method: &str, operation: Value) {
    let item = paths.entry(path).or_insert_with(|| json!({}));
    item[method.to_ascii_lowercase()] = operation;
}

#[cfg(test)]
mod tests;
