//! Entry points for the per-parser fuzz targets in `fuzz/` and their corpus replay test.
//! Each takes the fuzzer's bytes, runs one parser a client's bytes reach, and panics when
//! an invariant breaks: a value accepted must mean what its text says, and re-parse equal.
//! Sign-in and command bodies, Guid and bearer headers and path parameters are read inside
//! handlers; the whole-application target (`ccgw::fuzz_support`) reaches those.

use ccgw_core::{CallId, PhoneNumber, SkillId, Vdn, WorkNo};
use http::{Request, Uri};
use serde_json::Value;

use crate::wire::{lenient, normalize};

/// Field names the interfaces read leniently (the readers name a refused field by a
/// `&'static str`, so the fuzzer finds these through the comparisons rather than by key).
const FIELD_NAMES: [&str; 15] = [
    "password",
    "phonenum",
    "status",
    "autoanswer",
    "autoenteridle",
    "called",
    "caller",
    "callid",
    "skillid",
    "mediaability",
    "devicetype",
    "address",
    "callappdata",
    "holdflag",
    "mode",
];

/// A request body read as one JSON object (as the interfaces with a body do), its fields
/// read leniently as each type: a value accepted means what its JSON says.
pub fn lenient_fields(data: &[u8]) {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(data) else { return };
    for name in FIELD_NAMES {
        let value = object.get(name).filter(|value| !value.is_null());
        if let Ok(Some(number)) = lenient::integer(&object, name) {
            let expected = match value {
                Some(Value::Number(json)) => json.as_i64(),
                Some(Value::String(text)) => text.trim().parse().ok(),
                _ => None,
            };
            assert_eq!(expected, Some(number), "{name}: integer from {value:?}");
        }
        if let Ok(Some(flag)) = lenient::boolean(&object, name) {
            let expected = match value {
                Some(Value::Bool(json)) => Some(*json),
                Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Some(true),
                Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => Some(false),
                Some(Value::Number(json)) if json.as_i64() == Some(1) => Some(true),
                Some(Value::Number(json)) if json.as_i64() == Some(0) => Some(false),
                _ => None,
            };
            assert_eq!(expected, Some(flag), "{name}: boolean from {value:?}");
        }
        if let Ok(Some(text)) = lenient::string(&object, name) {
            let expected = match value {
                Some(Value::String(json)) => Some(json.clone()),
                Some(Value::Number(json)) => Some(json.to_string()),
                _ => None,
            };
            assert_eq!(expected, Some(text), "{name}: string from {value:?}");
        }
    }
}

/// A query string read leniently: no empty value survives, and what is read encodes
/// back to a query that reads the same.
pub fn query_string(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let parsed = lenient::query(Some(raw));
    assert!(parsed.values().all(|value| !value.is_empty()), "an empty value kept from {raw:?}");
    let encoded = serde_urlencoded::to_string(&parsed).expect("a map of strings encodes");
    assert_eq!(lenient::query(Some(&encoded)), parsed, "{raw:?} re-read through {encoded:?}");
}

/// A request target with its `//` collapsed as before routing: no `//` is left, the query
/// is untouched, and collapsing again changes nothing.
pub fn request_path(data: &[u8]) {
    let Ok(uri) = Uri::try_from(data) else { return };
    let collapsed = normalize::collapse_slashes(Request::builder().uri(uri.clone()).body(()).expect("a request"));
    let after = collapsed.uri().clone();
    assert!(!after.path().contains("//"), "{uri} collapsed to {after}");
    assert_eq!(after.query(), uri.query(), "{uri}: query changed");
    let segments = |path: &str| path.split('/').filter(|segment| !segment.is_empty()).map(str::to_owned).collect();
    let (before, now): (Vec<String>, Vec<String>) = (segments(uri.path()), segments(after.path()));
    assert_eq!(before, now, "{uri}: segments changed");
    let again = normalize::collapse_slashes(collapsed);
    assert_eq!(again.uri(), &after, "collapsing {uri} twice differs");
}

/// The ids a client sends in paths and bodies: an accepted id prints as the text it came
/// from (no second spelling of one id), and crosses serde unchanged.
pub fn domain_ids(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    fn canonical<T: std::str::FromStr + std::fmt::Display>(text: &str) {
        if let Ok(id) = text.parse::<T>() {
            assert_eq!(id.to_string(), text, "{} accepted a second spelling", std::any::type_name::<T>());
        }
    }
    canonical::<WorkNo>(text);
    canonical::<Vdn>(text);
    canonical::<SkillId>(text);
    if let Ok(id) = CallId::parse(text) {
        assert_eq!(id.as_str(), text);
        let json = serde_json::to_string(&id).expect("a call id serialises");
        assert_eq!(serde_json::from_str::<CallId>(&json).ok(), Some(id));
    }
    if let Ok(number) = PhoneNumber::parse(text) {
        assert_eq!(number.as_str(), text);
        let json = serde_json::to_string(&number).expect("a phone number serialises");
        assert_eq!(serde_json::from_str::<PhoneNumber>(&json).ok(), Some(number));
    }
}
