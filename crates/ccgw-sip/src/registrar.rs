//! REGISTER handling: the digest challenge, the check of a phone's response against the
//! HA1 the directory keeps, nonce freshness and replay, then the binding.
//!
//! Answers: 401 with a new nonce when a request has no credential, an unknown or stale
//! nonce (`stale=true` when only the nonce aged); 403 for a wrong response, a number
//! without a secret, credentials for another number, or a replayed nonce count — each
//! counted against the source address, which is refused (403, nothing checked) once
//! locked ([`SourceLockout`]); 400 for
//! a malformed request; 423 for a lifetime below the minimum; 500 for an out-of-order
//! CSeq; 200 with the binding (`Contact;expires=`) otherwise.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use ccgw_core::PhoneNumber;
use ccgw_store_traits::PhoneSecretStore;
use rsipstack::sip::prelude::{HeadersExt, ToTypedHeader};
use rsipstack::sip::{Header, Param, StatusCode};
use rsipstack::transaction::transaction::Transaction;

use crate::bindings::{Binding, Bindings, Lifetimes, Outcome, Registration};
use crate::digest::Credentials;
use crate::lockout::{LockRule, SourceLockout};
use crate::nonce::{NonceCheck, NonceIssuer};

/// Seconds since 1970, from the gateway's clock.
pub type Now = Arc<dyn Fn() -> u64 + Send + Sync>;

pub struct Registrar {
    realm: String,
    nonces: NonceIssuer,
    bindings: Mutex<Bindings>,
    secrets: Arc<dyn PhoneSecretStore>,
    lockout: SourceLockout,
    now: Now,
}

/// The answer to one REGISTER.
struct Answer {
    status: StatusCode,
    headers: Vec<Header>,
}

impl Answer {
    fn status(status: StatusCode) -> Self {
        Self { status, headers: Vec::new() }
    }
}

impl Registrar {
    pub fn new(
        realm: String,
        nonce_lifetime_secs: u64,
        lifetimes: Lifetimes,
        lock: LockRule,
        secrets: Arc<dyn PhoneSecretStore>,
        now: Now,
    ) -> Self {
        Self {
            realm,
            nonces: NonceIssuer::new(nonce_lifetime_secs),
            bindings: Mutex::new(Bindings::new(lifetimes)),
            secrets,
            lockout: SourceLockout::new(lock),
            now,
        }
    }

    /// Where the phone with `number` is registered now.
    pub fn contact_of(&self, number: &str) -> Option<Binding> {
        self.lock().current(number, (self.now)()).cloned()
    }

    /// Forgets expired bindings; how many.
    pub fn expire(&self) -> usize {
        let now = (self.now)();
        self.lock().expire(now)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Bindings> {
        // Every critical section leaves the bindings whole.
        self.bindings.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) async fn handle(&self, tx: &mut Transaction) -> rsipstack::Result<()> {
        let source = source_address(&tx.original);
        let now = (self.now)();
        let answer = match source {
            Some(source) if self.lockout.is_locked(source, now) => {
                tracing::debug!(%source, "REGISTER refused: address locked");
                Answer::status(StatusCode::Forbidden)
            }
            _ => self.answer(tx, now).await,
        };
        if answer.status == StatusCode::Forbidden
            && let Some(source) = source
        {
            self.lockout.failed(source, now);
        }
        tx.reply_with(answer.status, answer.headers, None).await
    }

    async fn answer(&self, tx: &Transaction, now: u64) -> Answer {
        let request = &tx.original;
        let Some(number) = request
            .to_header()
            .ok()
            .and_then(|to| to.uri().ok())
            .and_then(|uri| uri.user().map(str::to_owned))
            .and_then(|user| PhoneNumber::parse(&user).ok())
        else {
            return Answer::status(StatusCode::BadRequest);
        };
        let Some(raw) = request.authorization_header().map(|header| header.value().to_owned()) else {
            return self.challenge(false, now);
        };
        let credentials = match Credentials::parse(&raw) {
            Ok(credentials) => credentials,
            Err(crate::digest::CredentialsError::NotDigest) => return self.challenge(false, now),
            Err(_) => return Answer::status(StatusCode::BadRequest),
        };
        if credentials.username != number.as_str() || credentials.realm != self.realm {
            tracing::info!(number = number.as_str(), "REGISTER refused: credentials for another number or realm");
            return Answer::status(StatusCode::Forbidden);
        }
        let ha1 = match self.secrets.phone_ha1(&number, &self.realm).await {
            Ok(Some(ha1)) => ha1,
            Ok(None) => {
                tracing::info!(number = number.as_str(), "REGISTER refused: no SIP secret for this number");
                return Answer::status(StatusCode::Forbidden);
            }
            Err(error) => {
                tracing::error!(%error, "phone secret lookup failed");
                return Answer::status(StatusCode::ServerInternalError);
            }
        };
        if !credentials.verify("REGISTER", &ha1) {
            tracing::info!(number = number.as_str(), "REGISTER refused: wrong digest response");
            return Answer::status(StatusCode::Forbidden);
        }
        match self.nonces.check(&credentials.nonce, credentials.nc.unwrap_or(0), now) {
            NonceCheck::Fresh => {}
            NonceCheck::Stale => return self.challenge(true, now),
            NonceCheck::Unknown => return self.challenge(false, now),
            NonceCheck::Replayed => {
                tracing::info!(number = number.as_str(), "REGISTER refused: replayed nonce count");
                return Answer::status(StatusCode::Forbidden);
            }
        }
        let Some(registration) = registration(request) else { return Answer::status(StatusCode::BadRequest) };
        let wildcard_expires = request.expires_header().and_then(|header| header.value().trim().parse().ok());
        let (Ok(call_id), Some(cseq)) = (
            request.call_id_header().map(|h| h.value().to_owned()),
            request.cseq_header().ok().and_then(|c| c.seq().ok()),
        ) else {
            return Answer::status(StatusCode::BadRequest);
        };
        let outcome = self.lock().register(number.as_str(), registration, wildcard_expires, &call_id, cseq, now);
        match outcome {
            Outcome::Ok(binding) => {
                if let Some((binding, left)) = &binding {
                    tracing::info!(number = number.as_str(), contact = %binding.contact, expires = left, "phone registered");
                } else {
                    tracing::info!(number = number.as_str(), "phone unregistered");
                }
                let headers = binding
                    .map(|(binding, left)| {
                        vec![Header::Contact(format!("<{}>;expires={left}", binding.contact).into())]
                    })
                    .unwrap_or_default();
                Answer { status: StatusCode::OK, headers }
            }
            Outcome::TooBrief { min } => Answer {
                status: StatusCode::IntervalTooBrief,
                headers: vec![Header::MinExpires(min.to_string().into())],
            },
            Outcome::BadWildcard => Answer::status(StatusCode::BadRequest),
            Outcome::OutOfOrder => Answer::status(StatusCode::ServerInternalError),
        }
    }

    fn challenge(&self, stale: bool, now: u64) -> Answer {
        let nonce = self.nonces.issue(now);
        let stale = if stale { ", stale=true" } else { "" };
        let value = format!(r#"Digest realm="{}", nonce="{nonce}", qop="auth", algorithm=MD5{stale}"#, self.realm);
        Answer { status: StatusCode::Unauthorized, headers: vec![Header::WwwAuthenticate(value.into())] }
    }
}

/// Where the request came from: the top Via's `received` (the stack writes it when the
/// packet's source differs from the Via, after removing any the client sent), else the
/// Via's own host.
pub(crate) fn source_address(request: &rsipstack::sip::Request) -> Option<IpAddr> {
    let via: rsipstack::sip::typed::Via = request.top_via_header().ok()?.typed().ok()?;
    if let Some(Ok(received)) = via.received() {
        return Some(received);
    }
    via.uri.host_with_port.host.to_string().parse().ok()
}

/// What the REGISTER asks: its first Contact (one binding per number), `*`, or nothing.
fn registration(request: &rsipstack::sip::Request) -> Option<Registration> {
    let raw: Vec<&str> = request.contact_headers().into_iter().map(|header| header.value().trim()).collect();
    if raw.is_empty() {
        return Some(Registration::Query);
    }
    if raw == ["*"] {
        return Some(Registration::RemoveAll);
    }
    let contact = request.typed_contact_headers().ok()?.into_iter().next()?;
    let expires = contact.expires().or_else(|| request.expires_header().and_then(|h| h.value().trim().parse().ok()));
    let mut uri = contact.uri.clone();
    uri.params.retain(|param| !matches!(param, Param::Expires(_)));
    Some(Registration::Bind { contact: uri.to_string(), expires })
}
