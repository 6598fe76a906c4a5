//! `ccgw phone`: agent phones' SIP secrets in the data directory's database. A secret is
//! kept only as its digest hash for the configured realm (`sip.realm`), so it can be set
//! or removed but never shown again.

use std::fmt;
use std::io::Write;
use std::path::Path;

use ccgw_core::PhoneNumber;
use ccgw_store::SqliteStore;

use super::directory::{failed, open};
use super::{emit, table};

/// A SIP secret given on the command line or in `CCGW_PHONE_SECRET`; its `Debug` output
/// hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

fn phone_number(text: &str) -> Result<PhoneNumber, String> {
    PhoneNumber::parse(text).map_err(|error| error.to_string())
}

/// Phone subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PhoneCommand {
    /// Set a phone's SIP secret (8-128 characters); generated and printed once when absent
    Secret {
        /// The phone number (the SIP user name the phone registers with)
        #[arg(value_parser = phone_number)]
        number: PhoneNumber,
        #[arg(long, env = "CCGW_PHONE_SECRET", hide_env_values = true)]
        secret: Option<Secret>,
    },
    /// Remove a phone's SIP secret: it can no longer register
    RemoveSecret {
        #[arg(value_parser = phone_number)]
        number: PhoneNumber,
    },
    /// List the phones with a SIP secret
    List,
}

/// Runs a phone subcommand against `<data_dir>/ccgw.db` with the configured realm.
pub async fn run_phone(command: PhoneCommand, data_dir: &Path, realm: &str) -> anyhow::Result<()> {
    let store = open(data_dir).await?;
    execute_phone(command, &store, realm, &mut std::io::stdout()).await
}

pub async fn execute_phone(
    command: PhoneCommand,
    store: &SqliteStore,
    realm: &str,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        PhoneCommand::Secret { number, secret } => {
            let (secret, generated) = match secret {
                Some(Secret(secret)) => (secret, false),
                None => (ccgw_store::random_password(), true),
            };
            store
                .set_phone_secret(&number, realm, &secret)
                .await
                .map_err(|error| failed(error, format!("setting the SIP secret of phone {}", number.as_str())))?;
            let mut text = format!("Set the SIP secret of phone {} (realm {realm}).\n", number.as_str());
            if generated {
                text.push_str(&format!("Generated SIP secret (shown only this once): {secret}\n"));
            }
            emit(out, &text)
        }
        PhoneCommand::RemoveSecret { number } => {
            let removed = store
                .delete_phone_secret(&number)
                .await
                .map_err(|error| failed(error, format!("removing the SIP secret of phone {}", number.as_str())))?;
            if !removed {
                anyhow::bail!("phone {} has no SIP secret", number.as_str());
            }
            emit(out, &format!("Removed the SIP secret of phone {}.\n", number.as_str()))
        }
        PhoneCommand::List => {
            let phones =
                store.list_phone_secrets().await.map_err(|error| failed(error, "listing phone secrets".to_owned()))?;
            let rows: Vec<Vec<String>> =
                phones.iter().map(|(number, realm)| vec![number.as_str().to_owned(), realm.clone()]).collect();
            emit(out, &table(&["NUMBER", "REALM"], &rows))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_secret_is_set_generated_listed_and_removed() {
        let data_dir = tempfile::tempdir().unwrap();
        let store = open(data_dir.path()).await.unwrap();
        let number = PhoneNumber::parse("70130").unwrap();
        let mut out = Vec::new();
        let given = PhoneCommand::Secret { number: number.clone(), secret: Some(Secret("Phone-secret-1".into())) };
        execute_phone(given, &store, "ccgw", &mut out).await.unwrap();
        assert!(store.phone_ha1(&number, "ccgw").await.unwrap().is_some());
        let mut out = Vec::new();
        execute_phone(PhoneCommand::Secret { number: number.clone(), secret: None }, &store, "ccgw", &mut out)
            .await
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("shown only this once"), "{text}");
        let mut out = Vec::new();
        execute_phone(PhoneCommand::List, &store, "ccgw", &mut out).await.unwrap();
        let listed = String::from_utf8(out).unwrap();
        assert!(listed.lines().any(|line| line.split_whitespace().eq(["70130", "ccgw"])), "{listed}");
        let mut out = Vec::new();
        execute_phone(PhoneCommand::RemoveSecret { number: number.clone() }, &store, "ccgw", &mut out).await.unwrap();
        let again = execute_phone(PhoneCommand::RemoveSecret { number }, &store, "ccgw", &mut Vec::new()).await;
        assert!(again.is_err());
    }
}
