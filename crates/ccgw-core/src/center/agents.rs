//! An agent's own settings while signed in (auto-answer, auto-enter-idle, talk right,
//! signed-in skills) and the notes agents send each other.

use super::{Center, Effect, Effects};
use crate::agent::{NOTE_CAPACITY, Note};
use crate::directory::{GroupId, SkillGrant};
use crate::event::AgentEvent;
use crate::ids::{SkillId, Vdn, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Whom a note reached.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteDelivery {
    pub delivered: Vec<WorkNo>,
    /// Receivers who are not signed in (or not in the sender's VDN); nothing was kept.
    pub not_signed_in: Vec<WorkNo>,
}

/// Who a bulletin goes to: the signed-in agents of a group or of a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BulletinTarget {
    Group(GroupId),
    Skill(SkillId),
}

impl Center {
    pub fn set_auto_answer(&mut self, work_no: WorkNo, on: bool) -> Result<(), Refusal> {
        self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?.auto_answer = on;
        Ok(())
    }

    pub fn set_auto_enter_idle(&mut self, work_no: WorkNo, on: bool) -> Result<(), Refusal> {
        self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?.auto_enter_idle = on;
        Ok(())
    }

    /// `settalkright`: an idle agent given talk right back is offered a waiting call at once.
    pub fn set_talk_right(&mut self, work_no: WorkNo, on: bool, now: Timestamp) -> Result<Effects, Refusal> {
        self.reindex(work_no, now, |agent| agent.talk_right = on)
    }

    /// `resetskill`: the agent now serves `skills` (already narrowed to its configured
    /// skills by the caller). A call it is in keeps going; an idle agent is offered a
    /// waiting call of its new skills at once.
    pub fn reset_skills(
        &mut self,
        work_no: WorkNo,
        skills: Vec<SkillGrant>,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        self.reindex(work_no, now, |agent| agent.skills = skills)
    }

    /// Leaves a note with each receiver who is signed in to `vdn`, and tells them with
    /// `AgentOther_Note`. A receiver who already holds [`NOTE_CAPACITY`] unread notes
    /// loses the oldest (counted in `notes_dropped`).
    pub fn send_note(
        &mut self,
        vdn: Vdn,
        from: Option<WorkNo>,
        to: &[WorkNo],
        content: &str,
        now: Timestamp,
    ) -> (Effects, NoteDelivery) {
        let mut fx = Effects::new();
        let mut delivery = NoteDelivery::default();
        for &receiver in to {
            let Some(agent) = self.agents.get_mut(&receiver).filter(|agent| agent.profile.vdn == vdn) else {
                delivery.not_signed_in.push(receiver);
                continue;
            };
            if agent.notes.len() >= NOTE_CAPACITY {
                agent.notes.pop_front();
                agent.notes_dropped += 1;
            }
            agent.notes.push_back(Note { from, content: content.to_owned(), sent_at: now });
            fx.push(Effect::Event { work_no: receiver, event: AgentEvent::Note });
            delivery.delivered.push(receiver);
        }
        (fx, delivery)
    }

    /// A bulletin from `from` to the signed-in agents of a group or skill of its VDN.
    pub fn send_bulletin(
        &mut self,
        vdn: Vdn,
        from: WorkNo,
        target: BulletinTarget,
        content: &str,
        now: Timestamp,
    ) -> (Effects, NoteDelivery) {
        let receivers: Vec<WorkNo> = match target {
            BulletinTarget::Skill(skill) => self.staffed.get(&(vdn, skill)).into_iter().flatten().copied().collect(),
            BulletinTarget::Group(group) => {
                let mut members: Vec<WorkNo> = self
                    .agents
                    .values()
                    .filter(|agent| agent.profile.vdn == vdn && agent.profile.group == Some(group))
                    .map(|agent| agent.work_no())
                    .collect();
                members.sort();
                members
            }
        };
        self.send_note(vdn, Some(from), &receivers, content, now)
    }

    /// Hands out and forgets the agent's unread notes, oldest first.
    pub fn take_notes(&mut self, work_no: WorkNo) -> Result<Vec<Note>, Refusal> {
        let agent = self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?;
        Ok(agent.notes.drain(..).collect())
    }
}
