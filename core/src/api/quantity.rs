//! `resource.Quantity`: `500m`, `128Mi`, `1e3`, parsed exactly and printed in
//! the canonical form the API server stores (`0.5` becomes `500m`).

use crate::api::codec::{Decode, DecodeCx, Encode, Schema, TypeInfo};
use crate::syntax::{Node, NodeKind};
use crate::value::Value;

/// How a quantity prints, chosen by the suffix it was written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `k`, `M`, `m`, … or none.
    DecimalSI,
    /// `Ki`, `Mi`, `Gi`, …
    BinarySI,
    /// `1e3`.
    DecimalExponent,
}

/// An exact amount in billionths of the unit (nano-units), so `1n` up to
/// exabytes fit; finer input is rounded up, as the API server does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

impl Default for Quantity {
    fn default() -> Self {
        Quantity {
            nanos: 0,
            format: Format::DecimalSI,
        }
    }
}

pub const QUANTITY_REGEX_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const NANO: i128 = 1_000_000_000;

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl Quantity {
    pub fn from_millis(m: i64) -> Quantity {
        Quantity {
            nanos: i128::from(m) * 1_000_000,
            format: Format::DecimalSI,
        }
    }

    pub fn from_units(n: i64, format: Format) -> Quantity {
        Quantity {
            nanos: i128::from(n) * NANO,
            format,
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// Thousandths of the unit, rounded up (`MilliValue`).
    pub fn millis(&self) -> i64 {
        clamp_i64(div_ceil(self.nanos, 1_000_000))
    }

    /// Whole units, rounded up (`Value`).
    pub fn units(&self) -> i64 {
        clamp_i64(div_ceil(self.nanos, NANO))
    }

    pub fn add(&self, other: &Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_add(other.nanos),
            format: self.format,
        }
    }

    pub fn sub(&self, other: &Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_sub(other.nanos),
            format: self.format,
        }
    }

    /// Parses a quantity string; `None` when it does not match the API's
    /// grammar.
    pub fn parse(s: &str) -> Option<Quantity> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let bytes = s.as_bytes();
        let mut i = 0;
        let negative = match bytes[0] {
            b'-' => {
                i = 1;
                true
            }
            b'+' => {
                i = 1;
                false
            }
            _ => false,
        };
        let num_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let number = &s[num_start..i];
        let suffix = &s[i..];
        if number.is_empty() || number.matches('.').count() > 1 || number == "." {
            return None;
        }
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        // Value as digits × 10^exp10 (and × 1024^pow1024 for binary suffixes).
        let (exp10, pow1024, format): (i32, u32, Format) = match suffix {
            "" => (0, 0, Format::DecimalSI),
            "n" => (-9, 0, Format::DecimalSI),
            "u" => (-6, 0, Format::DecimalSI),
            "m" => (-3, 0, Format::DecimalSI),
            "k" => (3, 0, Format::DecimalSI),
            "M" => (6, 0, Format::DecimalSI),
            "G" => (9, 0, Format::DecimalSI),
            "T" => (12, 0, Format::DecimalSI),
            "P" => (15, 0, Format::DecimalSI),
            "E" => (18, 0, Format::DecimalSI),
            "Ki" => (0, 1, Format::BinarySI),
            "Mi" => (0, 2, Format::BinarySI),
            "Gi" => (0, 3, Format::BinarySI),
            "Ti" => (0, 4, Format::BinarySI),
            "Pi" => (0, 5, Format::BinarySI),
            "Ei" => (0, 6, Format::BinarySI),
            other => {
                let rest = other.strip_prefix(['e', 'E'])?;
                let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let e: i32 = rest.parse().ok()?;
                (e, 0, Format::DecimalExponent)
            }
        };
        if !(-40..=40).contains(&exp10) {
            return None;
        }
        // mantissa = int_part.frac_part as an integer scaled by 10^-len(frac)
        let digits: String = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return None;
        }
        let mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let mut scale = exp10 + 9 - frac_part.len() as i32;
        let mut value = mantissa.checked_mul(1024i128.checked_pow(pow1024)?)?;
        while scale > 0 {
            value = value.checked_mul(10)?;
            scale -= 1;
        }
        let mut round_up = false;
        while scale < 0 {
            if value % 10 != 0 {
                round_up = true;
            }
            value /= 10;
            scale += 1;
        }
        if round_up {
            value += 1;
        }
        Some(Quantity {
            nanos: if negative { -value } else { value },
            format,
        })
    }

    /// The canonical string the API server stores.
    pub fn canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".to_string();
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.unsigned_abs();
        match self.format {
            Format::BinarySI if abs % (NANO as u128) == 0 => {
                let mut units = abs / NANO as u128;
                let mut idx = 0;
                while idx < 6 && units % 1024 == 0 {
                    units /= 1024;
                    idx += 1;
                }
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][idx];
                format!("{sign}{units}{suffix}")
            }
            Format::DecimalExponent => {
                let (mant, exp) = decimal_split(abs);
                if exp == 0 {
                    format!("{sign}{mant}")
                } else {
                    format!("{sign}{mant}e{exp}")
                }
            }
            _ => {
                let (mant, exp) = decimal_split(abs);
                let suffix = match exp {
                    -9 => "n",
                    -6 => "u",
                    -3 => "m",
                    0 => "",
                    3 => "k",
                    6 => "M",
                    9 => "G",
                    12 => "T",
                    15 => "P",
                    _ => "E",
                };
                format!("{sign}{mant}{suffix}")
            }
        }
    }
}

/// Splits nano-units into mantissa × 10^exp with exp a multiple of 3, as
/// large as keeps the mantissa whole (capped at exa).
fn decimal_split(nanos: u128) -> (u128, i32) {
    let mut mant = nanos;
    let mut exp = -9;
    while exp < 18 && mant % 1000 == 0 {
        mant /= 1000;
        exp += 3;
    }
    (mant, exp)
}

fn div_ceil(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) != 0 {
        q + 1
    } else {
        q
    }
}

fn clamp_i64(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl Decode for Quantity {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        let text = match &node.kind {
            NodeKind::Str(s) => s.clone(),
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(f) => crate::value::format_go_float(*f),
            NodeKind::Null => return Quantity::default(),
            _ => {
                cx.custom_error(node, QUANTITY_REGEX_ERROR.to_string());
                return Quantity::default();
            }
        };
        Quantity::parse(&text).unwrap_or_else(|| {
            cx.custom_error(node, QUANTITY_REGEX_ERROR.to_string());
            Quantity::default()
        })
    }
}

impl Encode for Quantity {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        Value::String(self.canonical())
    }
    fn is_zero(&self) -> bool {
        self.nanos == 0
    }
}

impl Schema for Quantity {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "resource.Quantity",
            explain: "Quantity",
            values: &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_match_the_api_server() {
        let cases = [
            ("500m", "500m"),
            ("0.5", "500m"),
            ("1", "1"),
            ("1000m", "1"),
            ("1000", "1k"),
            ("1500", "1500"),
            ("2.5", "2500m"),
            ("128Mi", "128Mi"),
            ("1024Mi", "1Gi"),
            ("1.5Gi", "1536Mi"),
            ("0.5Ki", "512"),
            ("100M", "100M"),
            ("1e3", "1e3"),
            ("0", "0"),
            ("0.1m", "100u"),
            ("-1", "-1"),
            ("+2", "2"),
        ];
        for (input, want) in cases {
            let q = Quantity::parse(input).unwrap_or_else(|| panic!("parse {input}"));
            assert_eq!(q.canonical(), want, "{input}");
        }
    }

    #[test]
    fn malformed_quantities_are_rejected() {
        for bad in ["", "abc", "1.2.3", "5 Mi", "1Gb", "Mi", ".", "1e", "1e+"] {
            assert_eq!(Quantity::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn values_round_up() {
        let q = Quantity::parse("250m").unwrap();
        assert_eq!(q.millis(), 250);
        assert_eq!(q.units(), 1);
        assert_eq!(Quantity::parse("1Gi").unwrap().units(), 1 << 30);
        assert!(Quantity::parse("1").unwrap() > Quantity::parse("999m").unwrap());
    }
}
