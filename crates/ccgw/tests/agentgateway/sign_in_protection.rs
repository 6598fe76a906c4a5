//! Sign-in protection against a hostile client: wrong passwords never block a right one,
//! lockouts per (agent, address), per agent and per address, each ending on the injected
//! clock. Other source addresses are other loopback addresses (127.0.0.x).

use std::time::Duration;

use ccgw::config::SignInConfig;
use serde_json::json;

use crate::helpers::{Answer, PASSWORD, TestApp, TestOpts, answer_of, spawn_app};

const WRONG: &str = "Wrong-pass9";

/// `PUT onlineagent/{work_no}` with `password`, from `127.0.0.<from>`.
async fn sign_in_from(app: &TestApp, from: u8, work_no: u32, password: &str) -> Answer {
    let body = json!({"password": password, "phonenum": format!("70{work_no}"), "status": "4"});
    let request = app
        .client_from(from)
        .put(app.url(&format!("onlineagent/{work_no}")))
        .header("Content-Type", "application/json; charset=UTF-8")
        .body(body.to_string());
    let answer = answer_of(request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

/// Signs `work_no` in from `127.0.0.<from>` with the right password and out again.
async fn sign_in_and_out(app: &TestApp, from: u8, work_no: u32) {
    let answer = sign_in_from(app, from, work_no, PASSWORD).await;
    assert_eq!(answer.retcode(), "0", "sign-in of {work_no} from 127.0.0.{from}: {}", answer.body);
    let guid = answer.set_guid.expect("Set-GUID");
    let out = app.call("DELETE", &format!("onlineagent/{work_no}/logout"), Some(&guid), None).await;
    assert_eq!(out.retcode(), "0", "{}", out.body);
}

fn with(sign_in: SignInConfig) -> TestOpts {
    TestOpts { sign_in, ..TestOpts::default() }
}

#[tokio::test]
async fn wrong_passwords_sent_concurrently_never_block_the_right_one() {
    // No lock at all: the attackers keep checking passwords the whole time, as they
    // could before any lock starts.
    let no_locks =
        SignInConfig { lock_failures: 0, agent_lock_failures: 0, address_lock_failures: 0, ..SignInConfig::default() };
    let app = std::sync::Arc::new(spawn_app(with(no_locks)).await);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (started, mut first_answers) = tokio::sync::mpsc::channel(4);
    let mut attackers = Vec::new();
    for from in 11..15u8 {
        let (app, stopped, started) = (app.clone(), stopped.clone(), started.clone());
        attackers.push(tokio::spawn(async move {
            let mut sent = 0u32;
            while !*stopped.borrow() {
                let answer = sign_in_from(&app, from, 101, WRONG).await;
                // Attackers may meet each other's sign-in in progress; never a lock here.
                assert!(["100-004", "100-021"].contains(&answer.retcode()), "{}", answer.body);
                sent += 1;
                if sent == 1 {
                    let _ = started.send(()).await;
                }
            }
            sent
        }));
    }
    drop(started);
    for _ in 0..4 {
        first_answers.recv().await.expect("every attacker is under way");
    }
    for _ in 0..6 {
        sign_in_and_out(&app, 1, 101).await;
    }
    stop.send(true).unwrap();
    for attacker in attackers {
        assert!(attacker.await.unwrap() > 0);
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_agent_from_that_address_only_until_the_lock_time_passes() {
    let app = spawn_app(TestOpts::default()).await;
    for attempt in 1..=4 {
        assert_eq!(sign_in_from(&app, 1, 101, WRONG).await.retcode(), "100-004", "attempt {attempt}");
    }
    let fifth = sign_in_from(&app, 1, 101, WRONG).await;
    assert_eq!(fifth.retcode(), "110-016", "{}", fifth.body);
    assert_eq!(fifth.body["message"], json!("account locked after too many failed sign-ins; try again in 5 minutes"));
    // Locked: even the right password is not checked from this address.
    let right = sign_in_from(&app, 1, 101, PASSWORD).await;
    assert_eq!((right.retcode(), right.set_guid.is_none()), ("110-016", true));
    // Other agents from this address, and this agent from another address, are not locked.
    sign_in_and_out(&app, 2, 101).await;
    sign_in_and_out(&app, 1, 102).await;

    app.advance(Duration::from_secs(4 * 60 + 59)).await;
    assert_eq!(sign_in_from(&app, 1, 101, PASSWORD).await.retcode(), "110-016");
    app.advance(Duration::from_secs(1)).await;
    sign_in_and_out(&app, 1, 101).await;
}

#[tokio::test]
async fn guessing_from_many_addresses_locks_the_agent_but_not_from_where_it_signs_in() {
    let app = spawn_app(with(SignInConfig {
        lock_failures: 3,
        agent_lock_failures: 6,
        agent_lock_ms: 900_000,
        ..SignInConfig::default()
    }))
    .await;
    // The agent's own workstation: 127.0.0.3.
    sign_in_and_out(&app, 3, 101).await;
    for from in [10, 11] {
        for _ in 0..2 {
            assert_eq!(sign_in_from(&app, from, 101, WRONG).await.retcode(), "100-004");
        }
        // The third wrong one from an address locks that address (and the sixth the agent).
        assert_eq!(sign_in_from(&app, from, 101, WRONG).await.retcode(), "110-016");
    }
    let elsewhere = sign_in_from(&app, 4, 101, PASSWORD).await;
    assert_eq!(elsewhere.retcode(), "110-016", "the agent is locked from new addresses");
    assert_eq!(
        elsewhere.body["message"],
        json!("account locked after too many failed sign-ins; try again in 15 minutes")
    );
    sign_in_and_out(&app, 3, 101).await;
    sign_in_and_out(&app, 4, 102).await;

    app.advance(Duration::from_secs(15 * 60)).await;
    sign_in_and_out(&app, 4, 101).await;
}

#[tokio::test]
async fn one_address_trying_many_work_numbers_is_locked_for_all_but_agents_that_use_it() {
    let app = spawn_app(with(SignInConfig { address_lock_failures: 4, ..SignInConfig::default() })).await;
    // Agent 110 signs in from 127.0.0.5 every day.
    sign_in_and_out(&app, 5, 110).await;
    for work_no in 101..=103 {
        assert_eq!(sign_in_from(&app, 5, work_no, WRONG).await.retcode(), "100-004");
    }
    assert_eq!(sign_in_from(&app, 5, 104, WRONG).await.retcode(), "110-016");
    assert_eq!(sign_in_from(&app, 5, 105, PASSWORD).await.retcode(), "110-016", "a work number not tried yet");
    sign_in_and_out(&app, 6, 105).await;
    sign_in_and_out(&app, 5, 110).await;

    app.advance(Duration::from_secs(5 * 60)).await;
    sign_in_and_out(&app, 5, 105).await;
}

#[tokio::test]
async fn two_right_sign_ins_at_once_still_meet_the_sign_in_rules() {
    let app = std::sync::Arc::new(spawn_app(TestOpts::default()).await);
    let (first, second) = tokio::join!(sign_in_from(&app, 1, 101, PASSWORD), sign_in_from(&app, 2, 101, PASSWORD));
    let mut codes = [first.retcode().to_owned(), second.retcode().to_owned()];
    codes.sort();
    // One wins; the other is told a sign-in is in progress or the agent is signed in.
    assert!(codes[0] == "0" && ["100-002", "100-021"].contains(&codes[1].as_str()), "{codes:?}");
}
