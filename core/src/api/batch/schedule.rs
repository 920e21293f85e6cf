//! Cron schedules as CronJobs read them: robfig/cron's standard parser
//! (five fields, names, ranges, steps, `@` descriptors), with its error
//! texts, and the search for the next activation time in UTC.

use crate::api::time::{days_from_civil, Civil};
use crate::api::validation::go_quote;

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Bit sets of the matching seconds, minutes, hours, days of month,
    /// months and weekdays; bit 63 marks a field written as `*` or `?`.
    Spec {
        second: u64,
        minute: u64,
        hour: u64,
        dom: u64,
        month: u64,
        dow: u64,
    },
    /// `@every <duration>`: a fixed delay in whole seconds (at least 1).
    Every(i64),
}

const STAR: u64 = 1 << 63;

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [(&'static str, u32)],
}

const SECONDS: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// Time zone names accepted by `TZ=`/`CRON_TZ=` and `spec.timeZone`: the
/// zone database is not available here, so a name is known when it is one
/// of these or lies in one of the database's areas.
const ZONE_NAMES: &[&str] = &[
    "UTC",
    "GMT",
    "Local",
    "UCT",
    "Zulu",
    "Universal",
    "Greenwich",
];
const ZONE_AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];

/// Whether `time.LoadLocation` would find the zone.
pub fn is_known_time_zone(name: &str) -> bool {
    if ZONE_NAMES.contains(&name) {
        return true;
    }
    match name.split_once('/') {
        Some((area, rest)) => ZONE_AREAS.contains(&area) && !rest.is_empty(),
        None => false,
    }
}

impl Schedule {
    /// `cron.ParseStandard`: five fields (minute, hour, day of month, month,
    /// day of week) or a descriptor, optionally after `TZ=<zone> `.
    pub fn parse_standard(spec: &str) -> Result<Schedule, String> {
        if spec.is_empty() {
            return Err("empty spec string".to_string());
        }
        let mut spec = spec;
        if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
            let eq = spec.find('=').unwrap_or(0);
            let end = spec.find(' ').unwrap_or(spec.len());
            let zone = spec.get(eq + 1..end).unwrap_or("");
            if !is_known_time_zone(zone) {
                return Err(format!(
                    "provided bad location {zone}: unknown time zone {zone}"
                ));
            }
            spec = spec.get(end..).unwrap_or("").trim();
        }
        if spec.starts_with('@') {
            return parse_descriptor(spec);
        }
        let fields: Vec<&str> = spec.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: [{}]",
                fields.len(),
                fields.join(" ")
            ));
        }
        Ok(Schedule::Spec {
            second: field("0", &SECONDS)?,
            minute: field(fields[0], &MINUTES)?,
            hour: field(fields[1], &HOURS)?,
            dom: field(fields[2], &DOM)?,
            month: field(fields[3], &MONTHS)?,
            dow: field(fields[4], &DOW)?,
        })
    }

    /// The first activation strictly after `after` (Unix seconds, UTC), or
    /// `None` when there is none within five years (`SpecSchedule.Next`).
    pub fn next(&self, after: i64) -> Option<i64> {
        let Schedule::Spec {
            second,
            minute,
            hour,
            dom,
            month,
            dow,
        } = *self
        else {
            let Schedule::Every(delay) = *self else {
                return None;
            };
            return after.checked_add(delay);
        };
        let bit = |set: u64, v: u32| set & (1u64 << v) != 0;
        let day_matches = |c: &Civil| {
            let dom_match = bit(dom, c.day);
            let dow_match = bit(dow, c.weekday);
            if dom & STAR != 0 || dow & STAR != 0 {
                dom_match && dow_match
            } else {
                dom_match || dow_match
            }
        };
        let mut t = after.checked_add(1)?;
        let year_limit = Civil::from_unix(t).year + 5;
        let mut added = false;
        // Each pass moves t forward; the year limit ends the search, and the
        // cap guards against a schedule that matches nothing at all.
        'wrap: for _ in 0..10_000 {
            if Civil::from_unix(t).year > year_limit {
                return None;
            }
            while !bit(month, Civil::from_unix(t).month) {
                let c = Civil::from_unix(t);
                if !added {
                    added = true;
                    t = days_from_civil(c.year, c.month, 1) * 86_400;
                }
                t = add_month(t);
                if Civil::from_unix(t).month == 1 {
                    continue 'wrap;
                }
            }
            while !day_matches(&Civil::from_unix(t)) {
                if !added {
                    added = true;
                    t -= t.rem_euclid(86_400);
                }
                t += 86_400;
                if Civil::from_unix(t).day == 1 {
                    continue 'wrap;
                }
            }
            while !bit(hour, Civil::from_unix(t).hour) {
                if !added {
                    added = true;
                    t -= t.rem_euclid(3600);
                }
                t += 3600;
                if Civil::from_unix(t).hour == 0 {
                    continue 'wrap;
                }
            }
            while !bit(minute, Civil::from_unix(t).minute) {
                if !added {
                    added = true;
                    t -= t.rem_euclid(60);
                }
                t += 60;
                if Civil::from_unix(t).minute == 0 {
                    continue 'wrap;
                }
            }
            while !bit(second, Civil::from_unix(t).second) {
                added = true;
                t += 1;
                if Civil::from_unix(t).second == 0 {
                    continue 'wrap;
                }
            }
            return Some(t);
        }
        None
    }
}

/// Go's `AddDate(0, 1, 0)`, normalizing days past the month's end.
fn add_month(t: i64) -> i64 {
    let c = Civil::from_unix(t);
    let (y, m) = if c.month == 12 {
        (c.year + 1, 1)
    } else {
        (c.year, c.month + 1)
    };
    days_from_civil(y, m, 1) * 86_400 + i64::from(c.day - 1) * 86_400 + t.rem_euclid(86_400)
}

/// `getField`: comma-separated ranges.
fn field(text: &str, r: &Bounds) -> Result<u64, String> {
    let mut bits = 0;
    for expr in text.split(',').filter(|s| !s.is_empty()) {
        bits |= range(expr, r)?;
    }
    Ok(bits)
}

/// `getRange`: `*`, `?`, `N`, `N-M`, each optionally `/step`.
fn range(expr: &str, r: &Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end, mut extra);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        start = u64::from(r.min);
        end = u64::from(r.max);
        extra = STAR;
    } else {
        start = int_or_name(low_and_high[0], r)?;
        end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], r)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        extra = 0;
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_int(range_and_step[1])?;
            // `N/step` means `N-max/step`.
            if single {
                end = u64::from(r.max);
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < u64::from(r.min) {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            r.min
        ));
    }
    if end > u64::from(r.max) {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            r.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    let mut bits = 0;
    let mut i = start;
    while i <= end {
        bits |= 1u64 << i;
        i += step;
    }
    Ok(bits | extra)
}

fn int_or_name(expr: &str, r: &Bounds) -> Result<u64, String> {
    let lower = expr.to_ascii_lowercase();
    match r.names.iter().find(|(n, _)| *n == lower) {
        Some((_, v)) => Ok(u64::from(*v)),
        None => parse_int(expr),
    }
}

/// `mustParseInt` over Go's `strconv.Atoi`.
fn parse_int(expr: &str) -> Result<u64, String> {
    let n = go_atoi(expr).map_err(|e| format!("failed to parse int from {expr}: {e}"))?;
    u64::try_from(n).map_err(|_| format!("negative number ({n}) not allowed: {expr}"))
}

/// `strconv.Atoi` with its error text.
fn go_atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// `parseDescriptor`.
fn parse_descriptor(d: &str) -> Result<Schedule, String> {
    let all = |lo: u32, hi: u32| (lo..=hi).fold(0u64, |b, i| b | 1 << i) | STAR;
    let spec = |minute: u64, hour: u64, dom: u64, month: u64, dow: u64| Schedule::Spec {
        second: 1,
        minute,
        hour,
        dom,
        month,
        dow,
    };
    match d {
        "@yearly" | "@annually" => Ok(spec(1, 1, 1 << 1, 1 << 1, all(0, 6))),
        "@monthly" => Ok(spec(1, 1, 1 << 1, all(1, 12), all(0, 6))),
        "@weekly" => Ok(spec(1, 1, all(1, 31), all(1, 12), 1)),
        "@daily" | "@midnight" => Ok(spec(1, 1, all(1, 31), all(1, 12), all(0, 6))),
        "@hourly" => Ok(spec(1, all(0, 23), all(1, 31), all(1, 12), all(0, 6))),
        _ => match d.strip_prefix("@every ") {
            Some(dur) => {
                let ms = go_parse_duration_ms(dur)
                    .map_err(|e| format!("failed to parse duration {d}: {e}"))?;
                // `Every` rounds down to whole seconds, with a floor of one.
                Ok(Schedule::Every((ms / 1000).max(1)))
            }
            None => Err(format!("unrecognized descriptor: {d}")),
        },
    }
}

/// `time.ParseDuration` to whole milliseconds, with Go's error texts.
pub fn go_parse_duration_ms(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if num_len == 0 {
            return Err(invalid());
        }
        let number: f64 = rest[..num_len].parse().map_err(|_| invalid())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", go_quote(s)));
        }
        let unit = &rest[..unit_len];
        let scale_ns: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(s)
                ))
            }
        };
        total += number * scale_ns;
        rest = &rest[unit_len..];
    }
    if total > 9.2e18 {
        return Err(invalid());
    }
    let ms = (total / 1e6) as i64;
    Ok(if neg { -ms } else { ms })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::time::parse_rfc3339;

    fn at(s: &str) -> i64 {
        parse_rfc3339(s).map_or(0, |ms| ms / 1000)
    }

    #[test]
    fn malformed_schedules_are_rejected_with_robfig_messages() {
        let cases = [
            (
                "four fields",
                "* * * *",
                "expected exactly 5 fields, found 4: [* * * *]",
            ),
            (
                "six fields",
                "0 * * * * *",
                "expected exactly 5 fields, found 6: [0 * * * * *]",
            ),
            (
                "a minute of 60",
                "60 * * * *",
                "end of range (60) above maximum (59): 60",
            ),
            (
                "a day of month of 0",
                "* * 0 * *",
                "beginning of range (0) below minimum (1): 0",
            ),
            (
                "a backwards range",
                "5-1 * * * *",
                "beginning of range (5) beyond end of range (1): 5-1",
            ),
            (
                "a zero step",
                "*/0 * * * *",
                "step of range should be a positive number: */0",
            ),
            (
                "a word",
                "x * * * *",
                "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
            ),
            (
                "a negative step",
                "*/-5 * * * *",
                "negative number (-5) not allowed: -5",
            ),
            ("two slashes", "*/2/3 * * * *", "too many slashes: */2/3"),
            ("two hyphens", "1-2-3 * * * *", "too many hyphens: 1-2-3"),
            (
                "an unknown month name",
                "* * * foo *",
                "failed to parse int from foo: strconv.Atoi: parsing \"foo\": invalid syntax",
            ),
            (
                "an unknown descriptor",
                "@fortnightly",
                "unrecognized descriptor: @fortnightly",
            ),
            (
                "a bad duration",
                "@every 5x",
                "failed to parse duration @every 5x: time: unknown unit \"x\" in duration \"5x\"",
            ),
            (
                "a duration without unit",
                "@every 5",
                "failed to parse duration @every 5: time: missing unit in duration \"5\"",
            ),
            (
                "an unknown zone",
                "TZ=Mars/Olympus * * * * *",
                "provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
            ),
        ];
        for (name, spec, want) in cases {
            assert_eq!(
                Schedule::parse_standard(spec),
                Err(want.to_string()),
                "{name}"
            );
        }
    }

    #[test]
    fn valid_schedules_parse() {
        for spec in [
            "*/1 * * * *",
            "0 0 * * 0",
            "30 6 1,15 JAN-jun mon-FRI",
            "0 */6 * * ?",
            "5/15 * * * *",
            "@hourly",
            "@every 1h30m",
            "TZ=Etc/UTC 0 5 * * *",
        ] {
            assert!(Schedule::parse_standard(spec).is_ok(), "{spec}");
        }
    }

    #[test]
    fn next_activation_follows_spec_schedule_next() {
        let cases = [
            (
                "every minute",
                "*/1 * * * *",
                "2024-01-01T00:00:30Z",
                "2024-01-01T00:01:00Z",
            ),
            (
                "on the minute moves to the next",
                "* * * * *",
                "2024-01-01T00:01:00Z",
                "2024-01-01T00:02:00Z",
            ),
            (
                "every five minutes",
                "*/5 * * * *",
                "2024-01-01T00:07:00Z",
                "2024-01-01T00:10:00Z",
            ),
            (
                "daily at 05:00",
                "0 5 * * *",
                "2024-01-01T06:00:00Z",
                "2024-01-02T05:00:00Z",
            ),
            (
                "month end wraps to the next year",
                "0 0 1 1 *",
                "2024-03-01T00:00:00Z",
                "2025-01-01T00:00:00Z",
            ),
            (
                "February 29th waits for a leap year",
                "0 0 29 2 *",
                "2024-03-01T00:00:00Z",
                "2028-02-29T00:00:00Z",
            ),
            (
                "either day of month or weekday",
                "0 0 13 * 5",
                "2024-09-01T00:00:00Z",
                "2024-09-06T00:00:00Z",
            ),
            (
                "the 31st skips short months",
                "0 12 31 * *",
                "2024-04-01T00:00:00Z",
                "2024-05-31T12:00:00Z",
            ),
            (
                "hourly descriptor",
                "@hourly",
                "2024-01-01T10:59:59Z",
                "2024-01-01T11:00:00Z",
            ),
            (
                "weekly descriptor is Sunday midnight",
                "@weekly",
                "2024-01-01T00:00:00Z",
                "2024-01-07T00:00:00Z",
            ),
            (
                "every ninety seconds",
                "@every 90s",
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:01:30Z",
            ),
        ];
        for (name, spec, after, want) in cases {
            let s = Schedule::parse_standard(spec).unwrap_or(Schedule::Every(0));
            assert_eq!(s.next(at(after)), Some(at(want)), "{name}");
        }
        let never = Schedule::parse_standard("0 0 30 2 *").unwrap_or(Schedule::Every(0));
        assert_eq!(
            never.next(at("2024-01-01T00:00:00Z")),
            None,
            "February 30th never comes"
        );
    }

    #[test]
    fn durations_parse_like_go() {
        let cases = [
            ("1h30m", Ok(5_400_000)),
            ("1.5s", Ok(1500)),
            ("0", Ok(0)),
            ("300ms", Ok(300)),
            ("", Err("time: invalid duration \"\"")),
            ("h", Err("time: invalid duration \"h\"")),
        ];
        for (s, want) in cases {
            assert_eq!(go_parse_duration_ms(s), want.map_err(str::to_string), "{s}");
        }
    }
}
