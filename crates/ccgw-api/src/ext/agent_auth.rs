//! Who may read an agent's events and snapshot: the admin (bearer token) or the agent
//! itself with its Guid in the `Guid` header. Only the routes under
//! `/ccgw/v1/agents/{workno}/events…` and `…/snapshot` accept a Guid; the engine checks
//! it against that work number when it serves the read, so one agent can never read
//! another's events.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ccgw_core::WorkNo;
use ccgw_engine::{EngineError, EventReader};
use http::StatusCode;

use super::admin_token::{self, Bearer};
use super::error::ExtError;
use super::parse::id;
use crate::state::ApiState;

const GUID_HEADER: &str = "guid";

/// Puts the [`EventReader`] into the request's extensions, or answers 401.
pub(crate) async fn require_admin_or_agent(
    State(state): State<ApiState>,
    mut request: Request,
    next: Next,
) -> Response {
    let reader = match admin_token::bearer(&state, &request) {
        Bearer::Admin => Some(EventReader::Admin),
        Bearer::Locked(until) => return admin_token::too_many(&state, until),
        // A wrong token does not stop an agent's own Guid (it is counted all the same).
        Bearer::Absent | Bearer::Wrong => request
            .headers()
            .get(GUID_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|guid| !guid.is_empty())
            .map(|guid| EventReader::Agent { guid: guid.to_owned() }),
    };
    match reader {
        Some(reader) => {
            request.extensions_mut().insert(reader);
            next.run(request).await
        }
        None => unauthorized().into_response(),
    }
}

pub(crate) fn unauthorized() -> ExtError {
    ExtError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "the admin bearer token or this agent's valid Guid is required",
    )
}

/// The work number of the agent read at `workno`. The admin reading one the directory
/// does not know gets 404; an agent's Guid is checked by the engine when it serves the read.
pub(crate) async fn agent_read(state: &ApiState, workno: &str, reader: &EventReader) -> Result<WorkNo, ExtError> {
    let work_no: WorkNo = id(workno)?;
    if matches!(reader, EventReader::Admin) {
        state.directory.get_agent(work_no).await?;
    }
    Ok(work_no)
}

/// An engine failure on a read for `reader`: a refused Guid is a 401.
pub(crate) fn read_failure(error: EngineError) -> ExtError {
    match error {
        EngineError::Refused(_) => unauthorized(),
        EngineError::Stopped => {
            tracing::error!("engine unavailable");
            ExtError::internal()
        }
    }
}
