//! `/agentgroup/{agentid}/…` (spec 05).

use axum::Router;

use crate::state::ApiState;

pub(crate) fn routes(_base: &str) -> Router<ApiState> {
    Router::new()
}
