//! Guid sessions (spec 01 §8). A sign-in issues a Guid; in dynamic mode it rotates every
//! `rotate_every`, and each Guid is accepted until it is `guid_ttl` old — so the current
//! and the previous value overlap, and a client that missed one `Set-GUID` keeps working.
//!
//! ccgw's choices (the spec leaves them open):
//! - only the current and the previous Guid are accepted; an older one is refused even
//!   if it is younger than `guid_ttl` (with `rotate_every < guid_ttl` this never bites);
//! - while a client still presents the previous Guid, each poll/handshake answer carries
//!   the current one again, so a lost response does not strand the client;
//! - `updateGuid` rotates at once, keeping the old value as the previous one.

use std::time::Duration;

use crate::ids::Guid;
use crate::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// One Guid for the whole sign-in (`AUTHMODE = 1`).
    Static,
    /// Rotating Guids (`AUTHMODE = 2`, the default).
    Dynamic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// `GUIDINTERVAL`, default 60 s.
    pub rotate_every: Duration,
    /// `GUIDTIMEOUT`, default 120 s; must exceed `rotate_every`.
    pub guid_ttl: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self { mode: AuthMode::Dynamic, rotate_every: Duration::from_secs(60), guid_ttl: Duration::from_secs(120) }
    }
}

#[derive(Debug, Clone)]
struct Issued {
    guid: Guid,
    at: Timestamp,
}

/// The outcome of presenting a Guid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuidCheck {
    /// Accepted; `Some(guid)` is the value the client should switch to (`Set-GUID`).
    Accepted {
        hand_out: Option<Guid>,
    },
    Refused,
}

#[derive(Debug, Clone)]
pub struct Session {
    current: Issued,
    previous: Option<Issued>,
}

impl Session {
    pub fn new(guid: Guid, now: Timestamp) -> Self {
        Self { current: Issued { guid, at: now }, previous: None }
    }

    pub fn current(&self) -> &Guid {
        &self.current.guid
    }

    /// The values this session may still accept: the current and the previous one.
    pub fn guids(&self) -> Vec<Guid> {
        std::iter::once(self.current.guid.clone()).chain(self.previous.as_ref().map(|p| p.guid.clone())).collect()
    }

    /// Whether `guid` is one of this session's live values.
    pub fn owns(&self, guid: &str, settings: &AuthSettings, now: Timestamp) -> bool {
        self.live_match(guid, settings, now).is_some()
    }

    fn live_match(&self, presented: &str, settings: &AuthSettings, now: Timestamp) -> Option<bool> {
        if presented == self.current.guid.as_str() {
            return match settings.mode {
                AuthMode::Static => Some(true),
                AuthMode::Dynamic => (now.since(self.current.at) < settings.guid_ttl).then_some(true),
            };
        }
        let previous = self.previous.as_ref()?;
        let fresh = settings.mode == AuthMode::Dynamic && now.since(previous.at) < settings.guid_ttl;
        (presented == previous.guid.as_str() && fresh).then_some(false)
    }

    /// Checks a presented Guid. With `may_rotate` (polls and handshakes) a due rotation
    /// happens here, using `fresh` for the new value.
    pub fn check(
        &mut self,
        presented: &str,
        may_rotate: bool,
        settings: &AuthSettings,
        now: Timestamp,
        fresh: impl FnOnce() -> Guid,
    ) -> GuidCheck {
        let Some(was_current) = self.live_match(presented, settings, now) else {
            return GuidCheck::Refused;
        };
        if !may_rotate || settings.mode == AuthMode::Static {
            return GuidCheck::Accepted { hand_out: None };
        }
        if now.since(self.current.at) >= settings.rotate_every {
            self.rotate(fresh(), now);
            return GuidCheck::Accepted { hand_out: Some(self.current.guid.clone()) };
        }
        let hand_out = (!was_current).then(|| self.current.guid.clone());
        GuidCheck::Accepted { hand_out }
    }

    /// Replaces the current Guid; the old one stays valid as the previous value.
    pub fn rotate(&mut self, guid: Guid, now: Timestamp) {
        let old = std::mem::replace(&mut self.current, Issued { guid, at: now });
        self.previous = Some(old);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guid(text: &str) -> Guid {
        Guid::new(text.to_owned())
    }

    fn at(secs: u64) -> Timestamp {
        Timestamp::from_millis(secs * 1000)
    }

    fn accepted(hand_out: Option<&str>) -> GuidCheck {
        GuidCheck::Accepted { hand_out: hand_out.map(guid) }
    }

    #[test]
    fn dynamic_guid_rotates_after_the_interval_and_the_previous_one_overlaps() {
        let settings = AuthSettings::default();
        let mut session = Session::new(guid("g0"), at(0));
        assert_eq!(session.check("g0", true, &settings, at(59), || guid("x")), accepted(None));
        assert_eq!(session.check("g0", true, &settings, at(60), || guid("g1")), accepted(Some("g1")));
        // The previous value still works until it is 120 s old, and each answer repeats
        // the current value for a client that missed it.
        assert_eq!(session.check("g0", true, &settings, at(119), || guid("x")), accepted(Some("g1")));
        assert_eq!(session.check("g0", true, &settings, at(120), || guid("x")), GuidCheck::Refused);
        assert_eq!(session.check("g1", false, &settings, at(121), || guid("x")), accepted(None));
    }

    #[test]
    fn only_polls_and_handshakes_rotate() {
        let settings = AuthSettings::default();
        let mut session = Session::new(guid("g0"), at(0));
        assert_eq!(session.check("g0", false, &settings, at(90), || guid("g1")), accepted(None));
        assert_eq!(session.current().as_str(), "g0");
    }

    #[test]
    fn an_unrotated_guid_expires_at_its_ttl() {
        let settings = AuthSettings::default();
        let mut session = Session::new(guid("g0"), at(0));
        assert_eq!(session.check("g0", false, &settings, at(120), || guid("g1")), GuidCheck::Refused);
    }

    #[test]
    fn static_guid_never_rotates_or_expires() {
        let settings = AuthSettings { mode: AuthMode::Static, ..AuthSettings::default() };
        let mut session = Session::new(guid("g0"), at(0));
        assert_eq!(session.check("g0", true, &settings, at(100_000), || guid("g1")), accepted(None));
        assert_eq!(session.check("other", true, &settings, at(1), || guid("g1")), GuidCheck::Refused);
    }

    #[test]
    fn a_guid_two_rotations_old_is_refused() {
        let settings = AuthSettings {
            mode: AuthMode::Dynamic,
            rotate_every: Duration::from_secs(10),
            guid_ttl: Duration::from_secs(120),
        };
        let mut session = Session::new(guid("g0"), at(0));
        session.check("g0", true, &settings, at(10), || guid("g1"));
        session.check("g1", true, &settings, at(20), || guid("g2"));
        assert_eq!(session.check("g0", false, &settings, at(21), || guid("x")), GuidCheck::Refused);
    }
}
