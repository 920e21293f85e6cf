//! API timestamps and the duration formats kubectl and the kubelet print.

use crate::api::codec::{Decode, DecodeCx, Encode, Schema, TypeInfo};
use crate::syntax::{Node, NodeKind};
use crate::value::Value;

/// `metav1.Time`: a wall-clock instant with second precision (the API
/// serializes no fractions), as seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

impl Time {
    /// The instant of a millisecond wall clock, truncated as the API does.
    pub fn from_millis(ms: i64) -> Time {
        Time(ms.div_euclid(1000))
    }

    pub fn seconds(self) -> i64 {
        self.0
    }

    pub fn millis(self) -> i64 {
        self.0 * 1000
    }

    pub fn rfc3339(self) -> String {
        format_rfc3339(self.0)
    }
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Decode for Time {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Str(s) => match parse_rfc3339(s) {
                Some(ms) => Time::from_millis(ms),
                None => {
                    cx.custom_error(node, go_time_parse_error(s));
                    Time(0)
                }
            },
            NodeKind::Null => Time(0),
            _ => {
                cx.type_error(node, &Self::type_info());
                Time(0)
            }
        }
    }
}

impl Encode for Time {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        Value::String(self.rfc3339())
    }
    fn is_zero(&self) -> bool {
        false
    }
}

impl Schema for Time {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "v1.Time",
            explain: "string",
            values: &[],
        }
    }
}

/// `metav1.MicroTime`: microsecond precision, used by Events' `eventTime`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MicroTime(pub i64);

impl MicroTime {
    pub fn from_millis(ms: i64) -> MicroTime {
        MicroTime(ms * 1000)
    }

    pub fn format(self) -> String {
        let secs = self.0.div_euclid(1_000_000);
        let micros = self.0.rem_euclid(1_000_000);
        let base = format_rfc3339(secs);
        format!("{}.{micros:06}Z", base.trim_end_matches('Z'))
    }
}

impl Decode for MicroTime {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Str(s) => match parse_rfc3339(s) {
                Some(ms) => MicroTime::from_millis(ms),
                None => {
                    cx.custom_error(node, go_time_parse_error(s));
                    MicroTime(0)
                }
            },
            NodeKind::Null => MicroTime(0),
            _ => {
                cx.type_error(node, &Self::type_info());
                MicroTime(0)
            }
        }
    }
}

impl Encode for MicroTime {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        Value::String(self.format())
    }
    fn is_zero(&self) -> bool {
        false
    }
}

impl Schema for MicroTime {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "v1.MicroTime",
            explain: "string",
            values: &[],
        }
    }
}

fn go_time_parse_error(s: &str) -> String {
    format!(
        "parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{s}\" as \"2006\""
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: (year, month 1-12, day 1-31).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down UTC time of a Unix second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday.
    pub weekday: u32,
}

impl Civil {
    pub fn from_unix(secs: i64) -> Civil {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    pub fn to_unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2006-01-02T15:04:05Z`.
pub fn format_rfc3339(secs: i64) -> String {
    let c = Civil::from_unix(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Go's RFC1123Z layout, `Mon, 02 Jan 2006 15:04:05 -0700`, in UTC.
pub fn format_rfc1123z(secs: i64) -> String {
    let c = Civil::from_unix(secs);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[c.weekday as usize],
        c.day,
        MONTHS[(c.month - 1) as usize],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// Go's error for text that `time.Parse(time.RFC3339, text)` rejects:
/// the part of the layout it stopped at and the input left there.
pub fn go_rfc3339_parse_error(text: &str) -> String {
    const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";
    // Layout elements with the input each one takes.
    let digits = |n: usize| {
        move |r: &str| -> Option<usize> {
            (r.len() >= n && r.as_bytes()[..n].iter().all(u8::is_ascii_digit)).then_some(n)
        }
    };
    let lit =
        |c: u8| move |r: &str| -> Option<usize> { (r.as_bytes().first() == Some(&c)).then_some(1) };
    type Step<'a> = (&'a str, Box<dyn Fn(&str) -> Option<usize>>);
    let steps: Vec<Step> = vec![
        ("2006", Box::new(digits(4))),
        ("-", Box::new(lit(b'-'))),
        ("01", Box::new(digits(2))),
        ("-", Box::new(lit(b'-'))),
        ("02", Box::new(digits(2))),
        ("T", Box::new(lit(b'T'))),
        // Go's hour element takes one or two digits.
        (
            "15",
            Box::new(
                |r: &str| match r.bytes().take_while(u8::is_ascii_digit).count() {
                    0 => None,
                    1 => Some(1),
                    _ => Some(2),
                },
            ),
        ),
        (":", Box::new(lit(b':'))),
        ("04", Box::new(digits(2))),
        (":", Box::new(lit(b':'))),
        ("05", Box::new(digits(2))),
    ];
    let mut rest = text;
    for (elem, take) in &steps {
        match take(rest) {
            Some(n) => rest = &rest[n..],
            None => {
                return format!(
                    "parsing time \"{text}\" as \"{LAYOUT}\": cannot parse \"{rest}\" as \"{elem}\""
                );
            }
        }
    }
    // Fractions are optional; then the zone.
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[n..];
    }
    format!("parsing time \"{text}\" as \"{LAYOUT}\": cannot parse \"{rest}\" as \"Z07:00\"")
}

#[cfg(test)]
#[test]
fn rfc3339_parse_errors_read_as_go_writes_them() {
    // Checked against kubectl 1.32 `logs --since-time`.
    let cases = [
        ("a year cut short", "2026x", "cannot parse \"x\" as \"-\""),
        (
            "a wrong separator",
            "2026-01-05X10:00:00Z",
            "cannot parse \"X10:00:00Z\" as \"T\"",
        ),
        (
            "no zone",
            "2026-01-05T10:00:00",
            "cannot parse \"\" as \"Z07:00\"",
        ),
        (
            "a zone without colon",
            "2026-01-05T10:00:00.5+0100",
            "cannot parse \"+0100\" as \"Z07:00\"",
        ),
        (
            "a one-digit month",
            "2026-1-05T10:00:00Z",
            "cannot parse \"1-05T10:00:00Z\" as \"01\"",
        ),
        (
            "a one-digit minute",
            "2026-01-05T10:0:00Z",
            "cannot parse \"0:00Z\" as \"04\"",
        ),
        ("not a time", "bad", "cannot parse \"bad\" as \"2006\""),
    ];
    for (name, text, tail) in cases {
        let got = go_rfc3339_parse_error(text);
        assert_eq!(
            got,
            format!("parsing time \"{text}\" as \"2006-01-02T15:04:05Z07:00\": {tail}"),
            "{name}"
        );
    }
}

/// Parses RFC 3339 (`2024-01-01T00:00:00Z`, fractions and offsets allowed)
/// into Unix milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let ms_digits: String = frac[..digits]
            .chars()
            .chain("000".chars())
            .take(3)
            .collect();
        millis = ms_digits.parse::<i64>().ok()?;
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || rb[3] != b':' {
                return None;
            }
            let sign = match rb[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some((days * 86_400 + h * 3600 + mi * 60 + se - offset) * 1000 + millis)
}

/// Go's `time.Duration.String()` for a whole number of milliseconds:
/// `10s`, `1m20s`, `5m0s`, `1h0m0s`, `1.5s`, `300ms`, `0s`.
pub fn go_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let neg = ms < 0;
    let ms = ms.unsigned_abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if ms < 1000 {
        out.push_str(&format!("{ms}ms"));
        return out;
    }
    let h = ms / 3_600_000;
    let m = ms / 60_000 % 60;
    let s = ms / 1000 % 60;
    let frac = ms % 1000;
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    out.push_str(&s.to_string());
    if frac > 0 {
        let f = format!("{frac:03}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out.push('s');
    out
}

/// apimachinery's `HumanDuration`, the AGE column.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_string();
    }
    if secs < 0 {
        return "0s".to_string();
    }
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    let s = secs % 60;
    if minutes < 10 {
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    let m = minutes % 60;
    if hours < 8 {
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    let h = hours % 24;
    if hours < 192 {
        return if h == 0 {
            format!("{days}d")
        } else {
            format!("{days}d{h}h")
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{days}d");
    }
    let years = days / 365;
    let d = days % 365;
    if hours < 24 * 365 * 8 {
        return if d == 0 {
            format!("{years}y")
        } else {
            format!("{years}y{d}d")
        };
    }
    format!("{years}y")
}

/// apimachinery's `ShortHumanDuration` (`59s`, `1m`, `1h`, `1d`, `1y`),
/// used by `kubectl describe` for event ages.
pub fn short_human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_string();
    }
    if secs < 0 {
        return "0s".to_string();
    }
    if secs < 60 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 24 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if days < 365 {
        return format!("{days}d");
    }
    format!("{}y", days / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_table_matches_apimachinery() {
        let cases = [
            (0, "0s"),
            (59, "59s"),
            (60, "60s"),
            (119, "119s"),
            (120, "2m"),
            (121, "2m1s"),
            (182, "3m2s"),
            (600, "10m"),
            (601, "10m"),
            (3600, "60m"),
            (10799, "179m"),
            (10800, "3h"),
            (10860, "3h1m"),
            (28800, "8h"),
            (86399, "23h"),
            (172799, "47h"),
            (172800, "2d"),
            (183600, "2d3h"),
            (691200, "8d"),
            (-1, "0s"),
            (-2, "<invalid>"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs), want, "{secs} s");
        }
    }

    #[test]
    fn go_duration_formats_like_time_duration_string() {
        let cases = [
            (0, "0s"),
            (300, "300ms"),
            (1500, "1.5s"),
            (10_000, "10s"),
            (80_000, "1m20s"),
            (160_000, "2m40s"),
            (300_000, "5m0s"),
            (3_600_000, "1h0m0s"),
        ];
        for (ms, want) in cases {
            assert_eq!(go_duration(ms), want);
        }
    }

    #[test]
    fn rfc3339_round_trips() {
        let secs = 1_704_067_260; // 2024-01-01T00:01:00Z
        assert_eq!(format_rfc3339(secs), "2024-01-01T00:01:00Z");
        assert_eq!(parse_rfc3339("2024-01-01T00:01:00Z"), Some(secs * 1000));
        assert_eq!(
            parse_rfc3339("2024-01-01T01:01:00.250+01:00"),
            Some(secs * 1000 + 250)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339("2024-13-01T00:00:00Z"), None);
    }

    #[test]
    fn civil_dates_and_weekdays() {
        let c = Civil::from_unix(1_704_067_260);
        assert_eq!((c.year, c.month, c.day, c.weekday), (2024, 1, 1, 1));
        assert_eq!(c.to_unix(), 1_704_067_260);
        assert_eq!(
            format_rfc1123z(1_704_067_260),
            "Mon, 01 Jan 2024 00:01:00 +0000"
        );
        assert_eq!(
            MicroTime(1_704_067_260_000_123).format(),
            "2024-01-01T00:01:00.000123Z"
        );
    }
}
