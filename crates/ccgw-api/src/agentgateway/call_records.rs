//! The record lists of `/calldata/{agentid}/…` (spec 05 §1.1 #24, #25): finished calls
//! from the record store, newest first, one page at a time.
//!
//! - `callRecordInfoList?workno=&skillid=&startdate=&enddate=&startposition=&endposition=`:
//!   calls of the caller's VDN; with `workno`, those that agent talked in.
//! - `queryselfcallrecordinfolist?skillid=&…`: the calls the caller talked in.
//!
//! Dates are `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-dd` in UTC, or ms since 1970, and select
//! by arrival time, both ends included. Positions count from 1, both included; a page
//! holds at most [`MAX_PAGE`] records. Shapes and errors: `docs/calldata.md`.

use std::time::Duration;

use axum::extract::State;
use ccgw_core::{CallOutcome, SkillId, Timestamp, WorkNo, days_from_civil};
use ccgw_store_traits::{RecordQuery, StoredCall};
use serde::Serialize;

use super::agentgroup::{directory_failure, invalid};
use super::context::AgentCall;
use super::reads;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

/// Records one answer holds at most.
pub(super) const MAX_PAGE: u64 = 100;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/calldata/{{agentid}}{tail}");
    Routes::new().get(&at("/callRecordInfoList"), vdn_records).get(&at("/queryselfcallrecordinfolist"), own_records)
}

/// A date parameter: the first millisecond it names and how long it lasts.
fn date(name: &str, text: &str) -> Result<(Timestamp, Duration), String> {
    let bad = || format!("{name} must be yyyy-MM-dd HH:mm:ss, yyyy-MM-dd or ms since 1970, got {text:?}");
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let ms = text.parse().map_err(|_| bad())?;
        return Ok((Timestamp::from_millis(ms), Duration::from_millis(1)));
    }
    let (day, time) = text.split_once(' ').map_or((text, None), |(day, time)| (day, Some(time)));
    let numbers = |part: &str, sep: char, lens: &[usize]| -> Option<Vec<u64>> {
        let fields: Vec<&str> = part.split(sep).collect();
        let shaped = fields.len() == lens.len()
            && fields.iter().zip(lens).all(|(f, len)| f.len() == *len && f.bytes().all(|b| b.is_ascii_digit()));
        shaped.then(|| fields.iter().filter_map(|f| f.parse().ok()).collect())
    };
    let [year, month, dom] = numbers(day, '-', &[4, 2, 2]).ok_or_else(bad)?[..] else { return Err(bad()) };
    let days_in_month = match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if year < 1970 || !(1..=12).contains(&month) || !(1..=days_in_month).contains(&dom) {
        return Err(bad());
    }
    let midnight = days_from_civil(year, month, dom) * 86_400_000;
    let Some(time) = time else {
        return Ok((Timestamp::from_millis(midnight), Duration::from_secs(86_400)));
    };
    let [hour, minute, second] = numbers(time, ':', &[2, 2, 2]).ok_or_else(bad)?[..] else { return Err(bad()) };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad());
    }
    let ms = midnight + ((hour * 60 + minute) * 60 + second) * 1000;
    Ok((Timestamp::from_millis(ms), Duration::from_secs(1)))
}

/// A position parameter: a whole number from 1.
fn position(name: &str, text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(position) if position >= 1 => Ok(position),
        _ => Err(format!("{name} must be a whole number from 1, got {text:?}")),
    }
}

/// What a record list asks for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Wanted {
    workno: Option<WorkNo>,
    skill: Option<SkillId>,
    from: Option<Timestamp>,
    /// Exclusive.
    to: Option<Timestamp>,
    /// 1-based.
    start: u64,
    limit: u32,
}

fn wanted(call: &AgentCall, with_workno: bool) -> Result<Wanted, String> {
    let param = |name: &str| call.query.get(name).map(String::as_str);
    let workno = match param("workno").filter(|_| with_workno) {
        Some(text) => Some(text.parse::<WorkNo>().map_err(|_| format!("workno must be a work number, got {text:?}"))?),
        None => None,
    };
    let skill = match param("skillid") {
        Some(text) => Some(text.parse::<SkillId>().map_err(|_| format!("skillid must be a skill id, got {text:?}"))?),
        None => None,
    };
    let from = param("startdate").map(|text| date("startdate", text)).transpose()?.map(|(start, _)| start);
    let to = param("enddate").map(|text| date("enddate", text)).transpose()?.map(|(end, span)| end.plus(span));
    if let (Some(from), Some(to)) = (from, to)
        && from >= to
    {
        return Err("startdate must not be after enddate".into());
    }
    let start = param("startposition").map(|text| position("startposition", text)).transpose()?.unwrap_or(1);
    let end = param("endposition").map(|text| position("endposition", text)).transpose()?;
    let end = match end {
        Some(end) if end < start => return Err("endposition must not be before startposition".into()),
        Some(end) => end.min(start.saturating_add(MAX_PAGE - 1)),
        None => start.saturating_add(MAX_PAGE - 1),
    };
    let limit = u32::try_from(end - start + 1).unwrap_or(u32::MAX);
    Ok(Wanted { workno, skill, from, to, start, limit })
}

/// One record in a list.
#[derive(Debug, Serialize)]
struct RecordItem {
    callid: String,
    /// Call type of spec 04 §5.1.
    callfeature: u8,
    caller: String,
    called: String,
    calldata: String,
    /// The skill queue the call ended in.
    skillid: u32,
    mediatype: u8,
    /// Arrival, answer (0 if never answered) and end, ms since 1970.
    begintime: u64,
    answertime: u64,
    endtime: u64,
    /// How the call ended (`answered`, `abandoned-in-queue`, …, as `/ccgw/v1/records`).
    outcome: &'static str,
    /// The agent who answered it, or at whom it rang or failed; "" for none.
    workno: String,
    /// Every agent who talked in it, in order.
    talked: Vec<String>,
    /// Inspectors' listening, inserting, whispering and intercepts, in order.
    supervision: Vec<SupervisionItem>,
}

/// One entry of a call's supervision record (ccgw's own field: the spec has none).
#[derive(Debug, Serialize)]
struct SupervisionItem {
    inspector: String,
    workno: String,
    /// `listen`, `insert`, `whisper` or `intercept`.
    kind: &'static str,
    begintime: u64,
    endtime: u64,
}

impl RecordItem {
    fn of(record: &StoredCall) -> Self {
        let end = &record.end;
        let answered = match &end.outcome {
            CallOutcome::Answered { answered_at, .. } => answered_at.as_millis(),
            _ => 0,
        };
        Self {
            callid: end.call.id.to_string(),
            callfeature: end.feature.code(),
            caller: end.call.caller.clone(),
            called: end.call.called.clone(),
            calldata: end.call.call_data.clone(),
            skillid: end.route.last().copied().unwrap_or(end.call.skill).get(),
            mediatype: end.call.media_type,
            begintime: end.arrived.as_millis(),
            answertime: answered,
            endtime: end.ended.as_millis(),
            outcome: end.outcome.code(),
            workno: end.outcome.agent().map(|agent| agent.to_string()).unwrap_or_default(),
            talked: end.talked.iter().map(ToString::to_string).collect(),
            supervision: end
                .supervision
                .iter()
                .map(|entry| SupervisionItem {
                    inspector: entry.inspector.to_string(),
                    workno: entry.agent.to_string(),
                    kind: entry.kind.name(),
                    begintime: entry.from.as_millis(),
                    endtime: entry.until.as_millis(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct RecordPage {
    /// Records matching the filters, on every page.
    total: u64,
    records: Vec<RecordItem>,
}

/// Checks the Guid, then reads one page. `own`: the caller's records only.
async fn list(state: &ApiState, call: &AgentCall, own: bool) -> Result<RecordPage, HuaweiReply> {
    let wanted = wanted(call, !own).map_err(|message| invalid(&message))?;
    let me = reads::me(state, call).await?.profile;
    let (vdn, me) = (me.vdn, me.work_no);
    let query = RecordQuery {
        vdn: Some(vdn),
        talked: if own { Some(me) } else { wanted.workno },
        skill: wanted.skill,
        from: wanted.from,
        to: wanted.to,
        offset: wanted.start - 1,
        limit: wanted.limit,
        ..RecordQuery::default()
    };
    let page = state.records.query_records(&query).await.map_err(directory_failure)?;
    Ok(RecordPage { total: page.total, records: page.records.iter().map(RecordItem::of).collect() })
}

async fn vdn_records(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(list(&state, &call, false).await)
}

async fn own_records(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(list(&state, &call, true).await)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn asked(query: &[(&str, &str)], with_workno: bool) -> Result<Wanted, String> {
        let query = query.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        let call = AgentCall { work_no: WorkNo::new(101).unwrap(), guid: None, params: HashMap::new(), query };
        wanted(&call, with_workno)
    }

    #[test]
    fn positions_count_from_one_both_included_and_a_page_holds_at_most_a_hundred() {
        let page = |query: &[(&str, &str)]| asked(query, true).map(|w| (w.start, w.limit));
        assert_eq!(page(&[]), Ok((1, 100)));
        assert_eq!(page(&[("startposition", "3"), ("endposition", "4")]), Ok((3, 2)));
        assert_eq!(page(&[("startposition", "7"), ("endposition", "7")]), Ok((7, 1)));
        assert_eq!(page(&[("startposition", "11"), ("endposition", "1000")]), Ok((11, 100)));
        assert_eq!(page(&[("startposition", &u64::MAX.to_string())]), Ok((u64::MAX, 1)));
        assert!(page(&[("startposition", "3"), ("endposition", "2")]).is_err());
        assert!(page(&[("endposition", "0")]).is_err());
    }

    #[test]
    fn the_end_date_includes_its_whole_second_or_day_and_workno_only_where_it_is_read() {
        let day = asked(&[("startdate", "2025-01-31"), ("enddate", "2025-01-31")], true).unwrap();
        assert_eq!(day.from, Some(Timestamp::from_millis(1_738_281_600_000)));
        assert_eq!(day.to, Some(Timestamp::from_millis(1_738_368_000_000)));
        let second = asked(&[("enddate", "2025-01-31 08:00:00")], true).unwrap();
        assert_eq!(second.to, Some(Timestamp::from_millis(1_738_310_401_000)));
        assert_eq!(asked(&[("workno", "102")], true).unwrap().workno, WorkNo::new(102).ok());
        assert_eq!(asked(&[("workno", "102")], false).unwrap().workno, None, "own records: ignored");
        assert!(asked(&[("workno", "x")], false).is_ok(), "own records: not even read");
    }

    fn ms(text: &str) -> Result<u64, String> {
        date("startdate", text).map(|(at, _)| at.as_millis())
    }

    #[test]
    fn dates_are_read_in_utc_to_the_second_the_day_or_the_millisecond() {
        assert_eq!(ms("2025-01-31 08:00:00"), Ok(1_738_310_400_000));
        assert_eq!(date("d", "2025-01-31 08:00:00").unwrap().1, Duration::from_secs(1));
        assert_eq!(ms("2025-01-31"), Ok(1_738_281_600_000));
        assert_eq!(date("d", "2025-01-31").unwrap().1, Duration::from_secs(86_400));
        assert_eq!(ms("2000-02-29 23:59:59"), Ok(951_868_799_000));
        assert_eq!(ms("1738310400123"), Ok(1_738_310_400_123));
        for bad in [
            "",
            "2025-1-31",
            "2025-02-30",
            "2023-02-29",
            "1969-12-31",
            "2025-13-01",
            "2025-01-31 24:00:00",
            "2025-01-31 08:00",
            "2025-01-31T08:00:00",
            "yesterday",
            "-5",
            "99999999999999999999999",
        ] {
            assert!(ms(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
