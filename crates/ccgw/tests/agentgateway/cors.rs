//! CORS on the wire (spec 08 C20), over HTTPS: preflights of configured origins are
//! answered with the methods and headers Huawei clients use, answers expose `Set-GUID`,
//! and other origins get no CORS headers at all.

use ccgw::config::ServerConfig;
use serde_json::json;

use crate::helpers::*;

const PAGE: &str = "https://bar.example.com:8443";

async fn gateway_allowing_the_page() -> TestApp {
    let server = ServerConfig { cors_origins: vec![PAGE.into()], shutdown_grace_ms: 1_000, ..ServerConfig::default() };
    spawn_app(TestOpts { server, ..TestOpts::default() }).await
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn a_configured_origin_gets_its_preflight_answered_and_can_read_set_guid() {
    let app = gateway_allowing_the_page().await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("onlineagent/101"))
        .header("Origin", PAGE)
        .header("Access-Control-Request-Method", "PUT")
        .header("Access-Control-Request-Headers", "guid,content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200);
    assert_eq!(header(&preflight, "access-control-allow-origin"), PAGE);
    let methods = header(&preflight, "access-control-allow-methods");
    for method in ["GET", "PUT", "POST", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = header(&preflight, "access-control-allow-headers").to_ascii_lowercase();
    assert!(headers.contains("guid") && headers.contains("content-type"), "{headers}");
    assert_eq!(header(&preflight, "access-control-max-age"), "600");
    assert_eq!(header(&preflight, "access-control-allow-credentials"), "", "no credentials: no cookies are used");

    let body = json!({"password": PASSWORD, "phonenum": "70101", "status": "4"});
    let signed_in =
        app.request("PUT", "onlineagent/101", None, Some(body)).header("Origin", PAGE).send().await.unwrap();
    assert_eq!(signed_in.status(), 200);
    assert_eq!(header(&signed_in, "access-control-allow-origin"), PAGE);
    assert!(header(&signed_in, "access-control-expose-headers").to_ascii_lowercase().contains("set-guid"));
    assert!(header(&signed_in, "vary").to_ascii_lowercase().contains("origin"), "caches keep origins apart");
    assert!(header(&signed_in, "set-guid").starts_with("JSESSIONID="));
}

#[tokio::test]
async fn another_origin_gets_no_cors_headers_and_the_default_allows_none() {
    let app = gateway_allowing_the_page().await;
    for origin in ["https://evil.example.com", "https://bar.example.com"] {
        let answer =
            app.request("GET", "agentevent/101", Some("nobody"), None).header("Origin", origin).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(header(&answer, "access-control-allow-origin"), "", "{origin}");
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("onlineagent/101"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PUT")
            .send()
            .await
            .unwrap();
        assert_eq!(header(&preflight, "access-control-allow-origin"), "", "preflight from {origin}");
    }
    let default = spawn_app(TestOpts::default()).await;
    let preflight = default
        .client
        .request(reqwest::Method::OPTIONS, default.url("onlineagent/101"))
        .header("Origin", PAGE)
        .header("Access-Control-Request-Method", "PUT")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&preflight, "access-control-allow-origin"), "");
    assert!(preflight.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}
