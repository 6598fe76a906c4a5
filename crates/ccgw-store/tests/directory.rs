//! The directory against a real SQLite database (in memory, and one file).

mod support;

use ccgw_core::{AgentProfile, Role, SkillGrant};
use ccgw_store::{AgentPatch, SkillPatch, SqliteStore, StoreError};

use support::*;

/// An agent of `vdn_no` with these skills.
fn agent_with(number: u32, vdn_no: u16, skills: Vec<SkillGrant>) -> AgentProfile {
    AgentProfile { skills, ..profile(number, vdn_no) }
}

// --- opening -----------------------------------------------------------------------

#[tokio::test]
async fn a_new_directory_is_empty_and_not_after_a_vdn_is_added() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    assert!(dir.is_empty().await.expect("query"));
    dir.create_vdn(&vdn_record(1, "One", None)).await.expect("created");
    assert!(!dir.is_empty().await.expect("query"));
}

#[tokio::test]
async fn data_written_to_a_file_is_still_there_after_reopening() {
    let temp = tempfile::TempDir::new().expect("temp dir");
    let path = temp.path().join("directory.db");
    {
        let dir = SqliteStore::open(&path).await.expect("creates the file");
        dir.create_vdn(&vdn_record(1, "One", Some("4000"))).await.expect("VDN");
        dir.create_skill(&skill(1, 1, "General")).await.expect("skill");
        dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 3)]))).await.expect("agent");
    }
    assert!(path.exists());
    let reopened = SqliteStore::open(&path).await.expect("reopens");
    assert_eq!(reopened.get_vdn(vdn(1)).await.expect("VDN"), vdn_record(1, "One", Some("4000")));
    assert_eq!(reopened.get_agent(work_no(101)).await.expect("agent"), agent_with(101, 1, vec![grant(1, 3)]));
    reopened.verify_password(work_no(101), "pw-123").await.expect("password survives");
}

// --- VDNs --------------------------------------------------------------------------

#[tokio::test]
async fn vdns_can_be_created_listed_and_read_back() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    dir.create_vdn(&vdn_record(2, "Two", None)).await.expect("VDN 2");
    dir.create_vdn(&vdn_record(1, "One", Some("4000"))).await.expect("VDN 1");
    assert_eq!(
        dir.list_vdns().await.expect("list"),
        vec![vdn_record(1, "One", Some("4000")), vdn_record(2, "Two", None)]
    );
    assert_eq!(dir.get_vdn(vdn(2)).await.expect("get"), vdn_record(2, "Two", None));
}

#[tokio::test]
async fn creating_an_existing_vdn_is_a_conflict() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    dir.create_vdn(&vdn_record(1, "One", None)).await.expect("first");
    let again = dir.create_vdn(&vdn_record(1, "Again", None)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

#[tokio::test]
async fn reading_an_unknown_vdn_is_not_found() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    let missing = dir.get_vdn(vdn(9)).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");
}

#[tokio::test]
async fn blank_and_over_long_names_are_invalid_input() {
    let dir = directory_with_skills().await;
    let blank = dir.create_vdn(&vdn_record(3, " ", None)).await;
    assert!(matches!(blank, Err(StoreError::InvalidInput(_))), "{blank:?}");
    let long = dir.create_skill(&skill(1, 9, &"x".repeat(65))).await;
    assert!(matches!(long, Err(StoreError::InvalidInput(_))), "{long:?}");
    let mut nameless = agent_with(101, 1, vec![]);
    nameless.name = String::new();
    let refused = dir.create_agent(&new_agent(nameless)).await;
    assert!(matches!(refused, Err(StoreError::InvalidInput(_))), "{refused:?}");
}

// --- skills ------------------------------------------------------------------------

#[tokio::test]
async fn skills_are_listed_by_vdn_then_id_and_can_be_filtered_by_vdn() {
    let dir = directory_with_skills().await;
    let all = dir.list_skills(None).await.expect("list");
    let keys: Vec<_> = all.iter().map(|s| (s.vdn.get(), s.id.get())).collect();
    assert_eq!(keys, vec![(1, 1), (1, 2), (1, 3), (2, 1)]);
    assert_eq!(dir.list_skills(Some(vdn(2))).await.expect("list"), vec![skill(2, 1, "Other")]);
    assert_eq!(dir.get_skill(vdn(1), skill_id(2)).await.expect("get"), skill(1, 2, "VIP"));
}

#[tokio::test]
async fn creating_an_existing_skill_is_a_conflict() {
    let dir = directory_with_skills().await;
    let again = dir.create_skill(&skill(1, 1, "Again")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

#[tokio::test]
async fn creating_a_skill_in_an_unknown_vdn_is_not_found() {
    let dir = directory_with_skills().await;
    let orphan = dir.create_skill(&skill(7, 1, "Orphan")).await;
    assert!(matches!(orphan, Err(StoreError::NotFound(_))), "{orphan:?}");
}

#[tokio::test]
async fn updating_a_skill_changes_only_the_given_fields() {
    let dir = directory_with_skills().await;
    let renamed = dir
        .update_skill(vdn(1), skill_id(2), &SkillPatch { name: Some("Gold".into()), ..SkillPatch::default() })
        .await
        .expect("update");
    assert_eq!(renamed, skill(1, 2, "Gold"));
    let retyped = dir
        .update_skill(vdn(1), skill_id(2), &SkillPatch { media_type: Some(7), ..SkillPatch::default() })
        .await
        .expect("update");
    assert_eq!(retyped.name, "Gold");
    assert_eq!(retyped.media_type, 7);
    assert_eq!(dir.get_skill(vdn(1), skill_id(2)).await.expect("get"), retyped);
}

#[tokio::test]
async fn updating_or_deleting_an_unknown_skill_is_not_found() {
    let dir = directory_with_skills().await;
    let update = dir.update_skill(vdn(2), skill_id(2), &SkillPatch::default()).await;
    assert!(matches!(update, Err(StoreError::NotFound(_))), "{update:?}");
    let delete = dir.delete_skill(vdn(2), skill_id(2)).await;
    assert!(matches!(delete, Err(StoreError::NotFound(_))), "{delete:?}");
    let get = dir.get_skill(vdn(2), skill_id(2)).await;
    assert!(matches!(get, Err(StoreError::NotFound(_))), "{get:?}");
}

#[tokio::test]
async fn deleting_a_skill_removes_its_grants_from_agents() {
    let dir = directory_with_skills().await;
    dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 1), grant(2, 4)]))).await.expect("agent");
    dir.delete_skill(vdn(1), skill_id(2)).await.expect("delete");
    assert_eq!(dir.get_agent(work_no(101)).await.expect("agent").skills, vec![grant(1, 1)]);
    assert!(dir.list_skills(Some(vdn(1))).await.expect("list").len() == 2);
}

// --- agents ------------------------------------------------------------------------

#[tokio::test]
async fn a_created_agent_reads_back_with_skills_ordered_by_id() {
    let dir = directory_with_skills().await;
    let mut wanted = agent_with(101, 1, vec![grant(3, 2), grant(1, 5)]);
    wanted.role = Role::Inspector;
    let created = dir.create_agent(&new_agent(wanted.clone())).await.expect("agent");
    wanted.skills = vec![grant(1, 5), grant(3, 2)];
    assert_eq!(created, wanted);
    assert_eq!(dir.get_agent(work_no(101)).await.expect("get"), wanted);
}

#[tokio::test]
async fn creating_an_agent_with_a_taken_work_number_is_a_conflict_even_in_another_vdn() {
    let dir = directory_with_skills().await;
    dir.create_agent(&new_agent(agent_with(101, 1, vec![]))).await.expect("first");
    let again = dir.create_agent(&new_agent(agent_with(101, 2, vec![]))).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

#[tokio::test]
async fn creating_an_agent_in_an_unknown_vdn_or_with_an_unknown_skill_is_not_found_and_leaves_nothing() {
    let dir = directory_with_skills().await;
    let no_vdn = dir.create_agent(&new_agent(agent_with(101, 9, vec![]))).await;
    assert!(matches!(no_vdn, Err(StoreError::NotFound(_))), "{no_vdn:?}");
    // Skill 2 exists in VDN 1 but not in VDN 2.
    let no_skill = dir.create_agent(&new_agent(agent_with(102, 2, vec![grant(1, 1), grant(2, 1)]))).await;
    assert!(matches!(no_skill, Err(StoreError::NotFound(_))), "{no_skill:?}");
    assert!(dir.list_agents(None).await.expect("list").is_empty());
}

#[tokio::test]
async fn granting_the_same_skill_twice_is_invalid_input() {
    let dir = directory_with_skills().await;
    let twice = dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 1), grant(1, 2)]))).await;
    assert!(matches!(twice, Err(StoreError::InvalidInput(_))), "{twice:?}");
}

#[tokio::test]
async fn agents_are_listed_by_work_number_with_their_skills_and_can_be_filtered_by_vdn() {
    let dir = directory_with_skills().await;
    for (number, v, skills) in [
        (130, 1, vec![grant(2, 1), grant(1, 1)]),
        (101, 2, vec![grant(1, 9)]),
        (115, 1, vec![]),
        (102, 1, vec![grant(3, 2)]),
    ] {
        dir.create_agent(&new_agent(agent_with(number, v, skills))).await.expect("agent");
    }
    let all = dir.list_agents(None).await.expect("list");
    let numbers: Vec<_> = all.iter().map(|a| a.work_no.get()).collect();
    assert_eq!(numbers, vec![101, 102, 115, 130]);
    assert_eq!(all[0].skills, vec![grant(1, 9)]);
    assert_eq!(all[1].skills, vec![grant(3, 2)]);
    assert!(all[2].skills.is_empty());
    assert_eq!(all[3].skills, vec![grant(1, 1), grant(2, 1)]);

    let in_vdn_1 = dir.list_agents(Some(vdn(1))).await.expect("list");
    let numbers: Vec<_> = in_vdn_1.iter().map(|a| a.work_no.get()).collect();
    assert_eq!(numbers, vec![102, 115, 130]);
    assert_eq!(in_vdn_1, all[1..].to_vec());
}

#[tokio::test]
async fn updating_an_agent_changes_only_the_given_fields() {
    let dir = directory_with_skills().await;
    dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 1)]))).await.expect("agent");
    let updated = dir
        .update_agent(
            work_no(101),
            &AgentPatch {
                name: Some("Alice".into()),
                phone: Some(phone("8001")),
                role: Some(Role::Inspector),
                ..AgentPatch::default()
            },
        )
        .await
        .expect("update");
    let mut wanted = agent_with(101, 1, vec![grant(1, 1)]);
    wanted.name = "Alice".into();
    wanted.phone = phone("8001");
    wanted.role = Role::Inspector;
    assert_eq!(updated, wanted);
    assert_eq!(dir.get_agent(work_no(101)).await.expect("get"), wanted);
    let unchanged = dir.update_agent(work_no(101), &AgentPatch::default()).await.expect("empty patch");
    assert_eq!(unchanged, wanted);
}

#[tokio::test]
async fn updating_an_agents_skills_replaces_the_whole_set() {
    let dir = directory_with_skills().await;
    dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 1), grant(2, 1)]))).await.expect("agent");
    let updated = dir
        .update_agent(
            work_no(101),
            &AgentPatch { skills: Some(vec![grant(3, 7), grant(2, 4)]), ..AgentPatch::default() },
        )
        .await
        .expect("update");
    assert_eq!(updated.skills, vec![grant(2, 4), grant(3, 7)]);
    let cleared = dir
        .update_agent(work_no(101), &AgentPatch { skills: Some(vec![]), ..AgentPatch::default() })
        .await
        .expect("update");
    assert!(cleared.skills.is_empty());
}

#[tokio::test]
async fn updating_an_agent_with_an_unknown_skill_is_not_found_and_changes_nothing() {
    let dir = directory_with_skills().await;
    let original = dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 1)]))).await.expect("agent");
    let refused = dir
        .update_agent(
            work_no(101),
            &AgentPatch {
                name: Some("Renamed".into()),
                skills: Some(vec![grant(2, 1), grant(9, 1)]),
                ..AgentPatch::default()
            },
        )
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound(_))), "{refused:?}");
    assert_eq!(dir.get_agent(work_no(101)).await.expect("get"), original);
}

#[tokio::test]
async fn reading_updating_or_deleting_an_unknown_agent_is_not_found() {
    let dir = directory_with_skills().await;
    let get = dir.get_agent(work_no(404)).await;
    assert!(matches!(get, Err(StoreError::NotFound(_))), "{get:?}");
    let update = dir.update_agent(work_no(404), &AgentPatch::default()).await;
    assert!(matches!(update, Err(StoreError::NotFound(_))), "{update:?}");
    let delete = dir.delete_agent(work_no(404)).await;
    assert!(matches!(delete, Err(StoreError::NotFound(_))), "{delete:?}");
    let password = dir.set_password(work_no(404), "new-pw").await;
    assert!(matches!(password, Err(StoreError::NotFound(_))), "{password:?}");
}

#[tokio::test]
async fn a_deleted_agent_is_gone_with_its_grants_and_its_number_can_be_reused() {
    let dir = directory_with_skills().await;
    dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 1)]))).await.expect("agent");
    dir.delete_agent(work_no(101)).await.expect("delete");
    assert!(dir.list_agents(None).await.expect("list").is_empty());
    let get = dir.get_agent(work_no(101)).await;
    assert!(matches!(get, Err(StoreError::NotFound(_))), "{get:?}");
    let reused = dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(2, 1)]))).await.expect("reused");
    assert_eq!(reused.skills, vec![grant(2, 1)]);
}

// --- passwords ---------------------------------------------------------------------

#[tokio::test]
async fn the_right_password_returns_the_agents_profile() {
    let dir = directory_with_skills().await;
    let created = dir.create_agent(&new_agent(agent_with(101, 1, vec![grant(1, 1)]))).await.expect("agent");
    assert_eq!(dir.verify_password(work_no(101), "pw-123").await.expect("verified"), created);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_agent_are_both_bad_credentials() {
    let dir = directory_with_skills().await;
    dir.create_agent(&new_agent(agent_with(101, 1, vec![]))).await.expect("agent");
    let wrong = dir.verify_password(work_no(101), "pw-124").await;
    assert!(matches!(wrong, Err(StoreError::BadCredentials)), "{wrong:?}");
    let unknown = dir.verify_password(work_no(102), "pw-123").await;
    assert!(matches!(unknown, Err(StoreError::BadCredentials)), "{unknown:?}");
}

#[tokio::test]
async fn setting_a_password_replaces_the_old_one() {
    let dir = directory_with_skills().await;
    dir.create_agent(&new_agent(agent_with(101, 1, vec![]))).await.expect("agent");
    dir.set_password(work_no(101), "brand-new").await.expect("set");
    let old = dir.verify_password(work_no(101), "pw-123").await;
    assert!(matches!(old, Err(StoreError::BadCredentials)), "{old:?}");
    dir.verify_password(work_no(101), "brand-new").await.expect("new password works");
}

#[tokio::test]
async fn empty_and_over_long_passwords_are_refused() {
    let dir = directory_with_skills().await;
    let mut agent = new_agent(agent_with(101, 1, vec![]));
    agent.password = String::new();
    let empty = dir.create_agent(&agent).await;
    assert!(matches!(empty, Err(StoreError::InvalidInput(_))), "{empty:?}");
    agent.password = "x".repeat(33);
    let long = dir.create_agent(&agent).await;
    assert!(matches!(long, Err(StoreError::InvalidInput(_))), "{long:?}");
    agent.password = "x".repeat(32);
    dir.create_agent(&agent).await.expect("32 characters is fine");
    let set_empty = dir.set_password(work_no(101), "").await;
    assert!(matches!(set_empty, Err(StoreError::InvalidInput(_))), "{set_empty:?}");
}

#[tokio::test]
async fn the_stored_hash_is_a_salted_argon2id_string_and_not_the_password() {
    let temp = tempfile::TempDir::new().expect("temp dir");
    let path = temp.path().join("directory.db");
    let dir = SqliteStore::open(&path).await.expect("opens");
    dir.create_vdn(&vdn_record(1, "One", None)).await.expect("VDN");
    for number in [101, 102] {
        dir.create_agent(&new_agent(agent_with(number, 1, vec![]))).await.expect("agent");
    }
    drop(dir);
    // Read the column directly, as an attacker with the file would.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("raw connection");
    let hashes: Vec<String> =
        sqlx::query_scalar("SELECT password_hash FROM agents ORDER BY work_no").fetch_all(&pool).await.expect("hashes");
    assert_eq!(hashes.len(), 2);
    for hash in &hashes {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("pw-123"));
    }
    assert_ne!(hashes[0], hashes[1], "each hash has its own salt");
}

#[tokio::test]
async fn error_messages_never_contain_the_password() {
    let dir = directory_with_skills().await;
    let mut agent = new_agent(agent_with(101, 1, vec![]));
    agent.password = "p".repeat(40);
    let refused = dir.create_agent(&agent).await.expect_err("too long");
    assert!(!refused.to_string().contains(&agent.password));
    assert!(!format!("{agent:?}").contains(&agent.password));
    let bad = dir.verify_password(work_no(101), "guess").await.expect_err("unknown");
    assert!(!bad.to_string().contains("guess"));
}

// --- demo seed ---------------------------------------------------------------------

#[tokio::test]
async fn the_demo_seed_builds_the_described_center_and_refuses_a_second_seed() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    dir.seed_demo("demo-pw").await.expect("seeded");

    assert_eq!(dir.list_vdns().await.expect("VDNs"), vec![vdn_record(1, "Demo", Some("4000"))]);
    assert_eq!(dir.list_skills(None).await.expect("skills"), vec![skill(1, 1, "General"), skill(1, 2, "VIP")]);
    let agents = dir.list_agents(None).await.expect("agents");
    assert_eq!(agents.len(), 20);
    let numbers: Vec<_> = agents.iter().map(|a| a.work_no.get()).collect();
    assert_eq!(numbers, (101..=120).collect::<Vec<_>>());
    assert!(agents.iter().all(|a| a.vdn == vdn(1)));
    assert_eq!(agents.iter().filter(|a| a.skills.len() == 2).count(), 5);

    let a101 = dir.get_agent(work_no(101)).await.expect("101");
    assert_eq!(a101.phone.as_str(), "70101");
    assert_eq!(a101.name, "Agent 101");
    assert_eq!(a101.role, Role::Agent);
    assert_eq!(dir.get_agent(work_no(103)).await.expect("103").skills, vec![grant(1, 1), grant(2, 1)]);
    assert_eq!(dir.get_agent(work_no(110)).await.expect("110").skills, vec![grant(1, 1)]);
    let a120 = dir.get_agent(work_no(120)).await.expect("120");
    assert_eq!(a120.role, Role::Inspector);
    assert_eq!(a120.phone.as_str(), "70120");
    assert_eq!(agents.iter().filter(|a| a.role == Role::Inspector).count(), 1);

    dir.verify_password(work_no(101), "demo-pw").await.expect("101 signs in");
    dir.verify_password(work_no(120), "demo-pw").await.expect("120 signs in");

    let again = dir.seed_demo("demo-pw").await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(dir.list_agents(None).await.expect("agents").len(), 20);
}

#[tokio::test]
async fn the_demo_seed_refuses_a_directory_that_already_has_data() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    dir.create_vdn(&vdn_record(7, "Mine", None)).await.expect("VDN");
    let refused = dir.seed_demo("demo-pw").await;
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "{refused:?}");
}

#[tokio::test]
async fn clones_of_a_directory_share_the_same_data() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    let clone = dir.clone();
    clone.create_vdn(&vdn_record(1, "One", None)).await.expect("VDN");
    assert_eq!(dir.list_vdns().await.expect("list").len(), 1);
}

#[tokio::test]
async fn many_agents_can_share_one_password_and_fail_as_a_whole() {
    let directory = directory_with_skills().await;
    let batch: Vec<AgentProfile> = (301..=303).map(|n| agent_with(n, 1, vec![grant(1, 2)])).collect();
    directory.create_agents_sharing_password(&batch, "Shared-pass1").await.expect("created");
    for n in 301..=303 {
        directory.verify_password(work_no(n), "Shared-pass1").await.expect("each signs in with it");
    }
    let clash: Vec<AgentProfile> = [304, 301].iter().map(|&n| agent_with(n, 1, vec![grant(1, 2)])).collect();
    let error = directory.create_agents_sharing_password(&clash, "Shared-pass1").await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict(ref text) if text.contains("301")), "{error:?}");
    assert!(
        matches!(directory.get_agent(work_no(304)).await, Err(StoreError::NotFound(_))),
        "nothing of a failed batch"
    );
}
