//! Pure scheduling: which dates of a plan's range a cadence picks, and which (date, platform)
//! slots a generation fills — round-robin over the platforms, never the same platform twice on
//! a day unless asked, never on a slot the plan already has. No I/O here.
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::HashSet;

/// The longest plan, in days (a year, leap day included).
pub const MAX_DAYS: i64 = 366;

/// How often a plan publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    Daily,
    Weekdays,
    Weekly,
    PerWeek(u32),
}

impl Cadence {
    /// `daily | weekdays | weekly | <n>_per_week` (n 1–7).
    pub fn parse(s: &str) -> Option<Cadence> {
        match s.trim() {
            "daily" => Some(Cadence::Daily),
            "weekdays" => Some(Cadence::Weekdays),
            "weekly" => Some(Cadence::Weekly),
            other => {
                let n: u32 = other.strip_suffix("_per_week")?.parse().ok()?;
                (1..=7).contains(&n).then_some(Cadence::PerWeek(n))
            }
        }
    }

    /// How many items a full week gets.
    fn per_week(self) -> u32 {
        match self {
            Cadence::Daily => 7,
            Cadence::Weekdays => 5,
            Cadence::Weekly => 1,
            Cadence::PerWeek(n) => n,
        }
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    (s.len() == 10)
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}

/// Days from `start` to `end`, both included.
pub fn span_days(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days() + 1
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `k` of `days` spread evenly (the middle of each of k equal stretches).
fn spread(days: &[NaiveDate], k: usize) -> Vec<NaiveDate> {
    let n = days.len();
    (0..k.min(n))
        .map(|i| days[((2 * i + 1) * n) / (2 * k.min(n))])
        .collect()
}

/// The dates of `start..=end` a cadence publishes on (no cadence: every day). Per ISO week:
/// `daily` every day, `weekdays` Monday to Friday, `weekly` and `<n>_per_week` n days spread
/// over the week, weekdays preferred while n ≤ 5; a week the range only partly covers gets its
/// share (at least one).
pub fn dates(start: NaiveDate, end: NaiveDate, cadence: Option<Cadence>) -> Vec<NaiveDate> {
    let mut all = Vec::new();
    let mut d = start;
    while d <= end {
        all.push(d);
        d += Duration::days(1);
    }
    let Some(cadence) = cadence else {
        return all;
    };
    let mut out = Vec::new();
    for week in all.chunk_by(|a, b| a.iso_week() == b.iso_week()) {
        let n = cadence.per_week();
        let weekdays: Vec<NaiveDate> = week.iter().copied().filter(|d| is_weekday(*d)).collect();
        match cadence {
            Cadence::Daily => out.extend_from_slice(week),
            Cadence::Weekdays => out.extend(weekdays),
            Cadence::Weekly | Cadence::PerWeek(_) => {
                let share = (n as usize * week.len()).div_ceil(7).max(1);
                let pool = if n <= 5 && !weekdays.is_empty() {
                    &weekdays[..]
                } else {
                    week
                };
                out.extend(spread(pool, share));
            }
        }
    }
    out
}

/// A (date, platform) a generation fills.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slot {
    pub date: NaiveDate,
    pub platform: String,
}

/// The slots to fill. `count` None: one item on every cadence date that has no item yet.
/// `count` Some(n): up to n items, a first round over the cadence dates, then (more items than
/// dates) further rounds on other platforms of the same dates. Platforms rotate round-robin;
/// `existing` (date, platform) pairs are never reused; with `allow_same_day` a platform may
/// come back on a day the generation already used it.
pub fn slots(
    dates: &[NaiveDate],
    platforms: &[String],
    existing: &HashSet<(NaiveDate, String)>,
    count: Option<usize>,
    allow_same_day: bool,
) -> Vec<Slot> {
    if platforms.is_empty() || dates.is_empty() {
        return Vec::new();
    }
    let busy: HashSet<NaiveDate> = existing.iter().map(|(d, _)| *d).collect();
    let (rounds, want) = match count {
        None => (1, usize::MAX),
        Some(n) => (usize::MAX, n),
    };
    let mut used: HashSet<(NaiveDate, String)> = HashSet::new();
    let mut out = Vec::new();
    let mut next = 0;
    for _ in 0..rounds {
        let before = out.len();
        for d in dates {
            if out.len() >= want {
                return out;
            }
            if count.is_none() && busy.contains(d) {
                continue;
            }
            for j in 0..platforms.len() {
                let p = &platforms[(next + j) % platforms.len()];
                let key = (*d, p.clone());
                if existing.contains(&key) || (!allow_same_day && used.contains(&key)) {
                    continue;
                }
                used.insert(key);
                out.push(Slot {
                    date: *d,
                    platform: p.clone(),
                });
                next = (next + j + 1) % platforms.len();
                break;
            }
        }
        if out.len() == before {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cadences_parse_and_reject_the_rest() {
        assert_eq!(Cadence::parse("daily"), Some(Cadence::Daily));
        assert_eq!(Cadence::parse("3_per_week"), Some(Cadence::PerWeek(3)));
        for bad in ["0_per_week", "8_per_week", "fortnightly", "x_per_week", ""] {
            assert_eq!(Cadence::parse(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-2-3"), None);
    }

    #[test]
    fn weekdays_skip_weekends_and_daily_takes_every_day() {
        // 2026-11-30 is a Monday.
        let (s, e) = (d("2026-11-30"), d("2026-12-13"));
        assert_eq!(dates(s, e, Some(Cadence::Daily)).len(), 14);
        let wd = dates(s, e, Some(Cadence::Weekdays));
        assert_eq!(wd.len(), 10);
        assert!(wd.iter().all(|x| is_weekday(*x)));
    }

    #[test]
    fn n_per_week_spreads_inside_each_iso_week() {
        let (s, e) = (d("2026-11-30"), d("2026-12-27"));
        let three = dates(s, e, Some(Cadence::PerWeek(3)));
        assert_eq!(three.len(), 12);
        let first: Vec<Weekday> = three[..3].iter().map(|x| x.weekday()).collect();
        assert_eq!(first, vec![Weekday::Mon, Weekday::Wed, Weekday::Fri]);
        let weekly = dates(s, e, Some(Cadence::Weekly));
        assert_eq!(weekly.len(), 4);
        let weeks: HashSet<u32> = weekly.iter().map(|x| x.iso_week().week()).collect();
        assert_eq!(weeks.len(), 4, "one per ISO week");
        // A range starting on a Saturday still gets that week's item, inside the range.
        let partial = dates(d("2026-12-05"), d("2026-12-13"), Some(Cadence::Weekly));
        assert_eq!(partial.len(), 2);
        assert!(partial.iter().all(|x| *x >= d("2026-12-05")));
    }

    #[test]
    fn slots_rotate_platforms_and_never_repeat_a_platform_on_a_day() {
        let ds = dates(d("2026-11-30"), d("2026-12-02"), Some(Cadence::Daily));
        let ps = names(&["linkedin", "x"]);
        let s = slots(&ds, &ps, &HashSet::new(), Some(6), false);
        assert_eq!(s.len(), 6);
        let unique: HashSet<&Slot> = s.iter().collect();
        assert_eq!(unique.len(), 6);
        assert_eq!(s[0].platform, "linkedin");
        assert_eq!(s[1].platform, "x");
        // Only 6 distinct (day, platform) pairs exist: asking for more gives 6.
        assert_eq!(slots(&ds, &ps, &HashSet::new(), Some(9), false).len(), 6);
        // Allowed to repeat, it fills the count.
        assert_eq!(slots(&ds, &ps, &HashSet::new(), Some(9), true).len(), 9);
    }

    #[test]
    fn slots_skip_what_the_plan_already_has() {
        let ds = dates(d("2026-11-30"), d("2026-12-03"), None);
        let ps = names(&["linkedin"]);
        let existing: HashSet<_> = [(d("2026-12-01"), "linkedin".to_string())].into();
        let fill = slots(&ds, &ps, &existing, None, false);
        assert_eq!(fill.len(), 3);
        assert!(!fill.iter().any(|x| x.date == d("2026-12-01")));
        let more = slots(&ds, &ps, &existing, Some(10), true);
        assert!(
            !more
                .iter()
                .any(|x| x.date == d("2026-12-01") && x.platform == "linkedin")
        );
    }
}
