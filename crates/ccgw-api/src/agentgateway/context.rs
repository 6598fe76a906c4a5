//! The request context every agent interface needs: the acting agent from the path,
//! the Guid header, the path's other parameters and the query.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use ccgw_core::{Refusal, WorkNo};
use http::request::Parts;

use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

pub(crate) struct AgentCall {
    pub(crate) work_no: WorkNo,
    pub(crate) guid: Option<String>,
    pub(crate) params: HashMap<String, String>,
    pub(crate) query: HashMap<String, String>,
}

impl AgentCall {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

fn invalid(detail: &str) -> HuaweiReply {
    HuaweiReply::refused(&Refusal::InvalidParameter(detail.to_owned()))
}

/// A request body that must be one JSON object (`000-002` otherwise).
pub(crate) fn json_object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, HuaweiReply> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(object)) => Ok(object),
        _ => Err(invalid("body must be a JSON object")),
    }
}

impl FromRequestParts<ApiState> for AgentCall {
    type Rejection = HuaweiReply;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| invalid("path parameter"))?;
        let raw = params.get("agentid").ok_or_else(|| invalid("agentid"))?;
        let work_no: WorkNo = raw.parse().map_err(|_| invalid("agentid"))?;
        if !state.settings.work_no_range.contains(&work_no.get()) {
            return Err(invalid("agentid outside the configured range"));
        }
        let guid = parts
            .headers
            .get("guid")
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned);
        Ok(Self { work_no, guid, params, query: lenient::query(parts.uri.query()) })
    }
}
