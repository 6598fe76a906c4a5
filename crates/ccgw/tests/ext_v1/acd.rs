//! `/ccgw/v1/skills` queue settings, agents' group and wrap-up, `/ccgw/v1/groups` and
//! `/ccgw/v1/restreasons`.

use reqwest::Method;
use serde_json::{Value, json};

use super::ext;
use super::helpers::{TestOpts, spawn_app};

/// Asserts a JSON error answer with the status and a message containing `part`.
fn assert_error(answer: &(u16, Value), status: u16, part: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    let message = answer.1["error"]["message"].as_str().unwrap_or_else(|| panic!("no error message: {}", answer.1));
    assert!(message.contains(part), "{message:?} should contain {part:?}");
}

#[tokio::test]
async fn skills_carry_their_policy_queue_limits_and_wrap_up() {
    let app = spawn_app(TestOpts::default()).await;
    let (status, general) = ext(&app, Method::GET, "skills/1/1", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        general,
        json!({
            "vdn": 1, "id": 1, "name": "General", "mediaType": 5, "policy": "longest-idle", "maxWaiting": null,
            "maxWaitMs": null, "overflow": null, "refuseWhenUnstaffed": false, "wrapUpMs": null
        })
    );

    let new_skill = json!({
        "id": 8, "name": "Sales", "policy": "most-skilled", "maxWaiting": 50, "maxWaitMs": 120000,
        "overflow": {"skill": 1}, "refuseWhenUnstaffed": true, "wrapUpMs": 30000
    });
    let (status, created) = ext(&app, Method::POST, "skills", Some(new_skill)).await;
    assert_eq!(status, 201, "{created}");
    let wanted = json!({
        "vdn": 1, "id": 8, "name": "Sales", "mediaType": 5, "policy": "most-skilled", "maxWaiting": 50,
        "maxWaitMs": 120000, "overflow": {"skill": 1}, "refuseWhenUnstaffed": true, "wrapUpMs": 30000
    });
    assert_eq!(created, wanted);
    assert_eq!(ext(&app, Method::GET, "skills/1/8", None).await, (200, wanted));

    // Absent fields stay; null clears a limit.
    let patch =
        json!({"overflow": {"number": "5551234"}, "maxWaiting": null, "wrapUpMs": null, "policy": "round-robin"});
    let (status, patched) = ext(&app, Method::PATCH, "skills/1/8", Some(patch)).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["overflow"], json!({"number": "5551234"}));
    assert_eq!((&patched["maxWaiting"], &patched["wrapUpMs"]), (&Value::Null, &Value::Null));
    assert_eq!(patched["maxWaitMs"], json!(120000));
    assert_eq!(patched["policy"], json!("round-robin"));
    let (_, cleared) = ext(&app, Method::PATCH, "skills/1/8", Some(json!({"overflow": null}))).await;
    assert_eq!(cleared["overflow"], Value::Null);
    assert_eq!(cleared["refuseWhenUnstaffed"], json!(true));

    // A skill others overflow into cannot go.
    ext(&app, Method::PATCH, "skills/1/8", Some(json!({"overflow": {"skill": 2}}))).await;
    assert_error(&ext(&app, Method::DELETE, "skills/1/2", None).await, 409, "overflow target of skill 8");
}

#[tokio::test]
async fn bad_skill_settings_are_client_errors_with_a_message() {
    let app = spawn_app(TestOpts::default()).await;
    let cases = [
        (json!({"id": 9, "name": "X", "policy": "random"}), 400, "policy must be one of longest-idle"),
        (json!({"id": 9, "name": "X", "maxWaitMs": 0}), 400, "must be more than zero"),
        (json!({"id": 9, "name": "X", "maxWaiting": -1}), 400, "maxWaiting"),
        (json!({"id": 9, "name": "X", "overflow": {"skill": 9}}), 400, "cannot overflow into itself"),
        (json!({"id": 9, "name": "X", "overflow": {"skill": 77}}), 404, "overflow skill 77"),
        (json!({"id": 9, "name": "X", "overflow": {"number": "55a"}}), 400, "overflow number"),
        (json!({"id": 9, "name": "X", "overflow": {"queue": 1}}), 400, "queue"),
        (json!({"id": 9, "name": "X", "overflow": {"skill": 1, "number": "5"}}), 400, "overflow"),
        (json!({"id": 9, "name": "X", "refuseWhenUnstaffed": "yes"}), 400, "refuseWhenUnstaffed"),
    ];
    for (body, status, part) in cases {
        assert_error(&ext(&app, Method::POST, "skills", Some(body.clone())).await, status, part);
    }
    assert_error(&ext(&app, Method::PATCH, "skills/1/1", Some(json!({"maxWaitMs": 0}))).await, 400, "more than zero");
    assert_error(&ext(&app, Method::GET, "skills/1/abc", None).await, 400, "skill id");
    assert_error(&ext(&app, Method::GET, "skills/0/1", None).await, 400, "VDN");
    assert_error(&ext(&app, Method::GET, "skills?vdn=abc", None).await, 400, "vdn");
    assert_eq!(ext(&app, Method::GET, "skills/1/9", None).await.0, 404, "nothing was created");
}

#[tokio::test]
async fn agents_carry_their_group_and_wrap_up_time() {
    let app = spawn_app(TestOpts::default()).await;
    let (_, agent) = ext(&app, Method::GET, "agents/101", None).await;
    assert_eq!((&agent["group"], &agent["wrapUpMs"]), (&json!(1), &Value::Null));

    let new_agent = json!({"workNo": 140, "password": "Agent-140-pw", "phone": "70140", "group": 2, "wrapUpMs": 15000});
    let (status, created) = ext(&app, Method::POST, "agents", Some(new_agent)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((&created["group"], &created["wrapUpMs"]), (&json!(2), &json!(15000)));

    let (status, moved) = ext(&app, Method::PATCH, "agents/140", Some(json!({"group": 1}))).await;
    assert_eq!((status, &moved["group"], &moved["wrapUpMs"]), (200, &json!(1), &json!(15000)));
    let (_, cleared) = ext(&app, Method::PATCH, "agents/140", Some(json!({"group": null, "wrapUpMs": null}))).await;
    assert_eq!((&cleared["group"], &cleared["wrapUpMs"]), (&Value::Null, &Value::Null));

    assert_error(&ext(&app, Method::PATCH, "agents/140", Some(json!({"group": 9}))).await, 404, "Group 9");
    assert_error(&ext(&app, Method::PATCH, "agents/140", Some(json!({"group": 0}))).await, 400, "group id");
    assert_error(&ext(&app, Method::PATCH, "agents/140", Some(json!({"wrapUpMs": -5}))).await, 400, "wrapUpMs");
    let no_group = json!({"workNo": 141, "password": "Agent-141-pw", "phone": "70141", "group": 7});
    assert_error(&ext(&app, Method::POST, "agents", Some(no_group)).await, 404, "Group 7 does not exist in VDN 1");
}

#[tokio::test]
async fn groups_are_created_listed_read_with_members_renamed_and_deleted() {
    let app = spawn_app(TestOpts::default()).await;
    let (status, listed) = ext(&app, Method::GET, "groups?vdn=1", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        listed,
        json!({"groups": [{"vdn": 1, "id": 1, "name": "Team A"}, {"vdn": 1, "id": 2, "name": "Team B"}]})
    );
    let (status, team_a) = ext(&app, Method::GET, "groups/1/1", None).await;
    assert_eq!(status, 200);
    assert_eq!(team_a["agents"], json!((101..=110).collect::<Vec<_>>()));

    let (status, created) = ext(&app, Method::POST, "groups", Some(json!({"id": 3, "name": "Night"}))).await;
    assert_eq!((status, created), (201, json!({"vdn": 1, "id": 3, "name": "Night"})));
    ext(&app, Method::PATCH, "agents/101", Some(json!({"group": 3}))).await;
    let (_, night) = ext(&app, Method::GET, "groups/1/3", None).await;
    assert_eq!(night["agents"], json!([101]));
    let (status, renamed) = ext(&app, Method::PATCH, "groups/1/3", Some(json!({"name": "Late"}))).await;
    assert_eq!((status, &renamed["name"]), (200, &json!("Late")));

    assert_eq!(ext(&app, Method::DELETE, "groups/1/3", None).await.0, 204);
    let (_, agent) = ext(&app, Method::GET, "agents/101", None).await;
    assert_eq!((&agent["group"], &agent["vdn"]), (&Value::Null, &json!(1)), "the agent stays, in no group");

    assert_error(&ext(&app, Method::GET, "groups/1/3", None).await, 404, "Group 3 does not exist in VDN 1.");
    assert_error(&ext(&app, Method::DELETE, "groups/1/3", None).await, 404, "Group 3");
    assert_error(&ext(&app, Method::POST, "groups", Some(json!({"id": 1, "name": "Again"}))).await, 409, "already");
    assert_error(&ext(&app, Method::POST, "groups", Some(json!({"id": 0, "name": "Zero"}))).await, 400, "group id");
    assert_error(&ext(&app, Method::POST, "groups", Some(json!({"id": 4, "name": " "}))).await, 400, "name");
    assert_error(&ext(&app, Method::POST, "groups", Some(json!({"vdn": 9, "id": 4, "name": "X"}))).await, 404, "VDN 9");
    assert_error(&ext(&app, Method::GET, "groups/1/x", None).await, 400, "group id");
    assert_error(&ext(&app, Method::GET, "groups/1/10000", None).await, 400, "group id");
    assert_error(&ext(&app, Method::PATCH, "groups/1/1", Some(json!({"title": "X"}))).await, 400, "title");
}

#[tokio::test]
async fn rest_reasons_are_created_listed_replaced_and_deleted() {
    let app = spawn_app(TestOpts::default()).await;
    let (status, listed) = ext(&app, Method::GET, "restreasons", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        listed,
        json!({"restReasons": [
            {"vdn": 1, "code": 1, "name": "Lunch"},
            {"vdn": 1, "code": 2, "name": "Meeting"},
            {"vdn": 1, "code": 3, "name": "Training"}
        ]})
    );
    let (status, created) = ext(&app, Method::POST, "restreasons", Some(json!({"code": 4, "name": "Break"}))).await;
    assert_eq!((status, created), (201, json!({"vdn": 1, "code": 4, "name": "Break"})));
    assert_eq!(ext(&app, Method::GET, "restreasons/1/4", None).await.1["name"], json!("Break"));
    // PUT adds (201) or replaces (200).
    assert_eq!(ext(&app, Method::PUT, "restreasons/1/4", Some(json!({"name": "Coffee"}))).await.0, 200);
    assert_eq!(ext(&app, Method::PUT, "restreasons/1/200", Some(json!({"name": "Other"}))).await.0, 201);
    assert_eq!(ext(&app, Method::GET, "restreasons/1/4", None).await.1["name"], json!("Coffee"));
    assert_eq!(ext(&app, Method::DELETE, "restreasons/1/4", None).await.0, 204);
    assert_eq!(ext(&app, Method::GET, "restreasons?vdn=1", None).await.1["restReasons"].as_array().unwrap().len(), 4);

    assert_error(&ext(&app, Method::GET, "restreasons/1/4", None).await, 404, "Rest reason 4 does not exist");
    assert_error(&ext(&app, Method::POST, "restreasons", Some(json!({"code": 1, "name": "X"}))).await, 409, "already");
    assert_error(&ext(&app, Method::POST, "restreasons", Some(json!({"code": 0, "name": "X"}))).await, 400, "1 to 255");
    assert_error(
        &ext(&app, Method::POST, "restreasons", Some(json!({"code": 256, "name": "X"}))).await,
        400,
        "1 to 255",
    );
    assert_error(&ext(&app, Method::PUT, "restreasons/1/0", Some(json!({"name": "X"}))).await, 400, "1 to 255");
    assert_error(&ext(&app, Method::PUT, "restreasons/9/1", Some(json!({"name": "X"}))).await, 404, "VDN 9");
    assert_error(&ext(&app, Method::PUT, "restreasons/1/5", Some(json!({}))).await, 400, "name");
}
