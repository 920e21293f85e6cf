//! End-to-end cases: programs in, GNU bc 1.07.1's output out.
//!
//! Every expected output below was produced by GNU bc 1.07.1 (Debian's
//! `bc 1.07.1-3`) on the same program.

use std::time::Duration;

use super::*;
use crate::calc::bignum::Nat;

/// (name, program, stdout, stderr)
type Case = (&'static str, &'static str, &'static str, &'static str);

fn check(cases: &[Case], mathlib: bool) {
    for &(name, program, stdout, stderr) in cases {
        let out = run(program, mathlib);
        assert_eq!(out.stdout, stdout, "{name}: stdout");
        assert_eq!(out.stderr, stderr, "{name}: stderr");
        assert_eq!(out.completion, Completion::Exited, "{name}: completion");
        assert_eq!(out.exit_code, 0, "{name}: exit code");
    }
}

#[test]
fn arithmetic_follows_bc_scale_rules() {
    check(
        &[
            ("sum keeps the larger scale", "1.5 + 2.25\n", "3.75\n", ""),
            (
                "difference keeps trailing zeros",
                "1.50 - .5\n",
                "1.00\n",
                "",
            ),
            (
                "product is cut to the larger operand scale",
                "1.5 * 1.5\n",
                "2.2\n",
                "",
            ),
            (
                "product keeps its full scale when scale allows",
                "scale=4; 1.5 * 1.5\n",
                "2.25\n",
                "",
            ),
            (
                "product never exceeds the operands' total scale",
                "scale=10; 3.1 * 2\n",
                "6.2\n",
                "",
            ),
            (
                "quotient truncates at scale",
                "scale=5; 1/3; 2/3\n",
                ".33333\n.66666\n",
                "",
            ),
            ("integer division at scale 0", "7/2; -7/2\n", "3\n-3\n", ""),
            (
                "modulo follows the scale",
                "5.5 % 2; scale=2; 5.5 % 2\n",
                "1.5\n0\n",
                "",
            ),
            ("negative modulo", "-7 % 3; 7 % -3\n", "-1\n1\n", ""),
            (
                "powers are exact then truncated",
                "1.5^3; scale=2; 1.5^3; 2^-3; scale=5; 2^-3\n",
                "3.3\n3.37\n.12\n.12500\n",
                "",
            ),
            ("negative exponent at scale 0 gives 0", "2^-1\n", "0\n", ""),
            (
                "power of a negative base",
                "(-2)^3; (-2)^2; (-.1)^3\n",
                "-8\n4\n-0\n",
                "",
            ),
            (
                "exponent is right associative, unary minus binds tighter",
                "2^3^2; -2^2\n",
                "512\n4\n",
                "",
            ),
            (
                "big integers",
                "99999999999999999999 * 99999999999999999999\n",
                "9999999999999999999800000000000000000001\n",
                "",
            ),
            (
                "comparisons and booleans yield 0 or 1",
                "3 > 2; 2 >= 3; 1 == 1.000; !0; !5; 1 && 0 || 1; 3 > 2 > 1\n",
                "1\n0\n1\n1\n0\n1\n0\n",
                "",
            ),
            (
                "assignment binds tighter than comparison",
                "x = 1 == 1; x\n",
                "1\n1\n",
                "",
            ),
            (
                "compound assignment and increments",
                "x = 5; x += 3; x *= 2; x /= 3; x; x++; x; ++x; x--; --x\n",
                "5\n5\n6\n7\n7\n5\n",
                "",
            ),
            ("last and dot", "5; . + 1; last * 2\n", "5\n6\n12\n", ""),
            (
                "length and scale functions",
                "length(123.450); length(0); length(.001); scale(1.230)\n",
                "6\n1\n3\n3\n",
                "",
            ),
            (
                "sqrt follows bc's iteration",
                "sqrt(2); scale=10; sqrt(2); sqrt(100); sqrt(.0004)\n",
                "1\n1.4142135623\n10.0000000000\n.0200000000\n",
                "",
            ),
            ("parenthesised assignment prints", "(x = 7)\n", "7\n", ""),
        ],
        false,
    );
}

#[test]
fn numbers_and_strings_print_like_gnu_bc() {
    check(
        &[
        ("fractions print without a leading zero", ".5; -.5; 0.50\n", ".5\n-.5\n.50\n", ""),
        ("zero prints as 0 whatever its scale", "0.000; -0.0; 1 - 1.00\n", "0\n0\n0\n", ""),
        ("negative zero from a truncated power prints -0", "scale=0; (-.1)^3; (-.1)^3 < 0\n", "-0\n1\n", ""),
        ("long numbers break at 69 columns with a backslash", "2^300\n", "20370359763344860862684456884093781610514683936659362506361404493543\\\n81299763336706183397376\n", ""),
        ("ten thousand digit lines all break the same way", "10^150 + 1\n", "10000000000000000000000000000000000000000000000000000000000000000000\\\n00000000000000000000000000000000000000000000000000000000000000000000\\\n000000000000001\n", ""),
        ("strings wrap too", "\"this is a long string that is definitely longer than seventy characters in total length\"\n", "this is a long string that is definitely longer than seventy charact\\\ners in total length", ""),
        ("print joins items without newlines", "print 1, 2, \"x\\n\"\n", "12x\n", ""),
        ("print understands escapes, plain strings do not", "print \"a\\tb\\q\\\\\\n\"; \"raw\\n\"\n", "a\tb\"\\\nraw\\n", ""),
        ("hexadecimal output", "obase=16; 255; .5; -10.25; 3.14159\n", "FF\n.8\n-A.40\n3.243F3\n", ""),
        ("binary fraction digits follow the scale", "obase=2; 5.5; 0.1\n", "101.1000\n.0001\n", ""),
        ("bases above 16 print spaced decimal digits", "obase=20; 399; 12.5; obase=1000; 123456789.5\n", " 19 19\n 12.10\n 123 456 789.500\n", ""),
        ("hexadecimal input", "ibase=16; FF; A; 1A.8; ibase=A\n", "255\n10\n26.5\n", ""),
        ("digits above the base count as the largest digit", "ibase=2; 1010; 1.1; 12\n", "10\n1.5\n3\n", ""),
        ("a lone letter keeps its value in any base", "A; F; ibase=2; A\n", "10\n15\n10\n", ""),
        ("multi-letter constants in base 10 are nines", "FF; 1A\n", "99\n19\n", ""),
        ],
        false,
    );
}

#[test]
fn runtime_errors_and_warnings_carry_bc_addresses() {
    check(
        &[
        ("divide by zero names the byte address", "1/0\nx=5; y=x/0\n", "", "Runtime error (func=(main), adr=3): Divide by zero\nRuntime error (func=(main), adr=10): Divide by zero\n"),
        ("modulo by zero and negative roots", "1%0\nsqrt(-1)\n", "", "Runtime error (func=(main), adr=3): Modulo by zero\nRuntime error (func=(main), adr=4): Square root of a negative number\n"),
        ("errors inside functions name the function", "define f(x){ return (x/0); }\nf(3)\n", "", "Runtime error (func=f, adr=4): Divide by zero\n"),
        ("undefined function", "f(2)\n", "", "Runtime error (func=(main), adr=5): Function f not defined.\n"),
        ("array subscripts are checked", "a[-1]=3\na[0.5]=1\na[16777216]=1\n", "", "Runtime error (func=(main), adr=7): Array a subscript out of bounds.\nRuntime error (func=(main), adr=7): Array a subscript out of bounds.\nRuntime error (func=(main), adr=13): Array a subscript out of bounds.\n"),
        ("fractional exponent warns and truncates", "2^1.5\n", "2\n", "Runtime warning (func=(main), adr=9): non-zero scale in exponent\n"),
        ("exponent out of range", "2^3000000000\n0^-1\n", "", "Runtime error (func=(main), adr=16): exponent too large in raise\nRuntime error (func=(main), adr=4): divide by zero\n"),
        ("ibase obase and scale are clamped with warnings", "scale=-1\nibase=1\nobase=1\nibase=A\nibase=37\nscale=9999999999\nscale\n", "1111111111111111111111111111111\n", "Runtime warning (func=(main), adr=4): negative scale, set to 0\nRuntime warning (func=(main), adr=3): ibase too small, set to 2\nRuntime warning (func=(main), adr=3): obase too small, set to 2\nRuntime warning (func=(main), adr=6): ibase too large, set to 36\nRuntime warning (func=(main), adr=14): scale too large, set to 2147483647\n"),
        ("increment limits warn", "ibase=16; ibase++; scale--; obase=2; obase--\n", "16\n0\n10\n", "Runtime warning (func=(main), adr=11): ibase too big in ++\nRuntime warning (func=(main), adr=16): scale can not be negative in -- \nRuntime warning (func=(main), adr=27): obase too small in --\n"),
        ("parameter count and kind mismatches", "define f(x,y) { return x+y }\nf(1)\ndefine g(x[]) { return x[0] }\ng(1)\n", "", "Runtime error (func=(main), adr=5): Parameter number mismatch\nRuntime error (func=(main), adr=4): Parameter type mismatch parameter x.\nRuntime error (func=(main), adr=5): Parameter number mismatch\n"),
        ("a runtime error stops the rest of the line", "1; 1/0; 2\n3\n", "1\n3\n", "Runtime error (func=(main), adr=5): Divide by zero\n"),
        ("break and return outside their homes", "break\nreturn 5\ncontinue\n", "", "(standard_in) 1: Break outside a for/while\n(standard_in) 3: Return outside of a function.\n(standard_in) 3: Continue outside a for\n"),
        ("void functions cannot give values", "define void f() { print \"hi\\n\" }\nf()\nx = f()\n", "hi\n", "(standard_in) 4: Assignment of a void expression\n"),
        ("duplicate names in a definition", "define f(x,x) { return 1 }\ndefine g(x) { auto x; return 1 }\n", "", "(standard_in) 1: duplicate parameter names\n(standard_in) 2: variable in both parameter and auto lists\n"),
        ("illegal characters are reported and skipped", "1 @ 2\n3\n$\n", "3\n", "(standard_in) 1: illegal character: @\n(standard_in) 1: syntax error\n(standard_in) 3: illegal character: $\n"),
        ("unterminated string and comment", "\"open\n5\n", "5\n", "(standard_in) 1: illegal character: \"\n"),
        ("comment to end of input", "5\n/* never closed\n6\n", "5\n", "EOF encountered in a comment.\n"),
        ],
        false,
    );
}

#[test]
fn syntax_errors_recover_like_bc_yacc_parser() {
    check(
        &[
        ("missing final newline is a syntax error on line 1", "1+2", "", "(standard_in) 1: syntax error\n"),
        ("an incomplete line reports at the next line", "1 +\n5\n", "5\n", "(standard_in) 2: syntax error\n"),
        ("an error drops the whole line", "1 + + 2; 3\n4\n", "4\n", "(standard_in) 1: syntax error\n"),
        ("after a semicolon recovery skips to the next statement", "1; 2 + + \n5\n", "", "(standard_in) 1: syntax error\n"),
        ("at line start recovery skips to the end of the line", "2 + + \n5\n", "5\n", "(standard_in) 1: syntax error\n"),
        ("errors inside braces resume at the next statement", "{ 1; 2 + + 3; 4\n 5 }\n6\n", "6\n", "(standard_in) 1: syntax error\n"),
        ("a broken function header drops into the body", "define f(x,) {\n return (x)\n}\n7\n", "7\n", "(standard_in) 1: syntax error\n(standard_in) 3: Return outside of a function.\n"),
        ("a broken function body leaves it undefined", "define f(x) {\n  x + + 1\n  return (x)\n}\nf(2)\n", "", "(standard_in) 2: syntax error\nRuntime error (func=(main), adr=5): Function f not defined.\n"),
        ("else must follow on the same line at top level", "if (1) 5\nelse 6\n", "5\n", "(standard_in) 2: syntax error\n"),
        ("quit stops at parse time", "1; quit\n5\n", "", ""),
        ("quit inside an if that never runs still quits", "if (0) quit\n5\n", "", ""),
        ("halt stops at run time", "5; halt; 6\n7\n", "5\n", ""),
        ("after a semicolon an unexpected token swallows the newline", "1;)\n5\n6\n", "6\n", "(standard_in) 1: syntax error\n"),
        ("a hash comment runs to the end of the line", "5 # note\n6\n", "5\n6\n", ""),
        ("a number ending in a line continuation shifts the input after it", "x = 12\\\n+ 34; x\n7\n", "16\n7\n", "(standard_in) 4: illegal character: ^@\n"),
        ("a comment cannot hide a continued number", "# 1\\\n5\n#1\\\n5\n", "5\n15\n", ""),
        ("labels of an abandoned loop stay set for the line", "for * 1; break\n5\n", "5\n", "(standard_in) 1: syntax error\n"),
        ],
        false,
    );
}

#[test]
fn control_flow_functions_and_arrays() {
    check(
        &[
        ("if else and blocks", "if (1) 5 else 6\nif (0) { 1 } else { 2; 3 }\n", "5\n2\n3\n", ""),
        ("for loops", "for (i=0; i<3; i++) i\nfor (;;) { break }\n", "0\n1\n2\n", ""),
        ("while with break and continue", "i = 0; while (1) { i = i + 1; if (i > 5) break; }; i\nfor (i = 0; i < 6; i++) { if (i % 2) continue; i }\n", "6\n0\n2\n4\n", ""),
        ("functions with autos and recursion", "define f(n) { auto r; if (n <= 1) return (1); r = n * f(n-1); return (r) }\nf(20)\n", "2432902008176640000\n", ""),
        ("autos shadow globals and are restored", "define f(x) { auto y; y = x * 2; return (y) }\ny = 9; f(21); y\n", "42\n9\n", ""),
        ("arrays are passed by value", "a[0]=1\ndefine f(b[]) { b[0] = 9; return b[0] }\nf(a[]); a[0]\n", "9\n1\n", ""),
        ("star arrays are passed by reference", "define f(*a[]) { a[0] = 99 }\nb[0]=1; f(b[]); b[0]\n", "0\n99\n", ""),
        ("multi-line function definitions", "define f(n) {\n  auto i, s\n  for (i = 1; i <= n; i++) s += i\n  return s\n}\nf(100)\n", "5050\n", ""),
        ("library names can be used when not loaded", "define e(x) { return x + 1 }\ne(1)\n", "2\n", ""),
        ("random is glibc's unseeded sequence", "random(); random()\n", "1804289383\n846930886\n", ""),
        ],
        false,
    );
}

#[test]
fn math_library_matches_gnu_bc() {
    check(
        &[
        ("scale is 20 with the library", "scale\n", "20\n", ""),
        ("sine at scale 20", "s(1)\n", ".84147098480789650665\n", ""),
        ("cosine at scale 20", "c(1)\n", ".54030230586813971740\n", ""),
        ("natural log at scale 20", "l(2)\n", ".69314718055994530941\n", ""),
        ("exponential at scale 20", "e(1)\n", "2.71828182845904523536\n", ""),
        ("arctangent at scale 20", "a(1)\n", ".78539816339744830961\n", ""),
        ("square root at scale 20", "sqrt(2)\n", "1.41421356237309504880\n", ""),
        ("pi at scale 10 ends in 2", "scale=10; 4*a(1)\n", "3.1415926532\n", ""),
        ("bessel functions", "j(0,1); j(1,2.5); j(-3,1)\n", ".76519768655796655144\n.49709410246427403801\n-.01956335398266840591\n", ""),
        ("negative and large arguments", "e(-1); e(10); l(.001); a(-1); s(-1)\n", ".36787944117144232159\n22026.46579480671651695790\n-6.90775527898213705205\n-.78539816339744830961\n-.84147098480789650665\n", ""),
        ("logarithm of zero or less", "l(0); l(-1)\n", "-99999999999999999999.00000000000000000000\n-99999999999999999999.00000000000000000000\n", ""),
        ("scale 0 results", "scale=0; e(1); l(2); a(1)\n", "2\n0\n0\n", ""),
        ("library functions work in other bases", "ibase=16; e(1); a(1)\n", "2.71828182845904523536\n.78539816339744830961\n", ""),
        ("redefining a library function keeps the library's own", "define a(x) { return 42 }\na(1); s(1)\n", "42\n.84147098480789650665\n", ""),
        ("table values for a(1) up to scale 60", "scale=60; a(1); scale=61; a(1)\n", ".785398163397448309615660845819875721049292349843776455243736\n.7853981633974483096156608458198757210492923498437764552437361\n", ""),
        ],
        true,
    );
}

/// GNU bc's output for `scale=10000; 4*a(1)`: 4 × ⌊π/4 × 10^10000⌋ / 10^10000,
/// from an independent π (Gauss's arctangent formula), wrapped at 69
/// columns.
fn expected_pi_output(scale: usize) -> String {
    let guard = 20;
    let pi = crate::calc::pi::tests::pi_gauss(scale + guard);
    let quarter = pi.div_rem_small(4).0.div_pow10(guard);
    let digits = quarter.mul_small(4).to_string();
    let text = format!("{}.{}", &digits[..1], &digits[1..]);
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, chunk) in chars.chunks(68).enumerate() {
        if i > 0 {
            out.push_str("\\\n");
        }
        out.extend(chunk);
    }
    out.push('\n');
    out
}

#[test]
fn pi_to_ten_thousand_digits_is_the_study_notes_job() {
    let out = run("scale=10000; 4*a(1)\n", true);
    assert_eq!(out.completion, Completion::Exited);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, expected_pi_output(10000));
    // The last lines GNU bc 1.07.1 printed for this program.
    assert!(out.stdout.ends_with(
        "91403599895353945909440704691209140938700126456001623742880210927645\\\n\
         79310657922955249887275846101264836999892256959688159205600101655256\\\n\
         375676\n"
    ));
    assert_eq!(out.stdout.lines().count(), 148);
    assert!(out
        .stdout
        .starts_with("3.141592653589793238462643383279502884197169399375105820974944592307\\\n"));
    // GNU bc needs about two minutes for this on a small VM.
    assert!(
        out.cost > Duration::from_secs(80) && out.cost < Duration::from_secs(170),
        "{:?}",
        out.cost
    );
}

#[test]
fn fast_arctangent_agrees_with_the_series() {
    // 359 is a scale where π/4's digits sit right at a truncation boundary
    // and GNU bc's series lands on the other side: the fast path must step
    // aside there.
    for scale in [61, 62, 100, 233, 359, 420] {
        let program = format!("scale={scale}; 4*a(1); a(-1)\n");
        let fast = run(&program, true);
        let exact = run_with(
            &[Source::stdin(&program)],
            &Options {
                mathlib: true,
                exact: true,
                ..Options::default()
            },
        );
        assert_eq!(fast.stdout, exact.stdout, "scale {scale}");
        let ratio = fast.cost.as_secs_f64() / exact.cost.as_secs_f64();
        assert!(
            (0.8..1.25).contains(&ratio),
            "scale {scale}: priced {:?}, counted {:?}",
            fast.cost,
            exact.cost
        );
    }
}

#[test]
fn bc_truncates_where_the_true_value_would_round_the_other_way() {
    // At scale 359 the digits of π/4 after the scale are 000283…, and the
    // series' accumulated truncation error puts GNU bc one unit below.
    let out = run("scale=359; a(1)\n", true);
    let pi = crate::calc::pi::tests::pi_gauss(380);
    let truncated = pi.div_rem_small(4).0.div_pow10(21);
    let below = truncated
        .checked_sub(&Nat::one())
        .unwrap_or_default()
        .to_string();
    assert!(out
        .stdout
        .replace("\\\n", "")
        .trim_end()
        .ends_with(&below[below.len() - 30..]));
}

/// (program, with -l, GNU bc 1.07.1 user CPU seconds on a 2-vCPU EPYC VM)
const MEASURED: &[(&str, bool, f64)] = &[
    ("scale=1000; 4*a(1)\n", true, 0.30),
    ("scale=2000; 4*a(1)\n", true, 1.77),
    ("scale=3000; 4*a(1)\n", true, 6.23),
    ("scale=4000; 4*a(1)\n", true, 11.21),
    ("scale=10000; 4*a(1)\n", true, 115.7),
    ("scale=1000; e(1)\n", true, 0.47),
    ("scale=1000; l(2)\n", true, 0.26),
    ("scale=500; s(1)\n", true, 0.08),
    ("scale=5000; x=sqrt(2)\n", false, 0.50),
    (
        "scale=1000; x=sqrt(2); for(i=0;i<1000;i++) y=x*x\n",
        false,
        0.45,
    ),
    (
        "scale=500; x=sqrt(2); y=sqrt(3); for(i=0;i<300;i++) z=x/y\n",
        false,
        0.51,
    ),
    ("for(i=0;i<100000;i++){}\n", false, 0.02),
];

#[test]
fn cost_model_tracks_measured_gnu_bc_times() {
    for &(program, mathlib, seconds) in MEASURED {
        let out = run(program, mathlib);
        assert_eq!(out.completion, Completion::Exited, "{program}");
        let got = out.cost.as_secs_f64();
        assert!(
            got > seconds / 1.5 && got < seconds * 1.5,
            "{program}: model {got:.3}s, measured {seconds}s"
        );
    }
}

/// Runs with small limits.
fn run_limited(program: &str, mathlib: bool) -> BcOutput {
    let options = Options {
        mathlib,
        limits: Limits {
            max_steps: 200_000,
            max_work: 20_000_000,
            max_digits: 100_000,
            max_output: 64 << 10,
            ..Limits::default()
        },
        ..Options::default()
    };
    run_with(&[Source::stdin(program)], &options)
}

#[test]
fn programs_that_never_end_are_reported_unfinished() {
    for (name, program) in [
        ("an endless loop", "while (1) { }\n"),
        ("an endless loop that prints", "while (1) print \"y\\n\"\n"),
        ("read at end of input spins forever", "x = read()\n"),
        ("endless recursion", "define f(x) { return f(x+1) }\nf(1)\n"),
        ("a power too long to build", "2^2000000000\n"),
        ("a division to a huge scale", "scale=200000000; 1/3\n"),
        (
            "a square root to a huge scale",
            "scale=200000000; sqrt(2)\n",
        ),
    ] {
        let out = run_limited(program, false);
        assert_eq!(out.completion, Completion::Unfinished, "{name}");
    }
    let out = run_limited("1\nwhile (1) { }\n", false);
    assert_eq!(out.stdout, "1\n", "output before the loop is kept");
    assert!(out.cost > Duration::ZERO);
}

#[test]
fn garbage_never_panics_or_hangs() {
    // Deterministic pseudo-random programs from bc's own alphabet.
    const PIECES: &[&str] = &[
        "1", "0", ".5", "99", "A", "FF", "x", "y", "a[", "]", "(", ")", "{", "}", "+", "-", "*",
        "/", "%", "^", "=", "==", "<", ">=", "!", "&&", "||", "++", "--", ";", "\n", ",", "\"s\"",
        "if", "else", "while", "for", "break", "continue", "define", "f", "return", "auto",
        "print", "sqrt", "length", "scale", "ibase", "obase", "last", ".", "quit", "halt", "/*",
        "*/", "#", "\\\n", "@", "$", " ", "void", "read", "random", "limits", "2^9999", "e(", "a(",
        "s(", "l(", "j(",
    ];
    let mut seed: u64 = 0x5eed;
    for round in 0..400 {
        let mut program = String::new();
        let len = 1 + (round % 60);
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            program.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
        }
        program.push('\n');
        let out = run_limited(&program, round % 3 == 0);
        assert!(
            matches!(out.completion, Completion::Exited | Completion::Unfinished),
            "{program:?}"
        );
        assert!(
            out.stdout.len() + out.stderr.len() <= (64 << 10) + 4096,
            "{program:?}"
        );
    }
}

#[test]
fn stdout_and_stderr_interleave_in_order() {
    let out = run("1\n1/0\n2\n", false);
    let streams: Vec<(Stream, &str)> = out
        .chunks
        .iter()
        .map(|c| (c.stream, c.text.as_str()))
        .collect();
    assert_eq!(
        streams,
        vec![
            (Stream::Stdout, "1\n"),
            (
                Stream::Stderr,
                "Runtime error (func=(main), adr=3): Divide by zero\n"
            ),
            (Stream::Stdout, "2\n"),
        ]
    );
    assert!(out.chunks.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn files_are_read_in_order_and_named_in_errors() {
    let out = run_with(
        &[
            Source::file("defs.bc", "define f(x) { return (x * 2) }\n1 +\n"),
            Source::stdin("f(21)\n"),
        ],
        &Options::default(),
    );
    assert_eq!(out.stdout, "42\n");
    assert_eq!(out.stderr, "defs.bc 3: syntax error\n");
}

#[test]
fn an_unreadable_file_ends_bc_with_status_1() {
    let out = run_with(
        &[
            Source::file("one.bc", "1\n2 +"),
            Source::unreadable("two.bc"),
            Source::stdin("3\n"),
        ],
        &Options::default(),
    );
    assert_eq!(
        out.stdout, "1\n",
        "the unfinished line is dropped without an error"
    );
    assert_eq!(out.stderr, "File two.bc is unavailable.\n");
    assert_eq!((out.completion, out.exit_code), (Completion::Exited, 1));
    let out = run_with(&[Source::unreadable("nope")], &Options::default());
    assert_eq!(
        (out.stderr.as_str(), out.exit_code),
        ("File nope is unavailable.\n", 1)
    );
}

#[test]
fn line_length_comes_from_bc_line_length() {
    for (name, value, want) in [
        ("unset", None, 70),
        ("a number", Some("40"), 40),
        ("zero disables breaking", Some("0"), 0),
        ("too small falls back", Some("2"), 70),
        ("negative falls back", Some("-5"), 70),
        ("not a number is zero", Some("abc"), 0),
    ] {
        assert_eq!(line_length_from_env(value), want, "{name}");
    }
    let options = Options {
        line_length: 0,
        ..Options::default()
    };
    let out = run_with(&[Source::stdin("2^300\n")], &options);
    assert_eq!(out.stdout.lines().count(), 1);
}

/// GNU bc's parser gives up ("memory exhausted") when its stack of 10000
/// states fills, a few thousand levels deep; this parser, recursive, stops
/// at a few hundred levels to stay within small stacks.
#[test]
fn deep_nesting_stops_like_a_full_parser_stack() {
    for (name, program) in [
        (
            "parentheses",
            format!("{}1{}\n", "(".repeat(100_000), ")".repeat(100_000)),
        ),
        ("a chain of powers", format!("2{}\n", "^2".repeat(100_000))),
        ("unary minus", format!("{}1\n", "- ".repeat(100_000))),
        (
            "nested blocks",
            format!("{}1{}\n", "{".repeat(100_000), "}".repeat(100_000)),
        ),
        ("assignments", format!("{}1\n", "x=".repeat(100_000))),
    ] {
        let out = run(&program, false);
        assert_eq!(out.stderr, "(standard_in) 1: memory exhausted\n", "{name}");
        assert_eq!(out.completion, Completion::Exited, "{name}");
    }
    // Moderate nesting is fine.
    let out = run(&format!("{}7{}\n", "(".repeat(200), ")".repeat(200)), false);
    assert_eq!(out.stdout, "7\n");
}
