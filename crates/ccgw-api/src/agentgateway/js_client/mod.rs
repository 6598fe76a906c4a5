//! `GET /agentgateway/resource-js`: the JavaScript REST client browser agent bars load
//! from the gateway (spec 08 C21). The runtime (`runtime.js`) is ccgw's own; the functions
//! are generated from `functions.tsv` — the names, paths and parameters of the
//! gateway-generated client (spec 09) — and each of them is checked against ccgw's route
//! table by the tests below, so the script never offers an interface ccgw does not route.

use std::sync::LazyLock;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

const RUNTIME: &str = include_str!("runtime.js");
const FUNCTIONS: &str = include_str!("functions.tsv");
/// Where the runtime takes the generated definitions.
const FUNCTIONS_MARK: &str = "  /*FUNCTIONS*/\n";

/// The path the script is served at.
pub(crate) const PATH: &str = "/agentgateway/resource-js";

/// One function of the client.
struct Function {
    group: &'static str,
    name: &'static str,
    method: &'static str,
    /// Relative to `/agentgateway/resource`; its `{names}` are the parameter keys.
    path: &'static str,
    query: Vec<&'static str>,
    sends_entity: bool,
}

fn functions() -> impl Iterator<Item = Function> {
    FUNCTIONS.lines().filter(|line| !line.starts_with('#') && !line.trim().is_empty()).filter_map(|line| {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [group, name, method, path, query, entity] = fields.as_slice() else { return None };
        let query = query.split(',').filter(|name| !name.is_empty()).collect();
        Some(Function { group, name, method, path, query, sends_entity: *entity == "yes" })
    })
}

/// A JavaScript literal for `value` (a JSON string or array is one).
fn literal(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

static SCRIPT: LazyLock<String> = LazyLock::new(|| {
    let definitions: String = functions()
        .map(|f| {
            let (group, name, method, path) =
                (literal(&f.group), literal(&f.name), literal(&f.method), literal(&f.path));
            let query = literal(&f.query);
            format!("  define({group}, {name}, {method}, {path}, {query}, {});\n", f.sends_entity)
        })
        .collect();
    RUNTIME.replacen(FUNCTIONS_MARK, &definitions, 1)
});

/// The script, generated once.
pub(crate) async fn serve() -> Response {
    let headers = [(CONTENT_TYPE, "application/javascript; charset=utf-8"), (CACHE_CONTROL, "no-cache")];
    (headers, SCRIPT.as_str()).into_response()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// `/x/{a}/y` → `/x/{}/y`: paths compared whatever their parameters are called.
    fn shape(path: &str) -> String {
        path.split('/')
            .map(|segment| if segment.starts_with('{') { "{}" } else { segment })
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn every_function_calls_an_interface_ccgw_routes() {
        let routed: BTreeSet<(&str, String)> = crate::agentgateway::routes()
            .operations()
            .iter()
            .filter_map(|op| Some((op.method, shape(op.path.strip_prefix("/agentgateway/resource")?))))
            .collect();
        let functions: Vec<Function> = functions().collect();
        assert_eq!(functions.len(), 194, "spec 09 sections 2 and 3, one function per interface");
        // A routed parameter takes any segment (`/agentevent/allagentevent` is served by
        // `/agentevent/{agentid}`).
        let served = |method: &str, path: &str| {
            let wanted: Vec<String> = shape(path).split('/').map(str::to_owned).collect();
            routed.iter().any(|(routed_method, routed_path)| {
                let segments: Vec<&str> = routed_path.split('/').collect();
                *routed_method == method
                    && segments.len() == wanted.len()
                    && segments.iter().zip(&wanted).all(|(routed, wanted)| *routed == "{}" || routed == wanted)
            })
        };
        let unrouted: Vec<String> = functions
            .iter()
            .filter(|f| !served(f.method, f.path))
            .map(|f| format!("{}.{} {} {}", f.group, f.name, f.method, f.path))
            .collect();
        assert!(unrouted.is_empty(), "functions without a route: {unrouted:#?}");
    }

    #[test]
    fn the_script_defines_every_function_once_and_keeps_the_runtime() {
        let script = SCRIPT.as_str();
        assert!(!script.contains("/*FUNCTIONS*/"), "the definitions replaced the mark");
        assert!(script.contains(r#"define("OnlineAgent", "login", "PUT", "/onlineagent/{agentid}", [], true);"#));
        assert!(
            script
                .contains(r#"define("VoiceCall", "answer", "PUT", "/voicecall/{agentid}/answer", ["callid"], false);"#)
        );
        let mut seen = BTreeSet::new();
        for function in functions() {
            assert!(seen.insert((function.group, function.name)), "{}.{} twice", function.group, function.name);
        }
        assert!(script.contains("global.cookiestring = guid.replace(/^\\s*JSESSIONID=/, '')"));
    }
}
