//! Call-distribution settings in the directory: skill policies, queue limits and
//! wrap-up, agent groups, agents' group and wrap-up, rest reasons, and the demo seed.

mod support;

use std::time::Duration;

use ccgw_core::{InboundRoute, Overflow, QueueLimits, RestReason, RouteTarget, RoutingPolicy, SkillId, SkillProfile};
use ccgw_store::{AgentPatch, SkillPatch, SqliteStore, StoreError};

use support::*;

fn limited_skill() -> SkillProfile {
    SkillProfile {
        media_type: 5,
        policy: RoutingPolicy::MostSkilled,
        limits: QueueLimits {
            max_waiting: Some(50),
            max_wait: Some(secs(120)),
            overflow: Some(Overflow::Skill(skill_id(1))),
            refuse_when_unstaffed: true,
        },
        wrap_up: Some(secs(30)),
        ..skill(1, 9, "Limited")
    }
}

fn reason(vdn_no: u16, code: u8, name: &str) -> RestReason {
    RestReason { vdn: vdn(vdn_no), code, name: name.into() }
}

// --- skills ----------------------------------------------------------------------------

#[tokio::test]
async fn a_skill_with_a_policy_limits_and_wrap_up_reads_back_unchanged() {
    let dir = directory_with_skills().await;
    let limited = limited_skill();
    dir.create_skill(&limited).await.expect("created");
    assert_eq!(dir.get_skill(vdn(1), skill_id(9)).await.expect("get"), limited);
    let listed = dir.list_skills(Some(vdn(1))).await.expect("list");
    assert_eq!(listed.last(), Some(&limited));

    let to_number = SkillProfile {
        policy: RoutingPolicy::RoundRobin,
        limits: QueueLimits {
            max_wait: Some(Duration::from_millis(1)),
            overflow: Some(Overflow::Number(phone("5551234"))),
            ..QueueLimits::default()
        },
        wrap_up: Some(Duration::ZERO),
        ..skill(1, 10, "To number")
    };
    dir.create_skill(&to_number).await.expect("created");
    assert_eq!(dir.get_skill(vdn(1), skill_id(10)).await.expect("get"), to_number);
}

#[tokio::test]
async fn a_new_skill_has_the_default_policy_and_no_limits() {
    let dir = directory_with_skills().await;
    let general = dir.get_skill(vdn(1), skill_id(1)).await.expect("get");
    assert_eq!(general.policy, RoutingPolicy::LongestIdle);
    assert_eq!(general.limits, QueueLimits::default());
    assert_eq!(general.wrap_up, None);
}

#[tokio::test]
async fn bad_queue_limits_are_refused_with_a_sentence() {
    let dir = directory_with_skills().await;
    let zero_wait = SkillProfile {
        limits: QueueLimits { max_wait: Some(Duration::ZERO), ..QueueLimits::default() },
        ..skill(1, 9, "Zero")
    };
    assert_refused!(dir.create_skill(&zero_wait).await, InvalidInput, "maximum wait of skill 9 must be more than zero");
    let fractional = SkillProfile { wrap_up: Some(Duration::from_micros(1_500)), ..skill(1, 9, "Fraction") };
    assert_refused!(dir.create_skill(&fractional).await, InvalidInput, "whole number of milliseconds");
    let to_itself = SkillProfile {
        limits: QueueLimits { overflow: Some(Overflow::Skill(skill_id(9))), ..QueueLimits::default() },
        ..skill(1, 9, "Loop")
    };
    assert_refused!(dir.create_skill(&to_itself).await, InvalidInput, "Skill 9 cannot overflow into itself.");
    // Skill 2 exists in VDN 1 but not in VDN 2.
    let elsewhere = SkillProfile {
        limits: QueueLimits { overflow: Some(Overflow::Skill(skill_id(2))), ..QueueLimits::default() },
        ..skill(2, 9, "Elsewhere")
    };
    assert_refused!(
        dir.create_skill(&elsewhere).await,
        NotFound,
        "The overflow skill 2 of skill 9 does not exist in VDN 2."
    );
    let no_vdn = skill(7, 1, "Orphan");
    assert_refused!(dir.create_skill(&no_vdn).await, NotFound, "VDN 7 does not exist.");
    assert_eq!(dir.list_skills(None).await.expect("list").len(), 4, "nothing was added");
}

#[tokio::test]
async fn a_skill_patch_sets_and_clears_each_limit() {
    let dir = directory_with_skills().await;
    dir.create_skill(&limited_skill()).await.expect("created");

    let patch = SkillPatch {
        policy: Some(RoutingPolicy::RoundRobin),
        max_waiting: Some(Some(0)),
        overflow: Some(Some(Overflow::Number(phone("5551234")))),
        ..SkillPatch::default()
    };
    let changed = dir.update_skill(vdn(1), skill_id(9), &patch).await.expect("update");
    assert_eq!(changed.policy, RoutingPolicy::RoundRobin);
    assert_eq!(changed.limits.max_waiting, Some(0));
    assert_eq!(changed.limits.overflow, Some(Overflow::Number(phone("5551234"))));
    assert_eq!(changed.limits.max_wait, Some(secs(120)), "untouched");
    assert_eq!(changed.wrap_up, Some(secs(30)), "untouched");
    assert_eq!(dir.get_skill(vdn(1), skill_id(9)).await.expect("get"), changed);

    let clear = SkillPatch {
        max_waiting: Some(None),
        max_wait: Some(None),
        overflow: Some(None),
        refuse_when_unstaffed: Some(false),
        wrap_up: Some(None),
        ..SkillPatch::default()
    };
    let cleared = dir.update_skill(vdn(1), skill_id(9), &clear).await.expect("update");
    assert_eq!(cleared.limits, QueueLimits::default());
    assert_eq!(cleared.wrap_up, None);
    assert_eq!(cleared.name, "Limited");
    assert_eq!(dir.get_skill(vdn(1), skill_id(9)).await.expect("get"), cleared);
}

#[tokio::test]
async fn a_refused_skill_patch_changes_nothing() {
    let dir = directory_with_skills().await;
    let before = dir.get_skill(vdn(1), skill_id(2)).await.expect("get");
    for (patch, what) in [
        (SkillPatch { overflow: Some(Some(Overflow::Skill(skill_id(2)))), ..SkillPatch::default() }, "itself"),
        (SkillPatch { overflow: Some(Some(Overflow::Skill(skill_id(77)))), ..SkillPatch::default() }, "skill 77"),
        (SkillPatch { max_wait: Some(Some(Duration::ZERO)), ..SkillPatch::default() }, "more than zero"),
        (SkillPatch { name: Some(" ".into()), ..SkillPatch::default() }, "must not be empty"),
    ] {
        let refused = dir.update_skill(vdn(1), skill_id(2), &patch).await.expect_err(what);
        assert!(refused.to_string().contains(what), "{refused}");
    }
    assert_eq!(dir.get_skill(vdn(1), skill_id(2)).await.expect("get"), before);
}

#[tokio::test]
async fn a_skill_that_others_overflow_into_cannot_be_deleted() {
    let dir = directory_with_skills().await;
    dir.create_skill(&limited_skill()).await.expect("9 overflows into 1");
    assert_refused!(
        dir.delete_skill(vdn(1), skill_id(1)).await,
        Conflict,
        "Skill 1 of VDN 1 is the overflow target of skill 9; change that overflow first."
    );
    dir.get_skill(vdn(1), skill_id(1)).await.expect("still there");
    dir.update_skill(vdn(1), skill_id(9), &SkillPatch { overflow: Some(None), ..SkillPatch::default() })
        .await
        .expect("overflow cleared");
    dir.delete_skill(vdn(1), skill_id(1)).await.expect("now it can go");
}

#[tokio::test]
async fn the_schema_itself_refuses_two_overflow_targets() {
    let temp = tempfile::TempDir::new().expect("temp dir");
    let path = temp.path().join("d.db");
    let dir = SqliteStore::open(&path).await.expect("opens");
    dir.create_vdn(&vdn_record(1, "One", None)).await.expect("VDN");
    dir.create_skill(&skill(1, 1, "General")).await.expect("skill");
    drop(dir);
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("raw connection");
    for update in [
        "UPDATE skills SET overflow_skill = 2, overflow_number = '5551234'",
        "UPDATE skills SET policy = 'random'",
        "UPDATE skills SET max_wait_ms = 0",
        "UPDATE skills SET refuse_when_unstaffed = 2",
    ] {
        assert!(sqlx::query(update).execute(&pool).await.is_err(), "{update} must be refused");
    }
}

// --- groups ----------------------------------------------------------------------------

#[tokio::test]
async fn groups_are_created_listed_read_renamed_and_deleted() {
    let dir = directory_with_skills().await;
    dir.create_group(&group(2, 5, "Night")).await.expect("2/5");
    dir.create_group(&group(1, 7, "Day")).await.expect("1/7");
    dir.create_group(&group(1, 3, "Morning")).await.expect("1/3");
    assert_eq!(
        dir.list_groups(None).await.expect("list"),
        vec![group(1, 3, "Morning"), group(1, 7, "Day"), group(2, 5, "Night")]
    );
    assert_eq!(dir.list_groups(Some(vdn(2))).await.expect("list"), vec![group(2, 5, "Night")]);
    assert_eq!(dir.get_group(vdn(1), group_id(7)).await.expect("get"), group(1, 7, "Day"));
    assert_eq!(dir.rename_group(vdn(1), group_id(7), "Daytime").await.expect("rename"), group(1, 7, "Daytime"));
    assert_eq!(dir.get_group(vdn(1), group_id(7)).await.expect("get").name, "Daytime");
    assert_eq!(dir.delete_group(vdn(1), group_id(7)).await.expect("delete"), 0);
    assert_refused!(dir.get_group(vdn(1), group_id(7)).await, NotFound, "Group 7 does not exist in VDN 1.");
}

#[tokio::test]
async fn group_mistakes_are_conflicts_not_found_or_invalid_input() {
    let dir = directory_with_skills().await;
    dir.create_group(&group(1, 1, "A")).await.expect("created");
    assert_refused!(dir.create_group(&group(1, 1, "Again")).await, Conflict, "Group 1 already exists in VDN 1.");
    assert_refused!(dir.create_group(&group(9, 1, "Orphan")).await, NotFound, "VDN 9 does not exist.");
    assert_refused!(dir.create_group(&group(1, 2, "")).await, InvalidInput, "group name must not be empty");
    assert_refused!(dir.rename_group(vdn(1), group_id(1), &"x".repeat(65)).await, InvalidInput, "at most 64");
    assert_refused!(dir.rename_group(vdn(2), group_id(1), "B").await, NotFound, "Group 1 does not exist in VDN 2.");
    assert_refused!(dir.delete_group(vdn(2), group_id(1)).await, NotFound, "Group 1 does not exist in VDN 2.");
    assert_refused!(dir.agents_in_group(vdn(1), group_id(2)).await, NotFound, "Group 2 does not exist in VDN 1.");
}

#[tokio::test]
async fn agents_carry_their_group_and_wrap_up_time() {
    let dir = directory_with_skills().await;
    dir.create_group(&group(1, 1, "A")).await.expect("group");
    let wanted = ccgw_core::AgentProfile { group: Some(group_id(1)), wrap_up: Some(secs(15)), ..profile(101, 1) };
    assert_eq!(dir.create_agent(&new_agent(wanted.clone())).await.expect("created"), wanted);
    assert_eq!(dir.get_agent(work_no(101)).await.expect("get"), wanted);
    assert_eq!(dir.list_agents(None).await.expect("list"), vec![wanted.clone()]);
    assert_eq!(dir.verify_password(work_no(101), "pw-123").await.expect("sign-in profile"), wanted);
}

#[tokio::test]
async fn an_agent_in_a_group_of_another_vdn_is_not_found() {
    let dir = directory_with_skills().await;
    dir.create_group(&group(2, 1, "Elsewhere")).await.expect("group");
    let refused =
        dir.create_agent(&new_agent(ccgw_core::AgentProfile { group: Some(group_id(1)), ..profile(101, 1) })).await;
    assert_refused!(refused, NotFound, "Group 1 does not exist in VDN 1.");
    assert!(dir.list_agents(None).await.expect("list").is_empty(), "nothing was added");

    dir.create_agent(&new_agent(profile(101, 1))).await.expect("agent");
    let patch = AgentPatch { name: Some("Renamed".into()), group: Some(Some(group_id(1))), ..AgentPatch::default() };
    assert_refused!(dir.update_agent(work_no(101), &patch).await, NotFound, "Group 1 does not exist in VDN 1.");
    assert_eq!(dir.get_agent(work_no(101)).await.expect("get"), profile(101, 1), "all or nothing");
}

#[tokio::test]
async fn an_agent_patch_sets_and_clears_the_group_and_wrap_up() {
    let dir = directory_with_skills().await;
    dir.create_group(&group(1, 1, "A")).await.expect("group");
    dir.create_agent(&new_agent(profile(101, 1))).await.expect("agent");
    let set = AgentPatch { group: Some(Some(group_id(1))), wrap_up: Some(Some(secs(20))), ..AgentPatch::default() };
    let updated = dir.update_agent(work_no(101), &set).await.expect("update");
    assert_eq!((updated.group, updated.wrap_up), (Some(group_id(1)), Some(secs(20))));
    let untouched = dir.update_agent(work_no(101), &AgentPatch::default()).await.expect("empty patch");
    assert_eq!(untouched, updated);
    let clear = AgentPatch { group: Some(None), wrap_up: Some(None), ..AgentPatch::default() };
    let cleared = dir.update_agent(work_no(101), &clear).await.expect("update");
    assert_eq!(cleared, profile(101, 1));
    let fractional = AgentPatch { wrap_up: Some(Some(Duration::from_nanos(1))), ..AgentPatch::default() };
    assert_refused!(dir.update_agent(work_no(101), &fractional).await, InvalidInput, "wrap-up time of agent 101");
}

#[tokio::test]
async fn deleting_a_group_leaves_its_agents_in_their_vdn_without_a_group() {
    let dir = directory_with_skills().await;
    dir.create_group(&group(1, 1, "A")).await.expect("group 1");
    dir.create_group(&group(1, 2, "B")).await.expect("group 2");
    for (number, team) in [(101, 1), (102, 2), (103, 1)] {
        let agent =
            ccgw_core::AgentProfile { group: Some(group_id(team)), skills: vec![grant(1, 2)], ..profile(number, 1) };
        dir.create_agent(&new_agent(agent)).await.expect("agent");
    }
    let in_a = dir.agents_in_group(vdn(1), group_id(1)).await.expect("members");
    assert_eq!(in_a.iter().map(|a| a.work_no.get()).collect::<Vec<_>>(), [101, 103]);
    assert_eq!(in_a[0].skills, vec![grant(1, 2)], "members come with their skills");

    assert_eq!(dir.delete_group(vdn(1), group_id(1)).await.expect("delete"), 2);
    for number in [101, 103] {
        let agent = dir.get_agent(work_no(number)).await.expect("still there");
        assert_eq!((agent.vdn, agent.group), (vdn(1), None));
        assert_eq!(agent.skills, vec![grant(1, 2)]);
    }
    assert_eq!(dir.get_agent(work_no(102)).await.expect("102").group, Some(group_id(2)));
    // A new group with the old id starts empty.
    dir.create_group(&group(1, 1, "A again")).await.expect("recreated");
    assert!(dir.agents_in_group(vdn(1), group_id(1)).await.expect("members").is_empty());
}

// --- rest reasons ------------------------------------------------------------------------

#[tokio::test]
async fn rest_reasons_are_created_upserted_listed_and_deleted() {
    let dir = directory_with_skills().await;
    dir.create_rest_reason(&reason(1, 2, "Meeting")).await.expect("created");
    dir.create_rest_reason(&reason(2, 1, "Other")).await.expect("created");
    assert!(dir.put_rest_reason(&reason(1, 1, "Lunch")).await.expect("added"));
    assert!(!dir.put_rest_reason(&reason(1, 2, "Team meeting")).await.expect("renamed"));
    assert_eq!(
        dir.list_rest_reasons(Some(vdn(1))).await.expect("list"),
        vec![reason(1, 1, "Lunch"), reason(1, 2, "Team meeting")]
    );
    assert_eq!(dir.list_rest_reasons(None).await.expect("list").len(), 3);
    assert_eq!(dir.get_rest_reason(vdn(2), 1).await.expect("get"), reason(2, 1, "Other"));
    dir.delete_rest_reason(vdn(1), 1).await.expect("deleted");
    assert_refused!(dir.get_rest_reason(vdn(1), 1).await, NotFound, "Rest reason 1 does not exist in VDN 1.");
    assert_refused!(dir.delete_rest_reason(vdn(1), 1).await, NotFound, "Rest reason 1 does not exist in VDN 1.");
}

#[tokio::test]
async fn rest_reason_mistakes_are_refused() {
    let dir = directory_with_skills().await;
    dir.create_rest_reason(&reason(1, 255, "Last")).await.expect("255 is fine");
    assert_refused!(dir.create_rest_reason(&reason(1, 255, "Again")).await, Conflict, "already exists in VDN 1");
    assert_refused!(dir.create_rest_reason(&reason(1, 0, "Zero")).await, InvalidInput, "must be 1 to 255");
    assert_refused!(dir.put_rest_reason(&reason(1, 0, "Zero")).await, InvalidInput, "must be 1 to 255");
    assert_refused!(dir.create_rest_reason(&reason(1, 4, " ")).await, InvalidInput, "rest reason name");
    assert_refused!(dir.put_rest_reason(&reason(9, 1, "Orphan")).await, NotFound, "VDN 9 does not exist.");
    assert_eq!(dir.list_rest_reasons(None).await.expect("list"), vec![reason(1, 255, "Last")]);
}

// --- demo seed -----------------------------------------------------------------------------

#[tokio::test]
async fn the_demo_seed_has_two_groups_three_rest_reasons_and_plain_skills() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    dir.seed_demo("demo-pw").await.expect("seeded");
    assert_eq!(dir.list_groups(None).await.expect("groups"), vec![group(1, 1, "Team A"), group(1, 2, "Team B")]);
    let team_a = dir.agents_in_group(vdn(1), group_id(1)).await.expect("team A");
    assert_eq!(team_a.iter().map(|a| a.work_no.get()).collect::<Vec<_>>(), (101..=110).collect::<Vec<_>>());
    let team_b = dir.agents_in_group(vdn(1), group_id(2)).await.expect("team B");
    assert_eq!(team_b.iter().map(|a| a.work_no.get()).collect::<Vec<_>>(), (111..=120).collect::<Vec<_>>());
    assert!(dir.list_agents(None).await.expect("agents").iter().all(|a| a.wrap_up.is_none()));
    assert_eq!(
        dir.list_rest_reasons(Some(vdn(1))).await.expect("reasons"),
        vec![reason(1, 1, "Lunch"), reason(1, 2, "Meeting"), reason(1, 3, "Training")]
    );
    let route = |suffix: &str, target| InboundRoute { vdn: vdn(1), suffix: suffix.into(), target };
    let skill_id = |n| SkillId::new(n).unwrap();
    assert_eq!(
        dir.list_routes(None).await.expect("routes"),
        vec![
            route("", RouteTarget::Skill(skill_id(1))),
            route("1", RouteTarget::Skill(skill_id(1))),
            route("2", RouteTarget::Skill(skill_id(2))),
            route("9", RouteTarget::Ivr { access_code: "4001".into(), skill: skill_id(1) }),
        ]
    );
    for skill in dir.list_skills(None).await.expect("skills") {
        assert_eq!(skill.policy, RoutingPolicy::LongestIdle);
        assert_eq!(skill.limits, QueueLimits::default());
        assert_eq!(skill.wrap_up, None);
    }
    let again = dir.seed_demo("demo-pw").await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

// --- upgrading -----------------------------------------------------------------------------

#[tokio::test]
async fn a_directory_made_before_these_settings_upgrades_with_defaults() {
    let temp = tempfile::TempDir::new().expect("temp dir");
    // Only the first migration, as an older ccgw would have applied it.
    let first_only = temp.path().join("migrations");
    std::fs::create_dir(&first_only).expect("dir");
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(manifest.join("migrations/0001_directory.sql"), first_only.join("0001_directory.sql")).expect("copy");
    let path = temp.path().join("old.db");
    {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.expect("raw connection");
        sqlx::migrate::Migrator::new(first_only.as_path()).await.expect("migrator").run(&pool).await.expect("0001");
        for statement in [
            "INSERT INTO vdns (id, name) VALUES (1, 'One')",
            "INSERT INTO skills (vdn, id, name) VALUES (1, 1, 'General')",
            "INSERT INTO agents (work_no, vdn, name, password_hash, phone, role)
             VALUES (101, 1, 'Agent 101', 'x', '70101', 'agent')",
            "INSERT INTO agent_skills (work_no, vdn, skill_id, level) VALUES (101, 1, 1, 3)",
        ] {
            sqlx::query(statement).execute(&pool).await.expect(statement);
        }
        pool.close().await;
    }
    let dir = SqliteStore::open(&path).await.expect("upgrades");
    assert_eq!(dir.get_skill(vdn(1), skill_id(1)).await.expect("skill"), skill(1, 1, "General"));
    let agent = dir.get_agent(work_no(101)).await.expect("agent");
    assert_eq!(agent, ccgw_core::AgentProfile { skills: vec![grant(1, 3)], ..profile(101, 1) });
    assert!(dir.list_groups(None).await.expect("groups").is_empty());
    assert!(dir.list_rest_reasons(None).await.expect("reasons").is_empty());
}
