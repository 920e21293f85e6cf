//! A small arbitrary-precision natural number in decimal limbs.
//!
//! Limbs hold nine decimal digits each (base 10^9, least significant first),
//! so scaling by powers of ten, counting digits and printing are cheap: the
//! calculators built on top work in decimal scales, like GNU bc does.
//! Multiplication switches from schoolbook to Karatsuba for long operands;
//! division is Knuth's algorithm D, with a linear path for one-limb divisors.

use std::cmp::Ordering;
use std::fmt;

/// The limb base.
pub const BASE: u32 = 1_000_000_000;
/// Decimal digits per limb.
pub const LIMB_DIGITS: usize = 9;

const BASE64: u64 = BASE as u64;

/// Below this many limbs (in the shorter operand) schoolbook multiplication
/// beats Karatsuba.
const KARATSUBA_THRESHOLD: usize = 32;

const POW10: [u32; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// An unsigned integer of any size. The limb vector never ends in a zero limb,
/// so zero is the empty vector and equality is structural.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Nat {
    limbs: Vec<u32>,
}

impl fmt::Debug for Nat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nat({self})")
    }
}

impl fmt::Display for Nat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut limbs = self.limbs.iter().rev();
        match limbs.next() {
            None => f.write_str("0"),
            Some(top) => {
                write!(f, "{top}")?;
                for limb in limbs {
                    write!(f, "{limb:09}")?;
                }
                Ok(())
            }
        }
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Nat) -> Ordering {
        cmp_limbs(&self.limbs, &other.limbs)
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Nat) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Nat {
    pub fn zero() -> Nat {
        Nat { limbs: Vec::new() }
    }

    pub fn one() -> Nat {
        Nat::from_u64(1)
    }

    pub fn from_u64(v: u64) -> Nat {
        // At most three limbs; build them without growing a vector.
        let limbs = if v == 0 {
            Vec::new()
        } else if v < BASE64 {
            vec![v as u32]
        } else if v < BASE64 * BASE64 {
            vec![(v % BASE64) as u32, (v / BASE64) as u32]
        } else {
            vec![
                (v % BASE64) as u32,
                (v / BASE64 % BASE64) as u32,
                (v / BASE64 / BASE64) as u32,
            ]
        };
        Nat { limbs }
    }

    fn from_limbs(mut limbs: Vec<u32>) -> Nat {
        trim(&mut limbs);
        Nat { limbs }
    }

    /// Builds a number from decimal digit values (most significant first).
    /// Values above 9 are not digits; callers pass only 0..=9.
    pub fn from_digits(digits: &[u8]) -> Nat {
        let mut limbs = Vec::with_capacity(digits.len() / LIMB_DIGITS + 1);
        let mut end = digits.len();
        while end > 0 {
            let start = end.saturating_sub(LIMB_DIGITS);
            let limb = digits[start..end]
                .iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d.min(9)));
            limbs.push(limb);
            end = start;
        }
        Nat::from_limbs(limbs)
    }

    /// Parses a plain decimal string (ASCII digits only).
    pub fn parse(text: &str) -> Option<Nat> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        Some(Nat::from_digits(&digits))
    }

    pub fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    pub fn to_u64(&self) -> Option<u64> {
        let mut v: u64 = 0;
        for &limb in self.limbs.iter().rev() {
            v = v.checked_mul(BASE64)?.checked_add(u64::from(limb))?;
        }
        Some(v)
    }

    /// The number of decimal digits; zero has none.
    pub fn digit_count(&self) -> usize {
        match self.limbs.last() {
            None => 0,
            Some(&top) => (self.limbs.len() - 1) * LIMB_DIGITS + digits_in(top),
        }
    }

    /// All decimal digits, most significant first; zero gives `[0]`.
    pub fn to_digits(&self) -> Vec<u8> {
        if self.is_zero() {
            return vec![0];
        }
        self.to_string().bytes().map(|b| b - b'0').collect()
    }

    /// log10(self) in thousandths, rounded down (0 for zero and one), in
    /// integer arithmetic so it is the same on every platform.
    pub fn log10_milli(&self) -> u64 {
        let d = self.digit_count();
        if d == 0 {
            return 0;
        }
        // The leading digits as y ∈ [1, 10), in fixed point with 40 bits.
        let k = d.min(18);
        let lead = self.div_pow10(d - k).to_u64().unwrap_or(1);
        let one: u128 = 1 << 40;
        let mut y = u128::from(lead) * one / 10u128.pow(k as u32 - 1);
        // Binary digits of log10(y) by repeated squaring.
        let mut frac: u64 = 0;
        for bit in (0..12).rev() {
            y = y * y / one;
            if y >= 10 * one {
                y /= 10;
                frac |= 1 << bit;
            }
        }
        (d as u64 - 1) * 1000 + frac * 1000 / 4096
    }

    /// 10^k.
    pub fn pow10(k: usize) -> Nat {
        let mut limbs = vec![0u32; k / LIMB_DIGITS];
        limbs.push(POW10[k % LIMB_DIGITS]);
        Nat { limbs }
    }

    /// self × 10^k.
    pub fn mul_pow10(&self, k: usize) -> Nat {
        if self.is_zero() {
            return Nat::zero();
        }
        let shifted = self.mul_small(POW10[k % LIMB_DIGITS]);
        let mut limbs = vec![0u32; k / LIMB_DIGITS];
        limbs.extend_from_slice(&shifted.limbs);
        Nat { limbs }
    }

    /// ⌊self / 10^k⌋.
    pub fn div_pow10(&self, k: usize) -> Nat {
        let whole = k / LIMB_DIGITS;
        if whole >= self.limbs.len() {
            return Nat::zero();
        }
        let rest = Nat::from_limbs(self.limbs[whole..].to_vec());
        rest.div_rem_small(POW10[k % LIMB_DIGITS]).0
    }

    /// self mod 10^k.
    pub fn rem_pow10(&self, k: usize) -> Nat {
        let whole = k / LIMB_DIGITS;
        if whole >= self.limbs.len() {
            return self.clone();
        }
        let mut limbs = self.limbs[..=whole].to_vec();
        if let Some(top) = limbs.last_mut() {
            *top %= POW10[k % LIMB_DIGITS];
        }
        Nat::from_limbs(limbs)
    }

    pub fn add(&self, other: &Nat) -> Nat {
        let (long, short) = if self.limbs.len() >= other.limbs.len() {
            (&self.limbs, &other.limbs)
        } else {
            (&other.limbs, &self.limbs)
        };
        let mut out = Vec::with_capacity(long.len() + 1);
        let mut carry = 0u32;
        for (i, &a) in long.iter().enumerate() {
            let mut s = a + carry + short.get(i).copied().unwrap_or(0);
            carry = 0;
            if s >= BASE {
                s -= BASE;
                carry = 1;
            }
            out.push(s);
        }
        if carry > 0 {
            out.push(carry);
        }
        Nat { limbs: out }
    }

    /// self += other, in place.
    pub fn add_assign(&mut self, other: &Nat) {
        if self.limbs.len() < other.limbs.len() {
            self.limbs.resize(other.limbs.len(), 0);
        }
        self.limbs.push(0);
        add_in_place(&mut self.limbs, &other.limbs);
        trim(&mut self.limbs);
    }

    /// self = ⌊self / d⌋ in place, returning the remainder; `d` must not be
    /// zero (a zero divisor leaves zero).
    pub fn div_small_assign(&mut self, d: u32) -> u32 {
        if d == 0 {
            self.limbs.clear();
            return 0;
        }
        let mut rem = 0u64;
        let d = u64::from(d);
        for limb in self.limbs.iter_mut().rev() {
            let cur = rem * BASE64 + u64::from(*limb);
            *limb = (cur / d) as u32;
            rem = cur % d;
        }
        trim(&mut self.limbs);
        rem as u32
    }

    /// self − other, or `None` when other is larger.
    pub fn checked_sub(&self, other: &Nat) -> Option<Nat> {
        if cmp_limbs(&self.limbs, &other.limbs) == Ordering::Less {
            return None;
        }
        let mut out = self.limbs.clone();
        sub_in_place(&mut out, &other.limbs);
        Some(Nat::from_limbs(out))
    }

    /// |self − other|.
    pub fn abs_diff(&self, other: &Nat) -> Nat {
        match self.checked_sub(other) {
            Some(d) => d,
            None => other.checked_sub(self).unwrap_or_default(),
        }
    }

    pub fn mul_small(&self, m: u32) -> Nat {
        if m == 0 || self.is_zero() {
            return Nat::zero();
        }
        let mut out = Vec::with_capacity(self.limbs.len() + 1);
        let mut carry = 0u64;
        for &a in &self.limbs {
            let t = u64::from(a) * u64::from(m) + carry;
            out.push((t % BASE64) as u32);
            carry = t / BASE64;
        }
        while carry > 0 {
            out.push((carry % BASE64) as u32);
            carry /= BASE64;
        }
        Nat::from_limbs(out)
    }

    pub fn mul(&self, other: &Nat) -> Nat {
        if self.is_zero() || other.is_zero() {
            return Nat::zero();
        }
        Nat::from_limbs(mul_limbs(&self.limbs, &other.limbs))
    }

    /// (⌊self / d⌋, self mod d); `d` must not be zero (a zero divisor gives
    /// zero results rather than a panic).
    pub fn div_rem_small(&self, d: u32) -> (Nat, u32) {
        if d == 0 {
            return (Nat::zero(), 0);
        }
        let mut out = vec![0u32; self.limbs.len()];
        let mut rem = 0u64;
        let d = u64::from(d);
        for (i, &a) in self.limbs.iter().enumerate().rev() {
            let cur = rem * BASE64 + u64::from(a);
            out[i] = (cur / d) as u32;
            rem = cur % d;
        }
        (Nat::from_limbs(out), rem as u32)
    }

    /// (⌊self / d⌋, self mod d), or `None` for a zero divisor.
    pub fn div_rem(&self, d: &Nat) -> Option<(Nat, Nat)> {
        match d.limbs.len() {
            0 => None,
            1 => {
                let (q, r) = self.div_rem_small(d.limbs[0]);
                Some((q, Nat::from_u64(u64::from(r))))
            }
            _ => {
                if cmp_limbs(&self.limbs, &d.limbs) == Ordering::Less {
                    return Some((Nat::zero(), self.clone()));
                }
                let (q, r) = knuth_divide(&self.limbs, &d.limbs);
                Some((Nat::from_limbs(q), Nat::from_limbs(r)))
            }
        }
    }

    /// self^e by repeated squaring.
    pub fn pow(&self, mut e: u64) -> Nat {
        let mut result = Nat::one();
        let mut base = self.clone();
        while e > 0 {
            if e & 1 == 1 {
                result = result.mul(&base);
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base);
            }
        }
        result
    }
}

fn digits_in(limb: u32) -> usize {
    POW10
        .iter()
        .skip(1)
        .position(|&p| limb < p)
        .map_or(LIMB_DIGITS, |i| i + 1)
}

fn trim(limbs: &mut Vec<u32>) {
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
}

fn cmp_limbs(a: &[u32], b: &[u32]) -> Ordering {
    let a = strip(a);
    let b = strip(b);
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// The slice without its high zero limbs.
fn strip(a: &[u32]) -> &[u32] {
    let mut n = a.len();
    while n > 0 && a[n - 1] == 0 {
        n -= 1;
    }
    &a[..n]
}

/// a −= b, where a ≥ b (as numbers); a keeps its length.
fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u32;
    for (i, slot) in a.iter_mut().enumerate() {
        let sub = b.get(i).copied().unwrap_or(0) + borrow;
        if i >= b.len() && borrow == 0 {
            break;
        }
        if *slot >= sub {
            *slot -= sub;
            borrow = 0;
        } else {
            *slot = *slot + BASE - sub;
            borrow = 1;
        }
    }
}

/// a += b (shifted by nothing), where a is long enough to hold the sum.
fn add_in_place(a: &mut [u32], b: &[u32]) {
    let mut carry = 0u32;
    for (i, slot) in a.iter_mut().enumerate() {
        if i >= b.len() && carry == 0 {
            break;
        }
        let mut s = *slot + carry + b.get(i).copied().unwrap_or(0);
        carry = 0;
        if s >= BASE {
            s -= BASE;
            carry = 1;
        }
        *slot = s;
    }
}

fn mul_limbs(a: &[u32], b: &[u32]) -> Vec<u32> {
    let a = strip(a);
    let b = strip(b);
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    if a.len().min(b.len()) < KARATSUBA_THRESHOLD {
        return schoolbook(a, b);
    }
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if long.len() >= 2 * short.len() {
        // Unbalanced: multiply the short operand by slices of the long one.
        let mut out = vec![0u32; long.len() + short.len()];
        for (chunk_index, chunk) in long.chunks(short.len()).enumerate() {
            let part = mul_limbs(chunk, short);
            let offset = chunk_index * short.len();
            add_in_place(&mut out[offset..], &part);
        }
        return out;
    }
    karatsuba(long, short)
}

fn schoolbook(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        if x == 0 {
            continue;
        }
        let x = u64::from(x);
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let t = u64::from(out[i + j]) + x * u64::from(y) + carry;
            out[i + j] = (t % BASE64) as u32;
            carry = t / BASE64;
        }
        let mut k = i + b.len();
        while carry > 0 && k < out.len() {
            let t = u64::from(out[k]) + carry;
            out[k] = (t % BASE64) as u32;
            carry = t / BASE64;
            k += 1;
        }
    }
    out
}

/// Karatsuba for operands of similar length (long.len() < 2 × short.len()).
fn karatsuba(long: &[u32], short: &[u32]) -> Vec<u32> {
    let half = long.len().div_ceil(2);
    let (l0, l1) = long.split_at(half.min(long.len()));
    let (s0, s1) = short.split_at(half.min(short.len()));
    let z0 = mul_limbs(l0, s0);
    let z2 = mul_limbs(l1, s1);
    let lsum = Nat::from_limbs(l0.to_vec()).add(&Nat::from_limbs(l1.to_vec()));
    let ssum = Nat::from_limbs(s0.to_vec()).add(&Nat::from_limbs(s1.to_vec()));
    let mut z1 = mul_limbs(&lsum.limbs, &ssum.limbs);
    sub_in_place(&mut z1, &z0);
    sub_in_place(&mut z1, &z2);
    let mut out = vec![0u32; long.len() + short.len() + 1];
    add_in_place(&mut out, &z0);
    add_in_place(&mut out[half..], strip(&z1));
    add_in_place(&mut out[2 * half..], &z2);
    out
}

/// Knuth's algorithm D for a divisor of at least two limbs and u ≥ v.
fn knuth_divide(u: &[u32], v: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let v = strip(v);
    let u = strip(u);
    let n = v.len();
    let m = u.len() - n;
    // Normalise so that the top divisor limb is at least BASE / 2.
    let top = u64::from(v[n - 1]);
    let norm = (BASE64 / (top + 1)) as u32;
    let vn = Nat::from_limbs(v.to_vec()).mul_small(norm).limbs;
    let mut un = Nat::from_limbs(u.to_vec()).mul_small(norm).limbs;
    un.resize(u.len() + 1, 0);
    let mut q = vec![0u32; m + 1];
    let v1 = u64::from(vn[n - 1]);
    let v2 = u64::from(vn[n - 2]);
    for j in (0..=m).rev() {
        let num = u64::from(un[j + n]) * BASE64 + u64::from(un[j + n - 1]);
        let mut qhat = num / v1;
        let mut rhat = num % v1;
        while qhat >= BASE64 || qhat * v2 > rhat * BASE64 + u64::from(un[j + n - 2]) {
            qhat -= 1;
            rhat += v1;
            if rhat >= BASE64 {
                break;
            }
        }
        // Multiply and subtract qhat × v from the window un[j..=j+n].
        let mut borrow: i64 = 0;
        let mut carry: u64 = 0;
        for i in 0..n {
            let p = qhat * u64::from(vn[i]) + carry;
            carry = p / BASE64;
            let t = i64::from(un[i + j]) - (p % BASE64) as i64 - borrow;
            if t < 0 {
                un[i + j] = (t + BASE64 as i64) as u32;
                borrow = 1;
            } else {
                un[i + j] = t as u32;
                borrow = 0;
            }
        }
        let t = i64::from(un[j + n]) - carry as i64 - borrow;
        if t < 0 {
            un[j + n] = (t + BASE64 as i64) as u32;
            // qhat was one too large: add the divisor back.
            qhat -= 1;
            let mut c = 0u32;
            for i in 0..n {
                let mut s = un[i + j] + vn[i] + c;
                c = 0;
                if s >= BASE {
                    s -= BASE;
                    c = 1;
                }
                un[i + j] = s;
            }
            un[j + n] = ((u64::from(un[j + n]) + u64::from(c)) % BASE64) as u32;
        } else {
            un[j + n] = t as u32;
        }
        q[j] = qhat as u32;
    }
    un.truncate(n);
    let rem = Nat::from_limbs(un).div_rem_small(norm).0.limbs;
    (q, rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Nat {
        Nat::parse(s).unwrap_or_default()
    }

    /// A deterministic stream of pseudo-random decimal strings.
    fn digits(seed: &mut u64, len: usize) -> String {
        let mut s = String::with_capacity(len);
        for i in 0..len {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let d = ((*seed >> 33) % 10) as u8;
            s.push(char::from(b'0' + if i == 0 { d.max(1) } else { d }));
        }
        s
    }

    #[test]
    fn printing_and_parsing_round_trip() {
        for (name, text) in [
            ("zero", "0"),
            ("one limb", "123456789"),
            ("limb boundary", "1000000000"),
            ("inner zero limbs", "5000000000000000000000000001"),
        ] {
            assert_eq!(n(text).to_string(), text, "{name}");
        }
        assert_eq!(Nat::parse("12a"), None, "non-digits are rejected");
        assert_eq!(Nat::parse(""), None, "empty text is rejected");
    }

    #[test]
    fn decimal_shifts_and_digit_counts() {
        let cases = [
            (
                "shift left across limbs",
                n("123").mul_pow10(11).to_string(),
                "12300000000000",
            ),
            (
                "shift right drops digits",
                n("987654321987654321").div_pow10(10).to_string(),
                "98765432",
            ),
            (
                "shift right past the end",
                n("42").div_pow10(30).to_string(),
                "0",
            ),
            (
                "low digits kept",
                n("987654321987654321").rem_pow10(10).to_string(),
                "1987654321",
            ),
            (
                "power of ten",
                Nat::pow10(19).to_string(),
                "10000000000000000000",
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
        assert_eq!(n("1000000000").digit_count(), 10);
        assert_eq!(Nat::zero().digit_count(), 0);
    }

    #[test]
    fn arithmetic_matches_u128_on_small_values() {
        let mut seed = 7u64;
        for _ in 0..500 {
            let la = 1 + (seed % 19) as usize;
            let a: u128 = digits(&mut seed, la).parse().unwrap_or(0);
            let lb = 1 + (seed % 17) as usize;
            let b: u128 = digits(&mut seed, lb).parse().unwrap_or(1);
            let (na, nb) = (n(&a.to_string()), n(&b.to_string()));
            assert_eq!(na.add(&nb).to_string(), (a + b).to_string());
            assert_eq!(na.mul(&nb).to_string(), (a * b).to_string());
            assert_eq!(na.abs_diff(&nb).to_string(), a.abs_diff(b).to_string());
            let (q, r) = na.div_rem(&nb).unwrap_or_default();
            assert_eq!(
                (q.to_string(), r.to_string()),
                ((a / b).to_string(), (a % b).to_string())
            );
        }
    }

    #[test]
    fn long_multiplication_and_division_agree() {
        // (a × b + r) / b == a rem r for operands long enough for Karatsuba
        // and the multi-limb division.
        let mut seed = 11u64;
        for (la, lb) in [(40, 30), (700, 650), (2000, 300), (300, 2000), (1500, 1500)] {
            let a = n(&digits(&mut seed, la));
            let b = n(&digits(&mut seed, lb));
            let r = n(&digits(&mut seed, lb - 1));
            let product = a.mul(&b);
            assert_eq!(product, b.mul(&a), "commutative at {la}×{lb}");
            let (q, rem) = product.add(&r).div_rem(&b).unwrap_or_default();
            assert_eq!(q, a, "quotient at {la}×{lb}");
            assert_eq!(rem, r, "remainder at {la}×{lb}");
        }
    }

    #[test]
    fn karatsuba_matches_schoolbook() {
        let mut seed = 3u64;
        for len in [300, 333, 1001] {
            let a = n(&digits(&mut seed, len));
            let b = n(&digits(&mut seed, len - 17));
            let fast = a.mul(&b);
            let slow = Nat::from_limbs(schoolbook(&a.limbs, &b.limbs));
            assert_eq!(fast, slow, "length {len}");
        }
    }

    #[test]
    fn integer_logarithms() {
        for (name, value, want) in [
            ("one", "1", 0),
            ("ten", "10", 1000),
            ("two", "2", 301),
            ("five", "5", 698),
            (
                "a long power of ten",
                "1000000000000000000000000000000",
                30000,
            ),
            ("just below a power of ten", "999999999999999999999", 20999),
        ] {
            assert_eq!(n(value).log10_milli(), want, "{name}");
        }
    }

    #[test]
    fn powers() {
        assert_eq!(
            n("2").pow(100).to_string(),
            "1267650600228229401496703205376"
        );
        assert_eq!(n("7").pow(0), Nat::one());
        assert_eq!(n("10").pow(20), Nat::pow10(20));
    }
}
