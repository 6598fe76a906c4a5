//! The data directory and the admin token for the `/ccgw/v1` extension API.
//!
//! The token is either configured by the operator or generated on the first run and kept
//! in `<data_dir>/admin-token`, a file only its owner can read.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::TryRngCore;

/// Fewest characters an admin token may have.
pub const MIN_TOKEN_LEN: usize = 16;
/// Most characters an admin token may have.
pub const MAX_TOKEN_LEN: usize = 256;

/// Random bytes in a generated token (printed as twice as many hex digits).
const GENERATED_TOKEN_BYTES: usize = 32;

/// Where the admin token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// Given by the operator (configuration file, environment or command line).
    Configured,
    /// Generated on this run and stored in the data directory.
    Generated,
    /// Generated on an earlier run, read from the data directory.
    Stored,
}

/// Path of the stored admin token: `<data_dir>/admin-token`.
pub fn admin_token_path(data_dir: &Path) -> PathBuf {
    data_dir.join("admin-token")
}

/// Creates the data directory (and its parents) if it does not exist yet, with mode 0700
/// for what is created. An existing directory is left as it is.
pub fn ensure_data_dir(path: &Path) -> anyhow::Result<()> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => return Ok(()),
        Ok(_) => bail!("the data directory {} exists but is not a directory", path.display()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("while looking at the data directory {}", path.display()));
        }
    }
    create_private_dir(path).with_context(|| format!("while creating the data directory {}", path.display()))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// With `configured` Some: use it (must be 16..=256 visible ASCII characters, else error).
/// Otherwise read `<data_dir>/admin-token` (trimmed); if absent, create it with a random
/// 64-hex-digit token, written with mode 0600 so it is never readable by others (the data
/// directory is created, as by [`ensure_data_dir`], if missing).
pub fn admin_token(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<(String, TokenSource)> {
    if let Some(token) = configured {
        check_token(token).context("the configured admin token is not acceptable")?;
        return Ok((token.to_owned(), TokenSource::Configured));
    }
    let path = admin_token_path(data_dir);
    if let Some(token) = read_stored(&path)? {
        return Ok((token, TokenSource::Stored));
    }
    ensure_data_dir(data_dir)?;
    let token = generate_token()?;
    match store_new(&path, &token) {
        Ok(()) => Ok((token, TokenSource::Generated)),
        // Another ccgw process stored one first: use that one.
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            let token =
                read_stored(&path)?.with_context(|| format!("the admin token file {} disappeared", path.display()))?;
            Ok((token, TokenSource::Stored))
        }
        Err(error) => Err(error).with_context(|| format!("while storing the admin token in {}", path.display())),
    }
}

/// Checks that a token has 16..=256 characters, all visible ASCII.
fn check_token(token: &str) -> anyhow::Result<()> {
    let len = token.chars().count();
    if !(MIN_TOKEN_LEN..=MAX_TOKEN_LEN).contains(&len) {
        bail!("an admin token must have {MIN_TOKEN_LEN} to {MAX_TOKEN_LEN} characters, this one has {len}");
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        bail!("an admin token may hold only visible ASCII characters (no spaces)");
    }
    Ok(())
}

/// Reads the stored token; `None` when the file does not exist.
fn read_stored(path: &Path) -> anyhow::Result<Option<String>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error).with_context(|| format!("while reading the admin token {}", path.display()));
        }
    };
    warn_if_exposed(path);
    let token = text.trim();
    check_token(token).with_context(|| {
        format!(
            "the admin token stored in {} is not acceptable; fix it or delete the file to have a new one generated",
            path.display()
        )
    })?;
    Ok(Some(token.to_owned()))
}

/// A random token: 32 bytes from the operating system's CSPRNG, as 64 lowercase hex digits.
fn generate_token() -> anyhow::Result<String> {
    let mut bytes = [0_u8; GENERATED_TOKEN_BYTES];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .context("while drawing random bytes from the operating system for the admin token")?;
    let mut token = String::with_capacity(GENERATED_TOKEN_BYTES * 2);
    for byte in bytes {
        token.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        token.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
    }
    Ok(token)
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes the token to a private temporary file, then links it into place, which fails
/// with `AlreadyExists` if another process stored a token meanwhile. Readers never see a
/// partly written token and the file is never readable by others.
fn store_new(path: &Path, token: &str) -> io::Result<()> {
    let file_name = path.file_name().map_or_else(|| "admin-token".into(), |name| name.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    match fs::remove_file(&temp) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    let written = (|| {
        let mut file = open_private(&temp)?;
        file.write_all(token.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        drop(file);
        fs::hard_link(&temp, path)
    })();
    let _ = fs::remove_file(&temp);
    written
}

#[cfg(unix)]
fn open_private(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn warn_if_exposed(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = fs::metadata(path) {
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format_args!("{mode:o}"),
                "the admin token file is readable by other users; chmod 600 it"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_exposed(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_token_is_stored_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let (token, source) = admin_token(None, dir.path()).unwrap();
        assert_eq!(source, TokenSource::Generated);
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        let stored = fs::read_to_string(admin_token_path(dir.path())).unwrap();
        assert_eq!(stored.trim(), token);

        let (again, source) = admin_token(None, dir.path()).unwrap();
        assert_eq!(source, TokenSource::Stored);
        assert_eq!(again, token);
        // No temporary file is left behind.
        let entries: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(entries.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_stored_token_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        admin_token(None, dir.path()).unwrap();
        let mode = fs::metadata(admin_token_path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_missing_data_dir_is_created_for_a_generated_token() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let (_, source) = admin_token(None, &data_dir).unwrap();
        assert_eq!(source, TokenSource::Generated);
        assert!(admin_token_path(&data_dir).is_file());
    }

    #[test]
    fn generated_tokens_differ() {
        assert_ne!(generate_token().unwrap(), generate_token().unwrap());
    }

    #[test]
    fn a_configured_token_wins() {
        let dir = tempfile::tempdir().unwrap();
        admin_token(None, dir.path()).unwrap();
        let (token, source) = admin_token(Some("configured-token-0123"), dir.path()).unwrap();
        assert_eq!(source, TokenSource::Configured);
        assert_eq!(token, "configured-token-0123");
    }

    #[test]
    fn a_configured_token_is_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        admin_token(Some("configured-token-0123"), dir.path()).unwrap();
        assert!(!admin_token_path(dir.path()).exists());
    }

    #[test]
    fn unacceptable_configured_tokens_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["short", "", &"x".repeat(MAX_TOKEN_LEN + 1), "has a space in it here", "non-ascii-tökén-0123456"]
        {
            let error = admin_token(Some(bad), dir.path()).unwrap_err();
            assert!(format!("{error:#}").contains("admin token"), "{error:#}");
        }
        assert!(admin_token(Some(&"x".repeat(MIN_TOKEN_LEN)), dir.path()).is_ok());
        assert!(admin_token(Some(&"x".repeat(MAX_TOKEN_LEN)), dir.path()).is_ok());
    }

    #[test]
    fn a_stored_token_is_trimmed_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(admin_token_path(dir.path()), "  stored-token-0123456789 \n").unwrap();
        let (token, source) = admin_token(None, dir.path()).unwrap();
        assert_eq!(source, TokenSource::Stored);
        assert_eq!(token, "stored-token-0123456789");

        fs::write(admin_token_path(dir.path()), "\n").unwrap();
        let error = admin_token(None, dir.path()).unwrap_err();
        assert!(format!("{error:#}").contains("delete the file"), "{error:#}");
    }

    #[test]
    fn ensure_data_dir_creates_nested_private_directories() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a").join("b");
        ensure_data_dir(&data).unwrap();
        assert!(data.is_dir());
        ensure_data_dir(&data).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&data).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(ensure_data_dir(&file).is_err());
    }
}
