//! bc's numbers: sign, magnitude and scale, with GNU bc's exact rules.
//!
//! A value is `±mag × 10^-scale`. The scale is part of the value's identity
//! (`1.50` keeps two fraction digits), results are truncated toward zero, and,
//! as in GNU bc, the sign is stored separately from the magnitude, so a few
//! operations can leave a "negative zero" that prints as `-0` and compares
//! below `0`.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::calc::bignum::Nat;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Num {
    neg: bool,
    mag: Nat,
    scale: usize,
}

impl Default for Num {
    fn default() -> Num {
        Num::zero()
    }
}

impl Num {
    pub fn zero() -> Num {
        Num {
            neg: false,
            mag: Nat::zero(),
            scale: 0,
        }
    }

    pub fn one() -> Num {
        Num::from_i64(1)
    }

    pub fn new(neg: bool, mag: Nat, scale: usize) -> Num {
        Num { neg, mag, scale }
    }

    /// bc_int2num.
    pub fn from_i64(v: i64) -> Num {
        Num {
            neg: v < 0,
            mag: Nat::from_u64(v.unsigned_abs()),
            scale: 0,
        }
    }

    /// A number from decimal digit values (most significant first) with
    /// `scale` of them after the point.
    pub fn from_digits(neg: bool, digits: &[u8], scale: usize) -> Num {
        Num {
            neg,
            mag: Nat::from_digits(digits),
            scale,
        }
    }

    pub fn is_neg(&self) -> bool {
        self.neg
    }

    pub fn is_zero(&self) -> bool {
        self.mag.is_zero()
    }

    pub fn scale(&self) -> usize {
        self.scale
    }

    pub fn mag(&self) -> &Nat {
        &self.mag
    }

    /// bc's `n_len`: digits before the point, at least one.
    pub fn int_len(&self) -> usize {
        self.mag.digit_count().saturating_sub(self.scale).max(1)
    }

    /// Digits bc stores for this number (`n_len + n_scale`), the size its
    /// algorithms work on.
    pub fn stored_len(&self) -> usize {
        self.int_len() + self.scale
    }

    /// The magnitude's integer part.
    pub fn int_part(&self) -> Nat {
        self.mag.div_pow10(self.scale)
    }

    /// The magnitude at another scale, truncating or padding with zeros.
    pub fn mag_at(&self, scale: usize) -> Nat {
        if scale >= self.scale {
            self.mag.mul_pow10(scale - self.scale)
        } else {
            self.mag.div_pow10(self.scale - scale)
        }
    }

    /// The same value truncated (or zero-extended) to `scale` fraction digits,
    /// keeping the sign even if the result is zero (as bc does when it lowers
    /// `n_scale` in place).
    pub fn with_scale(&self, scale: usize) -> Num {
        Num {
            neg: self.neg,
            mag: self.mag_at(scale),
            scale,
        }
    }

    /// The magnitude at a scale at least the number's own, without copying
    /// when it is already there.
    fn mag_up(&self, scale: usize) -> Cow<'_, Nat> {
        if scale == self.scale {
            Cow::Borrowed(&self.mag)
        } else {
            Cow::Owned(self.mag.mul_pow10(scale - self.scale))
        }
    }

    fn cmp_mag(&self, other: &Num) -> Ordering {
        let s = self.scale.max(other.scale);
        self.mag_up(s).cmp(&other.mag_up(s))
    }

    /// bc_compare: signs first (so `-0 < 0`), then magnitudes.
    pub fn compare(&self, other: &Num) -> Ordering {
        if self.neg != other.neg {
            return if self.neg {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let m = self.cmp_mag(other);
        if self.neg {
            m.reverse()
        } else {
            m
        }
    }

    fn add_mags(a: &Num, b: &Num, scale_min: usize) -> Nat {
        let s = a.scale.max(b.scale);
        let sum = a.mag_up(s).add(&b.mag_up(s));
        if scale_min > s {
            sum.mul_pow10(scale_min - s)
        } else {
            sum
        }
    }

    /// |a| − |b| where |a| > |b|.
    fn sub_mags(a: &Num, b: &Num, scale_min: usize) -> Nat {
        let s = a.scale.max(b.scale);
        let diff = a.mag_up(s).abs_diff(&b.mag_up(s));
        if scale_min > s {
            diff.mul_pow10(scale_min - s)
        } else {
            diff
        }
    }

    /// bc_add.
    pub fn add(a: &Num, b: &Num, scale_min: usize) -> Num {
        let scale = a.scale.max(b.scale).max(scale_min);
        if a.neg == b.neg {
            return Num {
                neg: a.neg,
                mag: Num::add_mags(a, b, scale_min),
                scale,
            };
        }
        match a.cmp_mag(b) {
            Ordering::Equal => Num {
                neg: false,
                mag: Nat::zero(),
                scale,
            },
            Ordering::Less => Num {
                neg: b.neg,
                mag: Num::sub_mags(b, a, scale_min),
                scale,
            },
            Ordering::Greater => Num {
                neg: a.neg,
                mag: Num::sub_mags(a, b, scale_min),
                scale,
            },
        }
    }

    /// bc_sub.
    pub fn sub(a: &Num, b: &Num, scale_min: usize) -> Num {
        let scale = a.scale.max(b.scale).max(scale_min);
        if a.neg != b.neg {
            return Num {
                neg: a.neg,
                mag: Num::add_mags(a, b, scale_min),
                scale,
            };
        }
        match a.cmp_mag(b) {
            Ordering::Equal => Num {
                neg: false,
                mag: Nat::zero(),
                scale,
            },
            Ordering::Less => Num {
                neg: !b.neg,
                mag: Num::sub_mags(b, a, scale_min),
                scale,
            },
            Ordering::Greater => Num {
                neg: a.neg,
                mag: Num::sub_mags(a, b, scale_min),
                scale,
            },
        }
    }

    /// The scale bc_multiply gives a product.
    pub fn mul_scale(a: &Num, b: &Num, scale: usize) -> usize {
        let full = a.scale + b.scale;
        full.min(scale.max(a.scale).max(b.scale))
    }

    /// bc_multiply: the exact product truncated to
    /// min(a.scale + b.scale, max(scale, a.scale, b.scale)).
    pub fn mul(a: &Num, b: &Num, scale: usize) -> Num {
        let full = a.scale + b.scale;
        let prod_scale = Num::mul_scale(a, b, scale);
        let mag = a.mag.mul(&b.mag).div_pow10(full - prod_scale);
        let neg = a.neg != b.neg && !mag.is_zero();
        Num {
            neg,
            mag,
            scale: prod_scale,
        }
    }

    /// bc_divide: the quotient truncated to `scale` digits, or `None` when
    /// dividing by zero.
    pub fn div(a: &Num, b: &Num, scale: usize) -> Option<Num> {
        if b.is_zero() {
            return None;
        }
        // a / b × 10^scale = A × 10^(b.scale + scale − a.scale) / B. When the
        // exponent is negative, dropping A's low digits first gives the same
        // floor and keeps the dividend short.
        let up = b.scale + scale;
        let mag = if up >= a.scale {
            a.mag.mul_pow10(up - a.scale).div_rem(&b.mag)
        } else {
            a.mag.div_pow10(a.scale - up).div_rem(&b.mag)
        }
        .map(|(q, _)| q)
        .unwrap_or_default();
        let neg = a.neg != b.neg && !mag.is_zero();
        Some(Num { neg, mag, scale })
    }

    /// bc_modulo: a − (a / b at `scale`) × b, at scale max(a.scale, b.scale + scale).
    pub fn modulo(a: &Num, b: &Num, scale: usize) -> Option<Num> {
        let rscale = a.scale.max(b.scale + scale);
        let q = Num::div(a, b, scale)?;
        let t = Num::mul(&q, b, rscale);
        Some(Num::sub(a, &t, rscale))
    }

    /// bc_num2long: the integer part, or 0 when it is too large. GNU bc
    /// 1.07.1 stops reading digits once the value passes 214748364, so
    /// magnitudes up to 2147483649 convert and anything longer gives 0.
    pub fn to_long(&self) -> i64 {
        let int = self.int_part();
        let digits = int.digit_count();
        let v = match int.to_u64() {
            Some(v) if digits < 10 || (digits == 10 && v / 10 <= 214_748_364) => v as i64,
            _ => 0,
        };
        if self.neg {
            -v
        } else {
            v
        }
    }

    /// True when the value, truncated to `scale` digits (or its own scale if
    /// smaller), is 0 or one unit in the last place (bc_is_near_zero).
    pub fn is_near_zero(&self, scale: usize) -> bool {
        let s = scale.min(self.scale);
        let m = self.mag_at(s);
        m.is_zero() || m == Nat::one()
    }

    /// bc_sqrt: Newton's iteration with bc's precision schedule, so the last
    /// digit comes out exactly as GNU bc's does. `None` for negative input.
    pub fn sqrt(&self, scale: usize, mut on_op: impl FnMut(Op, &Num, &Num, usize)) -> Option<Num> {
        let zero = Num::zero();
        let one = Num::one();
        match self.compare(&zero) {
            Ordering::Less => return None,
            Ordering::Equal => return Some(Num::zero()),
            Ordering::Greater => {}
        }
        let cmp_one = self.compare(&one);
        if cmp_one == Ordering::Equal {
            return Some(Num::one());
        }
        let rscale = scale.max(self.scale);
        let point5 = Num::from_digits(false, &[0, 5], 1);
        let (mut guess, mut cscale) = if cmp_one == Ordering::Less {
            (Num::one(), self.scale)
        } else {
            // 10^(n_len / 2), the exponent truncated as bc does via ".5 * n_len".
            let exp = self.int_len() / 2;
            (
                Num {
                    neg: false,
                    mag: Nat::pow10(exp),
                    scale: 0,
                },
                3,
            )
        };
        loop {
            let guess1 = guess.clone();
            on_op(Op::Div, self, &guess, cscale);
            guess = Num::div(self, &guess, cscale).unwrap_or_default();
            guess = Num::add(&guess, &guess1, 0);
            on_op(Op::Mul, &guess, &point5, cscale);
            guess = Num::mul(&guess, &point5, cscale);
            let diff = Num::sub(&guess, &guess1, cscale + 1);
            if diff.is_near_zero(cscale) {
                if cscale < rscale + 1 {
                    cscale = (cscale * 3).min(rscale + 1);
                } else {
                    break;
                }
            }
        }
        on_op(Op::Div, &guess, &one, rscale);
        Num::div(&guess, &one, rscale)
    }
}

/// The kinds of digit work the cost model distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Mul,
    Div,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `[-]digits[.digits]` for tests.
    pub(crate) fn num(text: &str) -> Num {
        let (neg, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        Num::from_digits(neg, &digits, frac.len())
    }

    /// bc's own output form, so the cases read like bc sessions.
    fn show(n: &Num) -> String {
        String::from_utf8_lossy(&super::super::print::format_num(n, 10)).into_owned()
    }

    #[test]
    fn scale_rules_follow_gnu_bc() {
        let cases: [(&str, Num, &str); 13] = [
            (
                "sum keeps the larger scale",
                Num::add(&num("1.5"), &num("2.25"), 0),
                "3.75",
            ),
            (
                "difference keeps trailing zeros",
                Num::sub(&num("1.50"), &num("0.5"), 0),
                "1.00",
            ),
            (
                "equal operands give zero",
                Num::sub(&num("1.50"), &num("1.50"), 0),
                "0",
            ),
            (
                "product cut to the larger operand scale",
                Num::mul(&num("1.5"), &num("1.5"), 0),
                "2.2",
            ),
            (
                "product truncated to max(scale, operands)",
                Num::mul(&num(".1234"), &num(".1234"), 2),
                ".0152",
            ),
            (
                "product keeps scale if asked",
                Num::mul(&num("3.1"), &num("2"), 10),
                "6.2",
            ),
            (
                "negative product truncated toward zero",
                Num::mul(&num("-1.55"), &num(".5"), 0),
                "-.77",
            ),
            (
                "quotient at scale 0",
                Num::div(&num("7"), &num("2"), 0).unwrap_or_default(),
                "3",
            ),
            (
                "quotient at scale 5",
                Num::div(&num("1"), &num("3"), 5).unwrap_or_default(),
                ".33333",
            ),
            (
                "negative quotient truncates toward zero",
                Num::div(&num("-7"), &num("2"), 0).unwrap_or_default(),
                "-3",
            ),
            (
                "modulo uses the scale",
                Num::modulo(&num("5.5"), &num("2"), 2).unwrap_or_default(),
                "0",
            ),
            (
                "modulo at scale 0 keeps the fraction",
                Num::modulo(&num("5.5"), &num("2"), 0).unwrap_or_default(),
                "1.5",
            ),
            (
                "modulo at scale 0",
                Num::modulo(&num("-7"), &num("3"), 0).unwrap_or_default(),
                "-1",
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(show(&got), want, "{name}");
        }
    }

    #[test]
    fn division_by_zero_is_refused() {
        assert_eq!(Num::div(&num("1"), &num("0.000"), 3), None);
        assert_eq!(Num::modulo(&num("1"), &num("0"), 3), None);
    }

    #[test]
    fn comparison_sees_negative_zero_below_zero() {
        let neg_zero = num("-0.1").with_scale(0);
        assert!(neg_zero.is_zero());
        assert_eq!(neg_zero.compare(&Num::zero()), Ordering::Less);
        assert_eq!(num("1.000").compare(&num("1")), Ordering::Equal);
        assert_eq!(num("-2").compare(&num("-1")), Ordering::Less);
    }

    #[test]
    fn long_conversion_matches_bc_num2long() {
        for (name, text, want) in [
            ("integer part only", "42.99", 42),
            ("negative", "-17.5", -17),
            ("ten digits that still convert", "2147483649", 2_147_483_649),
            ("one more is too large", "2147483650", 0),
            ("negative limit", "-2147483649.5", -2_147_483_649),
            ("a long's maximum is too large", "9223372036854775807", 0),
            (
                "far too large gives zero",
                "123456789012345678901234567890",
                0,
            ),
        ] {
            assert_eq!(num(text).to_long(), want, "{name}");
        }
    }

    #[test]
    fn square_roots_match_gnu_bc() {
        for (name, text, scale, want) in [
            ("sqrt 2 at scale 0", "2", 0, "1"),
            ("sqrt 2 at scale 10", "2", 10, "1.4142135623"),
            ("sqrt 100 keeps the scale", "100", 10, "10.0000000000"),
            ("sqrt of a small fraction", ".0004", 10, ".0200000000"),
            (
                "sqrt uses the operand's scale when larger",
                "2.0000",
                0,
                "1.4142",
            ),
            ("sqrt of one", "1.000", 5, "1"),
        ] {
            let got = num(text).sqrt(scale, |_, _, _, _| {}).unwrap_or_default();
            assert_eq!(show(&got), want, "{name}");
        }
        assert_eq!(num("-1").sqrt(5, |_, _, _, _| {}), None, "negative operand");
    }
}
