//! The per-agent request rate: over it, HTTP 200 with `000-007` "interface invoked
//! repeatedly" until the budget refills on the engine clock; polls, sign-out and other
//! agents are not held back, and a wrong Guid spends nothing.

use std::time::Duration;

use ccgw_core::RequestRate;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn an_agent_over_its_request_rate_gets_000_007_until_its_budget_refills() {
    let opts = TestOpts { request_rate: RequestRate { per_second: 2, burst: 3 }, ..TestOpts::default() };
    let app = spawn_app(opts).await;
    let guid = app.sign_in(101, json!({})).await;
    let other = app.sign_in(102, json!({})).await;
    let status = "onlineagent/101/agentstatus";

    for _ in 0..3 {
        assert_eq!(retcode(&app, "GET", status, &guid, None).await, "0");
    }
    let refused = app.call("GET", status, Some(&guid), None).await;
    assert_eq!(refused.status, 200);
    assert_eq!(refused.retcode(), "000-007", "{}", refused.body);
    let message = refused.body["message"].as_str().unwrap();
    assert!(message.contains("retry in 500 ms"), "{message}");
    // Commands count as queries do.
    assert_eq!(retcode(&app, "POST", "onlineagent/101/saybusy", &guid, None).await, "000-007");

    // A wrong Guid is refused for what it is, before any budget is looked at.
    assert_eq!(retcode(&app, "GET", status, "not-the-guid", None).await, "000-003");
    // Polls are not counted; another agent is not slowed.
    assert_eq!(app.poll(101, &guid).await.retcode(), "0");
    assert_eq!(retcode(&app, "GET", "onlineagent/102/agentstatus", &other, None).await, "0");

    // Half a second gives one request back, no more.
    app.advance(Duration::from_millis(500)).await;
    assert_eq!(retcode(&app, "GET", status, &guid, None).await, "0");
    assert_eq!(retcode(&app, "GET", status, &guid, None).await, "000-007");

    // Signing out is never refused for the rate.
    assert_eq!(app.agent(101, &guid).sign_out().await.retcode(), "0");
}

#[tokio::test]
async fn the_default_rate_lets_a_busy_desktop_through() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    // A desktop reading everything at sign-in: a hundred requests at once.
    for _ in 0..RequestRate::DEFAULT.burst {
        assert_eq!(retcode(&app, "GET", "onlineagent/101/agentstatus", &guid, None).await, "0");
    }
    assert_eq!(retcode(&app, "GET", "onlineagent/101/agentstatus", &guid, None).await, "000-007");
    app.advance(Duration::from_secs(1)).await;
    for _ in 0..RequestRate::DEFAULT.per_second {
        assert_eq!(retcode(&app, "GET", "onlineagent/101/agentstatus", &guid, None).await, "0");
    }
}
