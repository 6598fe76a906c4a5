//! Cross-origin calls from browser pages (spec 08 C20): for the origins configured
//! (`server.cors_origins`, none by default) preflights are answered and answers carry the
//! CORS headers: methods GET, PUT, POST, DELETE; request headers `Guid` and
//! `Content-Type`; `Set-GUID` exposed, so that a page can read the Guid. Other origins get
//! no CORS headers, so their browsers keep the answers from them. Nothing uses cookies, so
//! credentials are never allowed.

use std::time::Duration;

use http::header::CONTENT_TYPE;
use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The layer for `origins`; None when no origin is allowed.
pub(crate) fn layer(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([Method::GET, Method::PUT, Method::POST, Method::DELETE])
            .allow_headers([HeaderName::from_static("guid"), CONTENT_TYPE])
            .expose_headers([HeaderName::from_static("set-guid")])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}
