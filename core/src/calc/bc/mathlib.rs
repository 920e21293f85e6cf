//! The `-l` math library and the fast path for `a(1)` at high scales.
//!
//! The library is bc source compiled at start-up like any program, so every
//! value comes out of the same operations, in the same order and at the
//! same scales, as GNU bc 1.07's `libmath.b` (series for e^x, ln x, sin x and
//! atan x, argument reduction, Bessel functions), and truncates the same way.
//!
//! `4*a(1)` at scale 10000 is what the study notes' Job runs. Interpreted
//! faithfully that is ~7000 terms of 10000-digit products (GNU bc needs about
//! two minutes). Instead, when a(±1) is asked for above scale 60, π/4 is
//! computed with Machin's formula and truncated to the scale. GNU bc's series
//! lands within a few dozen units of its last guard digit of the true value,
//! so the truncated digits agree unless π/4's digits just past the scale sit
//! within that distance of a digit boundary (scale 359 is such a case, and
//! there GNU bc's last digit is one below the true truncation). Then the
//! series runs for real up to scale 2500; beyond, where it is too slow, the
//! true truncation is given, which matches GNU bc at all but about one scale
//! in fifty. Scale 10000 itself is settled: π/4's next digits are 6416….

use super::cost::{self, Exhausted, Meter};
use super::num::Num;
use crate::calc::bignum::Nat;
use crate::calc::pi::quarter_pi;

/// The library's functions (bc numbers them in this order).
pub const FUNCTIONS: [&str; 6] = ["e", "l", "s", "a", "c", "j"];

/// The library, as bc source. Every statement matters for the results (and
/// for the `adr=` of errors inside it); the layout does not.
pub const SOURCE: &str = r#"
scale = 20

/* e^x: halve x until it is at most 1, sum the series, square back. */
define e(x) {
  auto a, b, d, e, f, i, m, n, v, z

  /* Constants in the body must be read in base ten. */
  if (ibase != A) {
     b = ibase;
     ibase = A;
     v = e(x);
     ibase = b;
     return (v);
  }

  if (x<0) {
    m = 1
    x = -x
  }

  z = scale;
  n = 6 + z + .44*x;
  scale = scale(x)+1;
  while (x > 1) {
    f += 1;
    x /= 2;
    scale += 1;
  }

  scale = n;
  v = 1+x
  a = x
  d = 1

  for (i=2; 1; i++) {
    e = (a *= x) / (d *= i)
    if (e == 0) {
      if (f>0) while (f--)  v = v*v;
      scale = z
      if (m) return (1/v);
      return (v/1);
    }
    v += e
  }
}

/* ln x: square roots bring x near 1, then 2(u + u^3/3 + ...), u=(x-1)/(x+1). */
define l(x) {
  auto b, e, f, i, m, n, v, z

  if (ibase != A) {
     b = ibase;
     ibase = A;
     v = l(x);
     ibase = b;
     return (v);
  }

  if (x <= 0) return ((1 - 10^scale)/1)

  z = scale;
  scale = 6 + scale;
  f = 2;
  i=0
  while (x >= 2) {
    f *= 2;
    x = sqrt(x);
  }
  while (x <= .5) {
    f *= 2;
    x = sqrt(x);
  }

  v = n = (x-1)/(x+1)
  m = n*n

  for (i=3; 1; i+=2) {
    e = (n *= m) / i
    if (e == 0) {
      v = f*v
      scale = z
      return (v/1)
    }
    v += e
  }
}

/* sin x: reduce by multiples of pi/2 (from a(1)), then the series. */
define s(x) {
  auto  b, e, i, m, n, s, v, z

  if (ibase != A) {
     b = ibase;
     ibase = A;
     v = s(x);
     ibase = b;
     return (v);
  }

  z = scale 
  scale = 1.1*z + 2;
  v = a(1)
  if (x < 0) {
    m = 1;
    x = -x;
  }
  scale = 0
  n = (x / v + 2 )/4
  x = x - 4*n*v
  if (n%2) x = -x

  scale = z + 2;
  v = e = x
  s = -x*x
  for (i=3; 1; i+=2) {
    e *= s/(i*(i-1))
    if (e == 0) {
      scale = z
      if (m) return (-v/1);
      return (v/1);
    }
    v += e
  }
}

/* cos x = sin(x + pi/2), at a higher scale. */
define c(x) {
  auto b, v, z;

  if (ibase != A) {
     b = ibase;
     ibase = A;
     v = c(x);
     ibase = b;
     return (v);
  }

  z = scale;
  scale = scale*1.2;
  v = s(x+a(1)*2);
  scale = z;
  return (v/1);
}

/* atan x: tabled values for 1 and .2 at low scales; otherwise
   atan(x) = atan(.2) + atan((x-.2)/(1+.2x)) until x <= .2, then the series. */
define a(x) {
  auto a, b, e, f, i, m, n, s, v, z

  if (ibase != A) {
     b = ibase;
     ibase = A;
     v = a(x);
     ibase = b;
     return (v);
  }

  m = 1;
  if (x<0) {
    m = -1;
    x = -x;
  }

  if (x==1) {
    if (scale <= 25) return (.7853981633974483096156608/m)
    if (scale <= 40) return (.7853981633974483096156608458198757210492/m)
    if (scale <= 60) \
      return (.785398163397448309615660845819875721049292349843776455243736/m)
  }
  if (x==.2) {
    if (scale <= 25) return (.1973955598498807583700497/m)
    if (scale <= 40) return (.1973955598498807583700497651947902934475/m)
    if (scale <= 60) \
      return (.197395559849880758370049765194790293447585103787852101517688/m)
  }

  z = scale;

  if (x > .2)  {
    scale = z+5;
    a = a(.2);
  }

  scale = z+3;
  while (x > .2) {
    f += 1;
    x = (x-.2) / (1+x*.2);
  }

  v = n = x;
  s = -x*x;

  for (i=3; 1; i+=2) {
    e = (n *= s) / i;
    if (e == 0) {
      scale = z;
      return ((f*a+v)/m);
    }
    v += e
  }
}

/* Bessel function of integer order n: x^n/(2^n n!) times the series. */
define j(n,x) {
  auto a, b, d, e, f, i, m, s, v, z

  if (ibase != A) {
     b = ibase;
     ibase = A;
     v = j(n,x);
     ibase = b;
     return (v);
  }

  z = scale;
  scale = 0;
  n = n/1;
  if (n<0) {
    n = -n;
    if (n%2 == 1) m = 1;
  }

  f = 1;
  for (i=2; i<=n; i++) f = f*i;
  scale = 1.5*z;
  f = x^n / 2^n / f;

  v = e = 1;
  s = -x*x/4
  scale = 1.5*z + length(f) - scale(f);

  for (i=1; 1; i++) {
    e =  e * s / i / (n+i);
    if (e == 0) {
       scale = z
       if (m) return (-f*v/1);
       return (f*v/1);
    }
    v += e;
  }
}
"#;

/// Below this scale `a(1)` is cheap to run as written.
const FAST_MIN_SCALE: usize = 61;
/// Up to this scale an undecided fast result falls back to the real series.
const EXACT_MAX_SCALE: usize = 2500;
/// Guard digits for the Machin value.
const GUARD: usize = 15;

/// a(±1) at `scale` (> 60) without the series, or `None` when the series
/// must run because the truncated digits are not settled.
pub fn fast_atan_one(scale: usize, neg: bool, meter: &mut Meter) -> Result<Option<Num>, Exhausted> {
    if scale < FAST_MIN_SCALE {
        return Ok(None);
    }
    let digits = scale.saturating_add(GUARD);
    meter.digits(digits)?;
    // Machin's two series: about 0.95 × digits terms of shrinking divisions.
    let limbs = (digits / 9 + 1) as u64;
    let effort = limbs.saturating_mul(digits as u64) / 2;
    meter.check_work(effort)?;
    meter.work(effort)?;
    let (q, err) = quarter_pi(digits);
    let kept = q.div_pow10(GUARD);
    let rest = q.rem_pow10(GUARD);
    // How far GNU bc's series value may stray from π/4, in units of 10^-(scale+3):
    // a random walk of truncations, measured at about 0.26·√scale (1σ).
    let walk = 2 * (scale as u64).isqrt() + 22;
    let margin = Nat::from_u64(walk)
        .mul_pow10(GUARD - 3)
        .add(&Nat::from_u64(err));
    let unit = Nat::pow10(GUARD);
    let settled = rest >= margin && rest.add(&margin) < unit;
    if !settled && scale <= EXACT_MAX_SCALE {
        return Ok(None);
    }
    let price = price_atan_one(scale, meter);
    meter.simulated(price)?;
    let neg = neg && !kept.is_zero();
    Ok(Some(Num::new(neg, kept, scale)))
}

/// Simulated picoseconds GNU bc spends in a(1) at scale `z`, from the sizes
/// of the operations the library performs (see `a` above).
pub fn price_atan_one(z: usize, meter: &mut Meter) -> u64 {
    let mut ps: u64 = 0;
    let steps_per_term: u64 = 24;
    // The inner a(.2) at scale z+5 sums its series at scale z+8, multiplying
    // by -.04 each term; n grows two digits a term until the scale caps it.
    let inner = z + 8;
    // log10(1/.2) = 0.69897…, in thousandths.
    let terms_inner = series_terms(698, inner);
    for k in 0..terms_inner {
        let n_len = (3 + 2 * k).min(inner) + 1;
        ps = ps
            .saturating_add(cost::price_mul(meter, n_len, 3))
            .saturating_add(cost::price_div(inner + 1, digits_of(3 + 2 * k)))
            .saturating_add(cost::price_add(inner + 2))
            .saturating_add(cost::price_steps(steps_per_term));
    }
    // Three reduction steps at scale z+3, two with full-length divisions.
    let full = z + 4;
    ps = ps
        .saturating_add(cost::price_div(full, 2))
        .saturating_add(cost::price_div(full, full).saturating_mul(2))
        .saturating_add(cost::price_mul(meter, full, 2).saturating_mul(3))
        .saturating_add(cost::price_mul(meter, full, full));
    // The main series: every term multiplies two full-length numbers.
    // The reduced argument is tan(π/4 − 3·atan(.2)) ≈ 0.195652.
    let terms = series_terms(708, z + 3);
    let per_term = cost::price_mul(meter, full, full)
        .saturating_add(cost::price_div(full, 4))
        .saturating_add(cost::price_add(full + 1))
        .saturating_add(cost::price_steps(steps_per_term));
    ps = ps.saturating_add(per_term.saturating_mul(terms as u64));
    ps.saturating_add(cost::price_steps(120))
}

/// Terms of the atan series for x = 10^-(log_inv_x_milli / 1000) until
/// x^(2k+1)/(2k+1) truncates to zero at `scale` digits.
fn series_terms(log_inv_x_milli: u64, scale: usize) -> usize {
    let target = scale as u64 * 1000;
    let mut k = 0u64;
    loop {
        let i = 2 * k + 3;
        if i * log_inv_x_milli + u64::from(i.ilog10()) * 1000 > target || k > 10_000_000 {
            return k as usize + 1;
        }
        k += 1;
    }
}

fn digits_of(n: usize) -> usize {
    n.to_string().len()
}
