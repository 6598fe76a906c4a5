//! Turning extension API input into domain values: bodies, path segments and query
//! strings. Every refusal is an [`ExtError`] with a message for the client (400), never
//! axum's plain-text rejection.

use std::str::FromStr;
use std::time::Duration;

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use ccgw_core::{GroupId, IdError, Overflow, PhoneNumber, RoutingPolicy, SkillId, Vdn, WorkNo};
use serde::{Deserialize, Deserializer, Serialize};

use super::error::ExtError;

pub(crate) fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ExtError> {
    // Bodies over the limit never get here: the body layer refuses them first.
    body.map(|Json(value)| value).map_err(|rejection| ExtError::bad_request(rejection.body_text()))
}

pub(crate) fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ExtError> {
    query.map(|Query(value)| value).map_err(|rejection| ExtError::bad_request(rejection.body_text()))
}

/// For a patch field that can be cleared: absent → `None`, `null` → `Some(None)`,
/// a value → `Some(Some(value))`. Use with `#[serde(default)]`.
pub(crate) fn clearable<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// An id written as digits without a leading zero, from a path segment or a query value.
pub(crate) fn id<T: FromStr<Err = IdError>>(text: &str) -> Result<T, ExtError> {
    text.parse().map_err(|e: IdError| ExtError::bad_request(e.to_string()))
}

pub(crate) fn vdn(value: u16) -> Result<Vdn, ExtError> {
    Vdn::new(value).map_err(|e| ExtError::bad_request(e.to_string()))
}

pub(crate) fn skill_id(value: u32) -> Result<SkillId, ExtError> {
    SkillId::new(value).map_err(|e| ExtError::bad_request(e.to_string()))
}

pub(crate) fn work_no(value: u32) -> Result<WorkNo, ExtError> {
    WorkNo::new(value).map_err(|e| ExtError::bad_request(e.to_string()))
}

pub(crate) fn group_id(value: u16) -> Result<GroupId, ExtError> {
    GroupId::new(value)
        .ok_or_else(|| ExtError::bad_request(format!("group id {value} is outside 1..={}", GroupId::MAX)))
}

/// A group id in a path segment.
pub(crate) fn group_id_text(text: &str) -> Result<GroupId, ExtError> {
    let value = text
        .parse::<u16>()
        .ok()
        .filter(|_| !text.starts_with('0') && !text.starts_with('+'))
        .ok_or_else(|| ExtError::bad_request(format!("group id must be 1 to {}, got {text:?}", GroupId::MAX)))?;
    group_id(value)
}

/// A rest reason code in a path segment or a body: 1 to 255.
pub(crate) fn rest_code(value: u32) -> Result<u8, ExtError> {
    u8::try_from(value)
        .ok()
        .filter(|code| *code > 0)
        .ok_or_else(|| ExtError::bad_request(format!("rest reason code must be 1 to 255, got {value}")))
}

pub(crate) fn rest_code_text(text: &str) -> Result<u8, ExtError> {
    let value = text
        .parse::<u32>()
        .ok()
        .filter(|_| !text.starts_with('0') && !text.starts_with('+'))
        .ok_or_else(|| ExtError::bad_request(format!("rest reason code must be 1 to 255, got {text:?}")))?;
    rest_code(value)
}

pub(crate) fn phone(what: &str, text: &str) -> Result<PhoneNumber, ExtError> {
    PhoneNumber::parse(text).map_err(|e| ExtError::bad_request(format!("{what}: {e}")))
}

pub(crate) fn policy(text: &str) -> Result<RoutingPolicy, ExtError> {
    RoutingPolicy::parse(text).ok_or_else(|| {
        let names: Vec<&str> = RoutingPolicy::ALL.iter().map(|p| p.as_str()).collect();
        ExtError::bad_request(format!("policy must be one of {}, got {text:?}", names.join(", ")))
    })
}

pub(crate) fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// A duration as whole milliseconds for answers (the store keeps whole milliseconds).
pub(crate) fn as_millis(span: Duration) -> u64 {
    u64::try_from(span.as_millis()).unwrap_or(u64::MAX)
}

/// Where a skill's calls overflow to: `{"skill": 2}` or `{"number": "5551234"}`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub(crate) enum OverflowBody {
    Skill(u32),
    Number(String),
}

impl OverflowBody {
    pub(crate) fn into_domain(self) -> Result<Overflow, ExtError> {
        match self {
            OverflowBody::Skill(id) => Ok(Overflow::Skill(skill_id(id)?)),
            OverflowBody::Number(number) => Ok(Overflow::Number(phone("overflow number", &number)?)),
        }
    }

    pub(crate) fn from_domain(overflow: &Overflow) -> Self {
        match overflow {
            Overflow::Skill(id) => OverflowBody::Skill(id.get()),
            Overflow::Number(number) => OverflowBody::Number(number.as_str().to_owned()),
        }
    }
}

/// A query-string value; an empty one counts as absent.
pub(crate) fn present(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.is_empty())
}

pub(crate) fn number<T: std::str::FromStr>(name: &str, text: &str, meaning: &str) -> Result<T, ExtError> {
    text.parse().map_err(|_| ExtError::bad_request(format!("{name} must be {meaning}, got {text:?}")))
}

/// An optional whole-number parameter (`offset`, `limit`).
pub(crate) fn whole_number<T: std::str::FromStr>(name: &str, value: Option<String>) -> Result<Option<T>, ExtError> {
    present(value).map(|text| number(name, &text, "a whole number")).transpose()
}

pub(crate) fn time(name: &str, text: &str) -> Result<ccgw_core::Timestamp, ExtError> {
    number(name, text, "a time in milliseconds since 1970-01-01 UTC").map(ccgw_core::Timestamp::from_millis)
}
