//! One OpenAPI operation object, whichever API it belongs to.

use serde_json::{Map, Value, json};

/// What an operation object is made of.
pub(super) struct OperationParts<'a> {
    pub(super) tag: &'a str,
    pub(super) summary: &'a str,
    pub(super) id: String,
    pub(super) parameters: Vec<Value>,
    /// The JSON body's schema, and whether a body is required.
    pub(super) body: Option<(Value, bool)>,
    pub(super) responses: Value,
    pub(super) security: Value,
}

impl OperationParts<'_> {
    pub(super) fn into_json(self) -> Value {
        let mut operation = Map::new();
        operation.insert("tags".into(), json!([self.tag]));
        operation.insert("summary".into(), json!(self.summary));
        operation.insert("operationId".into(), json!(self.id));
        operation.insert("parameters".into(), Value::Array(self.parameters));
        if let Some((schema, required)) = self.body {
            operation.insert(
                "requestBody".into(),
                json!({"required": required, "content": {"application/json": {"schema": schema}}}),
            );
        }
        operation.insert("responses".into(), self.responses);
        operation.insert("security".into(), self.security);
        Value::Object(operation)
    }
}

pub(super) fn path_parameter(name: &str, schema: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

pub(super) fn query_parameter(name: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "schema": schema})
}

/// `<prefix>_<method>_<path words>`, the `{parameters}` named, the segments in `skip` left out.
pub(super) fn operation_id(prefix: &str, method: &str, path: &str, skip: &[&str]) -> String {
    let words: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty() && !skip.contains(segment))
        .map(|segment| segment.trim_start_matches('{').trim_end_matches('}').trim_end_matches(".json"))
        .collect();
    format!("{prefix}_{}_{}", method.to_ascii_lowercase(), words.join("_").replace('-', "_"))
}
