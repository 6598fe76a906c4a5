//! Collapse repeated `/` in request paths before routing (spec 08 C13): the generated
//! JavaScript client builds `/agentgateway/resource//onlineagent/…`.

use http::Request;
use http::uri::{PathAndQuery, Uri};

pub(crate) fn collapse_slashes<B>(mut request: Request<B>) -> Request<B> {
    let path = request.uri().path();
    if !path.contains("//") {
        return request;
    }
    let mut collapsed = String::with_capacity(path.len());
    for ch in path.chars() {
        if ch == '/' && collapsed.ends_with('/') {
            continue;
        }
        collapsed.push(ch);
    }
    if let Some(query) = request.uri().query() {
        collapsed.push('?');
        collapsed.push_str(query);
    }
    let mut parts = request.uri().clone().into_parts();
    if let Ok(path_and_query) = collapsed.parse::<PathAndQuery>() {
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(uri: &str) -> String {
        let request = Request::builder().uri(uri).body(()).unwrap();
        collapse_slashes(request).uri().to_string()
    }

    #[test]
    fn double_slashes_collapse_and_the_query_survives() {
        assert_eq!(path_of("/agentgateway/resource//onlineagent/101"), "/agentgateway/resource/onlineagent/101");
        assert_eq!(path_of("//a///b/?x=1//2"), "/a/b/?x=1//2");
        assert_eq!(path_of("/plain/path?q"), "/plain/path?q");
    }
}
