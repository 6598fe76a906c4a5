//! A customer hanging up at the moment an agent commands its call (answer, hold,
//! retrieve, transfer, conference), over HTTPS, in each order: the hang-up reaches the
//! engine first (the command then gets its no-call retcode and changes nothing), the
//! command does (it succeeds, then the hang-up ends the call), and both sent at once
//! (either). Whichever way, every agent ends without a call and idle, the switch holds
//! nothing, and the call has exactly one record. The engine checks the whole center
//! after every step in debug builds, so a crossing that left it inconsistent would stop it.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, TestOpts, record_of, sim_calls, spawn_app};

/// How the customer's hang-up meets the agent's command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// The engine has told the agent of the hang-up before the command arrives.
    HangUpFirst,
    /// The command is answered before the customer hangs up.
    CommandFirst,
    /// Both are sent at once; either may reach the engine first.
    Together,
}

const ORDERS: [Order; 4] = [Order::HangUpFirst, Order::CommandFirst, Order::Together, Order::Together];

fn quick_polls() -> TestOpts {
    TestOpts { poll_hold_ms: 50, ..TestOpts::default() }
}

/// Takes every event an agent has waiting; returns their types.
async fn drain(app: &TestApp, work_no: u32, guid: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let answer = app.poll(work_no, guid).await;
        assert_eq!(answer.retcode(), "0", "{}", answer.body);
        match answer.body.get("event") {
            Some(event) => seen.push(event["eventType"].as_str().unwrap().to_owned()),
            None => return seen,
        }
    }
}

/// A command to cross with a hang-up: its name, its request (sent when first awaited),
/// and the retcode it must give when the hang-up came first.
struct Command<F> {
    name: &'static str,
    send: F,
    too_late: &'static str,
}

/// The customer hangs up (through the simulated switch) and 101 sends `command`, in
/// `order`; returns the command's retcode, checked against the order.
async fn cross(
    app: &TestApp,
    customer: &str,
    guid: &str,
    order: Order,
    command: Command<impl Future<Output = Answer>>,
) -> String {
    let Command { name, send, too_late } = command;
    let answer = match order {
        Order::HangUpFirst => {
            assert_eq!(app.hang_up(customer).await, 200);
            wait_for_release(app, 101, guid).await;
            send.await
        }
        Order::CommandFirst => {
            let answer = send.await;
            assert_eq!(app.hang_up(customer).await, 200);
            answer
        }
        Order::Together => {
            let (answer, hung_up) = tokio::join!(send, app.hang_up(customer));
            assert!(hung_up == 200 || hung_up == 404, "hang-up answered {hung_up}");
            answer
        }
    };
    assert_eq!(answer.status, 200, "{}", answer.body);
    let code = answer.retcode().to_owned();
    match order {
        Order::HangUpFirst => assert_eq!(code, too_late, "{name} after the hang-up"),
        Order::CommandFirst => assert_eq!(code, "0", "{name} before the hang-up: {}", answer.body),
        Order::Together => assert!([too_late, "0"].contains(&code.as_str()), "{name}: {code}"),
    }
    code
}

/// Polls until the agent has heard that the customer left.
async fn wait_for_release(app: &TestApp, work_no: u32, guid: &str) {
    for _ in 0..100 {
        if drain(app, work_no, guid).await.iter().any(|kind| kind == "AgentEvent_Customer_Release") {
            return;
        }
    }
    panic!("{work_no} never heard the customer leave");
}

/// After the crossing has settled: no agent has a call or works, the switch is empty, and
/// the customer's call has one record whose outcome is one of `outcomes`.
async fn assert_settled(app: &TestApp, agents: &[(u32, &str)], customer: &str, outcomes: &[&str]) -> Value {
    for (work_no, guid) in agents {
        let events = drain(app, *work_no, guid).await;
        let calls = app.agent(*work_no, guid).calldata("callnums").await;
        assert_eq!(calls.body["result"], json!(0), "{work_no} after {events:?}");
        let status = app.agent(*work_no, guid).status().await;
        assert_eq!(status.body["result"]["isWorking"], json!(false), "{work_no} after {events:?}");
    }
    assert!(sim_calls(app).await.is_empty(), "{:?}", sim_calls(app).await);
    let record = record_of(app, customer).await;
    let outcome = record["outcome"].as_str().unwrap();
    assert!(outcomes.contains(&outcome), "outcome {outcome} not in {outcomes:?}");
    let (_, records) = app.admin("GET", "records", None).await;
    let copies = records["records"].as_array().unwrap().iter().filter(|r| r["callid"] == json!(customer)).count();
    assert_eq!(copies, 1, "one record per call");
    record
}

/// A customer call of skill 1 ringing at 101 (manual answer); its events taken.
async fn ringing_at_101(app: &TestApp, guid: &str) -> String {
    let customer = app.place_call(1).await;
    app.events(101, guid, 3).await;
    customer
}

/// A customer call of skill 1 that 101 answered and talks in.
async fn talking_with_101(app: &TestApp, guid: &str) -> String {
    let customer = ringing_at_101(app, guid).await;
    assert_eq!(app.agent(101, guid).answer().await.checked_retcode(), "0");
    app.events(101, guid, 2).await;
    customer
}

/// Agents 101 and 102 signed in and idle: their Guids.
async fn agents_101_and_102(app: &TestApp) -> (String, String) {
    let other = app.idle_agent(102, json!({})).await;
    let guid = app.idle_agent(101, json!({})).await;
    (guid, other)
}

/// A customer call that 101 answered and talks in (102 was busy meanwhile, so that the
/// call rang at 101); 102 is idle again.
async fn next_customer(app: &TestApp, guid: &str, other: &str) -> String {
    assert_eq!(app.agent(102, other).say_busy().await.checked_retcode(), "0");
    let customer = talking_with_101(app, guid).await;
    assert_eq!(app.agent(102, other).cancel_busy().await.checked_retcode(), "0");
    customer
}

#[tokio::test]
async fn answer_crossing_a_hang_up() {
    let app = spawn_app(quick_polls()).await;
    let guid = app.idle_agent(101, json!({})).await;
    for order in ORDERS {
        let customer = ringing_at_101(&app, &guid).await;
        let answer = Command { name: "answer", send: app.agent(101, &guid).answer(), too_late: "200-002" };
        let answered = cross(&app, &customer, &guid, order, answer).await;
        let expected = if answered == "0" { "answered" } else { "abandoned-ringing" };
        assert_settled(&app, &[(101, &guid)], &customer, &[expected]).await;
    }
}

#[tokio::test]
async fn hold_and_retrieve_crossing_a_hang_up() {
    let app = spawn_app(quick_polls()).await;
    let guid = app.idle_agent(101, json!({})).await;
    for order in ORDERS {
        let customer = talking_with_101(&app, &guid).await;
        let hold = Command { name: "hold", send: app.agent(101, &guid).hold(), too_late: "200-013" };
        cross(&app, &customer, &guid, order, hold).await;
        assert_settled(&app, &[(101, &guid)], &customer, &["answered"]).await;

        let customer = talking_with_101(&app, &guid).await;
        assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "0");
        drain(&app, 101, &guid).await;
        let retrieve =
            Command { name: "retrieve", send: app.agent(101, &guid).retrieve_call(&customer), too_late: "200-015" };
        cross(&app, &customer, &guid, order, retrieve).await;
        assert_settled(&app, &[(101, &guid)], &customer, &["answered"]).await;
    }
}

#[tokio::test]
async fn blind_transfer_crossing_a_hang_up() {
    let app = spawn_app(quick_polls()).await;
    let (guid, other) = agents_101_and_102(&app).await;
    for order in ORDERS {
        let customer = next_customer(&app, &guid, &other).await;
        let send = app.agent(101, &guid).transfer(json!({"devicetype": 1, "mode": 0, "address": "2"}));
        let transfer = Command { name: "transfer", send, too_late: "200-012" };
        cross(&app, &customer, &guid, order, transfer).await;
        // The outcome is how the call ended: answered by 101 (before the transfer), or
        // abandoned while it rang at 102 or waited in skill 2 (`docs/call-control.md`).
        let outcomes = ["answered", "abandoned-ringing", "abandoned-in-queue"];
        assert_settled(&app, &[(101, &guid), (102, &other)], &customer, &outcomes).await;
    }
}

#[tokio::test]
async fn conference_crossing_a_hang_up() {
    let app = spawn_app(quick_polls()).await;
    let (guid, helper) = agents_101_and_102(&app).await;
    for order in ORDERS {
        let customer = next_customer(&app, &guid, &helper).await;
        let ask = json!({"dstaddress": "102", "devicetype": 2, "mode": 1});
        assert_eq!(app.agent(101, &guid).inner_help(ask).await.checked_retcode(), "0");
        drain(&app, 102, &helper).await;
        assert_eq!(app.agent(102, &helper).answer().await.checked_retcode(), "0");
        drain(&app, 101, &guid).await;

        let join = Command { name: "confjoin", send: app.agent(101, &guid).conf_join(&customer), too_late: "200-011" };
        cross(&app, &customer, &guid, order, join).await;
        // Either way the two agents still talk (in the conference or in the help call)
        // until 101 hangs up.
        assert_eq!(app.agent(101, &guid).release().await.checked_retcode(), "0");
        assert_settled(&app, &[(101, &guid), (102, &helper)], &customer, &["answered"]).await;
    }
}
