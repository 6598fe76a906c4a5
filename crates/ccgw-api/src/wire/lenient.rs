//! Lenient reading of request fields (spec 08 C14, C16): integers as numbers or numeric
//! strings, booleans as booleans or "true"/"false", unknown fields ignored, empty query
//! values treated as absent.

use std::collections::HashMap;

use serde_json::Value;

/// A field that was present but could not be read as the wanted type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadField(pub &'static str);

fn present<'a>(object: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|value| !value.is_null())
}

pub(crate) fn boolean(object: &serde_json::Map<String, Value>, name: &'static str) -> Result<Option<bool>, BadField> {
    let Some(value) = present(object, name) else { return Ok(None) };
    match value {
        Value::Bool(flag) => Ok(Some(*flag)),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Value::String(text) if text.is_empty() => Ok(None),
        Value::Number(number) if number.as_i64() == Some(1) => Ok(Some(true)),
        Value::Number(number) if number.as_i64() == Some(0) => Ok(Some(false)),
        _ => Err(BadField(name)),
    }
}

pub(crate) fn integer(object: &serde_json::Map<String, Value>, name: &'static str) -> Result<Option<i64>, BadField> {
    let Some(value) = present(object, name) else { return Ok(None) };
    match value {
        Value::Number(number) => number.as_i64().map(Some).ok_or(BadField(name)),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::String(text) => text.trim().parse().map(Some).map_err(|_| BadField(name)),
        _ => Err(BadField(name)),
    }
}

pub(crate) fn string(object: &serde_json::Map<String, Value>, name: &'static str) -> Result<Option<String>, BadField> {
    let Some(value) = present(object, name) else { return Ok(None) };
    match value {
        Value::String(text) => Ok(Some(text.clone())),
        Value::Number(number) => Ok(Some(number.to_string())),
        _ => Err(BadField(name)),
    }
}

/// Parses a query string; empty values count as absent, later duplicates win. A query
/// that cannot be decoded counts as empty: clients add cache busters ccgw never reads.
pub(crate) fn query(raw: Option<&str>) -> HashMap<String, String> {
    let Some(raw) = raw else { return HashMap::new() };
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> serde_json::Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn numbers_and_booleans_arrive_in_every_form_clients_use() {
        let body = object(json!({"a": 4, "b": "4", "c": true, "d": "false", "e": "TRUE", "f": null, "g": "", "h": 1}));
        assert_eq!(integer(&body, "a"), Ok(Some(4)));
        assert_eq!(integer(&body, "b"), Ok(Some(4)));
        assert_eq!(boolean(&body, "c"), Ok(Some(true)));
        assert_eq!(boolean(&body, "d"), Ok(Some(false)));
        assert_eq!(boolean(&body, "e"), Ok(Some(true)));
        assert_eq!(boolean(&body, "f"), Ok(None));
        assert_eq!(integer(&body, "g"), Ok(None));
        assert_eq!(boolean(&body, "h"), Ok(Some(true)));
        assert_eq!(integer(&body, "missing"), Ok(None));
        assert_eq!(integer(&body, "c"), Err(BadField("c")));
        assert_eq!(boolean(&body, "a"), Err(BadField("a")));
        assert_eq!(string(&body, "a"), Ok(Some("4".into())));
    }

    #[test]
    fn empty_query_values_are_absent_and_unknown_ones_are_kept_harmlessly() {
        let parsed = query(Some("skillid=&phonelinkage=0&time=1&callid=1700-1"));
        assert_eq!(parsed.get("skillid"), None);
        assert_eq!(parsed.get("phonelinkage").map(String::as_str), Some("0"));
        assert_eq!(parsed.get("callid").map(String::as_str), Some("1700-1"));
        assert!(query(None).is_empty());
        assert!(query(Some("%%%")).is_empty() || query(Some("%%%")).len() <= 1);
    }
}
