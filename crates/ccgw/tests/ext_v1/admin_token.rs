//! Wrong admin tokens are counted per source address: ten lock that address out of the
//! admin token (429 with `Retry-After`) while the right token from another address still
//! works; the lock ends on the injected clock.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestOpts, spawn_app};

/// `GET /ccgw/v1/agents` with `token`, from `127.0.0.<from>`: status, `Retry-After`, body.
async fn agents_with(app: &TestApp, from: u8, token: &str) -> (u16, Option<String>, Value) {
    let response =
        app.client_from(from).get(format!("{}/ccgw/v1/agents", app.base)).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|value| value.to_str().unwrap().to_owned());
    (status, retry_after, response.json().await.unwrap())
}

#[tokio::test]
async fn wrong_admin_tokens_lock_out_their_address_only_until_the_lock_time_passes() {
    let app = spawn_app(TestOpts::default()).await;
    for attempt in 1..=9 {
        let (status, _, body) = agents_with(&app, 1, "guess-0123456789").await;
        assert_eq!((status, &body["error"]["code"]), (401, &json!("unauthorized")), "attempt {attempt}");
    }
    let (status, retry_after, body) = agents_with(&app, 1, "guess-0123456789").await;
    assert_eq!((status, retry_after.as_deref()), (429, Some("300")));
    assert_eq!(body["error"]["code"], json!("too_many_requests"));
    // Locked: the right token is not even compared from this address …
    assert_eq!(agents_with(&app, 1, &app.admin_token).await.0, 429);
    // … and still works from another; requests without a token are unaffected.
    assert_eq!(agents_with(&app, 2, &app.admin_token).await.0, 200);
    let health = app.client_from(1).get(format!("{}/ccgw/v1/health", app.base)).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);

    app.advance(Duration::from_secs(4 * 60)).await;
    let (status, retry_after, _) = agents_with(&app, 1, &app.admin_token).await;
    assert_eq!((status, retry_after.as_deref()), (429, Some("60")));
    app.advance(Duration::from_secs(60)).await;
    assert_eq!(agents_with(&app, 1, &app.admin_token).await.0, 200);
}

#[tokio::test]
async fn a_locked_address_cannot_try_the_admin_token_on_agent_reads_either() {
    let app = spawn_app(TestOpts::default()).await;
    for _ in 0..10 {
        agents_with(&app, 3, "guess-0123456789").await;
    }
    let response = app
        .client_from(3)
        .get(format!("{}/ccgw/v1/agents/101/snapshot", app.base))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().contains_key("retry-after"));
}
