//! Supervisors over HTTPS (spec 06): the demo inspector 120 monitors agents, forces their
//! states and signs them out; refusals carry the QC retcodes.

use serde_json::{Value, json};

use crate::helpers::*;

fn qc_notify(subtype: &str, agent: &str) -> Value {
    json!({"subtype": subtype, "monitoredagent": agent, "agentname": agent, "mediaserver": "ccgw"})
}

#[tokio::test]
async fn an_inspector_monitors_agents_and_forces_their_states() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let monitor = retcode(&app, "POST", "qualitycontrol/120/beginmonitor?agents=101;102", &inspector, None).await;
    assert_eq!(monitor, "0");
    let all = app.call("GET", "qualitycontrol/120/allagent", Some(&inspector), None).await;
    assert_eq!(all.body["result"], json!(["101", "102"]), "{}", all.body);

    let agent = app.idle_agent(101, json!({})).await;
    let told = app.events(120, &inspector, 2).await;
    assert_eq!(types(&told), ["QC_AgentState_Notify", "QC_AgentState_Notify"]);
    assert_eq!(told[0]["content"], qc_notify("QC_AgentState_Login", "101"));
    assert_eq!(told[1]["content"], qc_notify("QC_AgentState_Idle", "101"));

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcebusy/101", &inspector, None).await, "0");
    let busy = app.events(101, &agent, 1).await;
    assert_eq!(types(&busy), ["AgentState_SetNotReady_Success"]);
    assert_eq!(busy[0]["content"], json!({"reason": "3"}), "forced busy by an inspector");
    assert_eq!(app.events(120, &inspector, 1).await[0]["content"], qc_notify("QC_AgentState_Busy", "101"));

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcerest/101/60/2", &inspector, None).await, "0");
    assert_eq!(types(&app.events(101, &agent, 1).await), ["AgentState_SetRest_Success"]);
    assert_eq!(app.events(120, &inspector, 1).await[0]["content"], qc_notify("QC_AgentState_Rest", "101"));
    // Resting: busy is not a state the table allows from there.
    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcebusy/101", &inspector, None).await, "900-005");
    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forceidle/101", &inspector, None).await, "0");
    assert!(types(&app.events(101, &agent, 2).await).contains(&"AgentState_Ready"));

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcelogout/101", &inspector, None).await, "0");
    let out = app.events(101, &agent, 1).await;
    assert_eq!(types(&out), ["AgentOther_ShutdownService"]);
    let told: Vec<Value> = app.events(120, &inspector, 2).await;
    assert_eq!(told.last().unwrap()["content"], qc_notify("QC_AgentState_Logout", "101"), "{told:?}");

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/endmonitor?agents=101,102", &inspector, None).await, "0");
    let all = app.call("GET", "qualitycontrol/120/allagent", Some(&inspector), None).await;
    assert_eq!(all.body["result"], json!([]));
}

#[tokio::test]
async fn supervision_refusals_carry_the_qc_retcodes() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let agent = app.idle_agent(101, json!({})).await;
    let cases = [
        ("qualitycontrol/101/forcebusy/102", &agent, "900-002"),
        ("qualitycontrol/120/forcebusy/120", &inspector, "000-005"),
        ("qualitycontrol/120/forcebusy/119", &inspector, "900-004"),
        ("qualitycontrol/120/forcerest/101/0/1", &inspector, "000-002"),
        ("qualitycontrol/120/forcerest/101/60/0", &inspector, "000-002"),
        ("qualitycontrol/120/beginmonitor", &inspector, "000-002"),
        ("qualitycontrol/120/beginmonitor?agents=1a", &inspector, "000-002"),
        ("qualitycontrol/120/forcedropcall/not-a-call", &inspector, "200-017"),
        ("qualitycontrol/120/forcebusy/101", &agent, "000-003"),
    ];
    for (path, guid, expected) in cases {
        assert_eq!(retcode(&app, "POST", path, guid, None).await, expected, "{path}");
    }
    let not_inspector = app.call("GET", "qualitycontrol/101/allagent", Some(&agent), None).await;
    assert_eq!(not_inspector.retcode(), "900-002");
    app.assert_no_event(101, &agent).await;
}
