//! The audit trail: every command (who, for which agent, the interface, parameters
//! without secrets, the answer, the client address) and every state change, read back
//! through `GET /ccgw/v1/audit` with filters and paging.

use ccgw_engine::Clock;
use serde_json::{Value, json};

use crate::helpers::*;

fn actions(trail: &Value) -> Vec<String> {
    trail["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn commands_and_state_changes_are_audited_without_secrets_and_reads_are_not() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    assert_eq!(retcode(&app, "POST", "onlineagent/101/saybusy", &guid, None).await, "0");
    assert_eq!(retcode(&app, "GET", "onlineagent/101/agentstatus", &guid, None).await, "0");
    let wrong = json!({"password": "Guess-1234", "phonenum": "70102", "status": "4"});
    assert_eq!(app.call("PUT", "onlineagent/102", None, Some(wrong)).await.retcode(), "100-004");
    // Refused before anyone was identified: not audited.
    assert_eq!(retcode(&app, "POST", "onlineagent/101/sayfree", "not-the-guid", None).await, "000-003");
    assert_eq!(app.call("POST", "onlineagent/abc/saybusy", None, None).await.retcode(), "000-002");
    let (status, _) =
        app.admin("POST", "agents", Some(json!({"workNo": 150, "password": "Secret-pass-9", "phone": "70150"}))).await;
    assert_eq!(status, 201);

    let trail = app.audit_trail("").await;
    let text = trail.to_string();
    for secret in [PASSWORD, "Guess-1234", "Secret-pass-9", guid.as_str()] {
        assert!(!text.contains(secret), "{secret} in the trail: {text}");
    }
    let commands = app.audit_trail("?kind=command").await;
    assert_eq!(
        actions(&commands),
        [
            "POST /ccgw/v1/agents",
            "PUT /agentgateway/resource/onlineagent/{agentid}",
            "POST /agentgateway/resource/onlineagent/{agentid}/saybusy",
            "PUT /agentgateway/resource/onlineagent/{agentid}",
        ],
        "newest first, no reads, nothing unidentified: {commands}"
    );
    let entries = commands["entries"].as_array().unwrap();
    let (created, failed, busy, signed_in) = (&entries[0], &entries[1], &entries[2], &entries[3]);
    assert_eq!((created["actor"].as_str(), created["result"].as_str()), (Some("admin"), Some("201")));
    assert_eq!((failed["agent"].as_u64(), failed["result"].as_str()), (Some(102), Some("100-004")));
    assert_eq!(
        (busy["actor"].as_str(), busy["agent"].as_u64(), busy["result"].as_str()),
        (Some("agent"), Some(101), Some("0"))
    );
    assert_eq!(busy["client"], "127.0.0.1");
    assert_eq!(busy["at"], json!(app.clock.now().as_millis()));
    let sign_in: Value = serde_json::from_str(signed_in["detail"].as_str().unwrap()).unwrap();
    assert_eq!(sign_in["body"]["password"], "***");
    assert_eq!(sign_in["body"]["phonenum"], "70101");
    assert_eq!(sign_in["path"], "/agentgateway/resource/onlineagent/101");

    let states = app.audit_trail("?kind=state&agent=101").await;
    assert_eq!(actions(&states), ["AgentState_SetNotReady_Success", "AgentState_Ready", "signed-in"], "{states}");
    assert!(states["entries"].as_array().unwrap().iter().all(|e| e["actor"] == "gateway" && e["result"] == ""));

    let paged = app.audit_trail("?agent=101&limit=2&offset=1").await;
    assert_eq!(paged["total"], 5, "{paged}");
    assert_eq!(actions(&paged), ["AgentState_SetNotReady_Success", "PUT /agentgateway/resource/onlineagent/{agentid}"]);

    let (status, refused) = app.admin("GET", "audit?kind=everything", None).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (400, Some("invalid_request")), "{refused}");
}
