//! The simulated switch, driven as the engine and the extension API drive it, with a
//! manual clock and the report channel in hand.

mod agent_phones;
mod control;
mod far_ends;
mod ivr;
mod phones;

use std::sync::Arc;
use std::time::Duration;

use ccgw_core::{CallId, InboundCall, Party, PhoneNumber, SkillId, SwitchAction, Timestamp, Vdn, WorkNo};

use super::{CallOrigin, DialIn, FarEndRule, PlaceCall, SimCallState, SimPartyState, SimSettings, SimSwitch};
use crate::clock::{Clock, ManualClock};
use crate::switch::{Switch, TelephonyReport};

const CUSTOMER: &str = "13800000000";

struct Rig {
    clock: ManualClock,
    sim: SimSwitch,
    reports: crate::ReportReceiver,
}

/// A switch with these far-end rules (`pattern`, `behaviour`, `after_ms`) and the
/// default answer delay of 1 s.
fn rig(rules: &[(&str, &str, Option<u64>)]) -> Rig {
    let clock = ManualClock::new(Timestamp::from_millis(1_700_000_000_000));
    let (tx, reports) = crate::report_channel();
    let rules = rules.iter().map(|(pattern, behaviour, after)| FarEndRule::parse(pattern, behaviour, *after).unwrap());
    let settings = SimSettings { rules: rules.collect(), ..SimSettings::default() };
    let sim = SimSwitch::with_settings(Arc::new(clock.clone()) as Arc<dyn Clock>, tx, settings);
    Rig { clock, sim, reports }
}

fn work(no: u32) -> WorkNo {
    WorkNo::new(no).unwrap()
}

fn phone(no: u32) -> PhoneNumber {
    PhoneNumber::parse(&format!("70{no}")).unwrap()
}

fn number(text: &str) -> Party {
    Party::Number(text.to_owned())
}

impl Rig {
    /// Agent 101 holds a customer call and has dialled 5550000 (answering at once, by
    /// the rig's rule) from a second call: the two calls' ids.
    async fn consultation_beside_held_customer(&mut self) -> (CallId, CallId) {
        let original = self.customer_call();
        self.sim.execute(SwitchAction::Connect { call: original.clone(), agent: work(101), phone: phone(101) });
        self.sim.execute(SwitchAction::Hold { call: original.clone(), agent: work(101) });
        let consult = self.agent_call(101);
        self.dial(&consult, "5550000");
        self.settled().await;
        (original, consult)
    }

    /// Reports sent so far.
    fn taken(&mut self) -> Vec<TelephonyReport> {
        std::iter::from_fn(|| self.reports.try_recv()).collect()
    }

    /// Lets waiting far-end tasks run, then takes the reports.
    async fn settled(&mut self) -> Vec<TelephonyReport> {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        self.taken()
    }

    async fn advance(&mut self, ms: u64) -> Vec<TelephonyReport> {
        self.clock.advance(Duration::from_millis(ms));
        self.settled().await
    }

    fn customer_call(&mut self) -> CallId {
        let id = self.sim.place_call(PlaceCall {
            vdn: Vdn::new(1).unwrap(),
            skill: SkillId::new(1).unwrap(),
            caller: CUSTOMER.into(),
            called: "4000".into(),
            call_data: "order 42".into(),
            media_type: 5,
            priority: 0,
        });
        self.taken();
        id
    }

    /// An agent-placed call with the agent off-hook (auto phone), reports taken.
    fn agent_call(&mut self, agent: u32) -> CallId {
        let call = self.sim.next_call_id();
        self.sim.execute(SwitchAction::OffHook { call: call.clone(), agent: work(agent), phone: phone(agent) });
        assert_eq!(self.taken(), [TelephonyReport::PhoneOffHook { call: call.clone(), agent: work(agent) }]);
        call
    }

    fn dial(&self, call: &CallId, to: &str) {
        self.sim.execute(SwitchAction::Dial { call: call.clone(), number: to.into(), caller: "4000".into() });
    }

    fn state_of(&self, call: &CallId, party: &Party) -> Option<SimPartyState> {
        self.sim.call(call)?.party(party).map(|party| party.state)
    }
}

#[tokio::test]
async fn a_customer_call_is_queued_with_the_customer_connected_and_reported() {
    let mut rig = rig(&[]);
    let id = rig.sim.place_call(PlaceCall {
        vdn: Vdn::new(1).unwrap(),
        skill: SkillId::new(2).unwrap(),
        caller: CUSTOMER.into(),
        called: "4000".into(),
        call_data: String::new(),
        media_type: 5,
        priority: 3,
    });
    let reports = rig.taken();
    assert!(matches!(&reports[..], [TelephonyReport::Incoming(call)] if call.id == id && call.priority == 3));
    let call = rig.sim.call(&id).unwrap();
    assert!(call.queued);
    assert_eq!(call.state(), SimCallState::Queued);
    assert_eq!(call.caller, CUSTOMER);
    assert_eq!(call.parties.len(), 1);
    assert_eq!(rig.state_of(&id, &number(CUSTOMER)), Some(SimPartyState::Connected));
    // Agent calls draw their ids from the same sequence.
    assert_ne!(rig.sim.next_call_id(), id);
}

#[tokio::test]
async fn a_call_dialled_in_is_reported_by_its_number_and_waits_for_the_center_to_route_it() {
    let mut rig = rig(&[]);
    let dial_in = |called: &str| DialIn {
        caller: CUSTOMER.into(),
        called: called.into(),
        call_data: "order 42".into(),
        media_type: 5,
        priority: 1,
    };
    let id = rig.sim.dial_in(dial_in("40009"));
    let wanted = InboundCall {
        id: id.clone(),
        caller: CUSTOMER.into(),
        called: "40009".into(),
        call_data: "order 42".into(),
        media_type: 5,
        priority: 1,
    };
    assert_eq!(rig.taken(), [TelephonyReport::Inbound(wanted)]);
    let call = rig.sim.call(&id).unwrap();
    assert_eq!((call.state(), call.called.as_str()), (SimCallState::Queued, "40009"));
    assert!(matches!(call.origin, CallOrigin::Customer { queue: None, .. }));

    // The center sends it to a flow...
    rig.sim.execute(SwitchAction::ConnectIvr {
        call: id.clone(),
        vdn: Vdn::new(1).unwrap(),
        access_code: "4001".into(),
    });
    assert_eq!(rig.sim.call(&id).unwrap().state(), SimCallState::InIvr);
    // ...or refuses an unrouted one: the switch releases it.
    let refused = rig.sim.dial_in(dial_in("5000"));
    rig.taken();
    rig.sim.execute(SwitchAction::Release { call: refused.clone() });
    assert!(rig.sim.call(&refused).is_none());
}

#[tokio::test]
async fn the_agent_party_follows_alert_stop_alerting_and_connect() {
    let mut rig = rig(&[]);
    let id = rig.customer_call();
    let agent = Party::Agent(work(101));
    rig.sim.execute(SwitchAction::Alert { call: id.clone(), agent: work(101), phone: phone(101), auto_answer: false });
    assert_eq!(rig.state_of(&id, &agent), Some(SimPartyState::Alerting));
    assert_eq!(rig.sim.call(&id).unwrap().state(), SimCallState::Ringing);

    rig.sim.execute(SwitchAction::StopAlerting { call: id.clone(), agent: work(101) });
    let call = rig.sim.call(&id).unwrap();
    assert_eq!((call.state(), call.agent()), (SimCallState::Queued, None), "back in the queue");

    rig.sim.execute(SwitchAction::Alert { call: id.clone(), agent: work(102), phone: phone(102), auto_answer: false });
    rig.sim.execute(SwitchAction::Connect { call: id.clone(), agent: work(102), phone: phone(102) });
    let call = rig.sim.call(&id).unwrap();
    assert_eq!((call.state(), call.agent()), (SimCallState::Talking, Some(work(102))));
    assert_eq!(call.parties.len(), 2, "one party per agent, no duplicates");
    // Only the phones answering the offers are reported (see tests/agent_phones.rs);
    // the engine's own actions are not reported back.
    let phone_reports = |agent| {
        [
            TelephonyReport::PhoneAlerting { call: id.clone(), agent },
            TelephonyReport::PhoneOffHook { call: id.clone(), agent },
        ]
    };
    assert_eq!(rig.taken(), [phone_reports(work(101)), phone_reports(work(102))].concat());
}

#[tokio::test]
async fn release_and_redirect_end_the_call_and_a_dropped_last_party_too() {
    let mut rig = rig(&[]);
    let released = rig.customer_call();
    let redirected = rig.customer_call();
    rig.sim.execute(SwitchAction::Release { call: released.clone() });
    rig.sim.execute(SwitchAction::Redirect { call: redirected.clone(), to: phone(999) });
    assert!(rig.sim.calls().is_empty());

    let id = rig.customer_call();
    rig.sim.execute(SwitchAction::Connect { call: id.clone(), agent: work(101), phone: phone(101) });
    rig.sim.execute(SwitchAction::Drop { call: id.clone(), party: Party::Agent(work(101)) });
    assert_eq!(rig.sim.call(&id).unwrap().parties.len(), 1, "the customer stays");
    rig.sim.execute(SwitchAction::Drop { call: id.clone(), party: number(CUSTOMER) });
    assert!(rig.sim.call(&id).is_none(), "nobody left");
    assert!(rig.taken().is_empty());
}

#[tokio::test]
async fn hold_retrieve_mute_and_digits_act_on_the_agent_party() {
    let mut rig = rig(&[]);
    let id = rig.customer_call();
    let agent = Party::Agent(work(101));
    rig.sim.execute(SwitchAction::Connect { call: id.clone(), agent: work(101), phone: phone(101) });
    rig.sim.execute(SwitchAction::Hold { call: id.clone(), agent: work(101) });
    assert_eq!(rig.state_of(&id, &agent), Some(SimPartyState::Held));
    assert_eq!(rig.sim.call(&id).unwrap().state(), SimCallState::Talking, "held is still on the call");
    rig.sim.execute(SwitchAction::Retrieve { call: id.clone(), agent: work(101) });
    assert_eq!(rig.state_of(&id, &agent), Some(SimPartyState::Connected));
    rig.sim.execute(SwitchAction::Mute { call: id.clone(), agent: work(101), on: true });
    rig.sim.execute(SwitchAction::Digits { call: id.clone(), agent: work(101), digits: "12".into() });
    rig.sim.execute(SwitchAction::Digits { call: id.clone(), agent: work(101), digits: "3#".into() });
    let call = rig.sim.call(&id).unwrap();
    let party = call.party(&agent).unwrap();
    assert!(party.muted);
    assert_eq!(party.digits, "123#");
    // Actions for calls that are gone are ignored.
    rig.sim.execute(SwitchAction::Hold { call: CallId::compose(1, 999), agent: work(101) });
    assert!(rig.taken().is_empty());
}

#[tokio::test]
async fn join_moves_the_parties_that_stay_into_the_other_call_and_ends_the_first() {
    let mut rig = rig(&[("5*", "answer", Some(0))]);
    let (original, consult) = rig.consultation_beside_held_customer().await;
    assert_eq!(rig.state_of(&consult, &number("5550000")), Some(SimPartyState::Connected));

    // Agent 101 is on both calls: it keeps its place in `into`; the far end joins.
    rig.sim.execute(SwitchAction::Join { from: consult.clone(), into: original.clone(), leaving: vec![] });
    assert!(rig.sim.call(&consult).is_none());
    let joined = rig.sim.call(&original).unwrap();
    let parties: Vec<&Party> = joined.parties.iter().map(|party| &party.party).collect();
    assert_eq!(parties, [&number(CUSTOMER), &Party::Agent(work(101)), &number("5550000")]);

    // A transfer: the agent leaves, customer and new far end stay together.
    let second = rig.agent_call(102);
    rig.dial(&second, "5551111");
    rig.settled().await;
    rig.sim.execute(SwitchAction::Join {
        from: second.clone(),
        into: original.clone(),
        leaving: vec![Party::Agent(work(102))],
    });
    let joined = rig.sim.call(&original).unwrap();
    assert_eq!(joined.parties.len(), 4);
    assert!(joined.party(&Party::Agent(work(102))).is_none());
}

#[tokio::test]
async fn a_join_into_a_call_whose_customer_just_hung_up_carries_on_under_its_id() {
    let mut rig = rig(&[("5*", "answer", Some(0))]);
    let (original, consult) = rig.consultation_beside_held_customer().await;

    // The customer hangs up first; the engine, not yet told, joins the consultation in.
    assert!(rig.sim.hang_up(&original));
    assert!(rig.sim.call(&original).is_none());
    rig.sim.execute(SwitchAction::Join { from: consult.clone(), into: original.clone(), leaving: vec![] });
    assert!(rig.sim.call(&consult).is_none(), "nothing is left behind under the old id");
    let carried = rig.sim.call(&original).expect("the joined parties carry on under the engine's id");
    let parties: Vec<&Party> = carried.parties.iter().map(|party| &party.party).collect();
    assert_eq!(parties, [&Party::Agent(work(101)), &number("5550000")]);
}
