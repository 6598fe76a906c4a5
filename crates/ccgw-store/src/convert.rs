//! Turning SQLite column values back into domain values. A value that does not convert
//! is a [`StoreError::Corrupt`], never a panic.

use std::time::Duration;

use ccgw_core::{
    CallId, EndedBy, GroupId, PhoneNumber, Role, RoutingPolicy, SkillId, SkillLevel, Supervision, SupervisionKind,
    Timestamp, Vdn, WorkNo,
};
use ccgw_store_traits::StoreError;

pub(crate) fn vdn(value: i64) -> Result<Vdn, StoreError> {
    u16::try_from(value)
        .ok()
        .and_then(|v| Vdn::new(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("VDN {value} is out of range.")))
}

pub(crate) fn skill_id(value: i64) -> Result<SkillId, StoreError> {
    u32::try_from(value)
        .ok()
        .and_then(|v| SkillId::new(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("skill id {value} is out of range.")))
}

pub(crate) fn work_no(value: i64) -> Result<WorkNo, StoreError> {
    u32::try_from(value)
        .ok()
        .and_then(|v| WorkNo::new(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("work number {value} is out of range.")))
}

pub(crate) fn skill_level(value: i64) -> Result<SkillLevel, StoreError> {
    u8::try_from(value)
        .ok()
        .and_then(SkillLevel::new)
        .ok_or_else(|| StoreError::Corrupt(format!("skill level {value} is out of range.")))
}

pub(crate) fn media_type(value: i64) -> Result<u8, StoreError> {
    u8::try_from(value).map_err(|_| StoreError::Corrupt(format!("media type {value} is out of range.")))
}

pub(crate) fn phone(value: &str) -> Result<PhoneNumber, StoreError> {
    PhoneNumber::parse(value).map_err(|e| StoreError::Corrupt(format!("phone number {value:?}: {e}.")))
}

/// The empty string stands for "no access code".
pub(crate) fn access_code(value: &str) -> Result<Option<PhoneNumber>, StoreError> {
    if value.is_empty() { Ok(None) } else { phone(value).map(Some) }
}

pub(crate) fn role(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("role {value:?} is unknown.")))
}

pub(crate) fn group_id(value: i64) -> Result<GroupId, StoreError> {
    u16::try_from(value)
        .ok()
        .and_then(GroupId::new)
        .ok_or_else(|| StoreError::Corrupt(format!("group id {value} is out of range.")))
}

pub(crate) fn policy(value: &str) -> Result<RoutingPolicy, StoreError> {
    RoutingPolicy::parse(value).ok_or_else(|| StoreError::Corrupt(format!("routing policy {value:?} is unknown.")))
}

/// A stored count such as a queue's maximum of waiting calls.
pub(crate) fn count(what: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value} is out of range.")))
}

/// A stored length of time in milliseconds.
pub(crate) fn span(what: &str, value: i64) -> Result<Duration, StoreError> {
    u64::try_from(value)
        .map(Duration::from_millis)
        .map_err(|_| StoreError::Corrupt(format!("{what} {value} ms is negative.")))
}

/// A stored 0/1 flag.
pub(crate) fn flag(what: &str, value: i64) -> Result<bool, StoreError> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(StoreError::Corrupt(format!("{what} {value} is neither 0 nor 1."))),
    }
}

pub(crate) fn byte(what: &str, value: i64) -> Result<u8, StoreError> {
    u8::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value} is out of range.")))
}

/// A stored instant in milliseconds since the Unix epoch.
pub(crate) fn timestamp(value: i64) -> Result<Timestamp, StoreError> {
    u64::try_from(value)
        .map(Timestamp::from_millis)
        .map_err(|_| StoreError::Corrupt(format!("time {value} ms is negative.")))
}

pub(crate) fn ended_by(value: &str) -> Result<EndedBy, StoreError> {
    EndedBy::ALL
        .into_iter()
        .find(|by| by.as_str() == value)
        .ok_or_else(|| StoreError::Corrupt(format!("ended by {value:?} is unknown.")))
}

/// Values joined by `,` (the empty string for none).
pub(crate) fn join_list<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

/// The inverse of [`join_list`], converting each item with `convert`.
pub(crate) fn split_list<T>(text: &str, convert: impl Fn(i64) -> Result<T, StoreError>) -> Result<Vec<T>, StoreError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|item| {
            let value =
                item.parse::<i64>().map_err(|_| StoreError::Corrupt(format!("list item {item:?} is not a number.")))?;
            convert(value)
        })
        .collect()
}

/// Refuses a time range whose start is after its end.
pub(crate) fn check_time_range(from: Option<Timestamp>, to: Option<Timestamp>) -> Result<(), StoreError> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => {
            Err(StoreError::InvalidInput("The start of the time range must not be after its end.".into()))
        }
        _ => Ok(()),
    }
}

/// Appends `AND column >= from` and `AND column < to` for the bounds given. Times past the
/// largest stored value match nothing (from) or everything (to).
pub(crate) fn push_time_range(
    sql: &mut sqlx::QueryBuilder<sqlx::Sqlite>,
    column: &str,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
) {
    let clamp = |time: Timestamp| i64::try_from(time.as_millis()).unwrap_or(i64::MAX);
    if let Some(from) = from {
        sql.push(format!(" AND {column} >= ")).push_bind(clamp(from));
    }
    if let Some(to) = to {
        sql.push(format!(" AND {column} < ")).push_bind(clamp(to));
    }
}

/// Appends ` ORDER BY <time_column> DESC, id DESC LIMIT ? OFFSET ?`: one page, newest first.
pub(crate) fn push_newest_first_page(
    sql: &mut sqlx::QueryBuilder<sqlx::Sqlite>,
    time_column: &str,
    limit: u32,
    offset: u64,
) {
    sql.push(format!(" ORDER BY {time_column} DESC, id DESC LIMIT ")).push_bind(i64::from(limit));
    sql.push(" OFFSET ").push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
}

/// Runs the `SELECT COUNT(*) …` built in `sql`; `what` names the rows in a corruption error.
pub(crate) async fn count_rows(
    conn: &mut sqlx::SqliteConnection,
    mut sql: sqlx::QueryBuilder<sqlx::Sqlite>,
    what: &str,
) -> Result<u64, StoreError> {
    let count: i64 = sql.build_query_scalar().fetch_one(conn).await.map_err(crate::error::db)?;
    u64::try_from(count).map_err(|_| StoreError::Corrupt(format!("{what} count {count} is negative.")))
}

/// A call's supervision record as its column holds it (see migration 0010).
pub(crate) fn supervision_text(call: &CallId, entries: &[Supervision]) -> Result<String, StoreError> {
    let ms = |at: Timestamp| {
        i64::try_from(at.as_millis()).map_err(|_| StoreError::Corrupt(format!("call {call} has a time out of range.")))
    };
    let mut parts = Vec::with_capacity(entries.len());
    for entry in entries {
        let (from, until) = (ms(entry.from)?, ms(entry.until)?);
        parts.push(format!("{},{},{},{from},{until}", entry.inspector, entry.agent, entry.kind.name()));
    }
    Ok(parts.join(";"))
}

/// The inverse of [`supervision_text`].
pub(crate) fn supervision_from_text(text: &str) -> Result<Vec<Supervision>, StoreError> {
    let corrupt = |entry: &str| StoreError::Corrupt(format!("supervision entry {entry:?} is malformed."));
    let number = |field: &str, entry: &str| field.parse::<i64>().map_err(|_| corrupt(entry));
    text.split(';')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let fields: Vec<&str> = entry.split(',').collect();
            let [inspector, agent, kind, from, until] = fields.as_slice() else { return Err(corrupt(entry)) };
            Ok(Supervision {
                inspector: work_no(number(inspector, entry)?)?,
                agent: work_no(number(agent, entry)?)?,
                kind: SupervisionKind::from_name(kind).ok_or_else(|| corrupt(entry))?,
                from: timestamp(number(from, entry)?)?,
                until: timestamp(number(until, entry)?)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_columns_are_reported_as_corrupt_rows() {
        assert!(matches!(vdn(0), Err(StoreError::Corrupt(_))));
        assert!(matches!(vdn(70_000), Err(StoreError::Corrupt(_))));
        assert!(matches!(skill_id(-1), Err(StoreError::Corrupt(_))));
        assert!(matches!(work_no(1_000_000), Err(StoreError::Corrupt(_))));
        assert!(matches!(skill_level(11), Err(StoreError::Corrupt(_))));
        assert!(matches!(media_type(256), Err(StoreError::Corrupt(_))));
        assert!(matches!(phone("70a"), Err(StoreError::Corrupt(_))));
        assert!(matches!(role("admin"), Err(StoreError::Corrupt(_))));
        assert!(matches!(group_id(10_000), Err(StoreError::Corrupt(_))));
        assert!(matches!(policy("random"), Err(StoreError::Corrupt(_))));
        assert!(matches!(count("max waiting", -1), Err(StoreError::Corrupt(_))));
        assert!(matches!(span("wrap-up", -1), Err(StoreError::Corrupt(_))));
        assert!(matches!(flag("refuse", 2), Err(StoreError::Corrupt(_))));
        assert!(matches!(timestamp(-5), Err(StoreError::Corrupt(_))));
        assert!(matches!(ended_by("nobody"), Err(StoreError::Corrupt(_))));
        assert!(matches!(split_list("1,x", skill_id), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn lists_round_trip_through_text() {
        let skills = vec![SkillId::new(3).unwrap(), SkillId::new(1).unwrap()];
        assert_eq!(join_list(&skills), "3,1");
        assert_eq!(split_list("3,1", skill_id).unwrap(), skills);
        assert_eq!(join_list::<SkillId>(&[]), "");
        assert!(split_list("", skill_id).unwrap().is_empty());
    }

    #[test]
    fn well_formed_columns_convert() {
        assert_eq!(vdn(1).map(Vdn::get).ok(), Some(1));
        assert_eq!(work_no(101).map(WorkNo::get).ok(), Some(101));
        assert_eq!(role("inspector").ok(), Some(Role::Inspector));
        assert!(matches!(access_code(""), Ok(None)));
        assert!(matches!(access_code("4000"), Ok(Some(_))));
    }

    #[test]
    fn supervision_entries_survive_their_column() {
        use ccgw_core::{CallId, Supervision, SupervisionKind, Timestamp, WorkNo};
        let entry = |kind, from, until| Supervision {
            inspector: WorkNo::new(120).unwrap(),
            agent: WorkNo::new(101).unwrap(),
            kind,
            from: Timestamp::from_millis(from),
            until: Timestamp::from_millis(until),
        };
        let entries =
            vec![entry(SupervisionKind::Whisper, 1_000, 2_000), entry(SupervisionKind::Intercept, 2_000, 2_000)];
        let text = super::supervision_text(&CallId::parse("1-1").unwrap(), &entries).unwrap();
        assert_eq!(text, "120,101,whisper,1000,2000;120,101,intercept,2000,2000");
        assert_eq!(super::supervision_from_text(&text).unwrap(), entries);
        assert!(super::supervision_from_text("").unwrap().is_empty());
        for bad in ["120,101,whisper,1000", "120,101,shout,1,2", "x,101,listen,1,2"] {
            assert!(super::supervision_from_text(bad).is_err(), "{bad}");
        }
    }
}
