//! SIP secrets of agent phones. A secret is kept only as its digest hash
//! `HA1 = MD5(number:realm:password)`, the one value a SIP registrar needs to check a
//! phone's digest response; the password itself is never stored.

use ccgw_core::PhoneNumber;

use crate::StoreFuture;

/// Shortest and longest SIP secret accepted.
pub const PHONE_SECRET_MIN_LEN: usize = 8;
pub const PHONE_SECRET_MAX_LEN: usize = 128;

pub trait PhoneSecretStore: Send + Sync {
    /// Sets (or replaces) the secret of `number` for `realm`. `InvalidInput` for a
    /// password outside [`PHONE_SECRET_MIN_LEN`]..=[`PHONE_SECRET_MAX_LEN`] characters.
    fn set_phone_secret<'a>(
        &'a self,
        number: &'a PhoneNumber,
        realm: &'a str,
        password: &'a str,
    ) -> StoreFuture<'a, ()>;
    /// The HA1 (32 lower-case hex digits) of `number` in `realm`; `None` without a secret,
    /// or with one set for another realm (its HA1 cannot verify this realm's responses).
    fn phone_ha1<'a>(&'a self, number: &'a PhoneNumber, realm: &'a str) -> StoreFuture<'a, Option<String>>;
    /// Removes the secret; whether there was one.
    fn delete_phone_secret<'a>(&'a self, number: &'a PhoneNumber) -> StoreFuture<'a, bool>;
    /// The numbers with a secret and the realm of each, in number order.
    fn list_phone_secrets(&self) -> StoreFuture<'_, Vec<(PhoneNumber, String)>>;
}
