//! Call numbers reserved in the store ahead of use, so that call ids never repeat across
//! restarts (see [`CallNumbers`]). One gateway per database: reservations are assumed
//! to follow each other.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ccgw_engine::CallNumbers;
use ccgw_store::CallRecordStore;

/// Numbers reserved at a time. A restart skips what the last run reserved and did not
/// use, at most this many; at 200 calls a second a block lasts 50 s, so the store is
/// asked every 25 s.
pub const BLOCK: u64 = 10_000;

/// Reserves the first block of this run: numbering goes on after everything an earlier
/// run may have handed out.
pub async fn reserve_first(store: &dyn CallRecordStore) -> anyhow::Result<Arc<CallNumbers>> {
    let reserved = store.reserve_call_numbers(BLOCK).await.context("while reserving call numbers")?;
    Ok(Arc::new(CallNumbers::after(reserved.saturating_sub(BLOCK), reserved, BLOCK)))
}

/// Reserves the next block whenever half of the current one is used; retries every
/// second while the store fails.
pub async fn keep_reserved(store: Arc<dyn CallRecordStore>, numbers: Arc<CallNumbers>) {
    loop {
        numbers.running_low().await;
        loop {
            match store.reserve_call_numbers(numbers.block()).await {
                Ok(reserved) => {
                    numbers.reserved_up_to(reserved);
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "reserving call numbers failed; retrying");
                    tokio::time::sleep(RETRY_EVERY).await;
                }
            }
        }
    }
}

const RETRY_EVERY: Duration = Duration::from_secs(1);
