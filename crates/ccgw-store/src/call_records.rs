//! Call records: one row per finished call, written in batches and read back newest
//! first, page by page; the journal of open calls (`open_calls`) that a record replaces
//! when its call ends; the reserved call numbers (`call_numbers`).

use ccgw_core::{CallEnd, CallFeature, CallId, CallOutcome, CallStart, FailReason, NewCall, Timestamp};
use ccgw_store_traits::{OUTCOME_CODES, RecordPage, RecordQuery, StoreError, StoredCall};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::convert;
use crate::error::{db, db_or_conflict};
use crate::store::SqliteStore;

/// The columns that describe an outcome besides its code.
#[derive(Default)]
struct OutcomeColumns<'a> {
    agent: Option<i64>,
    answered_at_ms: Option<i64>,
    ended_by: Option<&'static str>,
    overflow_number: Option<&'a str>,
    failure: Option<&'static str>,
    joined_into: Option<&'a str>,
}

fn outcome_columns<'a>(call: &CallId, outcome: &'a CallOutcome) -> Result<OutcomeColumns<'a>, StoreError> {
    Ok(match outcome {
        CallOutcome::Answered { agent, answered_at, ended_by } => OutcomeColumns {
            agent: Some(i64::from(agent.get())),
            answered_at_ms: Some(millis(call, *answered_at)?),
            ended_by: Some(ended_by.as_str()),
            ..OutcomeColumns::default()
        },
        CallOutcome::AbandonedRinging { agent } => {
            OutcomeColumns { agent: Some(i64::from(agent.get())), ..OutcomeColumns::default() }
        }
        CallOutcome::Overflowed { to } => {
            OutcomeColumns { overflow_number: Some(to.as_str()), ..OutcomeColumns::default() }
        }
        CallOutcome::Failed { agent, reason } => OutcomeColumns {
            agent: Some(i64::from(agent.get())),
            failure: Some(reason.as_str()),
            ..OutcomeColumns::default()
        },
        CallOutcome::Joined { into } => {
            OutcomeColumns { joined_into: Some(into.as_str()), ..OutcomeColumns::default() }
        }
        CallOutcome::AbandonedInQueue
        | CallOutcome::NoAgent
        | CallOutcome::QueueFull
        | CallOutcome::TimedOut
        | CallOutcome::Shutdown
        | CallOutcome::Unrouted
        | CallOutcome::LostAtRestart => OutcomeColumns::default(),
    })
}

fn millis(call: &CallId, time: Timestamp) -> Result<i64, StoreError> {
    i64::try_from(time.as_millis())
        .map_err(|_| StoreError::InvalidInput(format!("A time of call {call} is too far in the future to be stored.")))
}

/// The columns of a call as it arrived, alike in `call_records` and `open_calls`.
#[derive(sqlx::FromRow)]
struct ArrivalColumns {
    call_id: String,
    vdn: i64,
    first_skill: i64,
    caller: String,
    called: String,
    call_data: String,
    media_type: i64,
    priority: i64,
    feature: i64,
}

impl ArrivalColumns {
    fn into_call(self) -> Result<(NewCall, CallFeature), StoreError> {
        let id = CallId::parse(&self.call_id)
            .map_err(|e| StoreError::Corrupt(format!("call id {:?}: {e}.", self.call_id)))?;
        let feature = u8::try_from(self.feature)
            .ok()
            .and_then(CallFeature::from_code)
            .ok_or_else(|| StoreError::Corrupt(format!("call {} has call type {}.", self.call_id, self.feature)))?;
        let call = NewCall {
            id,
            vdn: convert::vdn(self.vdn)?,
            skill: convert::skill_id(self.first_skill)?,
            caller: self.caller,
            called: self.called,
            call_data: self.call_data,
            media_type: convert::media_type(self.media_type)?,
            priority: convert::byte("priority", self.priority)?,
        };
        Ok((call, feature))
    }
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: i64,
    #[sqlx(flatten)]
    arrival: ArrivalColumns,
    route: String,
    arrived_ms: i64,
    ended_ms: i64,
    outcome: String,
    agent: Option<i64>,
    answered_at_ms: Option<i64>,
    ended_by: Option<String>,
    overflow_number: Option<String>,
    offered_to: String,
    failure: Option<String>,
    joined_into: Option<String>,
    talked: String,
    supervision: String,
}

/// The columns of a [`RecordRow`].
const RECORD_COLUMNS: &str = "id, call_id, vdn, first_skill, route, caller, called, call_data, media_type, priority, \
                              arrived_ms, ended_ms, outcome, agent, answered_at_ms, ended_by, overflow_number, \
                              offered_to, feature, failure, joined_into, talked, supervision";

fn outcome_from_row(row: &RecordRow) -> Result<CallOutcome, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("call record {} has an inconsistent outcome.", row.id));
    let agent = || row.agent.map(convert::work_no).transpose()?.ok_or_else(corrupt);
    Ok(match row.outcome.as_str() {
        "answered" => CallOutcome::Answered {
            agent: agent()?,
            answered_at: convert::timestamp(row.answered_at_ms.ok_or_else(corrupt)?)?,
            ended_by: convert::ended_by(row.ended_by.as_deref().ok_or_else(corrupt)?)?,
        },
        "abandoned-in-queue" => CallOutcome::AbandonedInQueue,
        "abandoned-ringing" => CallOutcome::AbandonedRinging { agent: agent()? },
        "no-agent" => CallOutcome::NoAgent,
        "queue-full" => CallOutcome::QueueFull,
        "overflowed" => {
            CallOutcome::Overflowed { to: convert::phone(row.overflow_number.as_deref().ok_or_else(corrupt)?)? }
        }
        "timed-out" => CallOutcome::TimedOut,
        "failed" => CallOutcome::Failed {
            agent: agent()?,
            reason: row.failure.as_deref().and_then(FailReason::from_name).ok_or_else(corrupt)?,
        },
        "joined" => CallOutcome::Joined {
            into: row.joined_into.as_deref().and_then(|id| CallId::parse(id).ok()).ok_or_else(corrupt)?,
        },
        "shutdown" => CallOutcome::Shutdown,
        "unrouted" => CallOutcome::Unrouted,
        "lost-at-restart" => CallOutcome::LostAtRestart,
        other => return Err(StoreError::Corrupt(format!("outcome {other:?} is unknown."))),
    })
}

fn from_row(row: RecordRow) -> Result<StoredCall, StoreError> {
    let outcome = outcome_from_row(&row)?;
    let (call, feature) = row.arrival.into_call()?;
    Ok(StoredCall {
        id: row.id,
        end: CallEnd {
            feature,
            call,
            route: convert::split_list(&row.route, convert::skill_id)?,
            arrived: convert::timestamp(row.arrived_ms)?,
            ended: convert::timestamp(row.ended_ms)?,
            outcome,
            offered_to: convert::split_list(&row.offered_to, convert::work_no)?,
            talked: convert::split_list(&row.talked, convert::work_no)?,
            supervision: convert::supervision_from_text(&row.supervision)?,
        },
    })
}

async fn insert_record(conn: &mut SqliteConnection, end: &CallEnd) -> Result<(), StoreError> {
    let call = &end.call;
    let outcome = outcome_columns(&call.id, &end.outcome)?;
    let final_skill = end.route.last().copied().unwrap_or(call.skill);
    sqlx::query(
        "INSERT INTO call_records (call_id, vdn, first_skill, final_skill, route, caller, called, call_data,
                                   media_type, priority, arrived_ms, ended_ms, outcome, agent, answered_at_ms,
                                   ended_by, overflow_number, offered_to, feature, failure, joined_into, talked,
                                   supervision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                 ?23)",
    )
    .bind(call.id.as_str())
    .bind(i64::from(call.vdn.get()))
    .bind(i64::from(call.skill.get()))
    .bind(i64::from(final_skill.get()))
    .bind(convert::join_list(&end.route))
    .bind(&call.caller)
    .bind(&call.called)
    .bind(&call.call_data)
    .bind(i64::from(call.media_type))
    .bind(i64::from(call.priority))
    .bind(millis(&call.id, end.arrived)?)
    .bind(millis(&call.id, end.ended)?)
    .bind(end.outcome.code())
    .bind(outcome.agent)
    .bind(outcome.answered_at_ms)
    .bind(outcome.ended_by)
    .bind(outcome.overflow_number)
    .bind(convert::join_list(&end.offered_to))
    .bind(i64::from(end.feature.code()))
    .bind(outcome.failure)
    .bind(outcome.joined_into)
    .bind(convert::join_list(&end.talked))
    .bind(convert::supervision_text(&call.id, &end.supervision)?)
    .execute(conn)
    .await
    .map_err(|e| db_or_conflict(e, || format!("Call {} is already recorded.", call.id)))?;
    Ok(())
}

async fn journal_open(conn: &mut SqliteConnection, start: &CallStart) -> Result<(), StoreError> {
    let call = &start.call;
    sqlx::query(
        "INSERT INTO open_calls (call_id, vdn, first_skill, caller, called, call_data, media_type, priority,
                                 feature, arrived_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(call.id.as_str())
    .bind(i64::from(call.vdn.get()))
    .bind(i64::from(call.skill.get()))
    .bind(&call.caller)
    .bind(&call.called)
    .bind(&call.call_data)
    .bind(i64::from(call.media_type))
    .bind(i64::from(call.priority))
    .bind(i64::from(start.feature.code()))
    .bind(millis(&call.id, start.arrived)?)
    .execute(conn)
    .await
    .map_err(|e| db_or_conflict(e, || format!("Call {} is already journalled.", call.id)))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OpenRow {
    #[sqlx(flatten)]
    arrival: ArrivalColumns,
    arrived_ms: i64,
}

fn start_from_row(row: OpenRow) -> Result<CallStart, StoreError> {
    let (call, feature) = row.arrival.into_call()?;
    Ok(CallStart { call, feature, arrived: convert::timestamp(row.arrived_ms)? })
}

/// Appends the `WHERE` clause of `query`'s filters.
fn push_filters(sql: &mut QueryBuilder<Sqlite>, query: &RecordQuery) -> Result<(), StoreError> {
    if let Some(outcome) = &query.outcome
        && !OUTCOME_CODES.contains(&outcome.as_str())
    {
        return Err(StoreError::InvalidInput(format!(
            "The outcome {outcome:?} is unknown; it is one of {}.",
            OUTCOME_CODES.join(", ")
        )));
    }
    convert::check_time_range(query.from, query.to)?;
    sql.push(" WHERE 1 = 1");
    if let Some(vdn) = query.vdn {
        sql.push(" AND vdn = ").push_bind(i64::from(vdn.get()));
    }
    if let Some(agent) = query.agent {
        sql.push(" AND agent = ").push_bind(i64::from(agent.get()));
    }
    if let Some(agent) = query.talked {
        // `talked` is a comma-separated list; the commas around it make 99 miss 999.
        sql.push(" AND (',' || talked || ',') LIKE ").push_bind(format!("%,{agent},%"));
    }
    if let Some(skill) = query.skill {
        sql.push(" AND final_skill = ").push_bind(i64::from(skill.get()));
    }
    convert::push_time_range(sql, "arrived_ms", query.from, query.to);
    if let Some(outcome) = &query.outcome {
        sql.push(" AND outcome = ").push_bind(outcome.clone());
    }
    Ok(())
}

/// One page of the records that match `query`, on `conn`.
async fn fetch_page(conn: &mut SqliteConnection, query: &RecordQuery) -> Result<Vec<StoredCall>, StoreError> {
    let mut sql = QueryBuilder::new(format!("SELECT {RECORD_COLUMNS} FROM call_records"));
    push_filters(&mut sql, query)?;
    convert::push_newest_first_page(&mut sql, "arrived_ms", query.limit.min(RecordQuery::MAX_LIMIT), query.offset);
    let rows: Vec<RecordRow> = sql.build_query_as().fetch_all(conn).await.map_err(db)?;
    rows.into_iter().map(from_row).collect()
}

/// How many records match `query`, on `conn`.
async fn count_matching(conn: &mut SqliteConnection, query: &RecordQuery) -> Result<u64, StoreError> {
    let mut sql = QueryBuilder::new("SELECT COUNT(*) FROM call_records");
    push_filters(&mut sql, query)?;
    convert::count_rows(conn, sql, "record").await
}

impl SqliteStore {
    /// Writes the records of finished calls, all in one transaction: all or nothing.
    /// [`StoreError::Conflict`] names the first call that is already recorded (or that
    /// appears twice in `calls`).
    pub async fn record_calls(&self, calls: &[CallEnd]) -> Result<(), StoreError> {
        self.write_calls(&[], calls).await
    }

    /// Journals the calls that `started` as open and records the calls that `ended`,
    /// removing their journal entries, all in one transaction. [`StoreError::Conflict`]
    /// names the first call already journalled or recorded (or given twice).
    pub async fn write_calls(&self, started: &[CallStart], ended: &[CallEnd]) -> Result<(), StoreError> {
        if started.is_empty() && ended.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for start in started {
            journal_open(&mut tx, start).await?;
        }
        for end in ended {
            insert_record(&mut tx, end).await?;
            sqlx::query("DELETE FROM open_calls WHERE call_id = ?1")
                .bind(end.call.id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// Records every call left open in the journal with outcome `lost-at-restart`,
    /// ended at `restarted`, and empties the journal; returns the records written.
    pub async fn close_open_calls(&self, restarted: Timestamp) -> Result<Vec<CallEnd>, StoreError> {
        let mut tx = self.begin_write().await?;
        let rows: Vec<OpenRow> = sqlx::query_as(
            "SELECT call_id, vdn, first_skill, caller, called, call_data, media_type, priority, feature, arrived_ms
             FROM open_calls
             WHERE call_id NOT IN (SELECT call_id FROM call_records)
             ORDER BY arrived_ms, call_id",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let mut closed = Vec::with_capacity(rows.len());
        for row in rows {
            let end = start_from_row(row)?.lost_at_restart(restarted);
            insert_record(&mut tx, &end).await?;
            closed.push(end);
        }
        sqlx::query("DELETE FROM open_calls").execute(&mut *tx).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(closed)
    }

    /// Calls journalled as open (not yet recorded).
    pub async fn open_calls(&self) -> Result<Vec<CallStart>, StoreError> {
        let rows: Vec<OpenRow> = sqlx::query_as(
            "SELECT call_id, vdn, first_skill, caller, called, call_data, media_type, priority, feature, arrived_ms
             FROM open_calls ORDER BY arrived_ms, call_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(start_from_row).collect()
    }

    /// Reserves `count` more call numbers; returns the highest number now reserved.
    pub async fn reserve_call_numbers(&self, count: u64) -> Result<u64, StoreError> {
        let count = i64::try_from(count)
            .map_err(|_| StoreError::InvalidInput(format!("{count} call numbers are too many to reserve at once.")))?;
        let reserved: i64 = sqlx::query_scalar("UPDATE call_numbers SET reserved = reserved + ?1 RETURNING reserved")
            .bind(count)
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        u64::try_from(reserved)
            .map_err(|_| StoreError::Corrupt(format!("reserved call number {reserved} is negative.")))
    }

    /// One page of the records that match `query`, newest first.
    /// [`StoreError::InvalidInput`] for an unknown outcome or a reversed time range.
    pub async fn call_records(&self, query: &RecordQuery) -> Result<Vec<StoredCall>, StoreError> {
        fetch_page(&mut *self.pool.acquire().await.map_err(db)?, query).await
    }

    /// How many records match `query` (its offset and limit aside).
    pub async fn count_call_records(&self, query: &RecordQuery) -> Result<u64, StoreError> {
        count_matching(&mut *self.pool.acquire().await.map_err(db)?, query).await
    }

    /// One page of the records that match `query` and their total, both read in one
    /// transaction so that the total counts the same snapshot the page was cut from.
    pub async fn record_page(&self, query: &RecordQuery) -> Result<RecordPage, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let records = fetch_page(&mut tx, query).await?;
        let total = count_matching(&mut tx, query).await?;
        tx.commit().await.map_err(db)?;
        Ok(RecordPage { records, total })
    }
}

#[cfg(test)]
mod tests {
    use ccgw_core::{EndedBy, PhoneNumber, WorkNo};

    use super::*;

    fn every_outcome() -> Vec<CallOutcome> {
        let agent = WorkNo::new(101).unwrap();
        vec![
            CallOutcome::Answered { agent, answered_at: Timestamp::from_millis(5), ended_by: EndedBy::SignOut },
            CallOutcome::AbandonedInQueue,
            CallOutcome::AbandonedRinging { agent },
            CallOutcome::NoAgent,
            CallOutcome::QueueFull,
            CallOutcome::Overflowed { to: PhoneNumber::parse("5551234").unwrap() },
            CallOutcome::TimedOut,
            CallOutcome::Failed { agent, reason: FailReason::FarEnd(ccgw_core::DialFailure::Busy) },
            CallOutcome::Joined { into: CallId::parse("1700000000-9").unwrap() },
            CallOutcome::Shutdown,
            CallOutcome::Unrouted,
            CallOutcome::LostAtRestart,
        ]
    }

    #[test]
    fn the_outcome_codes_are_those_of_the_domain() {
        let codes: Vec<&str> = every_outcome().iter().map(CallOutcome::code).collect();
        assert_eq!(codes, OUTCOME_CODES);
    }

    #[test]
    fn every_outcome_survives_its_columns() {
        let call = CallId::parse("1-1").unwrap();
        for outcome in every_outcome() {
            let columns = outcome_columns(&call, &outcome).unwrap();
            let row = RecordRow {
                id: 1,
                arrival: ArrivalColumns {
                    call_id: "1-1".into(),
                    vdn: 1,
                    first_skill: 1,
                    caller: String::new(),
                    called: String::new(),
                    call_data: String::new(),
                    media_type: 5,
                    priority: 0,
                    feature: 7,
                },
                route: "1".into(),
                arrived_ms: 1,
                ended_ms: 9,
                outcome: outcome.code().into(),
                agent: columns.agent,
                answered_at_ms: columns.answered_at_ms,
                ended_by: columns.ended_by.map(Into::into),
                overflow_number: columns.overflow_number.map(Into::into),
                offered_to: String::new(),
                failure: columns.failure.map(Into::into),
                joined_into: columns.joined_into.map(Into::into),
                talked: String::new(),
                supervision: String::new(),
            };
            assert_eq!(outcome_from_row(&row).unwrap(), outcome);
        }
    }
}
