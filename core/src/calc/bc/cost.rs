//! How long GNU bc would take, and how far the simulation may go.
//!
//! The model charges what GNU bc's own algorithms do, digit by digit:
//!
//! * every byte-code instruction a fixed dispatch cost (18 ns);
//! * addition and subtraction per digit of the result (3.5 ns);
//! * multiplication per digit product of bc's recursive multiply, schoolbook
//!   below 80 digits and a three-way split above (1.5 ns);
//! * division per quotient digit per divisor digit, as bc divides one
//!   decimal digit at a time (6.3 ns);
//! * output per character.
//!
//! The prices were fitted to GNU bc 1.07.1 (Debian 1.07.1-3) on a 2-vCPU
//! cloud VM (AMD EPYC), user CPU time; `tests.rs` keeps the measurements
//! (`MEASURED`) and checks the model stays within a factor of 1.5 of each.
//! Highlights: `scale=1000; 4*a(1)` 0.3 s, `scale=4000` 11.2 s,
//! `scale=10000` 115.7 s (the study notes' Job: about two minutes);
//! `scale=1000; e(1)` 0.47 s; a million empty loop iterations 0.2 s.
//!
//! Separately from simulated time, [`Limits`] bound the simulation's own
//! effort, so an endless loop or an absurd computation ends as
//! `Completion::Unfinished` instead of hanging the engine.

use std::collections::BTreeMap;
use std::time::Duration;

/// How far a run may go before it is reported as unfinished. The defaults
/// allow a second or two of native effort (a browser build may want less):
/// enough for `scale=10000; 4*a(1)` or `scale=5000; e(1)`, not for
/// `scale=10000; e(1)`, which GNU bc finishes in a few minutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Byte-code instructions executed.
    pub max_steps: u64,
    /// The simulation's own arithmetic effort, in limb operations (about a
    /// nanosecond each natively).
    pub max_work: u64,
    /// Simulated running time of the real program.
    pub max_cost: Duration,
    /// Digits in any one number.
    pub max_digits: usize,
    /// Bytes written to stdout and stderr together.
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: 10_000_000,
            max_work: 1_000_000_000,
            max_cost: Duration::from_secs(24 * 3600),
            max_digits: 5_000_000,
            max_output: 16 << 20,
        }
    }
}

/// Picoseconds of simulated time per unit.
const PS_INSTRUCTION: u64 = 18_000;
const PS_ADD_DIGIT: u64 = 3_500;
const PS_MUL_DIGIT: u64 = 1_500;
const PS_DIV_DIGIT: u64 = 6_300;
const PS_OUT_CHAR: u64 = 6_000;
/// Process start, and loading the math library's byte code for `-l`.
const PS_START: u64 = 1_000_000_000;
const PS_START_MATHLIB: u64 = 600_000_000;

/// bc's multiply switches to the split algorithm at this many digits.
const MUL_BASE_DIGITS: usize = 80;

/// Why a run stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exhausted {
    Steps,
    Work,
    Cost,
    Digits,
    Output,
}

/// The running account of simulated time and real effort.
#[derive(Debug)]
pub struct Meter {
    pub limits: Limits,
    max_ps: u64,
    ps: u64,
    steps: u64,
    work: u64,
    mul_cache: BTreeMap<(usize, usize), u64>,
}

impl Meter {
    pub fn new(limits: Limits, mathlib: bool) -> Meter {
        let start = if mathlib {
            PS_START + PS_START_MATHLIB
        } else {
            PS_START
        };
        let max_ps =
            u64::try_from(limits.max_cost.as_nanos().saturating_mul(1000)).unwrap_or(u64::MAX);
        Meter {
            limits,
            max_ps,
            ps: start,
            steps: 0,
            work: 0,
            mul_cache: BTreeMap::new(),
        }
    }

    /// Simulated time so far.
    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.ps / 1000)
    }

    fn charge(&mut self, ps: u64) -> Result<(), Exhausted> {
        self.ps = self.ps.saturating_add(ps);
        if self.ps > self.max_ps {
            return Err(Exhausted::Cost);
        }
        Ok(())
    }

    fn effort(&mut self, limb_ops: u64) -> Result<(), Exhausted> {
        self.work = self.work.saturating_add(limb_ops);
        if self.work > self.limits.max_work {
            return Err(Exhausted::Work);
        }
        Ok(())
    }

    /// One byte-code instruction.
    pub fn step(&mut self) -> Result<(), Exhausted> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(Exhausted::Steps);
        }
        self.charge(PS_INSTRUCTION)
    }

    /// Refuses numbers longer than the digit limit before they are built.
    pub fn digits(&self, digits: usize) -> Result<(), Exhausted> {
        if digits > self.limits.max_digits {
            return Err(Exhausted::Digits);
        }
        Ok(())
    }

    pub fn add(&mut self, digits: usize) -> Result<(), Exhausted> {
        self.digits(digits)?;
        self.effort(limbs(digits))?;
        self.charge(PS_ADD_DIGIT.saturating_mul(digits as u64))
    }

    /// A product of operands with `a` and `b` stored digits.
    pub fn mul(&mut self, a: usize, b: usize) -> Result<(), Exhausted> {
        self.digits(a.saturating_add(b))?;
        let (la, lb) = (limbs(a), limbs(b));
        let (short, long) = (la.min(lb), la.max(lb));
        let work = if short < 32 {
            short * long
        } else {
            // Karatsuba on balanced blocks of the long operand.
            long.div_ceil(short).saturating_mul(karatsuba_work(short))
        };
        self.effort(work)?;
        let products = self.bc_mul_units(a, b);
        self.charge(PS_MUL_DIGIT.saturating_mul(products))
    }

    /// A quotient of `q` digits by a divisor of `d` digits.
    pub fn div(&mut self, q: usize, d: usize) -> Result<(), Exhausted> {
        self.digits(q)?;
        // A limb of long division costs a hardware division and a pass of
        // multiply-subtract: several times a limb of multiplication.
        let work = limbs(q).saturating_mul(limbs(d).max(1));
        self.effort(if d > 9 { work.saturating_mul(4) } else { work })?;
        self.charge(PS_DIV_DIGIT.saturating_mul((q as u64).saturating_mul(d as u64 + 1)))
    }

    pub fn output(&mut self, chars: usize) -> Result<(), Exhausted> {
        self.charge(PS_OUT_CHAR.saturating_mul(chars as u64))
    }

    /// Fails once the output written so far passes the limit.
    pub fn written(&self, bytes: usize) -> Result<(), Exhausted> {
        if bytes > self.limits.max_output {
            return Err(Exhausted::Output);
        }
        Ok(())
    }

    /// Fails if `limb_ops` more effort would pass the limit (charges nothing).
    pub fn check_work(&self, limb_ops: u64) -> Result<(), Exhausted> {
        if self.work.saturating_add(limb_ops) > self.limits.max_work {
            return Err(Exhausted::Work);
        }
        Ok(())
    }

    /// Real effort spent outside the byte-code machine (the fast paths).
    pub fn work(&mut self, limb_ops: u64) -> Result<(), Exhausted> {
        self.effort(limb_ops)
    }

    /// Simulated time charged for work done by a fast path.
    pub fn simulated(&mut self, ps: u64) -> Result<(), Exhausted> {
        self.charge(ps)
    }

    /// Digit products (and the additions around them, counted alike) of
    /// bc's `_bc_rec_mul` on operands of `u` and `v` digits.
    fn bc_mul_units(&mut self, u: usize, v: usize) -> u64 {
        bc_rec_mul_cost(u, v, &mut self.mul_cache, 0)
    }
}

/// Price, in simulated picoseconds, of the ops the math library's series
/// loops perform; the fast path charges these without running them.
pub fn price_mul(meter: &mut Meter, a: usize, b: usize) -> u64 {
    PS_MUL_DIGIT.saturating_mul(meter.bc_mul_units(a, b))
}

pub fn price_div(q: usize, d: usize) -> u64 {
    PS_DIV_DIGIT.saturating_mul((q as u64).saturating_mul(d as u64 + 1))
}

pub fn price_add(digits: usize) -> u64 {
    PS_ADD_DIGIT.saturating_mul(digits as u64)
}

pub fn price_steps(n: u64) -> u64 {
    PS_INSTRUCTION.saturating_mul(n)
}

/// Limb operations of a Karatsuba product of two n-limb operands.
fn karatsuba_work(n: u64) -> u64 {
    if n < 32 {
        n * n
    } else {
        karatsuba_work(n.div_ceil(2))
            .saturating_mul(3)
            .saturating_add(8 * n)
    }
}

fn limbs(digits: usize) -> u64 {
    (digits / 9 + 1) as u64
}

/// The digit products GNU bc's recursive multiply performs: schoolbook when
/// the operands are short or lopsided, else three half-size products plus
/// linear shifted additions (counted as products / 8 here).
fn bc_rec_mul_cost(
    u: usize,
    v: usize,
    cache: &mut BTreeMap<(usize, usize), u64>,
    depth: u32,
) -> u64 {
    if u + v < MUL_BASE_DIGITS || u < MUL_BASE_DIGITS / 4 || v < MUL_BASE_DIGITS / 4 || depth > 40 {
        return (u as u64).saturating_mul(v as u64);
    }
    let key = (u.min(v), u.max(v));
    if let Some(&c) = cache.get(&key) {
        return c;
    }
    let n = u.max(v).div_ceil(2);
    let (u1, u0) = if u < n { (0, u) } else { (u - n, n) };
    let (v1, v0) = if v < n { (0, v) } else { (v - n, n) };
    let mut total = 0u64;
    if u1 > 0 && v1 > 0 {
        total = total.saturating_add(bc_rec_mul_cost(u1, v1, cache, depth + 1));
    }
    let d1 = u1.max(u0);
    let d2 = v1.max(v0);
    total = total.saturating_add(bc_rec_mul_cost(d1, d2, cache, depth + 1));
    total = total.saturating_add(bc_rec_mul_cost(u0, v0, cache, depth + 1));
    // Two subtractions and five shifted additions over the operands.
    total = total.saturating_add(((u + v) as u64) * 7 / 8);
    cache.insert(key, total);
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_multiply_is_cheaper_than_schoolbook_for_long_operands() {
        let mut cache = BTreeMap::new();
        let small = bc_rec_mul_cost(30, 30, &mut cache, 0);
        assert_eq!(small, 900, "short operands use schoolbook");
        let long = bc_rec_mul_cost(10_000, 10_000, &mut cache, 0);
        assert!(long < 10_000 * 10_000 / 5, "split multiply: {long}");
        assert!(
            long > 10_000u64.pow(3) / 10_000 / 10,
            "but not free: {long}"
        );
    }

    #[test]
    fn limits_stop_the_meter() {
        let mut meter = Meter::new(
            Limits {
                max_steps: 3,
                ..Limits::default()
            },
            false,
        );
        assert_eq!(meter.step(), Ok(()));
        assert_eq!(meter.step(), Ok(()));
        assert_eq!(meter.step(), Ok(()));
        assert_eq!(meter.step(), Err(Exhausted::Steps));
        assert_eq!(
            meter.digits(Limits::default().max_digits + 1),
            Err(Exhausted::Digits)
        );
    }
}
