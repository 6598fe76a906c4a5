//! The query interfaces over HTTPS (`agentgroup`, `queuedevice`, `querymonitor`, spec 05
//! §2–§4): the result shapes of `docs/queries.md`, every error retcode, and that another
//! VDN stays invisible. Run: `cargo test -p ccgw --test agentgateway queries`.

use std::time::Duration;

use ccgw_core::{
    AgentProfile, GroupId, GroupProfile, PhoneNumber, Role, SkillGrant, SkillId, SkillLevel, SkillProfile,
};
use ccgw_core::{Vdn, WorkNo};
use ccgw_engine::Clock;
use ccgw_store::{NewAgent, SqliteStore, VdnRecord};
use serde_json::{Value, json};

use crate::helpers::{Answer, PASSWORD, TestApp, TestOpts, spawn_app, start_prepared};

/// Every query interface: method, path after `{agentid}`, body.
const EVERY_QUERY: &[(&str, &str, Option<&str>)] = &[
    ("GET", "agentgroup/{a}/restreason", None),
    ("GET", "agentgroup/{a}/agentbyskill/1", None),
    ("GET", "agentgroup/{a}/agentidsbyskill/1", None),
    ("GET", "agentgroup/{a}/agentbyconfigedskill/1", None),
    ("GET", "agentgroup/{a}/agentbyworkno/101", None),
    ("GET", "agentgroup/{a}/groupbyagent/101", None),
    ("GET", "agentgroup/{a}/agentongroup", None),
    ("GET", "agentgroup/{a}/agentongroupex?groupid=1", None),
    ("GET", "agentgroup/{a}/grouponvdn", None),
    ("GET", "agentgroup/{a}/onlineagentonvdn", None),
    ("GET", "agentgroup/{a}/loggedinagentphoneonvdn", None),
    ("GET", "agentgroup/{a}/agentwasnameonvdn", None),
    ("GET", "agentgroup/{a}/allagentstatus", None),
    ("GET", "agentgroup/{a}/alllocalagentstatus", None),
    ("GET", "agentgroup/{a}/idleagent", None),
    ("GET", "agentgroup/{a}/agentlistbystatus?status=4", None),
    ("GET", "agentgroup/{a}/queryagentstatus", None),
    ("GET", "agentgroup/{a}/queryagentstatusandskill", None),
    ("GET", "agentgroup/{a}/agentrestinfo", None),
    ("GET", "agentgroup/{a}/allchatagents", None),
    ("POST", "agentgroup/{a}/agentinfonoskills", Some(r#"{"agentlist":["101"]}"#)),
    ("GET", "agentgroup/{a}/iscallout", None),
    ("GET", "agentgroup/{a}/iscensor", None),
    ("GET", "agentgroup/{a}/isspymonitor", None),
    ("GET", "agentgroup/{a}/ismonitor", None),
    ("GET", "agentgroup/{a}/isreportmanager", None),
    ("GET", "agentgroup/{a}/issystem", None),
    ("GET", "agentgroup/{a}/ispickup", None),
    ("GET", "queuedevice/{a}/waitnum", None),
    ("GET", "queuedevice/{a}/waitnumbyagent", None),
    ("GET", "queuedevice/{a}/skillwaitnum/1", None),
    ("GET", "queuedevice/{a}/agentskill/101", None),
    ("GET", "queuedevice/{a}/agentvdnskill", None),
    ("GET", "queuedevice/{a}/vdnskill/1", None),
    ("GET", "queuedevice/{a}/ivrinfo", None),
    ("GET", "queuedevice/{a}/innoinfo", None),
    ("POST", "queuedevice/{a}/queryskillstat", None),
    ("POST", "queuedevice/{a}/queryacdstat", Some(r#"{"skills":[1]}"#)),
    ("GET", "querymonitor/{a}/systemversion", None),
    ("GET", "querymonitor/{a}/servertime", None),
    ("GET", "querymonitor/{a}/systemstate", None),
    ("GET", "querymonitor/{a}/clusterinfo", None),
    ("GET", "querymonitor/{a}/clusterinfobyname/ccgw", None),
    ("GET", "querymonitor/{a}/agentclusterinfo/101", None),
    ("GET", "querymonitor/{a}/allagentclusterinfo", None),
    ("GET", "querymonitor/{a}/skillstatisticinfo/1", None),
    ("POST", "querymonitor/{a}/setagenttimeout/false", None),
    ("POST", "querymonitor/{a}/setmaxchatnum/1/5?agents=101", None),
];

fn body(text: Option<&str>) -> Option<Value> {
    text.map(|text| serde_json::from_str(text).unwrap())
}

async fn get(app: &TestApp, path: &str, guid: &str) -> Value {
    let answer = app.call("GET", path, Some(guid), None).await;
    assert_eq!(answer.retcode(), "0", "{path}: {}", answer.body);
    answer.body["result"].clone()
}

async fn retcode(app: &TestApp, method: &str, path: &str, guid: &str, body: Option<Value>) -> String {
    code_of(app.call(method, path, Some(guid), body).await)
}

/// The retcode of an answer that must come with HTTP 200, and without a result but with
/// a message when it refuses.
fn code_of(answer: Answer) -> String {
    assert_eq!(answer.status, 200, "HTTP 200 for every business outcome: {}", answer.body);
    if answer.retcode() != "0" {
        assert!(answer.body.get("result").is_none(), "no result on an error: {}", answer.body);
        assert!(answer.body["message"].as_str().is_some_and(|m| !m.is_empty()), "a message: {}", answer.body);
    }
    answer.retcode().to_owned()
}

fn now_ms(app: &TestApp) -> u64 {
    app.clock.now().as_millis()
}

fn work_nos(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().map(|agent| agent["workno"].as_str().expect("workno")).collect()
}

fn signed_out(work_no: u32, group: (u16, &str)) -> Value {
    json!({
        "workno": work_no.to_string(), "name": format!("Agent {work_no}"), "status": 2, "ctiStatus": 0,
        "groupid": group.0, "groupname": group.1, "mediatype": "FFF", "vdnid": 1,
        "phonenumber": format!("70{work_no}"), "currentstatetime": 0, "stateDuration": 0, "logindate": 0,
        "inMultimediaConf": 0
    })
}

#[tokio::test]
async fn every_query_needs_a_signed_in_caller_with_its_guid() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    for &(method, path, text) in EVERY_QUERY {
        let mine = path.replace("{a}", "101");
        let answer = app.call(method, &mine, None, body(text)).await;
        assert_eq!((answer.status, answer.retcode()), (200, "000-003"), "{method} {mine} without a Guid");
        assert_eq!(retcode(&app, method, &mine, "wrong-guid", body(text)).await, "000-003", "{mine} bad Guid");
        let other = path.replace("{a}", "102");
        assert_eq!(retcode(&app, method, &other, &guid, body(text)).await, "100-006", "{other}: 102 is signed out");
    }
}

#[tokio::test]
async fn agent_lists_hold_every_agent_of_the_vdn_with_its_state() {
    let app = spawn_app(TestOpts::default()).await;
    let t0 = now_ms(&app);
    let guid = app.sign_in(101, json!({})).await;
    app.sign_in(102, json!({"status": "3"})).await;
    app.sign_in(111, json!({"phonenum": "70999"})).await;
    app.advance(Duration::from_secs(5)).await;

    let me = get(&app, "agentgroup/101/agentbyworkno/101", &guid).await;
    let expected = json!({
        "workno": "101", "name": "Agent 101", "status": 4, "ctiStatus": 1, "groupid": 1, "groupname": "Team A",
        "mediatype": "TFF", "vdnid": 1, "phonenumber": "70101", "currentstatetime": t0, "stateDuration": 5,
        "logindate": t0, "inMultimediaConf": 0,
        "skilllist": [{"name": "General", "id": 1, "mediatype": 5}, {"name": "VIP", "id": 2, "mediatype": 5}]
    });
    assert_eq!(me, expected);
    let mut plain = signed_out(103, (1, "Team A"));
    plain["skilllist"] = json!([]);
    assert_eq!(get(&app, "agentgroup/101/agentbyworkno/103", &guid).await, plain, "signed out: no skills served");

    let all = get(&app, "agentgroup/101/allagentstatus", &guid).await;
    let numbers: Vec<String> = (101..=120).map(|n: u32| n.to_string()).collect();
    assert_eq!(work_nos(&all), numbers.iter().map(String::as_str).collect::<Vec<_>>());
    let mut first = expected.clone();
    first.as_object_mut().unwrap().remove("skilllist");
    assert_eq!(all[0], first);
    assert_eq!(all[1]["status"], json!(3), "102 signed in busy");
    assert_eq!(all[1]["ctiStatus"], json!(7));
    assert_eq!(all[2], signed_out(103, (1, "Team A")));
    assert_eq!(all[10]["phonenumber"], json!("70999"), "the phone signed in with");
    assert_eq!(get(&app, "agentgroup/101/queryagentstatus", &guid).await, all);

    let online = get(&app, "agentgroup/101/onlineagentonvdn", &guid).await;
    assert_eq!(work_nos(&online), ["101", "102", "111"]);
    assert_eq!(get(&app, "agentgroup/101/alllocalagentstatus", &guid).await, online);
    assert_eq!(work_nos(&get(&app, "agentgroup/101/idleagent", &guid).await), ["101", "111"]);
    assert_eq!(work_nos(&get(&app, "agentgroup/101/agentlistbystatus?status=3", &guid).await), ["102"]);
    let out = get(&app, "agentgroup/101/agentlistbystatus?status=2&time=1", &guid).await;
    assert_eq!(out.as_array().unwrap().len(), 17);
    assert_eq!(get(&app, "agentgroup/101/agentlistbystatus?status=8", &guid).await, json!([]));

    let with_skills = get(&app, "agentgroup/101/queryagentstatusandskill", &guid).await;
    assert_eq!(with_skills[0], expected);
    assert_eq!(with_skills[10]["skilllist"], json!([{"name": "General", "id": 1, "mediatype": 5}]));
    assert_eq!(with_skills[2]["skilllist"], json!([]));

    assert_eq!(
        get(&app, "agentgroup/101/loggedinagentphoneonvdn", &guid).await,
        json!([
            {"workno": "101", "phonenumber": "70101"},
            {"workno": "102", "phonenumber": "70102"},
            {"workno": "111", "phonenumber": "70999"}
        ])
    );
    let names = get(&app, "agentgroup/101/agentwasnameonvdn", &guid).await;
    assert_eq!(names.as_object().unwrap().len(), 20);
    assert_eq!(names["120"], json!("Agent 120"));

    let batch = json!({"agentlist": ["111", 103, "999", "111"]});
    let answer = app.call("POST", "agentgroup/101/agentinfonoskills", Some(&guid), Some(batch)).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    assert_eq!(work_nos(&answer.body["result"]), ["111", "103"], "list order, unknown and repeated numbers left out");
    assert_eq!(get(&app, "agentgroup/101/allchatagents", &guid).await, json!([]));

    assert_eq!(code_of(app.agent(101, &guid).agentgroup("agentbyworkno/999").await), "300-002");
    for path in [
        "agentgroup/101/agentbyworkno/abc",
        "agentgroup/101/agentlistbystatus?status=6",
        "agentgroup/101/agentlistbystatus?status=x",
        "agentgroup/101/agentlistbystatus",
    ] {
        assert_eq!(retcode(&app, "GET", path, &guid, None).await, "000-002", "{path}");
    }
    for bad in [json!({"agentlist": "101"}), json!({}), json!({"agentlist": ["1x"]})] {
        let code = retcode(&app, "POST", "agentgroup/101/agentinfonoskills", &guid, Some(bad.clone())).await;
        assert_eq!(code, "000-002", "{bad}");
    }
}

#[tokio::test]
async fn skill_queries_tell_signed_in_from_configured_agents() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    app.sign_in(102, json!({})).await;
    app.sign_in(111, json!({})).await;

    assert_eq!(work_nos(&get(&app, "agentgroup/101/agentbyskill/2", &guid).await), ["101", "102"]);
    assert_eq!(work_nos(&get(&app, "agentgroup/101/agentbyskill/1", &guid).await), ["101", "102", "111"]);
    assert_eq!(get(&app, "agentgroup/101/agentidsbyskill/2", &guid).await, json!(["101", "102"]));
    let configured = get(&app, "agentgroup/101/agentbyconfigedskill/2", &guid).await;
    assert_eq!(work_nos(&configured), ["101", "102", "103", "104", "105"]);
    assert_eq!(configured[2]["status"], json!(2));

    // 101 now serves skill 1 only.
    assert_eq!(code_of(app.agent(101, &guid).reset_skills("skillid=1").await), "0");
    assert_eq!(get(&app, "agentgroup/101/agentidsbyskill/2", &guid).await, json!(["102"]));
    assert_eq!(work_nos(&get(&app, "agentgroup/101/agentbyconfigedskill/2", &guid).await).len(), 5);

    for path in ["agentbyskill/9", "agentidsbyskill/9", "agentbyconfigedskill/9"] {
        let path = format!("agentgroup/101/{path}");
        assert_eq!(retcode(&app, "GET", &path, &guid, None).await, "100-019", "{path}: unknown skill");
    }
    for path in ["agentbyskill/x", "agentidsbyskill/0", "agentbyconfigedskill/-1"] {
        let path = format!("agentgroup/101/{path}");
        assert_eq!(retcode(&app, "GET", &path, &guid, None).await, "000-002", "{path}: malformed");
    }
}

#[tokio::test]
async fn group_queries_answer_groups_and_their_members() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    app.sign_in(112, json!({})).await;

    assert_eq!(
        get(&app, "agentgroup/101/grouponvdn", &guid).await,
        json!([
            {"id": 1, "name": "Team A", "monitorno": 0, "monitorname": "", "vdnid": 1, "agentnum": 10, "onlinenum": 1},
            {"id": 2, "name": "Team B", "monitorno": 0, "monitorname": "", "vdnid": 1, "agentnum": 10, "onlinenum": 1}
        ])
    );
    let team_b = get(&app, "agentgroup/101/groupbyagent/112", &guid).await;
    assert_eq!(team_b["id"], json!(2));
    assert_eq!(team_b["name"], json!("Team B"));
    let own = get(&app, "agentgroup/101/agentongroup", &guid).await;
    let team_a: Vec<String> = (101..=110).map(|n: u32| n.to_string()).collect();
    assert_eq!(work_nos(&own), team_a.iter().map(String::as_str).collect::<Vec<_>>());
    let given = get(&app, "agentgroup/101/agentongroupex?groupid=2", &guid).await;
    assert_eq!(work_nos(&given).len(), 10);
    assert_eq!(given[1]["status"], json!(4), "112 is idle");
    assert_eq!(given[1]["groupname"], json!("Team B"));

    assert_eq!(code_of(app.agent(101, &guid).agentgroup("groupbyagent/999").await), "300-003");
    assert_eq!(code_of(app.agent(101, &guid).agentgroup("agentongroupex?groupid=7").await), "300-004");
    for path in ["agentongroupex", "agentongroupex?groupid=", "agentongroupex?groupid=x", "groupbyagent/x"] {
        let path = format!("agentgroup/101/{path}");
        assert_eq!(retcode(&app, "GET", &path, &guid, None).await, "000-002", "{path}");
    }

    // An agent in no group.
    let new_agent = json!({"workNo": 130, "password": "Agent-130-pw", "phone": "70130", "skills": [{"id": 1}]});
    assert_eq!(app.admin("POST", "agents", Some(new_agent)).await.0, 201);
    assert_eq!(code_of(app.agent(101, &guid).agentgroup("groupbyagent/130").await), "300-004");
    let loner = app
        .call("PUT", "onlineagent/130", None, Some(json!({"password": "Agent-130-pw", "phonenum": "70130"})))
        .await
        .set_guid
        .expect("130 signs in");
    assert_eq!(code_of(app.agent(130, &loner).agentgroup("agentongroup").await), "300-004");
    let info = get(&app, "agentgroup/130/agentbyworkno/130", &loner).await;
    assert_eq!((&info["groupid"], &info["groupname"]), (&json!(0), &json!("")));
}

#[tokio::test]
async fn rest_reasons_and_resting_agents() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    assert_eq!(
        get(&app, "agentgroup/101/restreason", &guid).await,
        json!([
            {"restReasonId": 1, "restReason": "Lunch"},
            {"restReasonId": 2, "restReason": "Meeting"},
            {"restReasonId": 3, "restReason": "Training"}
        ])
    );
    assert_eq!(get(&app, "agentgroup/101/agentrestinfo", &guid).await, json!([]));
    let started = now_ms(&app);
    assert_eq!(code_of(app.agent(101, &guid).rest(600, 2).await), "0");
    app.advance(Duration::from_secs(60)).await;
    assert_eq!(
        get(&app, "agentgroup/101/agentrestinfo", &guid).await,
        json!([{
            "workno": "101", "name": "Agent 101", "status": 8, "restReasonId": 2, "restReason": "Meeting",
            "restStartTime": started, "restTime": 600, "restRemaining": 540, "restOvertime": 0, "isOverdue": false
        }])
    );
    assert_eq!(work_nos(&get(&app, "agentgroup/101/agentlistbystatus?status=8", &guid).await), ["101"]);
}

#[tokio::test]
async fn permission_flags_are_booleans_and_inspectors_supervise() {
    let app = spawn_app(TestOpts::default()).await;
    let agent = app.sign_in(101, json!({})).await;
    let inspector = app.sign_in(120, json!({})).await;
    for (flag, for_inspector) in [
        ("iscensor", true),
        ("ismonitor", true),
        ("isspymonitor", true),
        ("iscallout", false),
        ("ispickup", false),
        ("isreportmanager", false),
        ("issystem", false),
    ] {
        assert_eq!(get(&app, &format!("agentgroup/101/{flag}"), &agent).await, json!(false), "101 {flag}");
        let answer = get(&app, &format!("agentgroup/120/{flag}"), &inspector).await;
        assert_eq!(answer, json!(for_inspector), "120 {flag}");
    }
}

#[tokio::test]
async fn queue_queries_count_waiting_calls_and_describe_skills() {
    let app = spawn_app(TestOpts::default()).await;
    // Busy: calls wait.
    let guid = app.sign_in(101, json!({"status": "3"})).await;
    for path in ["waitnum", "waitnumbyagent", "skillwaitnum/1"] {
        assert_eq!(get(&app, &format!("queuedevice/101/{path}"), &guid).await, json!(0), "{path}");
    }
    app.place_call(1).await;
    app.place_call(1).await;
    app.place_call(2).await;
    app.advance(Duration::from_secs(30)).await;
    assert_eq!(get(&app, "queuedevice/101/waitnum", &guid).await, json!(3));
    assert_eq!(get(&app, "queuedevice/101/waitnumbyagent", &guid).await, json!(3));
    assert_eq!(get(&app, "queuedevice/101/skillwaitnum/2", &guid).await, json!(1));
    assert_eq!(code_of(app.agent(101, &guid).reset_skills("skillid=2").await), "0");
    assert_eq!(get(&app, "queuedevice/101/waitnumbyagent", &guid).await, json!(1), "signed in to skill 2 only");
    assert_eq!(get(&app, "queuedevice/101/waitnum", &guid).await, json!(3), "configured: skills 1 and 2");

    let answer = app.call("POST", "queuedevice/101/queryacdstat", Some(&guid), Some(json!({"skills": ["1"]}))).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    let general = &answer.body["result"][0];
    for (key, value) in [
        ("pilotNbr", json!("4000")),
        ("deviceNo", json!(1)),
        ("queueSize", json!(2)),
        ("queueTime", json!(30)),
        ("loadFactor", json!(0)),
        ("estWaitTime", json!(0)),
        ("loggedOnAgents", json!(0)),
        ("availAgents", json!(0)),
        ("transferFlg", json!(0)),
        ("transferDeviceType", json!(0)),
        ("transferDeviceNo", json!(0)),
        ("skillDescrip", json!("General")),
        ("mediatype", json!(5)),
        ("entered", json!(2)),
        ("answered", json!(0)),
    ] {
        assert_eq!(general[key], value, "{key} in {general}");
    }
    let vip = app.call("POST", "queuedevice/101/queryacdstat", Some(&guid), Some(json!({"skills": [2]}))).await;
    assert_eq!(
        (&vip.body["result"][0]["loggedOnAgents"], &vip.body["result"][0]["busyAgents"]),
        (&json!(1), &json!(1))
    );
    let all = app.call("POST", "queuedevice/101/queryskillstat", Some(&guid), None).await;
    assert_eq!(all.body["result"].as_array().map(Vec::len), Some(2), "{}", all.body);
    let stat = get(&app, "querymonitor/101/skillstatisticinfo/1", &guid).await;
    assert_eq!(&stat, general);

    let skills = json!([{"name": "General", "id": 1, "mediatype": 5}, {"name": "VIP", "id": 2, "mediatype": 5}]);
    assert_eq!(get(&app, "queuedevice/101/agentskill/103", &guid).await, skills);
    let vdn_skills = json!([
        {"name": "General", "id": 1, "mediatype": 5, "serviceType": 0, "realFlag": 1},
        {"name": "VIP", "id": 2, "mediatype": 5, "serviceType": 0, "realFlag": 1}
    ]);
    assert_eq!(get(&app, "queuedevice/101/agentvdnskill", &guid).await, vdn_skills);
    assert_eq!(get(&app, "queuedevice/101/vdnskill/1", &guid).await, vdn_skills);
    assert_eq!(
        get(&app, "queuedevice/101/innoinfo", &guid).await,
        json!([{"id": 1, "inno": "4000", "description": "Demo", "vdnid": 1, "mediatype": 5}])
    );

    for (method, path, body, code) in [
        ("GET", "skillwaitnum/9", None, "100-019"),
        ("GET", "skillwaitnum/x", None, "000-002"),
        ("GET", "agentskill/999", None, "600-001"),
        ("GET", "agentskill/x", None, "000-002"),
        ("GET", "vdnskill/2", None, "600-002"),
        ("GET", "vdnskill/513", None, "000-002"),
        ("POST", "queryacdstat", None, "100-019"),
        ("POST", "queryacdstat", Some(json!({})), "100-019"),
        ("POST", "queryacdstat", Some(json!({"skills": []})), "100-019"),
        ("POST", "queryacdstat", Some(json!({"skills": [9]})), "100-019"),
        ("POST", "queryacdstat", Some(json!({"skills": ["x"]})), "100-019"),
        ("POST", "queryacdstat", Some(json!({"skills": (1..=101).collect::<Vec<u32>>()})), "100-019"),
        ("POST", "queryskillstat", Some(json!({"skills": [1, 9]})), "100-019"),
    ] {
        let path = format!("queuedevice/101/{path}");
        assert_eq!(retcode(&app, method, &path, &guid, body.clone()).await, code, "{path} {body:?}");
    }
    let raw = app
        .client
        .post(app.url("queuedevice/101/queryacdstat"))
        .header("Guid", &guid)
        .body("skills=1")
        .send()
        .await
        .unwrap();
    let raw: Value = raw.json().await.unwrap();
    assert_eq!(raw["retcode"], json!("100-019"), "a body that is not JSON");
}

#[tokio::test]
async fn monitor_queries_describe_the_gateway() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    assert_eq!(
        get(&app, "querymonitor/101/systemversion", &guid).await,
        json!({"name": "ccgw", "version": env!("CARGO_PKG_VERSION")})
    );
    let time = get(&app, "querymonitor/101/servertime", &guid).await;
    assert_eq!(time["time"], json!(now_ms(&app)), "the gateway clock");
    assert_eq!(time["timeZone"], json!("UTC"));
    assert_eq!(time["timeString"].as_str().map(str::len), Some(19), "{time}");

    app.place_call(2).await;
    app.place_call(2).await;
    // Let the engine take the switch's reports (it answers requests first).
    app.advance(Duration::from_secs(1)).await;
    let state = get(&app, "querymonitor/101/systemstate", &guid).await;
    assert_eq!(state["state"], json!("normal"));
    assert_eq!((&state["signedInAgents"], &state["waitingCalls"]), (&json!(1), &json!(1)), "{state}");
    assert_eq!(state["callsInService"], json!(1), "one call rings at 101");

    let node = json!({"nodeId": 1, "nodeName": "AgentGateway1", "state": "active", "agents": 1});
    let cluster = json!({"clusterName": "ccgw", "nodes": [node]});
    assert_eq!(get(&app, "querymonitor/101/clusterinfo", &guid).await, json!([cluster.clone()]));
    assert_eq!(get(&app, "querymonitor/101/clusterinfobyname/ccgw", &guid).await, cluster);
    let here = json!({
        "workno": "101", "isSignedIn": true, "clusterName": "ccgw", "nodeName": "AgentGateway1", "nodeId": 1
    });
    assert_eq!(get(&app, "querymonitor/101/agentclusterinfo/101", &guid).await, here);
    assert_eq!(get(&app, "querymonitor/101/allagentclusterinfo", &guid).await, json!([here]));
    let away = get(&app, "querymonitor/101/agentclusterinfo/102", &guid).await;
    assert_eq!((&away["isSignedIn"], &away["nodeName"], &away["nodeId"]), (&json!(false), &json!(""), &json!(0)));

    for (method, path, code) in [
        ("GET", "clusterinfobyname/other", "000-002"),
        ("GET", "agentclusterinfo/999", "300-002"),
        ("GET", "agentclusterinfo/x", "000-002"),
        ("GET", "skillstatisticinfo/9", "100-019"),
        ("POST", "setagenttimeout/false", "000-002"),
        ("POST", "setmaxchatnum/1/5?agents=101", "106-001"),
    ] {
        let path = format!("querymonitor/101/{path}");
        assert_eq!(retcode(&app, method, &path, &guid, None).await, code, "{path}");
    }
}

/// A gateway whose directory holds the demo center plus VDN 2 with skill 7, group 5 and
/// agent 201 (phone 70201).
struct TwoVdns {
    base: String,
    client: reqwest::Client,
    _data_dir: tempfile::TempDir,
}

async fn spawn_two_vdns() -> TwoVdns {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let directory = SqliteStore::open(&ccgw::data_dir::database_path(data_dir.path())).await.expect("db");
    directory.seed_demo(PASSWORD).await.expect("demo");
    let vdn = Vdn::new(2).unwrap();
    let access_code = Some(PhoneNumber::parse("5000").unwrap());
    directory.create_vdn(&VdnRecord { vdn, name: "Other".into(), access_code }).await.expect("VDN 2");
    let skill = SkillId::new(7).unwrap();
    directory.create_skill(&SkillProfile::new(vdn, skill, "Far")).await.expect("skill 7");
    let group = GroupId::new(5).unwrap();
    directory.create_group(&GroupProfile { vdn, id: group, name: "Far team".into() }).await.expect("group 5");
    let profile = AgentProfile {
        work_no: WorkNo::new(201).unwrap(),
        vdn,
        name: "Agent 201".into(),
        phone: PhoneNumber::parse("70201").unwrap(),
        role: Role::Inspector,
        skills: vec![SkillGrant { skill, level: SkillLevel::DEFAULT }],
        group: Some(group),
        wrap_up: None,
    };
    directory.create_agent(&NewAgent { profile, password: PASSWORD.into() }).await.expect("agent 201");
    let app = start_prepared(data_dir.path(), "two-vdns-admin-token-0123456789", false).await;
    let (base, client) = (format!("{}/agentgateway/resource", app.origin), app.client);
    TwoVdns { base, client, _data_dir: data_dir }
}

impl TwoVdns {
    async fn call(&self, method: &str, path: &str, guid: Option<&str>, body: Option<Value>) -> (Option<String>, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, format!("{}/{path}", self.base));
        if let Some(guid) = guid {
            request = request.header("Guid", guid);
        }
        if let Some(body) = body {
            request = request.header("Content-Type", "application/json").body(body.to_string());
        }
        let response = request.send().await.expect("request reaches the gateway");
        let set_guid = response.headers().get("Set-GUID").map(|v| v.to_str().unwrap().replace("JSESSIONID=", ""));
        (set_guid, response.json().await.expect("JSON body"))
    }

    async fn sign_in(&self, work_no: u32) -> String {
        let body = json!({"password": PASSWORD, "phonenum": format!("70{work_no}"), "status": "4"});
        let (guid, answer) = self.call("PUT", &format!("onlineagent/{work_no}"), None, Some(body)).await;
        assert_eq!(answer["retcode"], json!("0"), "{answer}");
        guid.expect("Set-GUID")
    }

    async fn retcode(&self, method: &str, path: &str, guid: &str, body: Option<Value>) -> (String, Value) {
        let (_, answer) = self.call(method, path, Some(guid), body).await;
        (answer["retcode"].as_str().expect("string retcode").to_owned(), answer)
    }
}

#[tokio::test]
async fn another_vdn_is_invisible() {
    let app = spawn_two_vdns().await;
    let near = app.sign_in(101).await;
    let far = app.sign_in(201).await;
    for (method, path, body, code) in [
        ("GET", "agentgroup/101/agentbyworkno/201", None, "300-002"),
        ("GET", "agentgroup/101/groupbyagent/201", None, "300-003"),
        ("GET", "agentgroup/101/agentongroupex?groupid=5", None, "300-004"),
        ("GET", "agentgroup/101/agentbyskill/7", None, "100-019"),
        ("GET", "agentgroup/101/agentbyconfigedskill/7", None, "100-019"),
        ("GET", "queuedevice/101/skillwaitnum/7", None, "100-019"),
        ("GET", "queuedevice/101/agentskill/201", None, "600-001"),
        ("GET", "queuedevice/101/vdnskill/2", None, "600-002"),
        ("POST", "queuedevice/101/queryacdstat", Some(json!({"skills": [1, 7]})), "100-019"),
        ("GET", "querymonitor/101/agentclusterinfo/201", None, "300-002"),
        ("GET", "querymonitor/101/skillstatisticinfo/7", None, "100-019"),
        ("GET", "agentgroup/201/agentbyworkno/101", None, "300-002"),
        ("GET", "queuedevice/201/skillwaitnum/1", None, "100-019"),
    ] {
        let guid = if path.contains("/201/") { &far } else { &near };
        let (got, answer) = app.retcode(method, path, guid, body).await;
        assert_eq!(got, code, "{path}: {answer}");
    }
    let lists = [
        "agentgroup/101/allagentstatus",
        "agentgroup/101/onlineagentonvdn",
        "agentgroup/101/queryagentstatusandskill",
        "querymonitor/101/allagentclusterinfo",
    ];
    for path in lists {
        let (code, answer) = app.retcode("GET", path, &near, None).await;
        assert_eq!(code, "0", "{path}: {answer}");
        let listed: Vec<&str> =
            answer["result"].as_array().unwrap().iter().filter_map(|a| a["workno"].as_str()).collect();
        assert!(listed.contains(&"101") && !listed.contains(&"201"), "{path}: {listed:?}");
    }
    let (_, names) = app.retcode("GET", "agentgroup/101/agentwasnameonvdn", &near, None).await;
    assert!(names["result"].get("201").is_none());
    let batch = json!({"agentlist": ["101", "201"]});
    let (_, answer) = app.retcode("POST", "agentgroup/101/agentinfonoskills", &near, Some(batch)).await;
    assert_eq!(work_nos(&answer["result"]), ["101"]);

    // And from VDN 2 only VDN 2 shows.
    let (_, mine) = app.retcode("GET", "agentgroup/201/allagentstatus", &far, None).await;
    assert_eq!(work_nos(&mine["result"]), ["201"]);
    assert_eq!(mine["result"][0]["groupname"], json!("Far team"));
    let (_, skills) = app.retcode("GET", "queuedevice/201/agentvdnskill", &far, None).await;
    assert_eq!(skills["result"], json!([{"name": "Far", "id": 7, "mediatype": 5, "serviceType": 0, "realFlag": 1}]));
    let (_, groups) = app.retcode("GET", "agentgroup/201/grouponvdn", &far, None).await;
    assert_eq!(groups["result"].as_array().map(Vec::len), Some(1));
    let (_, codes) = app.retcode("GET", "queuedevice/201/innoinfo", &far, None).await;
    assert_eq!(codes["result"][0]["inno"], json!("5000"));
    let (_, flag) = app.retcode("GET", "agentgroup/201/iscensor", &far, None).await;
    assert_eq!(flag["result"], json!(true));
}
