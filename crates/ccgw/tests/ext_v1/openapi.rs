//! `GET /ccgw/v1/openapi.json`: served without a token, and it lists what this gateway
//! serves. (tests/schemathesis.rs holds every answer to the document.)

use serde_json::Value;

use super::helpers::{TestApp, TestOpts, spawn_app};

async fn document(app: &TestApp) -> Value {
    let response = app.client.get(format!("{}/ccgw/v1/openapi.json", app.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_document_is_public_and_lists_both_apis() {
    let app = spawn_app(TestOpts::default()).await;
    let document = document(&app).await;
    assert_eq!(document["openapi"], "3.0.3");
    let paths = document["paths"].as_object().unwrap();
    let sign_in = &paths["/agentgateway/resource/onlineagent/{agentid}"]["put"];
    assert_eq!(
        sign_in["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/HuaweiSignInBody"
    );
    assert!(sign_in["responses"]["200"]["headers"]["Set-GUID"].is_object(), "{sign_in}");
    assert_eq!(
        paths["/agentgateway/resource/agentevent/{agentid}"]["get"]["security"][0]["guid"],
        serde_json::json!([])
    );
    assert_eq!(
        paths["/ccgw/v1/agents"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Agent"
    );
    assert!(paths.contains_key("/ccgw/v1/sim/calls"), "the demo runs the simulated switch");
    let operations: usize = paths.values().map(|item| item.as_object().unwrap().len()).sum();
    assert!(operations > 160, "{operations} operations");
}

#[tokio::test]
async fn without_the_simulated_switch_its_paths_are_not_in_the_document() {
    let app = spawn_app(TestOpts { silent_switch: true, ..TestOpts::default() }).await;
    let document = document(&app).await;
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.keys().all(|path| !path.starts_with("/ccgw/v1/sim/")), "{:?}", paths.keys().collect::<Vec<_>>());
    assert!(paths.contains_key("/ccgw/v1/records"));
}
