//! `$((…))`: integer arithmetic as ash evaluates it (64-bit, C precedence).

/// Variables the expression may read and assign.
pub trait Vars {
    fn get(&self, name: &str) -> Option<String>;
    fn set(&mut self, name: &str, value: i64);
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArithError {
    Syntax,
    DivideByZero,
    /// A variable holds something that is not a number.
    BadNumber(String),
}

impl ArithError {
    /// The message after `sh: `.
    pub fn message(&self) -> String {
        match self {
            ArithError::Syntax => "arithmetic syntax error".to_string(),
            ArithError::DivideByZero => "divide by zero".to_string(),
            ArithError::BadNumber(v) => format!("arithmetic syntax error: {v}"),
        }
    }
}

const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

const OPS: [&str; 38] = [
    "<<=", ">>=", "**", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=",
    "*=", "/=", "%=", "&=", "^=", "|=", "+", "-", "*", "/", "%", "<", ">", "&", "^", "|", "!", "~",
    "?", ":", "=", "(", ")",
];

fn parse_num(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if body.len() > 1 && body.starts_with('0') {
        i64::from_str_radix(&body[1..], 8).ok()?
    } else {
        body.parse::<i64>().ok()?
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

fn lex(s: &str) -> Result<Vec<T>, ArithError> {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    'outer: while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = i;
            while j < cs.len() && (cs[j].is_ascii_alphanumeric()) {
                j += 1;
            }
            let t: String = cs[i..j].iter().collect();
            out.push(T::Num(parse_num(&t).ok_or(ArithError::Syntax)?));
            i = j;
            continue;
        }
        if c == '_' || c.is_ascii_alphabetic() {
            let mut j = i;
            while j < cs.len() && (cs[j] == '_' || cs[j].is_ascii_alphanumeric()) {
                j += 1;
            }
            out.push(T::Name(cs[i..j].iter().collect()));
            i = j;
            continue;
        }
        for op in OPS {
            let n = op.len();
            if i + n <= cs.len() && op.chars().zip(&cs[i..]).all(|(a, b)| a == *b) {
                out.push(T::Op(op));
                i += n;
                continue 'outer;
            }
        }
        return Err(ArithError::Syntax);
    }
    Ok(out)
}

struct P<'a, V: Vars> {
    t: Vec<T>,
    i: usize,
    vars: &'a mut V,
    depth: usize,
    /// False inside the untaken side of `&&`, `||`, `?:`: no side effects.
    live: bool,
}

fn prec(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        "**" => 11,
        _ => return None,
    })
}

fn apply(op: &str, a: i64, b: i64) -> Result<i64, ArithError> {
    Ok(match op {
        "||" => i64::from(a != 0 || b != 0),
        "&&" => i64::from(a != 0 && b != 0),
        "|" => a | b,
        "^" => a ^ b,
        "&" => a & b,
        "==" => i64::from(a == b),
        "!=" => i64::from(a != b),
        "<" => i64::from(a < b),
        ">" => i64::from(a > b),
        "<=" => i64::from(a <= b),
        ">=" => i64::from(a >= b),
        "<<" => a.wrapping_shl((b & 63) as u32),
        ">>" => a.wrapping_shr((b & 63) as u32),
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" | "%" if b == 0 => return Err(ArithError::DivideByZero),
        "/" => a.wrapping_div(b),
        "%" => a.wrapping_rem(b),
        "**" => {
            if b < 0 {
                return Err(ArithError::Syntax);
            }
            let mut r: i64 = 1;
            for _ in 0..b.min(64) {
                r = r.wrapping_mul(a);
            }
            if b > 64 && a.abs() > 1 {
                0
            } else {
                r
            }
        }
        _ => return Err(ArithError::Syntax),
    })
}

impl<V: Vars> P<'_, V> {
    fn peek(&self) -> Option<&T> {
        self.t.get(self.i)
    }

    fn var(&self, name: &str) -> Result<i64, ArithError> {
        let v = self.vars.get(name).unwrap_or_default();
        parse_num(&v).ok_or(ArithError::BadNumber(v))
    }

    fn set(&mut self, name: &str, v: i64) {
        if self.live {
            self.vars.set(name, v);
        }
    }

    fn assign(&mut self) -> Result<i64, ArithError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ArithError::Syntax);
        }
        let r = self.assign_inner();
        self.depth -= 1;
        r
    }

    fn assign_inner(&mut self) -> Result<i64, ArithError> {
        if let (Some(T::Name(n)), Some(T::Op(op))) =
            (self.t.get(self.i).cloned(), self.t.get(self.i + 1).cloned())
        {
            if op.ends_with('=') && !matches!(op, "==" | "!=" | "<=" | ">=") {
                self.i += 2;
                let rhs = self.assign()?;
                let v = if op == "=" {
                    rhs
                } else {
                    apply(&op[..op.len() - 1], self.var(&n)?, rhs)?
                };
                self.set(&n, v);
                return Ok(v);
            }
        }
        self.ternary()
    }

    fn ternary(&mut self) -> Result<i64, ArithError> {
        let c = self.binary(1)?;
        if self.peek() == Some(&T::Op("?")) {
            self.i += 1;
            let live = self.live;
            self.live = live && c != 0;
            let a = self.assign()?;
            if self.peek() != Some(&T::Op(":")) {
                return Err(ArithError::Syntax);
            }
            self.i += 1;
            self.live = live && c == 0;
            let b = self.assign()?;
            self.live = live;
            return Ok(if c != 0 { a } else { b });
        }
        Ok(c)
    }

    fn binary(&mut self, min: u8) -> Result<i64, ArithError> {
        let mut lhs = self.unary()?;
        while let Some(T::Op(op)) = self.peek().cloned() {
            let Some(p) = prec(op) else { break };
            if p < min {
                break;
            }
            self.i += 1;
            let live = self.live;
            if op == "&&" {
                self.live = live && lhs != 0;
            } else if op == "||" {
                self.live = live && lhs == 0;
            }
            // `**` is right-associative.
            let next = if op == "**" { p } else { p + 1 };
            let rhs = self.binary(next)?;
            self.live = live;
            lhs = if !live && (op == "/" || op == "%") && rhs == 0 {
                0
            } else {
                apply(op, lhs, rhs)?
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, ArithError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ArithError::Syntax);
        }
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Result<i64, ArithError> {
        match self.peek().cloned() {
            Some(T::Op(op @ ("++" | "--"))) => {
                self.i += 1;
                let Some(T::Name(n)) = self.peek().cloned() else {
                    return Err(ArithError::Syntax);
                };
                self.i += 1;
                let v = self.var(&n)? + if op == "++" { 1 } else { -1 };
                self.set(&n, v);
                Ok(v)
            }
            Some(T::Op("-")) => {
                self.i += 1;
                Ok(self.unary()?.wrapping_neg())
            }
            Some(T::Op("+")) => {
                self.i += 1;
                self.unary()
            }
            Some(T::Op("!")) => {
                self.i += 1;
                Ok(i64::from(self.unary()? == 0))
            }
            Some(T::Op("~")) => {
                self.i += 1;
                Ok(!self.unary()?)
            }
            Some(T::Op("(")) => {
                self.i += 1;
                let v = self.assign()?;
                if self.peek() != Some(&T::Op(")")) {
                    return Err(ArithError::Syntax);
                }
                self.i += 1;
                Ok(v)
            }
            Some(T::Num(n)) => {
                self.i += 1;
                Ok(n)
            }
            Some(T::Name(n)) => {
                self.i += 1;
                let v = self.var(&n)?;
                if let Some(T::Op(op @ ("++" | "--"))) = self.peek().cloned() {
                    self.i += 1;
                    self.set(&n, v + if op == "++" { 1 } else { -1 });
                }
                Ok(v)
            }
            _ => Err(ArithError::Syntax),
        }
    }
}

/// Evaluates an (already expanded) arithmetic expression.
pub fn eval<V: Vars>(expr: &str, vars: &mut V) -> Result<i64, ArithError> {
    let t = lex(expr)?;
    if t.is_empty() {
        return Ok(0);
    }
    let mut p = P {
        t,
        i: 0,
        vars,
        depth: 0,
        live: true,
    };
    let v = p.assign()?;
    if p.i != p.t.len() {
        return Err(ArithError::Syntax);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    impl Vars for BTreeMap<String, String> {
        fn get(&self, name: &str) -> Option<String> {
            BTreeMap::get(self, name).cloned()
        }
        fn set(&mut self, name: &str, value: i64) {
            self.insert(name.to_string(), value.to_string());
        }
    }

    #[test]
    fn expressions_evaluate_like_ash() {
        let cases: [(&str, &str, Result<i64, ArithError>); 14] = [
            ("power", "2**3", Ok(8)),
            ("remainder", "7%3", Ok(1)),
            ("shift", "1<<4", Ok(16)),
            ("comparison", "3>2", Ok(1)),
            ("truncating division", "-3/2", Ok(-1)),
            ("precedence", "1+2*3", Ok(7)),
            ("parentheses", "(1+2)*3", Ok(9)),
            ("variables", "a*2", Ok(10)),
            ("unset variable is zero", "nope+1", Ok(1)),
            ("ternary", "a>1?10:20", Ok(10)),
            ("hex and octal", "0x10+010", Ok(24)),
            ("division by zero", "1/0", Err(ArithError::DivideByZero)),
            ("dangling operator", "1 +", Err(ArithError::Syntax)),
            ("two operands", "a b", Err(ArithError::Syntax)),
        ];
        for (name, e, want) in cases {
            let mut vars = BTreeMap::from([("a".to_string(), "5".to_string())]);
            assert_eq!(eval(e, &mut vars), want, "{name}");
        }
    }

    #[test]
    fn assignment_updates_the_variable() {
        let mut vars = BTreeMap::new();
        assert_eq!(eval("x=5", &mut vars), Ok(5));
        assert_eq!(eval("x+=2", &mut vars), Ok(7));
        assert_eq!(eval("x++", &mut vars), Ok(7));
        assert_eq!(vars.get("x").map(String::as_str), Some("8"));
        assert_eq!(eval("0 && (y=1)", &mut vars), Ok(0));
        assert_eq!(vars.get("y"), None);
    }
}
