//! The registrar's bindings (RFC 3261 §10.3): which contact reaches each phone number,
//! until when. A phone number has one binding at a time — the newest registration wins —
//! because an offer rings one agent phone, and a second device registering for the same
//! number is a phone replaced (a softphone restarted, a desk phone moved).

use std::collections::HashMap;

/// Registration lifetimes ccgw grants, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// Granted when the request names none.
    pub default: u32,
    /// Shorter requests are refused with 423 and `Min-Expires`.
    pub min: u32,
    /// Longer requests are cut to this.
    pub max: u32,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self { default: 3600, min: 60, max: 3600 }
    }
}

/// Where a phone is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The Contact URI, as registered.
    pub contact: String,
    /// Seconds since 1970.
    pub expires_at: u64,
    pub call_id: String,
    pub cseq: u32,
}

/// What one REGISTER asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// Bind `contact` for `expires` seconds (None: the default); 0 removes it.
    Bind { contact: String, expires: Option<u32> },
    /// `Contact: *` with `Expires: 0`: remove every binding of the number.
    RemoveAll,
    /// No Contact: only ask for the current bindings.
    Query,
}

/// The registrar's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 200, with the number's binding now (None: none) and the seconds it has left.
    Ok(Option<(Binding, u32)>),
    /// 423 Interval Too Brief, `Min-Expires: min`.
    TooBrief { min: u32 },
    /// 400: `Contact: *` with a non-zero lifetime.
    BadWildcard,
    /// 500: a request of the same Call-ID with an old CSeq arrived after a newer one.
    OutOfOrder,
}

#[derive(Default)]
pub struct Bindings {
    lifetimes: Lifetimes,
    by_number: HashMap<String, Binding>,
}

impl Bindings {
    pub fn new(lifetimes: Lifetimes) -> Self {
        Self { lifetimes, by_number: HashMap::new() }
    }

    /// Applies an authenticated REGISTER for `number` at `now` (seconds since 1970).
    pub fn register(
        &mut self,
        number: &str,
        request: Registration,
        wildcard_expires: Option<u32>,
        call_id: &str,
        cseq: u32,
        now: u64,
    ) -> Outcome {
        if let Some(current) = self.current(number, now)
            && current.call_id == call_id
            && cseq <= current.cseq
        {
            return Outcome::OutOfOrder;
        }
        match request {
            Registration::Query => {}
            Registration::RemoveAll => {
                if wildcard_expires != Some(0) {
                    return Outcome::BadWildcard;
                }
                self.by_number.remove(number);
            }
            Registration::Bind { contact, expires } => {
                let expires = expires.unwrap_or(self.lifetimes.default);
                if expires == 0 {
                    if self.by_number.get(number).is_some_and(|binding| binding.contact == contact) {
                        self.by_number.remove(number);
                    }
                } else if expires < self.lifetimes.min {
                    return Outcome::TooBrief { min: self.lifetimes.min };
                } else {
                    let granted = expires.min(self.lifetimes.max);
                    let binding =
                        Binding { contact, expires_at: now + u64::from(granted), call_id: call_id.to_owned(), cseq };
                    self.by_number.insert(number.to_owned(), binding);
                }
            }
        }
        Outcome::Ok(self.current(number, now).map(|binding| {
            let left = u32::try_from(binding.expires_at - now).unwrap_or(u32::MAX);
            (binding.clone(), left)
        }))
    }

    /// The binding of `number` still valid at `now`.
    pub fn current(&self, number: &str, now: u64) -> Option<&Binding> {
        self.by_number.get(number).filter(|binding| binding.expires_at > now)
    }

    /// Forgets the bindings expired by `now`; how many.
    pub fn expire(&mut self, now: u64) -> usize {
        let before = self.by_number.len();
        self.by_number.retain(|_, binding| binding.expires_at > now);
        before - self.by_number.len()
    }

    pub fn len(&self) -> usize {
        self.by_number.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_number.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn bind(contact: &str, expires: Option<u32>) -> Registration {
        Registration::Bind { contact: contact.into(), expires }
    }

    #[test]
    fn a_registration_binds_until_it_expires_and_the_newest_wins() {
        let mut bindings = Bindings::new(Lifetimes::default());
        let outcome = bindings.register("70101", bind("sip:70101@127.0.0.1:5070", Some(120)), None, "a", 1, NOW);
        let Outcome::Ok(Some((binding, left))) = outcome else { panic!("{outcome:?}") };
        assert_eq!((binding.contact.as_str(), left), ("sip:70101@127.0.0.1:5070", 120));
        bindings.register("70101", bind("sip:70101@127.0.0.1:5080", None), None, "b", 1, NOW + 10);
        assert_eq!(bindings.current("70101", NOW + 10).unwrap().contact, "sip:70101@127.0.0.1:5080");
        assert_eq!(bindings.current("70101", NOW + 10).unwrap().expires_at, NOW + 10 + 3600);
        assert!(bindings.current("70101", NOW + 10 + 3600).is_none());
        assert_eq!(bindings.expire(NOW + 10 + 3600), 1);
        assert!(bindings.is_empty());
    }

    #[test]
    fn lifetimes_are_clamped_and_too_brief_ones_refused() {
        let mut bindings = Bindings::new(Lifetimes::default());
        assert_eq!(
            bindings.register("70101", bind("sip:a@h", Some(30)), None, "a", 1, NOW),
            Outcome::TooBrief { min: 60 }
        );
        bindings.register("70101", bind("sip:a@h", Some(86_400)), None, "a", 2, NOW);
        assert_eq!(bindings.current("70101", NOW).unwrap().expires_at, NOW + 3600);
    }

    #[test]
    fn unregistering_by_contact_or_wildcard() {
        let mut bindings = Bindings::new(Lifetimes::default());
        bindings.register("70101", bind("sip:a@h", None), None, "a", 1, NOW);
        // Another contact's expiry 0 leaves this one.
        bindings.register("70101", bind("sip:b@h", Some(0)), None, "a", 2, NOW);
        assert!(bindings.current("70101", NOW).is_some());
        bindings.register("70101", bind("sip:a@h", Some(0)), None, "a", 3, NOW);
        assert!(bindings.current("70101", NOW).is_none());
        bindings.register("70101", bind("sip:a@h", None), None, "a", 4, NOW);
        assert_eq!(bindings.register("70101", Registration::RemoveAll, Some(60), "a", 5, NOW), Outcome::BadWildcard);
        assert_eq!(bindings.register("70101", Registration::RemoveAll, Some(0), "a", 6, NOW), Outcome::Ok(None));
    }

    #[test]
    fn an_old_cseq_of_the_same_call_id_is_out_of_order() {
        let mut bindings = Bindings::new(Lifetimes::default());
        bindings.register("70101", bind("sip:a@h", None), None, "a", 5, NOW);
        assert_eq!(bindings.register("70101", bind("sip:a@h", None), None, "a", 5, NOW), Outcome::OutOfOrder);
        assert!(matches!(bindings.register("70101", bind("sip:a@h", None), None, "b", 1, NOW), Outcome::Ok(Some(_))));
    }
}
