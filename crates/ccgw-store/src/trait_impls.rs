//! [`SqliteStore`] behind the store traits. Each method boxes the inherent async method
//! of the same name (inherent methods win over trait methods in path calls, so
//! `SqliteStore::x` below is never this impl calling itself).

use ccgw_core::{
    AgentProfile, CallEnd, CallStart, GroupId, GroupProfile, InboundRoute, RestReason, SkillId, SkillProfile,
    Timestamp, Vdn, WorkNo,
};
use ccgw_store_traits::{
    AgentPatch, AuditPage, AuditQuery, AuditStore, CallRecordStore, DirectoryStore, NewAgent, PhoneSecretStore,
    RecordPage, RecordQuery, SkillPatch, StoreFuture, VdnRecord,
};

use crate::store::SqliteStore;

impl DirectoryStore for SqliteStore {
    fn is_empty(&self) -> StoreFuture<'_, bool> {
        Box::pin(SqliteStore::is_empty(self))
    }

    fn seed_demo<'a>(&'a self, password: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::seed_demo(self, password))
    }

    fn create_vdn<'a>(&'a self, vdn: &'a VdnRecord) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::create_vdn(self, vdn))
    }

    fn list_vdns(&self) -> StoreFuture<'_, Vec<VdnRecord>> {
        Box::pin(SqliteStore::list_vdns(self))
    }

    fn list_routes(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<InboundRoute>> {
        Box::pin(SqliteStore::list_routes(self, vdn))
    }

    fn get_vdn(&self, vdn: Vdn) -> StoreFuture<'_, VdnRecord> {
        Box::pin(SqliteStore::get_vdn(self, vdn))
    }

    fn create_skill<'a>(&'a self, skill: &'a SkillProfile) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::create_skill(self, skill))
    }

    fn list_skills(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<SkillProfile>> {
        Box::pin(SqliteStore::list_skills(self, vdn))
    }

    fn get_skill(&self, vdn: Vdn, id: SkillId) -> StoreFuture<'_, SkillProfile> {
        Box::pin(SqliteStore::get_skill(self, vdn, id))
    }

    fn update_skill<'a>(&'a self, vdn: Vdn, id: SkillId, patch: &'a SkillPatch) -> StoreFuture<'a, SkillProfile> {
        Box::pin(SqliteStore::update_skill(self, vdn, id, patch))
    }

    fn delete_skill(&self, vdn: Vdn, id: SkillId) -> StoreFuture<'_, ()> {
        Box::pin(SqliteStore::delete_skill(self, vdn, id))
    }

    fn create_group<'a>(&'a self, group: &'a GroupProfile) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::create_group(self, group))
    }

    fn list_groups(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<GroupProfile>> {
        Box::pin(SqliteStore::list_groups(self, vdn))
    }

    fn get_group(&self, vdn: Vdn, id: GroupId) -> StoreFuture<'_, GroupProfile> {
        Box::pin(SqliteStore::get_group(self, vdn, id))
    }

    fn rename_group<'a>(&'a self, vdn: Vdn, id: GroupId, name: &'a str) -> StoreFuture<'a, GroupProfile> {
        Box::pin(SqliteStore::rename_group(self, vdn, id, name))
    }

    fn delete_group(&self, vdn: Vdn, id: GroupId) -> StoreFuture<'_, u64> {
        Box::pin(SqliteStore::delete_group(self, vdn, id))
    }

    fn agents_in_group(&self, vdn: Vdn, id: GroupId) -> StoreFuture<'_, Vec<AgentProfile>> {
        Box::pin(SqliteStore::agents_in_group(self, vdn, id))
    }

    fn create_rest_reason<'a>(&'a self, reason: &'a RestReason) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::create_rest_reason(self, reason))
    }

    fn put_rest_reason<'a>(&'a self, reason: &'a RestReason) -> StoreFuture<'a, bool> {
        Box::pin(SqliteStore::put_rest_reason(self, reason))
    }

    fn list_rest_reasons(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<RestReason>> {
        Box::pin(SqliteStore::list_rest_reasons(self, vdn))
    }

    fn get_rest_reason(&self, vdn: Vdn, code: u8) -> StoreFuture<'_, RestReason> {
        Box::pin(SqliteStore::get_rest_reason(self, vdn, code))
    }

    fn delete_rest_reason(&self, vdn: Vdn, code: u8) -> StoreFuture<'_, ()> {
        Box::pin(SqliteStore::delete_rest_reason(self, vdn, code))
    }

    fn create_agent<'a>(&'a self, agent: &'a NewAgent) -> StoreFuture<'a, AgentProfile> {
        Box::pin(SqliteStore::create_agent(self, agent))
    }

    fn list_agents(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<AgentProfile>> {
        Box::pin(SqliteStore::list_agents(self, vdn))
    }

    fn get_agent(&self, work_no: WorkNo) -> StoreFuture<'_, AgentProfile> {
        Box::pin(SqliteStore::get_agent(self, work_no))
    }

    fn update_agent<'a>(&'a self, work_no: WorkNo, patch: &'a AgentPatch) -> StoreFuture<'a, AgentProfile> {
        Box::pin(SqliteStore::update_agent(self, work_no, patch))
    }

    fn delete_agent(&self, work_no: WorkNo) -> StoreFuture<'_, ()> {
        Box::pin(SqliteStore::delete_agent(self, work_no))
    }

    fn set_password<'a>(&'a self, work_no: WorkNo, password: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::set_password(self, work_no, password))
    }

    fn verify_password<'a>(&'a self, work_no: WorkNo, password: &'a str) -> StoreFuture<'a, AgentProfile> {
        Box::pin(SqliteStore::verify_password(self, work_no, password))
    }
}

impl CallRecordStore for SqliteStore {
    fn write_calls<'a>(&'a self, started: &'a [CallStart], ended: &'a [CallEnd]) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::write_calls(self, started, ended))
    }

    fn close_open_calls(&self, restarted: Timestamp) -> StoreFuture<'_, Vec<CallEnd>> {
        Box::pin(SqliteStore::close_open_calls(self, restarted))
    }

    fn reserve_call_numbers(&self, count: u64) -> StoreFuture<'_, u64> {
        Box::pin(SqliteStore::reserve_call_numbers(self, count))
    }

    fn query_records<'a>(&'a self, query: &'a RecordQuery) -> StoreFuture<'a, RecordPage> {
        Box::pin(SqliteStore::record_page(self, query))
    }
}

impl AuditStore for SqliteStore {
    fn append_audit<'a>(&'a self, entries: &'a [ccgw_core::AuditEntry]) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::append_audit(self, entries))
    }

    fn query_audit<'a>(&'a self, query: &'a AuditQuery) -> StoreFuture<'a, AuditPage> {
        Box::pin(SqliteStore::audit_page(self, query))
    }

    fn prune_audit(&self, before: Timestamp) -> StoreFuture<'_, u64> {
        Box::pin(SqliteStore::prune_audit(self, before))
    }
}

impl PhoneSecretStore for SqliteStore {
    fn set_phone_secret<'a>(
        &'a self,
        number: &'a ccgw_core::PhoneNumber,
        realm: &'a str,
        password: &'a str,
    ) -> StoreFuture<'a, ()> {
        Box::pin(SqliteStore::set_phone_secret(self, number, realm, password))
    }

    fn phone_ha1<'a>(&'a self, number: &'a ccgw_core::PhoneNumber, realm: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(SqliteStore::phone_ha1(self, number, realm))
    }

    fn delete_phone_secret<'a>(&'a self, number: &'a ccgw_core::PhoneNumber) -> StoreFuture<'a, bool> {
        Box::pin(SqliteStore::delete_phone_secret(self, number))
    }

    fn list_phone_secrets(&self) -> StoreFuture<'_, Vec<(ccgw_core::PhoneNumber, String)>> {
        Box::pin(SqliteStore::list_phone_secrets(self))
    }
}
