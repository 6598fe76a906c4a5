//! Digest nonces: issued by ccgw, signed so that any nonce can be checked without state,
//! expiring after a lifetime, and with the nonce count of each one tracked once a request
//! using it has authenticated, so that a replayed request (same or lower `nc`) is refused.
//!
//! Only authenticated requests add to the tracked counts: an unauthenticated client can
//! ask for nonces without end and costs no memory.

use std::collections::HashMap;
use std::sync::Mutex;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use crate::digest::hex;

/// Most nonces whose counts are tracked at once; past it, expired ones are forgotten and
/// then a new nonce is refused as stale (the phone asks again with a fresh one).
const MAX_TRACKED: usize = 65_536;

/// Bytes of the random part and of the signature (HMAC-SHA256).
const RANDOM_LEN: usize = 8;
const TAG_LEN: usize = 32;

pub struct NonceIssuer {
    key: hmac::Key,
    random: SystemRandom,
    lifetime_secs: u64,
    /// Nonce → (its expiry, the highest nonce count accepted).
    counts: Mutex<HashMap<String, (u64, u32)>>,
}

/// What a nonce check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCheck {
    /// Issued by this gateway, unexpired, and this count is new.
    Fresh,
    /// Issued by this gateway but expired (or no room to track it): the client should
    /// retry with a new nonce (`stale=true`).
    Stale,
    /// Not issued by this gateway (or by it before a restart).
    Unknown,
    /// The count was used before with this nonce: a replay.
    Replayed,
}

impl NonceIssuer {
    pub fn new(lifetime_secs: u64) -> Self {
        let random = SystemRandom::new();
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &random).expect("the system's random source");
        Self { key, random, lifetime_secs, counts: Mutex::new(HashMap::new()) }
    }

    /// A new nonce, issued at `now` (seconds since 1970).
    pub fn issue(&self, now: u64) -> String {
        let mut body = [0u8; 8 + RANDOM_LEN];
        body[..8].copy_from_slice(&now.to_be_bytes());
        // A failing system random source leaves the random part zero; the signature still
        // binds the nonce to this gateway and its time.
        let _ = self.random.fill(&mut body[8..]);
        let tag = hmac::sign(&self.key, &body);
        let mut text = hex(&body);
        text.push_str(&hex(tag.as_ref()));
        text
    }

    /// Checks `nonce` with count `nc` for a request whose response already verified, and
    /// records the count when it is fresh.
    pub fn check(&self, nonce: &str, nc: u32, now: u64) -> NonceCheck {
        let Some(issued) = self.issued_at(nonce) else { return NonceCheck::Unknown };
        let expiry = issued.saturating_add(self.lifetime_secs);
        if now >= expiry {
            return NonceCheck::Stale;
        }
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, last)) = counts.get_mut(nonce) {
            if nc <= *last {
                return NonceCheck::Replayed;
            }
            *last = nc;
            return NonceCheck::Fresh;
        }
        if counts.len() >= MAX_TRACKED {
            counts.retain(|_, (until, _)| *until > now);
            if counts.len() >= MAX_TRACKED {
                return NonceCheck::Stale;
            }
        }
        counts.insert(nonce.to_owned(), (expiry, nc));
        NonceCheck::Fresh
    }

    /// When this gateway issued `nonce`, if it did.
    fn issued_at(&self, nonce: &str) -> Option<u64> {
        let bytes = unhex(nonce)?;
        if bytes.len() != 8 + RANDOM_LEN + TAG_LEN {
            return None;
        }
        let (body, tag) = bytes.split_at(8 + RANDOM_LEN);
        hmac::verify(&self.key, body, tag).ok()?;
        Some(u64::from_be_bytes(body[..8].try_into().ok()?))
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn a_nonce_is_fresh_once_per_count_and_stale_after_its_lifetime() {
        let issuer = NonceIssuer::new(300);
        let nonce = issuer.issue(NOW);
        assert_eq!(issuer.check(&nonce, 1, NOW + 1), NonceCheck::Fresh);
        assert_eq!(issuer.check(&nonce, 1, NOW + 2), NonceCheck::Replayed);
        assert_eq!(issuer.check(&nonce, 2, NOW + 3), NonceCheck::Fresh);
        assert_eq!(issuer.check(&nonce, 2, NOW + 3), NonceCheck::Replayed);
        assert_eq!(issuer.check(&nonce, 3, NOW + 300), NonceCheck::Stale);
    }

    #[test]
    fn nonces_of_another_gateway_or_altered_ones_are_unknown() {
        let issuer = NonceIssuer::new(300);
        let other = NonceIssuer::new(300).issue(NOW);
        assert_eq!(issuer.check(&other, 1, NOW), NonceCheck::Unknown);
        let mut altered = issuer.issue(NOW).into_bytes();
        altered[3] = if altered[3] == b'0' { b'1' } else { b'0' };
        assert_eq!(issuer.check(&String::from_utf8(altered).unwrap(), 1, NOW), NonceCheck::Unknown);
        for junk in ["", "zz", "abc", "é", &"0".repeat(64)] {
            assert_eq!(issuer.check(junk, 1, NOW), NonceCheck::Unknown, "{junk:?}");
        }
    }

    #[test]
    fn two_nonces_issued_in_one_second_differ() {
        let issuer = NonceIssuer::new(300);
        assert_ne!(issuer.issue(NOW), issuer.issue(NOW));
    }
}
