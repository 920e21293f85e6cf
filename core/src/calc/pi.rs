//! π to many digits, with an error bound, for the calculators' fast paths.

use super::bignum::Nat;

/// 10^digits × atan(1/x), truncated term by term, with the bound on how far
/// the result may sit below or above the true value (in units of the last
/// digit).
fn atan_inverse(x: u32, digits: usize) -> (Nat, u64) {
    let x2 = x * x;
    let mut power = Nat::pow10(digits);
    power.div_small_assign(x);
    let mut plus = power.clone();
    let mut minus = Nat::zero();
    let mut terms = 1u64;
    let mut k: u32 = 1;
    while !power.is_zero() {
        power.div_small_assign(x2);
        let term = power.div_rem_small(2 * k + 1).0;
        if k % 2 == 1 {
            minus.add_assign(&term);
        } else {
            plus.add_assign(&term);
        }
        terms += 1;
        k += 1;
    }
    // Each term is short by less than two units (two truncating divisions)
    // and the tail after the last non-zero power is below one unit.
    let value = plus.checked_sub(&minus).unwrap_or_default();
    (value, 2 * terms + 1)
}

/// An approximation of 10^digits × π/4 and its error bound in units of the
/// last digit (Machin: π/4 = 4·atan(1/5) − atan(1/239)).
pub(crate) fn quarter_pi(digits: usize) -> (Nat, u64) {
    let (a5, e5) = atan_inverse(5, digits);
    let (a239, e239) = atan_inverse(239, digits);
    let value = a5.mul_small(4).checked_sub(&a239).unwrap_or_default();
    (value, 4 * e5 + e239)
}

/// The decimal digits of π rounded to `significant` digits (3 then the
/// fraction), rounding half up; π is irrational, so no tie can occur.
pub(crate) fn pi_rounded_digits(significant: usize) -> Vec<u8> {
    let fraction = significant.saturating_sub(1);
    let mut guard = 12;
    loop {
        let (q, err) = quarter_pi(fraction + guard);
        let pi = q.mul_small(4);
        let err = Nat::from_u64(4 * err);
        let kept = pi.div_pow10(guard);
        let rest = pi.rem_pow10(guard);
        let half = Nat::pow10(guard).div_rem_small(2).0;
        // The computed guard digits may be off by `err`; they decide the
        // rounding only if the whole error interval falls on one side of
        // the half-way point. Otherwise widen the guard and compute again.
        let high = rest.add(&err);
        let settled = match rest.checked_sub(&err) {
            Some(low) => (low >= half) == (high >= half) && high < Nat::pow10(guard),
            None => false,
        };
        if settled || guard > 48 {
            let rounded = if rest >= half {
                kept.add(&Nat::one())
            } else {
                kept
            };
            return rounded.to_digits();
        }
        guard *= 2;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// π × 10^digits by a different formula (Gauss: π/4 = 12·atan(1/18) +
    /// 8·atan(1/57) − 5·atan(1/239)), summed with exact rationals per term
    /// bounded the same way, to check the Machin sum independently.
    pub(crate) fn pi_gauss(digits: usize) -> Nat {
        let guard = 10;
        let p = digits + guard;
        let atan = |x: u32| -> Nat {
            let x2 = x * x;
            let mut power = Nat::pow10(p);
            power.div_small_assign(x);
            let mut sum_pos = Nat::zero();
            let mut sum_neg = Nat::zero();
            let mut k = 0u32;
            while !power.is_zero() {
                let term = power.div_rem_small(2 * k + 1).0;
                if k % 2 == 0 {
                    sum_pos.add_assign(&term);
                } else {
                    sum_neg.add_assign(&term);
                }
                power.div_small_assign(x2);
                k += 1;
            }
            sum_pos.checked_sub(&sum_neg).unwrap_or_default()
        };
        let plus = atan(18).mul_small(12).add(&atan(57).mul_small(8));
        let quarter = plus
            .checked_sub(&atan(239).mul_small(5))
            .unwrap_or_default();
        quarter.mul_small(4).div_pow10(guard)
    }

    #[test]
    fn machin_agrees_with_gauss_within_its_bound() {
        for digits in [10, 100, 1000, 3000] {
            let (q, err) = quarter_pi(digits + 5);
            let machin = q.mul_small(4);
            let gauss = pi_gauss(digits + 5);
            let diff = machin.abs_diff(&gauss);
            assert!(
                diff <= Nat::from_u64(4 * err + 100),
                "{digits} digits differ by {diff}"
            );
            assert_eq!(machin.div_pow10(10), gauss.div_pow10(10), "{digits} digits");
        }
    }

    #[test]
    fn pi_rounds_half_up_at_the_last_digit() {
        let text = |n: usize| -> String {
            pi_rounded_digits(n)
                .iter()
                .map(|d| char::from(b'0' + d))
                .collect()
        };
        for (name, n, want) in [
            ("one digit", 1, "3"),
            ("five digits round up", 5, "31416"),
            (
                "31 digits carry through a nine",
                31,
                "3141592653589793238462643383280",
            ),
            (
                "33 digits keep a trailing zero",
                33,
                "314159265358979323846264338327950",
            ),
        ] {
            assert_eq!(text(n), want, "{name}");
        }
    }
}
