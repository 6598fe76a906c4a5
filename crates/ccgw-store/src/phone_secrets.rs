//! SIP secrets of agent phones, stored as `HA1 = MD5(number:realm:password)` only.

use ccgw_core::PhoneNumber;
use ccgw_store_traits::{PHONE_SECRET_MAX_LEN, PHONE_SECRET_MIN_LEN, StoreError};
use md5::{Digest, Md5};

use crate::error::db;
use crate::password::hex;
use crate::store::SqliteStore;

/// `MD5(number:realm:password)`, lower-case hex (RFC 2617 §3.2.2.2).
fn ha1(number: &str, realm: &str, password: &str) -> String {
    hex(&Md5::digest(format!("{number}:{realm}:{password}").as_bytes()))
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

impl SqliteStore {
    pub async fn set_phone_secret(&self, number: &PhoneNumber, realm: &str, password: &str) -> Result<(), StoreError> {
        let length = password.chars().count();
        if !(PHONE_SECRET_MIN_LEN..=PHONE_SECRET_MAX_LEN).contains(&length) {
            return Err(StoreError::InvalidInput(format!(
                "a SIP secret must be {PHONE_SECRET_MIN_LEN} to {PHONE_SECRET_MAX_LEN} characters"
            )));
        }
        if realm.is_empty() || realm.contains(['"', '\\']) {
            return Err(StoreError::InvalidInput("the SIP realm must be non-empty, without quotes".into()));
        }
        sqlx::query(
            "INSERT INTO phone_secrets (number, realm, ha1, updated_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (number) DO UPDATE SET realm = excluded.realm, ha1 = excluded.ha1,
             updated_ms = excluded.updated_ms",
        )
        .bind(number.as_str())
        .bind(realm)
        .bind(ha1(number.as_str(), realm, password))
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    pub async fn phone_ha1(&self, number: &PhoneNumber, realm: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT ha1 FROM phone_secrets WHERE number = ?1 AND realm = ?2")
            .bind(number.as_str())
            .bind(realm)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)
    }

    pub async fn delete_phone_secret(&self, number: &PhoneNumber) -> Result<bool, StoreError> {
        let deleted = sqlx::query("DELETE FROM phone_secrets WHERE number = ?1")
            .bind(number.as_str())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(deleted.rows_affected() > 0)
    }

    pub async fn list_phone_secrets(&self) -> Result<Vec<(PhoneNumber, String)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT number, realm FROM phone_secrets ORDER BY number")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.into_iter()
            .map(|(number, realm)| {
                let number = PhoneNumber::parse(&number)
                    .map_err(|error| StoreError::Corrupt(format!("phone secret number {number:?}: {error}")))?;
                Ok((number, realm))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ha1_is_the_rfc_2617_hash() {
        // RFC 2617 §3.5: HA1 of Mufasa's credentials.
        assert_eq!(ha1("Mufasa", "testrealm@host.com", "Circle Of Life"), "939e7578ed9e3c518a452acee763bce9");
    }

    #[tokio::test]
    async fn a_secret_is_kept_as_its_ha1_per_realm_and_can_be_replaced_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("ccgw.db")).await.unwrap();
        let number = PhoneNumber::parse("70101").unwrap();
        assert_eq!(store.phone_ha1(&number, "ccgw").await.unwrap(), None);
        assert!(matches!(store.set_phone_secret(&number, "ccgw", "short").await, Err(StoreError::InvalidInput(_))));
        store.set_phone_secret(&number, "ccgw", "Phone-pass-1").await.unwrap();
        assert_eq!(store.phone_ha1(&number, "ccgw").await.unwrap(), Some(ha1("70101", "ccgw", "Phone-pass-1")));
        assert_eq!(store.phone_ha1(&number, "other").await.unwrap(), None, "an HA1 holds for its realm only");
        let stored: String = sqlx::query_scalar("SELECT group_concat(number || realm || ha1) FROM phone_secrets")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert!(!stored.contains("Phone-pass-1"), "no clear-text secret in the database");
        store.set_phone_secret(&number, "ccgw", "Phone-pass-2").await.unwrap();
        assert_eq!(store.phone_ha1(&number, "ccgw").await.unwrap(), Some(ha1("70101", "ccgw", "Phone-pass-2")));
        assert_eq!(store.list_phone_secrets().await.unwrap(), vec![(number.clone(), "ccgw".to_owned())]);
        assert!(store.delete_phone_secret(&number).await.unwrap());
        assert!(!store.delete_phone_secret(&number).await.unwrap());
    }
}
