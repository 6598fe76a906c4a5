//! Password hashing (argon2id, PHC strings, random salts) and generated secrets.
//!
//! Argon2 costs tens of milliseconds of CPU on purpose; the async directory runs it on
//! tokio's blocking pool through [`hash_blocking`] and friends. Nothing here logs a
//! password or a hash.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use ccgw_store_traits::StoreError;
use rand::Rng;
use rand::distr::Alphanumeric;

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

thread_local! {
    /// Argon2's working memory (~19 MiB), kept per thread and reused. Allocating it per
    /// hash left most of it in the allocator's per-thread arenas: a burst of 50 sign-ins
    /// grew the gateway by ~500 MiB (seen with `ccgw bench`).
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 into `out` with this thread's reusable working memory.
fn argon2_into(argon2: &Argon2<'_>, blocks: usize, pw: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon2.hash_password_into_with_memory(pw, salt, out, &mut memory[..blocks])
    })
}

/// Hashes `pw` with argon2id (the argon2 crate's default parameters) and a fresh random
/// salt, giving a PHC string (`$argon2id$v=19$…`). Refuses an empty or too long password.
pub fn hash_password(pw: &str) -> Result<String, StoreError> {
    check_password(pw)?;
    let failed = |_| StoreError::InvalidInput("The password could not be hashed.".into());
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(failed)?;
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2_into(&argon2, params.block_count(), pw.as_bytes(), &salt_bytes, out)
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// True when `pw` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password_hash(hash: &str, pw: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let mut salt_buffer = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buffer) else { return false };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let actual = Output::init_with(expected.len(), |out| {
        argon2_into(&argon2, params.block_count(), pw.as_bytes(), salt_bytes, out)
            .map_err(|_| argon2::password_hash::Error::Crypto)
    });
    // `Output` compares in constant time.
    actual.is_ok_and(|actual| actual == expected)
}

/// A random 16-character password of ASCII letters and digits, from rand's OS-seeded
/// cryptographic generator (used for generated demo passwords).
pub fn random_password() -> String {
    rand::rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect()
}

/// 32 random bytes as 64 lowercase hex characters (used for the generated admin token).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
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

/// Argon2 runs at most this many at once: each takes ~19 MiB, and a burst of sign-ins
/// (an agent floor after a restart, a load test) would otherwise start one blocking
/// thread per sign-in and take gigabytes for no gain on a machine with few cores.
fn argon2_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from)))
}

/// Runs CPU-heavy `work` off the async runtime, a bounded number at a time.
async fn run_blocking<T, F>(work: F) -> Result<T, StoreError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // The semaphore is never closed, so acquiring cannot fail; without a permit the work
    // still runs (unbounded) rather than failing a sign-in.
    let _permit = argon2_slots().acquire().await.ok();
    joined(tokio::task::spawn_blocking(work).await)
}

/// The outcome of a blocking task: a panic in it is propagated as is; a task cancelled
/// by a shutting-down runtime is reported as a backend failure.
fn joined<T>(outcome: Result<T, tokio::task::JoinError>) -> Result<T, StoreError> {
    match outcome {
        Ok(value) => Ok(value),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => Err(StoreError::backend("the password hashing task was cancelled", error)),
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

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_hasher_and_verifier() {
        use argon2::{PasswordHasher, PasswordVerifier};
        // Hashes stored before ccgw reused argon2's memory must still verify, and the
        // other way round.
        let salt = SaltString::encode_b64(b"sixteen byte slt").expect("salt");
        let theirs = Argon2::default().hash_password(b"Older-pass1", &salt).expect("hash").to_string();
        assert!(verify_password_hash(&theirs, "Older-pass1"));
        assert!(!verify_password_hash(&theirs, "Older-pass2"));
        let ours = hash_password("Newer-pass1").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("PHC string");
        assert!(Argon2::default().verify_password(b"Newer-pass1", &parsed).is_ok());
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
    }

    #[tokio::test]
    async fn verifying_without_a_hash_always_fails() {
        assert!(!verify_blocking(None, "anything".into()).await.expect("ran"));
    }
}
