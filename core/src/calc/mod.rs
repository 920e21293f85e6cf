//! The arbitrary-precision calculators that simulated containers run.
//!
//! Two programs from the study material compute π in a Job and the learner
//! reads the digits back with `kubectl logs`: GNU `bc -l` (`scale=10000;
//! 4*a(1)`) and perl's `bignum` module (`perl -Mbignum=bpi -wle 'print
//! bpi(2000)'`). Both are pure functions here: program text in, output text
//! and an estimate of the real program's running time out.
//!
//! * [`bignum`] — a decimal-limb natural number, the arithmetic under both.
//! * [`bc`] — a GNU bc 1.07 interpreter: compiler to bc's byte code, the
//!   byte-code machine, bc's number rules and its math library.
//! * [`perl`] — `Math::BigFloat->bpi` and the few perl command lines that
//!   print it.

pub mod bc;
pub mod bignum;
pub mod perl;
mod pi;
