//! Shell patterns (`*`, `?`, `[…]`) for `case`, `${x%pat}` and globbing.
//!
//! A pattern is a string in which `\c` stands for a literal `c`; the
//! expander escapes quoted characters that way.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Char(char),
    Any,
    Star,
    Class { negate: bool, items: Vec<ClassItem> },
}

#[derive(Clone, Debug, PartialEq)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Named(String),
}

fn compile(pat: &str) -> Vec<Tok> {
    let cs: Vec<char> = pat.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        match cs[i] {
            '\\' if i + 1 < cs.len() => {
                out.push(Tok::Char(cs[i + 1]));
                i += 2;
            }
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                i += 1;
            }
            '[' => match class(&cs, i + 1) {
                Some((tok, next)) => {
                    out.push(tok);
                    i = next;
                }
                None => {
                    out.push(Tok::Char('['));
                    i += 1;
                }
            },
            c => {
                out.push(Tok::Char(c));
                i += 1;
            }
        }
    }
    out
}

/// Parses a bracket expression starting after `[`; `None` if unclosed.
fn class(cs: &[char], mut i: usize) -> Option<(Tok, usize)> {
    let mut negate = false;
    if matches!(cs.get(i), Some('!' | '^')) {
        negate = true;
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let c = *cs.get(i)?;
        if c == ']' && !first {
            return Some((Tok::Class { negate, items }, i + 1));
        }
        first = false;
        if c == '[' && cs.get(i + 1) == Some(&':') {
            let rest: String = cs[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                items.push(ClassItem::Named(rest[..end].to_string()));
                i += 2 + end + 2;
                continue;
            }
        }
        let c = if c == '\\' && i + 1 < cs.len() {
            i += 1;
            cs[i]
        } else {
            c
        };
        if cs.get(i + 1) == Some(&'-') && cs.get(i + 2).is_some_and(|n| *n != ']') {
            let hi = cs[i + 2];
            items.push(ClassItem::Range(c, hi));
            i += 3;
        } else {
            items.push(ClassItem::Char(c));
            i += 1;
        }
    }
}

fn class_matches(negate: bool, items: &[ClassItem], c: char) -> bool {
    let hit = items.iter().any(|it| match it {
        ClassItem::Char(x) => *x == c,
        ClassItem::Range(a, b) => *a <= c && c <= *b,
        ClassItem::Named(n) => match n.as_str() {
            "alpha" => c.is_ascii_alphabetic(),
            "digit" => c.is_ascii_digit(),
            "alnum" => c.is_ascii_alphanumeric(),
            "upper" => c.is_ascii_uppercase(),
            "lower" => c.is_ascii_lowercase(),
            "space" => c.is_ascii_whitespace(),
            "blank" => c == ' ' || c == '\t',
            "punct" => c.is_ascii_punctuation(),
            "xdigit" => c.is_ascii_hexdigit(),
            _ => false,
        },
    });
    hit != negate
}

fn matches_at(p: &[Tok], s: &[char]) -> bool {
    // Iterative matching with one backtrack point for the last `*`: linear
    // enough for the sizes shells see and free of recursion.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        let ok = match p.get(pi) {
            Some(Tok::Char(c)) => *c == s[si],
            Some(Tok::Any) => true,
            Some(Tok::Class { negate, items }) => class_matches(*negate, items, s[si]),
            Some(Tok::Star) => {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            None => false,
        };
        if ok {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Star)
}

/// Whether `s` matches the whole pattern.
pub fn matches(pat: &str, s: &str) -> bool {
    let p = compile(pat);
    let cs: Vec<char> = s.chars().collect();
    matches_at(&p, &cs)
}

/// Whether the pattern has any unescaped special character.
pub fn has_magic(pat: &str) -> bool {
    let mut esc = false;
    for c in pat.chars() {
        if esc {
            esc = false;
            continue;
        }
        match c {
            '\\' => esc = true,
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Removes the escapes from a pattern, giving the literal text.
pub fn unescape(pat: &str) -> String {
    let mut out = String::new();
    let mut esc = false;
    for c in pat.chars() {
        if !esc && c == '\\' {
            esc = true;
            continue;
        }
        esc = false;
        out.push(c);
    }
    out
}

/// Escapes text so that it matches only itself.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `${x%pat}` and friends: strips the shortest or longest matching prefix
/// or suffix.
pub fn trim(value: &str, pat: &str, suffix: bool, longest: bool) -> String {
    let p = compile(pat);
    let cs: Vec<char> = value.chars().collect();
    let n = cs.len();
    let cuts: Vec<usize> = if suffix != longest {
        // Shortest suffix / longest prefix: try cut points from the end.
        (0..=n).rev().collect()
    } else {
        (0..=n).collect()
    };
    for k in cuts {
        let (keep, test) = if suffix {
            (&cs[..k], &cs[k..])
        } else {
            (&cs[k..], &cs[..k])
        };
        if matches_at(&p, test) {
            return keep.iter().collect();
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_fnmatch() {
        let cases = [
            ("star matches anything", "*", "abc", true),
            ("star matches empty", "a*", "a", true),
            ("question mark needs one char", "a?", "a", false),
            ("class with range", "[a-c]x", "bx", true),
            ("negated class", "[!a-c]x", "bx", false),
            ("named class", "[[:digit:]]*", "7up", true),
            ("escaped star is literal", "a\\*", "a*", true),
            ("escaped star does not glob", "a\\*", "ab", false),
            ("unclosed bracket is literal", "[ab", "[ab", true),
            ("suffix star", "*.log", "app.log", true),
            ("backtracking", "*a*b", "xaxxab", true),
        ];
        for (name, p, s, want) in cases {
            assert_eq!(matches(p, s), want, "{name}");
        }
    }

    #[test]
    fn trimming_matches_ash() {
        let cases = [
            ("shortest suffix", "a.b.c", ".*", true, false, "a.b"),
            ("longest suffix", "a.b.c", ".*", true, true, "a"),
            ("shortest prefix", "a.b.c", "*.", false, false, "b.c"),
            ("longest prefix", "a.b.c", "*.", false, true, "c"),
            ("no match keeps the value", "abc", "x*", false, false, "abc"),
        ];
        for (name, v, p, suffix, longest, want) in cases {
            assert_eq!(trim(v, p, suffix, longest), want, "{name}");
        }
    }
}
