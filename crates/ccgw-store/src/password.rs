//! Password hashing (argon2id, PHC strings, random salts) and generated secrets.
//!
//! Argon2 costs tens of milliseconds of CPU on purpose; the async directory runs it on
//! tokio's blocking pool through [`hash_blocking`] and friends. Nothing here logs a
//! password or a hash.

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::error::StoreError;

/// The longest password accepted, in characters.
pub const MAX_PASSWORD_LEN: usize = 32;

/// A valid argon2id hash (default parameters) of a password nobody knows. Verifying
/// against it when the agent does not exist makes that answer take as long as a wrong
/// password, so timing does not reveal which work numbers exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$4hNxxnlYNEqNa+UrrF6x3Q$XrMklOpmHrrmiRVk/z+p4sa55eR3sOj3vpFF/dSItfg";

/// Refuses an empty password or one longer than [`MAX_PASSWORD_LEN`] characters.
pub(crate) fn check_password(pw: &str) -> Result<(), StoreError> {
    if pw.is_empty() {
        return Err(StoreError::InvalidInput("The password must not be empty.".into()));
    }
    if pw.chars().count() > MAX_PASSWORD_LEN {
        return Err(StoreError::InvalidInput(format!(
            "The password must be at most {MAX_PASSWORD_LEN} characters long."
        )));
    }
    Ok(())
}

/// Hashes `pw` with argon2id (the argon2 crate's default parameters) and a fresh random
/// salt, giving a PHC string (`$argon2id$v=19$…`). Refuses an empty or too long password.
pub fn hash_password(pw: &str) -> Result<String, StoreError> {
    check_password(pw)?;
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|_| StoreError::InvalidInput("The password salt could not be encoded.".into()))?;
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| StoreError::InvalidInput("The password could not be hashed.".into()))
}

/// True when `pw` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password_hash(hash: &str, pw: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A random 16-character password of ASCII letters and digits, from rand's OS-seeded
/// cryptographic generator (used for generated demo passwords).
pub fn random_password() -> String {
    rand::rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect()
}

/// 32 random bytes as 64 lowercase hex characters (used for the generated admin token).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// [`hash_password`] on tokio's blocking pool.
pub(crate) async fn hash_blocking(pw: String) -> Result<String, StoreError> {
    run_blocking(move || hash_password(&pw)).await?
}

/// Hashes the same password `count` times, each with its own salt, spread over as many
/// blocking tasks as there are CPUs.
pub(crate) async fn hash_many_blocking(pw: &str, count: usize) -> Result<Vec<String>, StoreError> {
    check_password(pw)?;
    let workers = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, count.max(1));
    let tasks: Vec<_> = (0..workers)
        .map(|worker| {
            let share = count / workers + usize::from(worker < count % workers);
            let pw = pw.to_owned();
            tokio::task::spawn_blocking(move || (0..share).map(|_| hash_password(&pw)).collect::<Result<Vec<_>, _>>())
        })
        .collect();
    let mut hashes = Vec::with_capacity(count);
    for task in tasks {
        hashes.extend(joined(task.await)??);
    }
    Ok(hashes)
}

/// Checks `pw` against `hash` on tokio's blocking pool. With no hash (unknown agent) it
/// verifies against [`DUMMY_HASH`] and answers false, taking the same time.
pub(crate) async fn verify_blocking(hash: Option<String>, pw: String) -> Result<bool, StoreError> {
    run_blocking(move || match hash {
        Some(hash) => verify_password_hash(&hash, &pw),
        None => {
            let _ = verify_password_hash(DUMMY_HASH, &pw);
            false
        }
    })
    .await
}

/// Runs CPU-heavy `work` off the async runtime.
async fn run_blocking<T, F>(work: F) -> Result<T, StoreError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    joined(tokio::task::spawn_blocking(work).await)
}

/// The outcome of a blocking task: a panic in it is propagated as is; a task cancelled
/// by a shutting-down runtime is reported as a database failure.
fn joined<T>(outcome: Result<T, tokio::task::JoinError>) -> Result<T, StoreError> {
    match outcome {
        Ok(value) => Ok(value),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => {
            Err(StoreError::Db(sqlx::Error::Io(std::io::Error::other("the password hashing task was cancelled"))))
        }
    }
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::PasswordHash;

    use super::*;

    #[test]
    fn a_hash_is_an_argon2id_phc_string_that_verifies_only_the_right_password() {
        let hash = hash_password("s3cret").expect("hashable");
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("s3cret"));
        assert!(verify_password_hash(&hash, "s3cret"));
        assert!(!verify_password_hash(&hash, "s3cret "));
        assert!(!verify_password_hash(&hash, ""));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        let first = hash_password("same").expect("hashable");
        let second = hash_password("same").expect("hashable");
        assert_ne!(first, second);
    }

    #[test]
    fn a_malformed_hash_never_matches() {
        assert!(!verify_password_hash("not a hash", "not a hash"));
        assert!(!verify_password_hash("", ""));
    }

    #[test]
    fn empty_and_over_long_passwords_are_refused() {
        assert!(matches!(hash_password(""), Err(StoreError::InvalidInput(_))));
        assert!(matches!(hash_password(&"x".repeat(MAX_PASSWORD_LEN + 1)), Err(StoreError::InvalidInput(_))));
        assert!(hash_password(&"é".repeat(MAX_PASSWORD_LEN)).is_ok());
    }

    #[test]
    fn the_dummy_hash_costs_the_same_as_a_real_one() {
        let dummy = PasswordHash::new(DUMMY_HASH).expect("dummy hash parses");
        let fresh_text = hash_password("anything").expect("hashable");
        let fresh = PasswordHash::new(&fresh_text).expect("fresh hash parses");
        assert_eq!(dummy.algorithm, fresh.algorithm);
        assert_eq!(dummy.version, fresh.version);
        assert_eq!(dummy.params, fresh.params);
    }

    #[test]
    fn random_passwords_are_16_letters_or_digits() {
        let first = random_password();
        assert_eq!(first.len(), 16);
        assert!(first.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(first, random_password());
    }

    #[test]
    fn random_tokens_are_64_lowercase_hex_characters() {
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_ne!(token, random_token());
    }

    #[tokio::test]
    async fn hashing_many_gives_one_distinct_valid_hash_each() {
        let hashes = hash_many_blocking("pw", 5).await.expect("hashable");
        assert_eq!(hashes.len(), 5);
        for hash in &hashes {
            assert!(verify_password_hash(hash, "pw"));
        }
        let distinct: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(distinct.len(), 5);
    }

    #[tokio::test]
    async fn verifying_without_a_hash_always_fails() {
        assert!(!verify_blocking(None, "anything".into()).await.expect("ran"));
    }
}
