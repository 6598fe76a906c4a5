//! The call-data interfaces over HTTPS (spec 05 §1): the call-information object of
//! `docs/calldata.md` while a call rings, talks, waits or is held, the empty answers
//! without a call, the last call, hold lists and other agents' calls, the writes and
//! their travel with a transfer, statistics, and the record lists with their paging.
//! Run: `cargo test -p ccgw --test agentgateway calldata`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Answer, LEFT_CALL, TestApp, TestOpts, customer_with_101, retcode, spawn_app, types};

async fn result(app: &TestApp, work_no: u32, guid: &str, path: &str) -> Value {
    let answer = app.agent(work_no, guid).calldata(path).await;
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

    assert_eq!(app.agent(101, &guid).answer().await.retcode(), "0");
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
    let refused = app.agent(102, &other).calldata(&format!("callinfobycallid/{callid}")).await;
    assert_eq!(refused.retcode(), "000-002", "{}", refused.body);
    assert!(!refused.body.to_string().contains("13800000001"), "{}", refused.body);
    for id in ["1700000000-999", "not-a-call"] {
        let answer = app.agent(101, &guid).calldata(&format!("callinfobycallid/{id}")).await;
        assert_eq!(answer.retcode(), "000-002", "{id}: {}", answer.body);
    }
    // Without a valid Guid nothing is read.
    let stranger = app.agent(101, "not-the-guid").calldata("allcallid").await;
    assert_ne!(stranger.retcode(), "0", "{}", stranger.body);

    assert_eq!(app.agent(101, &guid).release().await.retcode(), "0");
    app.events(101, &guid, 4).await;
    assert_eq!(result(&app, 101, &guid, "callnums").await, json!(0), "the call ended");
}

#[tokio::test]
async fn waiting_calls_of_a_skill_are_listed_in_the_order_they_will_be_served() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    assert_eq!(app.agent(101, &guid).say_busy_because(201).await.retcode(), "0");
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
        let answer = app.agent(101, &guid).calldata(path).await;
        assert_eq!(answer.retcode(), code, "{path}: {}", answer.body);
    }
}

const CUSTOMER: &str = "13800000000";
const NUMBER: &str = "5551234";

/// The retcode of a request that must answer HTTP 200, and its body.
fn refused(answer: Answer) -> (String, Value) {
    assert_eq!(answer.status, 200, "{}", answer.body);
    (answer.retcode().to_owned(), answer.body)
}

#[tokio::test]
async fn call_data_set_by_one_agent_is_read_by_the_next_after_a_blind_transfer() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, customer) = customer_with_101(&app).await;
    let path = format!("calldata/101?calldata=ticket%3D7&callid={customer}");
    assert_eq!(retcode(&app, "PUT", &path, &guid, None).await, "0");
    assert_eq!(result(&app, 101, &guid, "appdata").await, json!("ticket=7"));
    let business = json!({"businessdata": "vip customer"});
    assert_eq!(app.agent(101, &guid).put_calldata("setcallbusinessdata", Some(business)).await.checked_retcode(), "0");
    let read = app.agent(101, &guid).put_calldata("getcallbusinessdata", None).await;
    assert_eq!((read.retcode(), &read.body["result"]), ("0", &json!("vip customer")), "{}", read.body);
    assert_eq!(
        result(&app, 101, &guid, "privatecallinfo").await,
        json!({"callId": customer, "calldata": "ticket=7", "businessdata": "vip customer"})
    );

    let next = app.idle_agent(102, json!({})).await;
    let transfer = json!({"devicetype": 2, "address": "102", "mode": 0});
    assert_eq!(app.agent(101, &guid).transfer(transfer).await.checked_retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 3).await, LEFT_CALL);
    assert_eq!(app.event_types(102, &next, 5).await.last().map(String::as_str), Some("AgentEvent_Ringing"));
    assert_eq!(result(&app, 102, &next, "appdata").await, json!("ticket=7"));
    let ringing = result(&app, 102, &next, "callinfo").await;
    assert_eq!(
        (&ringing["calldata"], &ringing["state"], &ringing["agent"]),
        (&json!("ticket=7"), &json!("ringing"), &json!("102"))
    );
    assert_eq!(app.agent(102, &next).answer().await.checked_retcode(), "0");
    app.events(102, &next, 2).await;
    let body = json!({"callid": customer});
    let read = app.agent(102, &next).put_calldata("getcallbusinessdata", Some(body)).await;
    assert_eq!(read.body["result"], json!("vip customer"), "{}", read.body);

    // 101 has left: its callinfo is the call as it left it, unless it asks for none.
    let last = timeless(&result(&app, 101, &guid, "callinfo").await);
    assert_eq!(
        last,
        json!({"callId": customer, "caller": CUSTOMER, "called": "4000", "mediaAbility": 5, "calldata": "ticket=7",
               "callSkillId": 1, "callSkill": "General", "callType": 0, "state": "ended", "agent": "101"})
    );
    assert_eq!(result(&app, 101, &guid, "callinfo?isNoContainLastCall=true").await, json!({}));
    assert_eq!(result(&app, 101, &guid, "callinfo?isNoContainLastCall=false").await["state"], json!("ended"));
    let (code, _) = refused(app.agent(101, &guid).calldata("callinfo?isNoContainLastCall=yes").await);
    assert_eq!(code, "000-002");
    assert_eq!(result(&app, 101, &guid, "privatecallinfo").await, json!({}));

    let update = json!({"callid": customer, "calldata": "ticket=8"});
    assert_eq!(app.agent(102, &next).put_calldata("setcalldataex", Some(update)).await.checked_retcode(), "0");
    assert_eq!(app.hang_up(&customer).await, 200);
    app.events(102, &next, 4).await;
    let record = crate::helpers::record_of(&app, &customer).await;
    assert_eq!((&record["callData"], &record["talked"]), (&json!("ticket=8"), &json!([101, 102])));
}

#[tokio::test]
async fn every_write_without_its_call_or_its_data_gets_its_retcode() {
    let app = spawn_app(TestOpts::default()).await;
    let idle = app.idle_agent(102, json!({})).await;
    let too_long = "x".repeat(16 * 1024 + 1);
    let cases: Vec<(&str, Option<Value>, &str)> = vec![
        ("calldata/102?calldata=x", None, "400-001"),
        ("calldata/102?calldata=x&callid=1700000000-1", None, "400-001"),
        ("calldata/102?calldata=x&callid=bad%20id", None, "400-001"),
        ("calldata/102", None, "400-002"),
        ("calldata/102?calldata=", None, "400-002"),
        ("calldata/102/setcalldataex", None, "400-002"),
        ("calldata/102/setcalldataex", Some(json!({})), "400-002"),
        ("calldata/102/setcalldataex", Some(json!({"calldata": ""})), "400-002"),
        ("calldata/102/setcalldataex", Some(json!({"calldata": "x"})), "400-001"),
        ("calldata/102/setcalldataex", Some(json!({"calldata": 7})), "400-001"),
        ("calldata/102/setcalldataex", Some(json!({"calldata": {"a": 1}})), "000-002"),
        ("calldata/102/setcalldataex", Some(json!([1])), "000-002"),
        ("calldata/102/setcalldataex", Some(json!({"calldata": too_long})), "000-002"),
        ("calldata/102/setcallbusinessdata", Some(json!({"businessdata": "x"})), "400-001"),
        ("calldata/102/setcallbusinessdata", Some(json!({"calldata": "x"})), "400-002"),
        ("calldata/102/setcallbusinessdata", Some(json!({"businessdata": too_long})), "000-002"),
        ("calldata/102/getcallbusinessdata", None, "400-001"),
        ("calldata/102/getcallbusinessdata", Some(json!({"callid": "1700000000-1"})), "400-001"),
        ("calldata/102/getcallbusinessdata", Some(json!({"callid": true})), "000-002"),
    ];
    for (path, body, code) in cases {
        let (got, answer) = refused(app.call("PUT", path, Some(&idle), body).await);
        assert_eq!(got, code, "{path}: {answer}");
    }

    // Another agent's call is not the caller's to write on, nor to read.
    assert_eq!(app.agent(102, &idle).say_busy().await.checked_retcode(), "0", "the call goes to 101");
    let (owner, customer) = customer_with_101(&app).await;
    let path = format!("calldata/102?calldata=x&callid={customer}");
    assert_eq!(refused(app.call("PUT", &path, Some(&idle), None).await).0, "400-001");
    let body = json!({"callid": customer});
    assert_eq!(refused(app.agent(102, &idle).put_calldata("getcallbusinessdata", Some(body)).await).0, "400-001");
    assert_eq!(refused(app.call("PUT", "calldata/101?calldata=x", Some("not-the-guid"), None).await).0, "000-003");
    assert_eq!(refused(app.call("PUT", "calldata/101?calldata=x", Some(&idle), None).await).0, "000-003", "102's Guid");
    assert_eq!(result(&app, 101, &owner, "appdata").await, json!(""), "nothing was written");
    let exactly = json!({"calldata": "y".repeat(16 * 1024)});
    assert_eq!(
        app.agent(101, &owner).put_calldata("setcalldataex", Some(exactly)).await.checked_retcode(),
        "0",
        "16 KiB fit"
    );
}

#[tokio::test]
async fn two_held_calls_are_listed_oldest_first_and_an_empty_hold_list_is_400_003() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    assert_eq!(refused(app.agent(101, &guid).calldata("holdlist").await).0, "400-003", "no call at all");
    let customer = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    assert_eq!(app.agent(101, &guid).answer().await.checked_retcode(), "0");
    app.events(101, &guid, 2).await;
    assert_eq!(refused(app.agent(101, &guid).calldata("holdlist").await).0, "400-003", "talking");
    assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "0");
    app.events(101, &guid, 1).await;
    let answer = app.agent(101, &guid).call_out(NUMBER).await;
    let out = answer.body["result"].as_str().expect("the call-out's id").to_owned();
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentEvent_Customer_Alerting"]);
    assert_eq!(result(&app, 101, &guid, "callinfo").await["state"], json!("dialling"));
    app.advance(Duration::from_millis(1_000)).await;
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentEvent_Talking"]);
    assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentEvent_Hold"]);
    let watcher = app.idle_agent(102, json!({})).await;

    let held = json!([
        {"callfeature": 0, "callid": customer, "caller": CUSTOMER, "called": "4000", "callskill": "General",
         "callskillid": 1, "orgicallednum": "4000", "calldata": ""},
        {"callfeature": 7, "callid": out, "caller": "70101", "called": NUMBER, "callskill": "General",
         "callskillid": 1, "orgicallednum": NUMBER, "calldata": ""},
    ]);
    assert_eq!(result(&app, 101, &guid, "holdlist").await, held);
    assert_eq!(result(&app, 102, &watcher, "holdlistex/101").await, held);
    assert_eq!(result(&app, 102, &watcher, "agentholdnum/101").await, json!(2));
    assert_eq!(result(&app, 101, &guid, "agentholdnum/102").await, json!(0));
    assert_eq!(result(&app, 101, &guid, "allcallid").await, json!([customer, out]));
    assert_eq!(result(&app, 101, &guid, "callnums").await, json!(2));
    assert_eq!(result(&app, 101, &guid, "remotenumbers").await, json!([CUSTOMER, NUMBER]));
    assert_eq!(result(&app, 101, &guid, "isprocesscall").await, json!(true));
    let current = timeless(&result(&app, 101, &guid, "callinfo").await);
    assert_eq!((&current["callId"], &current["state"], &current["callType"]), (&json!(out), &json!("held"), &json!(7)));
    let by_id = result(&app, 101, &guid, &format!("callinfobycallid/{customer}")).await;
    assert_eq!(by_id["state"], json!("held"));

    let seen: Vec<(Value, Value)> = result(&app, 102, &watcher, "allcallinfo/101")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|call| (call["callId"].clone(), call["state"].clone()))
        .collect();
    assert_eq!(seen, [(json!(customer), json!("held")), (json!(out), json!("held"))]);
    let full = result(&app, 102, &watcher, "allcallinfoEx/101").await;
    assert_eq!(
        full[0]["parties"],
        json!([{"number": CUSTOMER, "type": "number", "state": "connected", "muted": false},
               {"number": "101", "type": "agent", "state": "held", "muted": false}])
    );
    assert_eq!(
        full[1]["parties"][1],
        json!({"number": NUMBER, "type": "number", "state": "connected", "muted": false})
    );
    assert_eq!((&full[1]["transferFrom"], &full[1]["agent"]), (&json!(""), &json!("101")));
    let in_vdn = result(&app, 102, &watcher, "allcallinfoinvdn").await;
    let ids: Vec<&Value> = in_vdn.as_array().unwrap().iter().map(|call| &call["callId"]).collect();
    assert_eq!(ids, [&json!(customer), &json!(out)], "in arrival order");

    // Back to the customer: only the call-out is held now.
    assert_eq!(app.agent(101, &guid).retrieve_call(&customer).await.checked_retcode(), "0");
    app.events(101, &guid, 1).await;
    let still_held = result(&app, 101, &guid, "holdlist").await;
    assert_eq!(still_held.as_array().map(|list| list.len()), Some(1));
    assert_eq!(still_held[0]["callid"], json!(out));
    assert_eq!(result(&app, 101, &guid, "callinfo").await["state"], json!("talking"));

    for (path, code) in [
        ("holdlistex/102", "400-003"),
        ("holdlistex/150", "300-002"),
        ("holdlistex/119", "300-002"),
        ("holdlistex/abc", "000-002"),
        ("agentholdnum/150", "300-002"),
        ("agentholdnum/0", "000-002"),
        ("allcallinfo/119", "300-002"),
        ("allcallinfoEx/x", "000-002"),
    ] {
        let (got, answer) = refused(app.agent(101, &guid).calldata(path).await);
        assert_eq!(got, code, "{path}: {answer}");
    }
}

#[tokio::test]
async fn an_internal_call_is_type_6_dialling_for_its_caller_and_ringing_for_the_called() {
    let app = spawn_app(TestOpts::default()).await;
    let caller = app.idle_agent(101, json!({})).await;
    let called = app.idle_agent(102, json!({})).await;
    let answer = app.agent(101, &caller).call_inner(102).await;
    let callid = answer.body["result"].as_str().expect("the call's id").to_owned();
    app.events(101, &caller, 4).await;
    app.events(102, &called, 4).await;
    let placed = timeless(&result(&app, 101, &caller, "callinfo").await);
    assert_eq!(
        placed,
        json!({"callId": callid, "caller": "101", "called": "102", "mediaAbility": 5, "calldata": "",
               "callSkillId": 1, "callSkill": "General", "callType": 6, "state": "dialling", "agent": "101"})
    );
    let ringing = result(&app, 102, &called, "callinfobeforeanswer").await;
    assert_eq!((&ringing["state"], &ringing["callType"]), (&json!("ringing"), &json!(6)));
    assert_eq!(result(&app, 101, &caller, "allcallinfo/102").await[0]["state"], json!("ringing"));
    assert_eq!(result(&app, 101, &caller, "remotenumbers").await, json!(["102"]));

    assert_eq!(app.agent(102, &called).answer().await.checked_retcode(), "0");
    app.events(102, &called, 1).await;
    app.events(101, &caller, 1).await;
    assert_eq!(result(&app, 101, &caller, "callinfo").await["state"], json!("talking"));
    assert_eq!(result(&app, 102, &called, "callinfobeforeanswer").await, json!({}), "answered");
    assert_eq!(app.agent(102, &called).release().await.checked_retcode(), "0");
    app.events(101, &caller, 4).await;
    let last = result(&app, 101, &caller, "callinfo").await;
    assert_eq!((&last["callId"], &last["state"], &last["callType"]), (&json!(callid), &json!("ended"), &json!(6)));
}

#[tokio::test]
async fn statistics_count_what_the_agent_did_since_sign_in_with_times_in_seconds() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, _) = customer_with_101(&app).await;
    app.advance(Duration::from_secs(5)).await;
    assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "0");
    assert_eq!(app.agent(101, &guid).retrieve().await.checked_retcode(), "0");
    assert_eq!(app.agent(101, &guid).release().await.checked_retcode(), "0");
    assert_eq!(types(&app.events(101, &guid, 6).await).last(), Some(&"AgentState_Ready"));

    assert_eq!(app.agent(101, &guid).say_busy().await.checked_retcode(), "0");
    app.advance(Duration::from_secs(3)).await;
    assert_eq!(app.agent(101, &guid).cancel_busy().await.checked_retcode(), "0");
    assert_eq!(app.agent(101, &guid).rest(2, 1).await.checked_retcode(), "0");
    app.advance(Duration::from_secs(5)).await;
    assert_eq!(app.agent(101, &guid).cancel_rest().await.checked_retcode(), "0");
    assert_eq!(
        app.event_types(101, &guid, 7).await,
        [
            "AgentState_SetNotReady_Success",
            "AgentState_CancelNotReady_Success",
            "AgentState_Ready",
            "AgentState_SetRest_Success",
            "AgentState_Rest_Timeout",
            "AgentState_CancelRest_Success",
            "AgentState_Ready"
        ]
    );
    assert_eq!(
        result(&app, 101, &guid, "statistics").await,
        json!({"talktime": 5, "answernums": 1, "noanswernums": 0, "calloutnums": 0, "intercallnums": 0,
               "interhelpnums": 0, "transfernums": 0, "transferoutnums": 0, "transferivrnums": 0,
               "redirectnums": 0, "keepnums": 1, "busynums": 1, "restnums": 1, "restoutnums": 1,
               "resttime": 5, "restouttime": 3, "agentrelease": 1, "busytime": 3})
    );
    let other = app.idle_agent(102, json!({})).await;
    assert_eq!(result(&app, 102, &other, "statistics").await["answernums"], json!(0), "each agent its own");
}

/// Agent 101 answers and releases one customer call a second, `count` times; the ids in
/// the order the calls arrived.
async fn answered_calls(app: &TestApp, guid: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..count {
        app.advance(Duration::from_secs(1)).await;
        ids.push(app.place_call(1).await);
        app.events(101, guid, 5).await;
        assert_eq!(app.agent(101, guid).answer().await.checked_retcode(), "0");
        app.events(101, guid, 2).await;
        assert_eq!(app.agent(101, guid).release().await.checked_retcode(), "0");
        app.events(101, guid, 4).await;
    }
    ids
}

/// A record list's page once every ended call is written; it must list `total` records.
async fn page_when(app: &TestApp, guid: &str, path: &str, total: u64) -> Value {
    app.flush_records().await;
    let page = result(app, 101, guid, path).await;
    assert_eq!(page["total"], json!(total), "{path}: {page}");
    page
}

fn listed_ids(page: &Value) -> Vec<&str> {
    page["records"].as_array().expect("records").iter().map(|r| r["callid"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn record_lists_page_newest_first_by_position_and_filter_by_date_agent_and_skill() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let calls = answered_calls(&app, &guid, 5).await;
    // A call that nobody talked in: it belongs to the VDN's records, not to 101's.
    let agent = app.agent(101, &guid);
    assert_eq!(agent.say_busy().await.checked_retcode(), "0");
    app.advance(Duration::from_secs(1)).await;
    let abandoned = app.place_call(1).await;
    assert_eq!(app.hang_up(&abandoned).await, 200);

    let own = "queryselfcallrecordinfolist";
    let first = page_when(&app, &guid, &format!("{own}?startposition=1&endposition=2"), 5).await;
    assert_eq!(listed_ids(&first), [calls[4].as_str(), calls[3].as_str()]);
    let newest = &first["records"][0];
    let (begin, answer, end) = (
        newest["begintime"].as_u64().unwrap(),
        newest["answertime"].as_u64().unwrap(),
        newest["endtime"].as_u64().unwrap(),
    );
    assert!(begin > 1_700_000_000_000 && begin <= answer && answer <= end, "{newest}");
    let mut shape = newest.clone();
    for key in ["begintime", "answertime", "endtime"] {
        shape.as_object_mut().unwrap().remove(key);
    }
    assert_eq!(
        shape,
        json!({"callid": calls[4], "callfeature": 0, "caller": CUSTOMER, "called": "4000", "calldata": "",
               "skillid": 1, "mediatype": 5, "outcome": "answered", "workno": "101", "talked": ["101"],
               "supervision": []})
    );
    let last = result(&app, 101, &guid, &format!("{own}?startposition=5&endposition=9")).await;
    assert_eq!((listed_ids(&last), &last["total"]), (vec![calls[0].as_str()], &json!(5)));
    assert_eq!(listed_ids(&result(&app, 101, &guid, &format!("{own}?startposition=6")).await), Vec::<&str>::new());
    assert_eq!(listed_ids(&result(&app, 101, &guid, own).await).len(), 5, "one page of up to 100 by default");

    let vdn = page_when(&app, &guid, "callRecordInfoList", 6).await;
    assert_eq!(listed_ids(&vdn)[0], abandoned);
    assert_eq!(vdn["records"][0]["outcome"], json!("abandoned-in-queue"));
    assert_eq!(vdn["records"][0]["workno"], json!(""));
    assert_eq!(result(&app, 101, &guid, "callRecordInfoList?workno=101&skillid=1").await["total"], json!(5));
    assert_eq!(result(&app, 101, &guid, "callRecordInfoList?workno=102").await["total"], json!(0));
    assert_eq!(result(&app, 101, &guid, "callRecordInfoList?skillid=2").await["total"], json!(0));

    // Dates select by arrival, both ends included: ms, or UTC text to the second or day.
    let arrived: Vec<u64> = {
        let all = result(&app, 101, &guid, own).await;
        let mut times: Vec<u64> =
            all["records"].as_array().unwrap().iter().map(|r| r["begintime"].as_u64().unwrap()).collect();
        times.reverse();
        times
    };
    let text = |ms: u64| ccgw_core::Timestamp::from_millis(ms).utc_text().replace(' ', "%20");
    let from_third = result(&app, 101, &guid, &format!("{own}?startdate={}", arrived[2])).await;
    assert_eq!(listed_ids(&from_third), [calls[4].as_str(), calls[3].as_str(), calls[2].as_str()]);
    let to_second = result(&app, 101, &guid, &format!("{own}?enddate={}", text(arrived[1]))).await;
    assert_eq!(listed_ids(&to_second), [calls[1].as_str(), calls[0].as_str()]);
    let (first_day, last_day) = (&text(arrived[0])[..10], &text(arrived[4])[..10]);
    let days = result(&app, 101, &guid, &format!("{own}?startdate={first_day}&enddate={last_day}")).await;
    assert_eq!(days["total"], json!(5));

    for query in [
        "startdate=yesterday",
        "enddate=2025-02-30",
        "startdate=2025-01-31T08:00:00",
        "startposition=0",
        "startposition=x",
        "startposition=3&endposition=2",
        "endposition=-1",
        "startdate=2025-02-01&enddate=2025-01-31",
        "skillid=x",
    ] {
        let (code, answer) = refused(agent.calldata(&format!("{own}?{query}")).await);
        assert_eq!(code, "000-002", "{query}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| m.len() > 20), "{query}: a message that says why");
    }
    let (code, _) = refused(agent.calldata("callRecordInfoList?workno=abc").await);
    assert_eq!(code, "000-002");
}

#[tokio::test]
async fn another_vdn_sees_none_of_the_calls_or_the_records() {
    let app = spawn_app(TestOpts::default()).await;
    let directory = app.directory().await;
    let vdn = ccgw_core::Vdn::new(2).unwrap();
    let access_code = Some(ccgw_core::PhoneNumber::parse("5000").unwrap());
    directory.create_vdn(&ccgw_store::VdnRecord { vdn, name: "Other".into(), access_code }).await.expect("VDN 2");
    let profile = ccgw_core::AgentProfile {
        work_no: ccgw_core::WorkNo::new(201).unwrap(),
        vdn,
        name: "Agent 201".into(),
        phone: ccgw_core::PhoneNumber::parse("70201").unwrap(),
        role: ccgw_core::Role::Inspector,
        skills: Vec::new(),
        group: None,
        wrap_up: None,
    };
    let password = crate::helpers::PASSWORD.into();
    directory.create_agent(&ccgw_store::NewAgent { profile, password }).await.expect("agent 201");

    let (guid, customer) = customer_with_101(&app).await;
    let far = app.idle_agent(201, json!({})).await;
    assert_eq!(result(&app, 201, &far, "allcallinfoinvdn").await, json!([]));
    for path in ["holdlistex/101", "agentholdnum/101", "allcallinfo/101", "allcallinfoEx/101"] {
        let (code, answer) = refused(app.agent(201, &far).calldata(path).await);
        assert_eq!(code, "300-002", "{path}: {answer}");
        assert_eq!(answer["message"], "no signed-in agent 101 in this VDN", "{path}");
        assert!(!answer.to_string().contains(CUSTOMER), "{answer}");
    }
    let (code, _) = refused(app.agent(101, &guid).calldata("allcallinfo/201").await);
    assert_eq!(code, "300-002");
    let (code, _) = refused(app.agent(201, &far).calldata(&format!("callinfobycallid/{customer}")).await);
    assert_eq!(code, "000-002");
    let body = json!({"callid": customer, "calldata": "from afar"});
    assert_eq!(refused(app.agent(201, &far).put_calldata("setcalldataex", Some(body)).await).0, "400-001");

    assert_eq!(app.agent(101, &guid).release().await.checked_retcode(), "0");
    page_when(&app, &guid, "queryselfcallrecordinfolist", 1).await;
    assert_eq!(result(&app, 201, &far, "callRecordInfoList").await, json!({"total": 0, "records": []}));
    assert_eq!(result(&app, 201, &far, "callRecordInfoList?workno=101").await["total"], json!(0));
}
