//! `GET /ccgw/v1/records`. The records are written into the data dir's database before
//! the gateway starts (the route only reads; the engine writes them in service).

use ccgw_core::{
    CallEnd, CallFeature, CallId, CallOutcome, EndedBy, NewCall, PhoneNumber, SkillId, Supervision, SupervisionKind,
    Timestamp, Vdn, WorkNo,
};
use ccgw_store::SqliteStore;
use serde_json::{Value, json};

use super::helpers::start_prepared;

/// A running gateway whose database held `records` when it started.
struct RecordsApp {
    base: String,
    client: reqwest::Client,
    _data_dir: tempfile::TempDir,
}

const TOKEN: &str = "records-admin-token-0123456789";

async fn spawn_with_records(records: &[CallEnd]) -> RecordsApp {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let directory = SqliteStore::open(&ccgw::data_dir::database_path(data_dir.path())).await.expect("db");
    directory.record_calls(records).await.expect("records written");
    let app = start_prepared(data_dir.path(), TOKEN, true).await;
    RecordsApp { base: app.origin, client: app.client, _data_dir: data_dir }
}

impl RecordsApp {
    async fn get(&self, query: &str) -> (u16, Value) {
        let response =
            self.client.get(format!("{}/ccgw/v1/records{query}", self.base)).bearer_auth(TOKEN).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    async fn call_ids(&self, query: &str) -> Vec<String> {
        let (status, body) = self.get(query).await;
        assert_eq!(status, 200, "{query}: {body}");
        body["records"].as_array().unwrap().iter().map(|r| r["callid"].as_str().unwrap().to_owned()).collect()
    }
}

/// 2025-01-31 08:00:00 UTC.
const T0: u64 = 1_738_310_400_000;

fn end(n: u64, vdn: u16, skill: u32, outcome: CallOutcome) -> CallEnd {
    let outcome_agent = match outcome {
        CallOutcome::Answered { agent, .. } => Some(agent),
        _ => None,
    };
    CallEnd {
        call: NewCall {
            id: CallId::parse(&format!("1738310400-{n}")).unwrap(),
            vdn: Vdn::new(vdn).unwrap(),
            skill: SkillId::new(1).unwrap(),
            caller: "13800000000".into(),
            called: "4000".into(),
            call_data: "ticket=7".into(),
            media_type: 5,
            priority: 3,
        },
        feature: CallFeature::Inbound,
        route: if skill == 1 {
            vec![SkillId::new(1).unwrap()]
        } else {
            vec![SkillId::new(1).unwrap(), SkillId::new(skill).unwrap()]
        },
        arrived: Timestamp::from_millis(T0 + n * 60_000),
        ended: Timestamp::from_millis(T0 + n * 60_000 + 30_000),
        outcome,
        offered_to: vec![WorkNo::new(102).unwrap()],
        talked: outcome_agent.into_iter().collect(),
        // An inspector listened to each answered call for its second second.
        supervision: outcome_agent
            .map(|agent| Supervision {
                inspector: WorkNo::new(120).unwrap(),
                agent,
                kind: SupervisionKind::Listen,
                from: Timestamp::from_millis(T0 + n * 60_000 + 1_000),
                until: Timestamp::from_millis(T0 + n * 60_000 + 2_000),
            })
            .into_iter()
            .collect(),
    }
}

fn answered(agent: u32, n: u64) -> CallOutcome {
    CallOutcome::Answered {
        agent: WorkNo::new(agent).unwrap(),
        answered_at: Timestamp::from_millis(T0 + n * 60_000 + 5_000),
        ended_by: EndedBy::Customer,
    }
}

async fn app_with_calls() -> RecordsApp {
    spawn_with_records(&[
        end(0, 1, 1, answered(101, 0)),
        end(1, 1, 2, CallOutcome::AbandonedInQueue),
        end(2, 1, 1, CallOutcome::AbandonedRinging { agent: WorkNo::new(103).unwrap() }),
        end(3, 2, 1, CallOutcome::Overflowed { to: PhoneNumber::parse("5551234").unwrap() }),
        end(4, 1, 2, answered(101, 4)),
    ])
    .await
}

#[tokio::test]
async fn records_come_newest_first_with_the_total_and_every_field() {
    let app = app_with_calls().await;
    let (status, body) = app.get("").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], json!(5));
    let ids: Vec<&str> = body["records"].as_array().unwrap().iter().map(|r| r["callid"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1738310400-4", "1738310400-3", "1738310400-2", "1738310400-1", "1738310400-0"]);
    assert_eq!(
        body["records"][0],
        json!({
            "id": 5, "callid": "1738310400-4", "feature": 0, "vdn": 1, "skill": 1, "finalSkill": 2, "route": [1, 2],
            "caller": "13800000000", "called": "4000", "callData": "ticket=7", "mediaType": 5, "priority": 3,
            "arrivedAt": T0 + 240_000, "endedAt": T0 + 270_000, "outcome": "answered", "agent": 101,
            "answeredAt": T0 + 245_000, "endedBy": "customer", "overflowTo": null, "failure": null, "joinedInto": null,
            "offeredTo": [102], "talked": [101],
            "supervision": [{"inspector": 120, "agent": 101, "kind": "listen", "from": T0 + 241_000, "until": T0 + 242_000}]
        })
    );
    assert_eq!(body["records"][1]["overflowTo"], json!("5551234"));
    assert_eq!(body["records"][2]["agent"], json!(103));
    assert_eq!(body["records"][3]["agent"], Value::Null);
}

#[tokio::test]
async fn records_are_filtered_and_paged() {
    let app = app_with_calls().await;
    let t = |minutes: u64| T0 + minutes * 60_000;
    let cases = [
        ("?vdn=2".to_owned(), vec!["1738310400-3"]),
        ("?agent=101".to_owned(), vec!["1738310400-4", "1738310400-0"]),
        ("?agent=103&outcome=abandoned-ringing".to_owned(), vec!["1738310400-2"]),
        ("?vdn=1&skill=2".to_owned(), vec!["1738310400-4", "1738310400-1"]),
        (format!("?from={}&to={}", t(1), t(3)), vec!["1738310400-2", "1738310400-1"]),
        ("?outcome=answered&limit=1".to_owned(), vec!["1738310400-4"]),
        ("?offset=3&limit=10".to_owned(), vec!["1738310400-1", "1738310400-0"]),
        ("?offset=9".to_owned(), vec![]),
        // Empty values count as absent.
        (
            "?vdn=&agent=&outcome=&limit=".to_owned(),
            vec!["1738310400-4", "1738310400-3", "1738310400-2", "1738310400-1", "1738310400-0"],
        ),
    ];
    for (query, wanted) in cases {
        assert_eq!(app.call_ids(&query).await, wanted, "{query}");
    }
    // The total counts every match, not the page.
    let (_, body) = app.get("?outcome=answered&limit=1").await;
    assert_eq!(body["total"], json!(2));
    let (_, body) = app.get("?limit=5000").await;
    assert_eq!(body["records"].as_array().unwrap().len(), 5, "a limit above 1000 is capped, not refused");
}

#[tokio::test]
async fn bad_record_filters_are_client_errors_with_a_message() {
    let app = app_with_calls().await;
    for (query, part) in [
        ("?vdn=0", "VDN"),
        ("?vdn=abc", "VDN"),
        ("?agent=1234567", "work number"),
        ("?skill=-1", "skill id"),
        ("?from=yesterday", "from must be a time in milliseconds"),
        ("?to=1.5", "to must be a time"),
        ("?from=2000&to=1000", "must not be after its end"),
        ("?outcome=lost", "The outcome \"lost\" is unknown"),
        ("?offset=-1", "offset must be a whole number"),
        ("?limit=ten", "limit must be a whole number"),
        ("?agnet=101", "agnet"),
    ] {
        let (status, body) = app.get(query).await;
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(part), "{query}: {message:?} should contain {part:?}");
    }
    let response = app.client.get(format!("{}/ccgw/v1/records", app.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401, "records need the admin token");
}
