//! Time as data. The domain never reads a clock; callers pass `now` in.

use std::time::Duration;

/// Milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Timestamp(u64);

impl Timestamp {
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    pub const fn as_millis(self) -> u64 {
        self.0
    }

    pub const fn as_unix_seconds(self) -> u64 {
        self.0 / 1000
    }

    pub fn plus(self, span: Duration) -> Self {
        Self(self.0.saturating_add(span.as_millis().min(u64::MAX.into()) as u64))
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC.
    pub fn utc_text(self) -> String {
        let (days, of_day) = (self.0 / 86_400_000, self.0 % 86_400_000 / 1000);
        let (year, month, day) = civil_from_days(days);
        format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", of_day / 3600, of_day / 60 % 60, of_day % 60)
    }

    /// Time elapsed from `earlier` to `self`; zero if `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

/// Days since 1970-01-01 of a date on or after it (H. Hinnant's algorithm, years ≥ 1970).
pub fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day).
pub fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400;
    (if month <= 2 { year + 1 } else { year }, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        let t = Timestamp::from_millis(1_000);
        assert_eq!(t.plus(Duration::from_secs(2)).as_millis(), 3_000);
        assert_eq!(t.since(Timestamp::from_millis(5_000)), Duration::ZERO);
        assert_eq!(Timestamp::from_millis(u64::MAX).plus(Duration::from_secs(1)).as_millis(), u64::MAX);
        assert_eq!(Timestamp::from_millis(1_456_404_043_999).as_unix_seconds(), 1_456_404_043);
    }

    #[test]
    fn utc_text_and_the_calendar_agree_on_known_dates() {
        assert_eq!(Timestamp::from_millis(0).utc_text(), "1970-01-01 00:00:00");
        assert_eq!(Timestamp::from_millis(1_738_310_400_000).utc_text(), "2025-01-31 08:00:00");
        assert_eq!(Timestamp::from_millis(951_782_400_000).utc_text(), "2000-02-29 00:00:00");
        assert_eq!(Timestamp::from_millis(4_107_542_399_999).utc_text(), "2100-02-28 23:59:59");
        for days in [0, 59, 365, 11_016, 20_000, 47_540] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }
}
