//! `/ccgw/v1/agents/{workno}/snapshot`: the agent's state and calls with the sequence
//! number of its last event, from which `…/events?after=` continues without a gap or a
//! repeat.

use ccgw_engine::Clock;
use serde_json::{Value, json};

use super::events::{As, read, seqs};
use super::helpers::{OFFERED, TestApp, TestOpts, retcode, spawn_app, types};

async fn snapshot(app: &TestApp, work_no: u32, reader: As<'_>) -> Value {
    let (status, body) = read(app, &format!("{work_no}/snapshot"), reader).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn now(app: &TestApp) -> u64 {
    app.clock.now().as_millis()
}

#[tokio::test]
async fn an_idle_agent_and_a_signed_out_one_have_their_whole_state_in_a_snapshot() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let t = now(&app);
    let idle = json!({
        "workNo": "101", "seq": 2, "takenAt": t, "signedIn": true, "state": "idle", "status": 4,
        "ctiStatus": 1, "stateSince": t, "loginTime": t, "vdn": 1, "phone": "70101", "skills": [1, 2],
        "rest": null, "calls": []
    });
    assert_eq!(snapshot(&app, 101, As::Agent(&guid)).await, idle);
    assert_eq!(snapshot(&app, 101, As::Admin).await, idle, "the admin sees the same");

    let never = json!({
        "workNo": "110", "seq": 0, "takenAt": t, "signedIn": false, "state": "signed-out", "status": 2,
        "ctiStatus": null, "stateSince": null, "loginTime": null, "vdn": null, "phone": null, "skills": [],
        "rest": null, "calls": []
    });
    assert_eq!(snapshot(&app, 110, As::Admin).await, never);

    // Signed out, it still has its events: a client can follow on from its seq.
    assert_eq!(retcode(&app, "DELETE", "onlineagent/101/logout", &guid, None).await, "0");
    let signed_out = snapshot(&app, 101, As::Admin).await;
    assert_eq!((&signed_out["signedIn"], &signed_out["state"]), (&json!(false), &json!("signed-out")));
    let (_, page) = read(&app, "101/events", As::Admin).await;
    assert_eq!(signed_out["seq"], page["last"]);
}

#[tokio::test]
async fn a_talking_agents_snapshot_shows_its_call_with_parties_and_call_data() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let arrived = now(&app);
    let callid = app.place_call_with(json!({"caller": "13800000000", "skill": 1, "callData": "ticket=7"})).await;
    app.events(101, &guid, 5).await;
    app.advance(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(retcode(&app, "PUT", "voicecall/101/answer", &guid, None).await, "0");
    let answered = now(&app);

    let talking = snapshot(&app, 101, As::Agent(&guid)).await;
    assert_eq!(
        (&talking["state"], &talking["status"], &talking["ctiStatus"]),
        (&json!("talking"), &json!(7), &json!(5))
    );
    let called = talking["calls"][0]["called"].clone();
    assert!(called.as_str().is_some_and(|called| !called.is_empty()), "{talking}");
    assert_eq!(
        talking["calls"],
        json!([{
            "callid": callid, "state": "talking", "leg": "connected", "current": true,
            "caller": "13800000000", "called": called, "mediaType": 5, "feature": 0,
            "skill": 1, "skillName": "General", "callData": "ticket=7", "businessData": "",
            "arrivedAt": arrived, "stateSince": answered, "transferredFrom": null,
            "parties": [
                {"party": "number:13800000000", "leg": "connected", "muted": false},
                {"party": "agent:101", "leg": "connected", "muted": false}
            ]
        }])
    );
}

#[tokio::test]
async fn events_after_the_snapshot_seq_are_exactly_those_that_happened_after_it() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let idle = snapshot(&app, 101, As::Agent(&guid)).await;
    assert_eq!(idle["seq"], json!(2));

    app.place_call(1).await;
    let (_, offered) = read(&app, "101/events?after=2", As::Agent(&guid)).await;
    assert_eq!(seqs(&offered["events"]), [3, 4, 5, 6, 7]);
    let ringing = snapshot(&app, 101, As::Agent(&guid)).await;
    assert_eq!((&ringing["seq"], &ringing["state"]), (&json!(7), &json!("ringing")));
    assert_eq!(ringing["calls"][0]["state"], json!("ringing"));

    assert_eq!(retcode(&app, "PUT", "voicecall/101/answer", &guid, None).await, "0");
    let (_, after) = read(&app, "101/events?after=7", As::Agent(&guid)).await;
    assert_eq!(seqs(&after["events"]), [8, 9], "none before the snapshot, none missing");
    let after_types = types(after["events"].as_array().unwrap());
    assert_eq!(after_types, ["AgentEvent_Customer_Alerting", "AgentEvent_Talking"]);
    assert_eq!(snapshot(&app, 101, As::Admin).await["seq"], json!(9));

    // Reading the snapshot took nothing from the Huawei poll.
    let polled = app.events(101, &guid, 9).await;
    assert_eq!(types(&polled[2..7]), OFFERED);
    assert_eq!(types(&polled[7..]), after_types);
}

#[tokio::test]
async fn a_snapshot_is_read_by_the_admin_or_the_agents_own_guid_only() {
    let app = spawn_app(TestOpts::default()).await;
    let guid_101 = app.sign_in(101, json!({})).await;
    let guid_102 = app.sign_in(102, json!({})).await;
    for (path, reader) in [
        ("102/snapshot", As::Agent(&guid_101)),
        ("101/snapshot", As::Agent("not-a-guid.AgentGateway1")),
        ("101/snapshot", As::Nobody),
        ("999/snapshot", As::Agent(&guid_101)),
    ] {
        let (status, body) = read(&app, path, reader).await;
        assert_eq!((status, &body["error"]["code"]), (401, &json!("unauthorized")), "{path}: {body}");
    }
    assert_eq!(snapshot(&app, 102, As::Agent(&guid_102)).await["workNo"], json!("102"));
    assert_eq!(snapshot(&app, 102, As::Admin).await["workNo"], json!("102"));

    let (status, body) = read(&app, "999/snapshot", As::Admin).await;
    assert_eq!((status, &body["error"]["code"]), (404, &json!("not_found")), "{body}");
    for path in ["abc/snapshot", "0101/snapshot", "101/snapshot?after=3"] {
        let (status, body) = read(&app, path, As::Admin).await;
        assert_eq!((status, &body["error"]["code"]), (400, &json!("invalid_request")), "{path}: {body}");
    }
    // A signed-out agent's Guid reads nothing any more; the admin still does.
    assert_eq!(retcode(&app, "DELETE", "onlineagent/102/logout", &guid_102, None).await, "0");
    assert_eq!(read(&app, "102/snapshot", As::Agent(&guid_102)).await.0, 401);
    assert_eq!(snapshot(&app, 102, As::Admin).await["state"], json!("signed-out"));
}
