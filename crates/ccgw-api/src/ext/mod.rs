//! The extension API under `/ccgw/v1` (JSON, bearer admin token): what the Huawei API
//! lacks — directory management, call records, the simulated switch, resumable agent
//! events and the agent snapshot (also readable with the agent's own Guid), health.

mod admin_token;
mod agent_auth;
mod audit;
mod directory;
mod error;
mod events;
mod groups;
mod parse;
mod records;
mod rest_reasons;
mod sim;
mod sim_phones;
mod snapshot;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use http::StatusCode;

use crate::state::ApiState;
use admin_token::Bearer;
pub(crate) use error::ExtError;

pub(crate) fn router(state: ApiState) -> Router<ApiState> {
    let mut protected = Router::new()
        .route("/ccgw/v1/agents", get(directory::list_agents).post(directory::create_agent))
        .route(
            "/ccgw/v1/agents/{workno}",
            get(directory::get_agent).patch(directory::update_agent).delete(directory::delete_agent),
        )
        .route("/ccgw/v1/agents/{workno}/password", put(directory::set_password))
        .route("/ccgw/v1/skills", get(directory::list_skills).post(directory::create_skill))
        .route(
            "/ccgw/v1/skills/{vdn}/{id}",
            get(directory::get_skill).patch(directory::update_skill).delete(directory::delete_skill),
        )
        .route("/ccgw/v1/groups", get(groups::list).post(groups::create))
        .route("/ccgw/v1/groups/{vdn}/{id}", get(groups::get).patch(groups::update).delete(groups::delete))
        .route("/ccgw/v1/restreasons", get(rest_reasons::list).post(rest_reasons::create))
        .route(
            "/ccgw/v1/restreasons/{vdn}/{code}",
            get(rest_reasons::get).put(rest_reasons::put).delete(rest_reasons::delete),
        )
        .route("/ccgw/v1/records", get(records::list))
        .route("/ccgw/v1/audit", get(audit::list))
        .route("/ccgw/v1/vdns", get(directory::list_vdns))
        .route("/metrics", get(crate::metrics::scrape));
    // Without the simulated switch its paths are unknown, like any other.
    if let Some(sim) = &state.sim {
        protected = protected.merge(sim::router(sim.clone(), state.directory.clone()));
    }
    let protected = protected.route_layer(middleware::from_fn_with_state(state.clone(), require_admin));
    let agent_or_admin = Router::new()
        .route("/ccgw/v1/agents/{workno}/events", get(events::list))
        .route("/ccgw/v1/agents/{workno}/events/sse", get(events::stream))
        .route("/ccgw/v1/agents/{workno}/snapshot", get(snapshot::get))
        .route_layer(middleware::from_fn_with_state(state, agent_auth::require_admin_or_agent));
    Router::new().route("/ccgw/v1/health", get(health)).merge(protected).merge(agent_or_admin)
}

async fn health() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok"}))
}

async fn require_admin(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    match admin_token::bearer(&state, &request) {
        Bearer::Admin => next.run(request).await,
        Bearer::Locked(until) => admin_token::too_many(&state, until),
        Bearer::Absent | Bearer::Wrong => {
            ExtError::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid admin bearer token is required")
                .into_response()
        }
    }
}
