//! Random requests — methods, paths, Guids, content types and bodies, well-formed or not —
//! against the running gateway. Every answer must be in a documented shape: never a
//! 5xx, always JSON; on the Huawei API a `retcode` string, on the extension API an
//! `error.code`. A session the requests never had the Guid of survives them all.
//! Seeded, so a failure repeats; the seed is in the failure message.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::helpers::*;

const SEED: u64 = 0x0ccf_2026_1206;
const REQUESTS: usize = 400;

const METHODS: [&str; 7] = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD"];

/// Real interfaces with `{a}` for an agent id and `{x}` for any other parameter.
const TEMPLATES: [&str; 24] = [
    "/agentgateway/resource/onlineagent/{a}",
    "/agentgateway/resource/onlineagent/{a}/forcelogin",
    "/agentgateway/resource/onlineagent/{a}/logout",
    "/agentgateway/resource/onlineagent/{a}/forcelogoutwithreason/{x}",
    "/agentgateway/resource/onlineagent/{a}/handshake",
    "/agentgateway/resource/onlineagent/{a}/agentstatus",
    "/agentgateway/resource/onlineagent/{a}/saybusy",
    "/agentgateway/resource/onlineagent/{a}/rest/{x}/{x}",
    "/agentgateway/resource/onlineagent/{a}/updateGuid",
    "/agentgateway/resource/agentevent/{a}",
    "/agentgateway/resource/voicecall/{a}/answer",
    "/agentgateway/resource/voicecall/{a}/release",
    "/agentgateway/resource/voicecall/{a}/callout",
    "/agentgateway/resource/voicecall/{a}/hold",
    "/agentgateway/resource/voicecall/{a}/transfer",
    "/agentgateway/resource/calldata/{a}/callinfo",
    "/agentgateway/resource/calldata/{a}/callinfobycallid/{x}",
    "/agentgateway/resource/agentgroup/{a}/agentstatus/{x}",
    "/agentgateway/resource/{x}/{a}/{x}",
    "/AGENTGATEWAY/RESOURCE/onlineagent/{a}",
    "/ccgw/v1/agents/{a}",
    "/ccgw/v1/records",
    "/ccgw/v1/agents/{a}/events",
    "/ccgw/v1/{x}",
];

const AGENT_IDS: [&str; 9] = ["101", "102", "0", "-1", "99999999", "abc", "%00", "%E2%82%AC", "101.5"];
const PARAMS: [&str; 8] = ["1", "0", "x", "1765000000-1", "%25", "..", "a%2Fb", "9999999999999999999999"];

fn path(rng: &mut StdRng) -> String {
    let template = TEMPLATES[rng.random_range(0..TEMPLATES.len())];
    let mut path = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        path.push_str(&rest[..at]);
        let (name, after) = rest[at..].split_at(3);
        path.push_str(if name == "{a}" {
            AGENT_IDS[rng.random_range(0..AGENT_IDS.len())]
        } else {
            PARAMS[rng.random_range(0..PARAMS.len())]
        });
        rest = after;
    }
    path.push_str(rest);
    if rng.random_bool(0.3) {
        path.push_str(["?reason=2", "?a=%ZZ", "?&&=", "?agents=101;102", "?x=é"][rng.random_range(0..5)]);
    }
    path
}

fn body(rng: &mut StdRng) -> Option<Vec<u8>> {
    match rng.random_range(0..8) {
        0 | 1 => None,
        2 => Some(json!({"password": "not-the-password", "phonenum": "70101", "status": "4"}).to_string().into_bytes()),
        3 => Some(json!({"called": "13800000000", "callappdata": "x".repeat(300)}).to_string().into_bytes()),
        4 => Some(b"[1,2,3]".to_vec()),
        5 => Some(b"{\"unterminated\": ".to_vec()),
        6 => Some(vec![0xff, 0xfe, 0x00, 0x80]),
        _ => {
            Some(json!({"status": rng.random::<u32>(), "nested": {"deep": [null, true, 1.5]}}).to_string().into_bytes())
        }
    }
}

#[tokio::test]
async fn random_requests_get_documented_answers_and_leave_other_sessions_alone() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    // Never used below: 102's session must outlive everything.
    let kept = app.sign_in(102, json!({})).await;
    let mut rng = StdRng::seed_from_u64(SEED);
    // What the answers were, so that the requests are known to reach every kind of answer.
    let mut answers = std::collections::BTreeMap::<String, usize>::new();

    for number in 0..REQUESTS {
        let method = METHODS[rng.random_range(0..METHODS.len())];
        let path = path(&mut rng);
        let url = format!("{}{path}", app.base);
        let mut request = app.client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), &url);
        match rng.random_range(0..4) {
            0 => request = request.header("Guid", &guid),
            1 => request = request.header("Guid", "not-a-guid"),
            2 => request = request.header("Guid", ""),
            _ => {}
        }
        if rng.random_bool(0.5) {
            let content_type = ["application/json", "text/plain", "application/json; charset=GBK", "x/y"];
            request = request.header("Content-Type", content_type[rng.random_range(0..content_type.len())]);
        }
        if let Some(body) = body(&mut rng) {
            request = request.body(body);
        }
        let context = format!("seed {SEED:#x}, request {number}: {method} {path}");
        let response = request.send().await.unwrap_or_else(|error| panic!("{context}: no answer: {error}"));
        let status = response.status().as_u16();
        assert!(status < 500, "{context}: HTTP {status}");
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_owned());
        let bytes = response.bytes().await.unwrap();
        if method == "HEAD" {
            continue;
        }
        assert!(
            content_type.as_deref().is_some_and(|value| value.starts_with("application/json")),
            "{context}: content type {content_type:?}, body {:?}",
            String::from_utf8_lossy(&bytes)
        );
        let answer: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("{context}: not JSON: {:?}", String::from_utf8_lossy(&bytes)));
        let kind = if path.to_ascii_lowercase().starts_with("/agentgateway/") {
            assert!(answer["retcode"].is_string(), "{context}: no retcode in {answer}");
            format!("huawei {status} {}", answer["retcode"].as_str().unwrap_or_default())
        } else if status >= 400 {
            assert!(answer["error"]["code"].is_string(), "{context}: no error code in {answer}");
            format!("extension {status} {}", answer["error"]["code"].as_str().unwrap_or_default())
        } else {
            format!("extension {status}")
        };
        *answers.entry(kind).or_default() += 1;
    }
    for expected in
        ["huawei 200 0", "huawei 200 000-002", "huawei 200 000-003", "huawei 404 000-002", "extension 401 unauthorized"]
    {
        assert!(answers.contains_key(expected), "no {expected:?} among {answers:?}");
    }

    // 102's session is whole: its Guid works, it is still idle.
    let status = app.call("GET", "onlineagent/102/agentstatus", Some(&kept), None).await;
    assert_eq!(status.retcode(), "0", "{}", status.body);
    assert_eq!(app.poll(102, &kept).await.retcode(), "0");
}
