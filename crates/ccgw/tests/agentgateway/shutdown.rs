//! The graceful stop (`ccgw serve` on SIGTERM or SIGINT; here the same `run_until`
//! future): live calls end with outcome `shutdown`, every agent is signed out with
//! `AgentOther_ShutdownService`, polls in progress and polls that follow on open
//! connections still collect those events, and the stop ends as soon as they have.

use std::time::Duration;

use ccgw::config::ServerConfig;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn stopping_ends_calls_as_shutdown_and_every_agent_collects_its_sign_out_before_the_gateway_exits() {
    let opts = TestOpts {
        poll_hold_ms: 5_000,
        // Long, so that an early end proves the stop waited only for the agents.
        server: ServerConfig { shutdown_grace_ms: 60_000, ..ServerConfig::default() },
        ..TestOpts::default()
    };
    let mut app = spawn_app(opts).await;
    let (guid_101, talking) = customer_with_101(&app).await;
    // Busy (3): the call that waits stays in its queue.
    let guid_102 = app.sign_in(102, json!({"status": "3"})).await;
    let waiting = app.place_call(1).await;
    // Agent 102's client has its own connection, as every agent desktop does.
    let desk_102 = app.client_from(2);
    let poll_102 = {
        let request = desk_102.get(app.url("agentevent/102")).header("Guid", guid_102.clone());
        move || answer_of(request.try_clone().unwrap())
    };
    for _ in 0..3 {
        assert_eq!(poll_102().await.retcode(), "0", "sign-in events");
    }
    let held_poll = tokio::spawn(poll_102());

    app.begin_shutdown();
    let farewell = held_poll.await.unwrap();
    assert_eq!(farewell.body["event"]["eventType"], "AgentOther_ShutdownService", "{}", farewell.body);

    let late = app.call("PUT", "onlineagent/103", None, Some(json!({"password": PASSWORD, "phonenum": "70103"}))).await;
    assert_eq!(late.status, 200);
    assert_eq!(late.retcode(), "100-007", "no sign-in while stopping: {}", late.body);
    assert!(late.body["message"].as_str().unwrap().contains("shutting down"), "{}", late.body);

    let last = app.event_types(101, &guid_101, 3).await;
    assert_eq!(last, ["AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentOther_ShutdownService"]);
    tokio::time::timeout(Duration::from_secs(20), app.stopped())
        .await
        .expect("the stop ends once every agent has its sign-out, long before the grace period");

    let talked = record_in_database(&app, &talking).await;
    assert!(
        matches!(talked.outcome, ccgw_core::CallOutcome::Answered { ended_by: ccgw_core::EndedBy::Shutdown, .. }),
        "{:?}",
        talked.outcome
    );
    assert_eq!(record_in_database(&app, &waiting).await.outcome.code(), "shutdown");
}

#[tokio::test]
async fn an_agent_that_no_longer_polls_holds_the_stop_only_for_the_grace_period() {
    let opts =
        TestOpts { server: ServerConfig { shutdown_grace_ms: 500, ..ServerConfig::default() }, ..TestOpts::default() };
    let mut app = spawn_app(opts).await;
    let _guid = app.idle_agent(101, json!({})).await;
    let call = app.place_call(1).await;
    app.shut_down().await;
    assert_eq!(record_in_database(&app, &call).await.outcome.code(), "shutdown");
}

async fn record_in_database(app: &TestApp, callid: &str) -> ccgw_core::CallEnd {
    let records = app.directory().await.call_records(&ccgw_store::RecordQuery::default()).await.unwrap();
    records.into_iter().find(|r| r.end.call.id.as_str() == callid).expect("a record of the call").end
}
