//! The call-data read interfaces over HTTPS (spec 05 §1, first part): the call-information
//! object of `docs/calldata.md` while a call rings, talks and waits, the empty answers
//! without a call, and that an agent cannot read another agent's call.
//! Run: `cargo test -p ccgw --test agentgateway calldata`.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestOpts, spawn_app};

async fn result(app: &TestApp, work_no: u32, guid: &str, path: &str) -> Value {
    let answer = app.call("GET", &format!("calldata/{work_no}/{path}"), Some(guid), None).await;
    assert_eq!(answer.retcode(), "0", "{path}: {}", answer.body);
    answer.body["result"].clone()
}

/// The object without its two times, which are checked apart: ms since 1970, and the
/// current state began no earlier than the arrival.
fn timeless(info: &Value) -> Value {
    let mut info = info.clone();
    let object = info.as_object_mut().expect("the call-information object");
    let begin = object.remove("beginTime").and_then(|ms| ms.as_u64()).expect("beginTime in ms");
    let since = object.remove("stateSince").and_then(|ms| ms.as_u64()).expect("stateSince in ms");
    assert!(begin > 1_700_000_000_000 && since >= begin, "beginTime {begin}, stateSince {since}");
    info
}

#[tokio::test]
async fn an_agent_reads_its_call_while_it_rings_and_talks_and_nothing_without_one() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    assert_eq!(result(&app, 101, &guid, "isprocesscall").await, json!(false));
    assert_eq!(result(&app, 101, &guid, "callinfobeforeanswer").await, json!({}));
    assert_eq!(result(&app, 101, &guid, "allcallid").await, json!([]));
    assert_eq!(result(&app, 101, &guid, "callnums").await, json!(0));
    assert_eq!(result(&app, 101, &guid, "remotenumbers").await, json!([]));
    assert_eq!(result(&app, 101, &guid, "appdata").await, json!(""));

    let callid = app.place_call_with(json!({"caller": "13800000001", "skill": 1, "callData": "ticket=7"})).await;
    app.events(101, &guid, 5).await;
    let mut expected = json!({
        "callId": callid, "caller": "13800000001", "called": "4000", "mediaAbility": 5,
        "calldata": "ticket=7", "callSkillId": 1, "callSkill": "General", "callType": 0,
        "state": "ringing", "agent": "101"
    });
    assert_eq!(timeless(&result(&app, 101, &guid, "callinfobeforeanswer").await), expected);
    assert_eq!(timeless(&result(&app, 101, &guid, &format!("callinfobycallid/{callid}")).await), expected);

    assert_eq!(app.call("PUT", "voicecall/101/answer", Some(&guid), None).await.retcode(), "0");
    app.events(101, &guid, 2).await;
    expected["state"] = json!("talking");
    assert_eq!(timeless(&result(&app, 101, &guid, &format!("callinfobycallid/{callid}")).await), expected);
    assert_eq!(result(&app, 101, &guid, "callinfobeforeanswer").await, json!({}), "no longer ringing");
    assert_eq!(result(&app, 101, &guid, "allcallid").await, json!([callid]));
    assert_eq!(result(&app, 101, &guid, "callnums").await, json!(1));
    assert_eq!(result(&app, 101, &guid, "isprocesscall").await, json!(true));
    assert_eq!(result(&app, 101, &guid, "remotenumbers").await, json!(["13800000001"]));
    assert_eq!(result(&app, 101, &guid, "appdata").await, json!("ticket=7"));

    // Another agent of the same VDN learns nothing about it; neither does a bad id.
    let other = app.idle_agent(102, json!({})).await;
    let refused = app.call("GET", &format!("calldata/102/callinfobycallid/{callid}"), Some(&other), None).await;
    assert_eq!(refused.retcode(), "000-002", "{}", refused.body);
    assert!(!refused.body.to_string().contains("13800000001"), "{}", refused.body);
    for id in ["1700000000-999", "not-a-call"] {
        let answer = app.call("GET", &format!("calldata/101/callinfobycallid/{id}"), Some(&guid), None).await;
        assert_eq!(answer.retcode(), "000-002", "{id}: {}", answer.body);
    }
    // Without a valid Guid nothing is read.
    let stranger = app.call("GET", "calldata/101/allcallid", Some("not-the-guid"), None).await;
    assert_ne!(stranger.retcode(), "0", "{}", stranger.body);

    assert_eq!(app.call("DELETE", "voicecall/101/release", Some(&guid), None).await.retcode(), "0");
    app.events(101, &guid, 4).await;
    assert_eq!(result(&app, 101, &guid, "callnums").await, json!(0), "the call ended");
}

#[tokio::test]
async fn waiting_calls_of_a_skill_are_listed_in_the_order_they_will_be_served() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    assert_eq!(app.call("POST", "onlineagent/101/saybusy?reason=201", Some(&guid), None).await.retcode(), "0");
    assert_eq!(result(&app, 101, &guid, "waitcallinfo/1").await, json!([]));

    let first = app.place_call_with(json!({"caller": "13800000001", "skill": 1})).await;
    let urgent = app.place_call_with(json!({"caller": "13800000002", "skill": 1, "priority": 9})).await;
    let listed = result(&app, 101, &guid, "waitcallinfo/1").await;
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|call| call["callId"].as_str().unwrap()).collect();
    assert_eq!(ids, [urgent.as_str(), first.as_str()], "higher priority first");
    assert_eq!(listed[0]["state"], json!("queued"));
    assert_eq!(listed[0]["agent"], json!(""));
    assert_eq!(timeless(&listed[1])["caller"], json!("13800000001"));

    for (path, code) in [("waitcallinfo/99", "000-002"), ("waitcallinfo/x", "000-002")] {
        let answer = app.call("GET", &format!("calldata/101/{path}"), Some(&guid), None).await;
        assert_eq!(answer.retcode(), code, "{path}: {}", answer.body);
    }
}
