//! GNU bc 1.07, as the `resouer/ubuntu-bc` image runs it.
//!
//! The program text is compiled the way GNU bc compiles it — to bc's own
//! byte code, one input line (or function definition) at a time — and each
//! line runs as soon as its newline is read. Keeping bc's byte code keeps its
//! observable details: the `adr=` in runtime errors, the order of output and
//! error messages, constants read in the `ibase` of the moment, call-by-value
//! arrays, and so on.
//!
//! ```
//! use podlab_core::calc::bc;
//!
//! let out = bc::run("scale=10; 4*a(1)\n", true);
//! assert_eq!(out.stdout, "3.1415926532\n");
//! ```
//!
//! * `lex` — the scanner; `compile` — the parser and code generator, with
//!   yacc-style error recovery; `vm` — the byte-code machine; `num` — bc's
//!   number rules; `print` — number output and the 70-column line breaking;
//!   `mathlib` — the `-l` library and its fast path for `a(1)`; `cost` — the
//!   estimate of how long the real program runs.
//!
//! Not modelled: the POSIX flags `-s`/`-w` and their warnings, interactive
//! use, and the GPL text after `warranty`'s banner. `read()` finds standard
//! input already consumed by the program and, like GNU bc at end of file,
//! never returns (the run ends unfinished).

mod compile;
mod cost;
mod lex;
mod mathlib;
mod num;
mod print;
mod vm;

#[cfg(test)]
mod tests;

use std::time::Duration;

pub use cost::Limits;

/// Where a piece of output went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Output written at one moment of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub stream: Stream,
    pub text: String,
    /// Simulated time since the program started.
    pub at: Duration,
}

/// How the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    /// bc exited (end of input, `quit` or `halt`) with `exit_code`.
    Exited,
    /// bc was still running when a limit was reached: an endless loop, a
    /// `read()` at end of input, or a computation beyond [`Limits`]. The real
    /// program would keep running (and printing nothing more) until killed.
    Unfinished,
}

/// What a bc run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BcOutput {
    pub stdout: String,
    pub stderr: String,
    /// Meaningful when `completion` is [`Completion::Exited`].
    pub exit_code: i32,
    /// Estimated running time of GNU bc on a small cloud VM; for an
    /// unfinished run, the time simulated before stopping.
    pub cost: Duration,
    pub completion: Completion,
    /// stdout and stderr in the order written, with their times, for a
    /// container log that interleaves them.
    pub chunks: Vec<Chunk>,
}

/// One input: a file named on the command line, or standard input (which
/// error messages call `(standard_in)`).
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    name: Option<&'a str>,
    /// `None` when the file cannot be read.
    text: Option<&'a str>,
}

impl<'a> Source<'a> {
    pub fn stdin(text: &'a str) -> Source<'a> {
        Source {
            name: None,
            text: Some(text),
        }
    }

    pub fn file(name: &'a str, text: &'a str) -> Source<'a> {
        Source {
            name: Some(name),
            text: Some(text),
        }
    }

    /// A file that does not exist or cannot be read: when bc gets to it, it
    /// prints `File NAME is unavailable.` and exits with status 1.
    pub fn unreadable(name: &'a str) -> Source<'a> {
        Source {
            name: Some(name),
            text: None,
        }
    }
}

/// How bc was started.
#[derive(Clone, Debug)]
pub struct Options {
    /// `-l`: load the math library and set `scale=20`.
    pub mathlib: bool,
    /// The output line length (`BC_LINE_LENGTH`); 0 disables line breaking.
    pub line_length: usize,
    pub limits: Limits,
    /// Run every math-library call as written, even `a(1)` at high scales
    /// where the result is normally taken from π (same digits, far faster).
    pub exact: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mathlib: false,
            line_length: 70,
            limits: Limits::default(),
            exact: false,
        }
    }
}

/// The line length bc uses for a `BC_LINE_LENGTH` value: values below 3
/// (other than 0) and non-numbers fall back to 70.
pub fn line_length_from_env(value: Option<&str>) -> usize {
    let Some(value) = value else {
        return 70;
    };
    // atoi: optional sign and leading digits, anything else ends the number.
    let trimmed = value.trim_start();
    let (neg, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let n: i64 = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .take(12)
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    let n = if neg { -n } else { n };
    if n < 3 && n != 0 {
        70
    } else {
        usize::try_from(n.min(i64::from(i32::MAX))).unwrap_or(70)
    }
}

/// Runs `program` as `echo "$program" | bc` (with `-l` when `mathlib`).
pub fn run(program: &str, mathlib: bool) -> BcOutput {
    let options = Options {
        mathlib,
        ..Options::default()
    };
    run_with(&[Source::stdin(program)], &options)
}

/// Runs bc over several inputs in order (`bc file1 file2`, then stdin).
pub fn run_with(sources: &[Source<'_>], options: &Options) -> BcOutput {
    vm::Bc::new(options).run(sources)
}
