//! Route registration that remembers what it registered: every method and path template
//! goes into the router and into a list, so the OpenAPI document can be checked against
//! the interfaces that really exist, both ways.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

/// One routed interface: a method and axum's path template (`/x/{agentid}/y`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Operation {
    pub(crate) method: &'static str,
    pub(crate) path: String,
}

/// A router and the operations it serves.
pub(crate) struct Routes<S = crate::state::ApiState> {
    router: Router<S>,
    operations: Vec<Operation>,
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub(crate) fn new() -> Self {
        Self { router: Router::new(), operations: Vec::new() }
    }

    pub(crate) fn get<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("GET", path, get(handler))
    }

    pub(crate) fn post<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("POST", path, post(handler))
    }

    pub(crate) fn put<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("PUT", path, put(handler))
    }

    pub(crate) fn patch<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("PATCH", path, patch(handler))
    }

    pub(crate) fn delete<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("DELETE", path, delete(handler))
    }

    /// axum merges method routers registered on one path, so `get` then `post` on the
    /// same path serve both.
    fn add(mut self, method: &'static str, path: &str, route: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, route);
        self.operations.push(Operation { method, path: path.to_owned() });
        self
    }

    pub(crate) fn merge(mut self, other: Routes<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.operations.extend(other.operations);
        self
    }

    /// Hands the routes their state; the operations stay.
    pub(crate) fn with_state<S2>(self, state: S) -> Routes<S2> {
        Routes { router: self.router.with_state(state), operations: self.operations }
    }

    pub(crate) fn operations(&self) -> &[Operation] {
        &self.operations
    }

    pub(crate) fn into_router(self) -> Router<S> {
        self.router
    }
}
