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
mod phones;
mod records;
mod rest_reasons;
mod sim;
mod sim_phones;
mod snapshot;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::route_table::{Operation, Routes};
use crate::state::ApiState;
use admin_token::Bearer;
pub(crate) use error::ExtError;
pub(crate) use events::MAX_WAIT_SECS;

pub(crate) fn router(state: ApiState) -> Router<ApiState> {
    let mut protected = admin_routes().into_router();
    // Without the simulated switch its paths are unknown, like any other.
    if let Some(sim) = &state.sim {
        protected = protected
            .merge(sim::routes().with_state(sim::SimControl::new(sim.clone(), state.directory.clone())).into_router());
    }
    let protected = protected.route_layer(middleware::from_fn_with_state(state.clone(), require_admin));
    let agent_or_admin = agent_or_admin_routes()
        .into_router()
        .route_layer(middleware::from_fn_with_state(state, agent_auth::require_admin_or_agent));
    public_routes().into_router().merge(protected).merge(agent_or_admin)
}

/// Every operation of the extension API; the simulated switch's only when it runs.
pub(crate) fn operations(with_sim: bool) -> Vec<Operation> {
    let mut operations = public_routes().operations().to_vec();
    operations.extend_from_slice(admin_routes().operations());
    if with_sim {
        operations.extend_from_slice(sim::routes().operations());
    }
    operations.extend_from_slice(agent_or_admin_routes().operations());
    operations
}

fn public_routes() -> Routes {
    Routes::new().get("/ccgw/v1/health", health).get("/ccgw/v1/openapi.json", crate::openapi::serve)
}

/// Behind the admin token.
fn admin_routes() -> Routes {
    Routes::new()
        .get("/ccgw/v1/agents", directory::list_agents)
        .post("/ccgw/v1/agents", directory::create_agent)
        .get("/ccgw/v1/agents/{workno}", directory::get_agent)
        .patch("/ccgw/v1/agents/{workno}", directory::update_agent)
        .delete("/ccgw/v1/agents/{workno}", directory::delete_agent)
        .put("/ccgw/v1/agents/{workno}/password", directory::set_password)
        .get("/ccgw/v1/skills", directory::list_skills)
        .post("/ccgw/v1/skills", directory::create_skill)
        .get("/ccgw/v1/skills/{vdn}/{id}", directory::get_skill)
        .patch("/ccgw/v1/skills/{vdn}/{id}", directory::update_skill)
        .delete("/ccgw/v1/skills/{vdn}/{id}", directory::delete_skill)
        .get("/ccgw/v1/groups", groups::list)
        .post("/ccgw/v1/groups", groups::create)
        .get("/ccgw/v1/groups/{vdn}/{id}", groups::get)
        .patch("/ccgw/v1/groups/{vdn}/{id}", groups::update)
        .delete("/ccgw/v1/groups/{vdn}/{id}", groups::delete)
        .get("/ccgw/v1/restreasons", rest_reasons::list)
        .post("/ccgw/v1/restreasons", rest_reasons::create)
        .get("/ccgw/v1/restreasons/{vdn}/{code}", rest_reasons::get)
        .put("/ccgw/v1/restreasons/{vdn}/{code}", rest_reasons::put)
        .delete("/ccgw/v1/restreasons/{vdn}/{code}", rest_reasons::delete)
        .get("/ccgw/v1/records", records::list)
        .get("/ccgw/v1/audit", audit::list)
        .get("/ccgw/v1/vdns", directory::list_vdns)
        .get("/ccgw/v1/phones", phones::list)
        .put("/ccgw/v1/phones/{number}/secret", phones::set_secret)
        .delete("/ccgw/v1/phones/{number}/secret", phones::delete_secret)
        .get("/metrics", crate::metrics::scrape)
}

/// Readable with the admin token or the agent's own Guid.
fn agent_or_admin_routes() -> Routes {
    Routes::new()
        .get("/ccgw/v1/agents/{workno}/events", events::list)
        .get("/ccgw/v1/agents/{workno}/events/sse", events::stream)
        .get("/ccgw/v1/agents/{workno}/snapshot", snapshot::get)
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
