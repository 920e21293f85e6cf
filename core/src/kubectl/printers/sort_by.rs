//! `kubectl get --sort-by=<jsonpath>`, as kubectl's `SortingPrinter`.
//!
//! Each object is keyed by the first value the path finds. An object where
//! the path finds nothing sorts before the others; numbers compare as
//! numbers; two strings that both parse as resource quantities (`100m`,
//! `1Gi`) compare as quantities, other strings in natural order (`web-2`
//! before `web-10`); timestamps are strings, and RFC 3339 strings sort
//! chronologically that way. kubectl sorts with Go's unstable `sort.Sort`,
//! so equal keys end up in the order Go's pattern-defeating quicksort leaves
//! them; that algorithm is reproduced here step for step.

use super::gofmt;
use super::jsonpath::{relaxed_expression, JpValue, JsonPath};
use crate::value::Value;

/// How sorting failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortError {
    /// kubectl prints `error: <message>` and exits with status 1.
    Error(String),
    /// kubectl stops through its logger (klog) with this message, which
    /// klog prefixes with a severity, time and source line; `exit_code` is
    /// kubectl's exit status.
    Fatal { message: String, exit_code: i32 },
}

type Results<'a> = Result<Vec<Vec<JpValue<'a>>>, String>;

/// Sorts the items of a list as `kubectl get -o json|yaml|name|jsonpath…
/// --sort-by` does. Returns the item indexes in sorted order.
pub fn sort_objects(items: &[Value], sort_by: &str) -> Result<Vec<usize>, SortError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let field = relaxed_expression(sort_by).map_err(SortError::Error)?;
    let parser = JsonPath::parse(&field)
        .map_err(SortError::Error)?
        .allow_missing_keys(true);
    let results: Vec<Results> = items.iter().map(|o| parser.find_results(o)).collect();
    let mut found = false;
    for r in &results {
        match r {
            Err(e) => return Err(SortError::Error(e.clone())),
            Ok(v) if v.first().is_some_and(|x| !x.is_empty()) => {
                found = true;
                break;
            }
            Ok(_) => {}
        }
    }
    if !found {
        return Err(not_found(&field));
    }
    let mut less = |i: usize, j: usize| -> Result<bool, SortError> {
        let iv = values_or_fatal(&results[i], &items[i], &field, "i")?;
        let jv = values_or_fatal(&results[j], &items[j], &field, "j")?;
        let Some(a) = iv.first().and_then(|v| v.first()) else {
            return Ok(true);
        };
        let Some(b) = jv.first().and_then(|v| v.first()) else {
            return Ok(false);
        };
        is_less(a, b).map_err(|e| unsortable(&field, "*unstructured.Unstructured", a, &e))
    };
    go_sort(items.len(), &mut less)
}

/// Sorts the rows of a server-side table as `kubectl get --sort-by` does
/// for its default output; each row is the full object of that row.
pub fn sort_table_rows(rows: &[Value], sort_by: &str) -> Result<Vec<usize>, SortError> {
    if rows.len() <= 1 {
        return Ok((0..rows.len()).collect());
    }
    let field = relaxed_expression(sort_by).unwrap_or_else(|_| sort_by.to_string());
    let parser = JsonPath::parse(&field)
        .map_err(|e| SortError::Error(format!("sorting error: {e}")))?
        .allow_missing_keys(true);
    let mut parsed = Vec::with_capacity(rows.len());
    let mut found = false;
    for row in rows {
        match parser.find_results(row) {
            Ok(v) => {
                if v.first().is_some_and(|x| !x.is_empty()) {
                    found = true;
                }
                parsed.push(v);
            }
            Err(e) => {
                return Err(SortError::Error(format!(
                    "Failed to get values for [][]reflect.Value(nil) using {field} (&errors.errorString{{s:{}}})",
                    gofmt::quote(&e)
                )))
            }
        }
    }
    if !found {
        return Err(not_found(&field));
    }
    let mut less = |i: usize, j: usize| -> Result<bool, SortError> {
        let Some(a) = parsed[i].first().and_then(|v| v.first()) else {
            return Ok(true);
        };
        let Some(b) = parsed[j].first().and_then(|v| v.first()) else {
            return Ok(false);
        };
        is_less(a, b).map_err(|e| unsortable(&field, "[][][]reflect.Value", a, &e))
    };
    go_sort(rows.len(), &mut less)
}

fn not_found(field: &str) -> SortError {
    SortError::Error(format!(
        "couldn't find any field with path {} in the list of objects",
        gofmt::quote(field)
    ))
}

fn values_or_fatal<'r, 'a>(
    r: &'r Results<'a>,
    obj: &Value,
    field: &str,
    which: &str,
) -> Result<&'r Vec<Vec<JpValue<'a>>>, SortError> {
    r.as_ref().map_err(|e| SortError::Fatal {
        message: format!(
            "Failed to get {which} values for &unstructured.Unstructured{{Object:{}}} using {field} (&errors.errorString{{s:{}}})",
            gofmt::sharp_v(obj),
            gofmt::quote(e)
        ),
        exit_code: 255,
    })
}

fn unsortable(field: &str, container: &str, a: &JpValue, err: &str) -> SortError {
    let kind = match a {
        JpValue::Data(_) => "interface",
        JpValue::Invalid => "invalid",
        JpValue::Text(_) => "string",
        JpValue::Int(_) => "int",
        JpValue::Float(_) => "float64",
        JpValue::Bool(_) => "bool",
        JpValue::Byte(_) => "uint8",
    };
    SortError::Fatal {
        message: format!("Field {field} in {container} is an unsortable type: {kind}, err: {err}"),
        exit_code: 1,
    }
}

/// kubectl's `isLess` for the values a JSONPath finds in decoded JSON.
fn is_less(a: &JpValue, b: &JpValue) -> Result<bool, String> {
    match a {
        JpValue::Data(av) => {
            let b_nil = matches!(b, JpValue::Data(Value::Null));
            match (av, b_nil) {
                (Value::Null, true) => return Ok(false),
                (Value::Null, false) => return Ok(true),
                (_, true) => return Ok(false),
                _ => {}
            }
            let bv = match b {
                JpValue::Data(v) => Some(*v),
                _ => None,
            };
            match (av, bv) {
                (Value::Int(x), Some(Value::Int(y))) => Ok(x < y),
                (Value::Float(x), Some(Value::Float(y))) => Ok(x < y),
                (Value::String(x), Some(Value::String(y))) => {
                    match (parse_quantity(x), parse_quantity(y)) {
                        (Some(qx), Some(qy)) => Ok(qx.cmp(&qy) == std::cmp::Ordering::Less),
                        _ => Ok(natural_less(x, y)),
                    }
                }
                (Value::Int(_) | Value::Float(_) | Value::String(_), _) => {
                    Err("unsortable interface: interface".into())
                }
                (other, _) => Err(format!(
                    "unsortable type: {}",
                    gofmt::Arg::from_value(other).type_name()
                )),
            }
        }
        JpValue::Int(x) => Ok(*x < int_of(b)),
        JpValue::Byte(x) => Ok(i64::from(*x) < int_of(b)),
        JpValue::Float(x) => Ok(match b {
            JpValue::Float(y) => x < y,
            _ => false,
        }),
        JpValue::Text(x) => Ok(natural_less(
            x,
            match b {
                JpValue::Text(y) => y,
                _ => "",
            },
        )),
        JpValue::Bool(_) => Err("unsortable type: bool".into()),
        JpValue::Invalid => Err("unsortable type: invalid".into()),
    }
}

fn int_of(v: &JpValue) -> i64 {
    match v {
        JpValue::Int(i) => *i,
        JpValue::Byte(b) => i64::from(*b),
        _ => 0,
    }
}

/// `sortorder.NaturalLess`: digit runs compare as numbers (fewer leading
/// zeros first on a tie), everything else bytewise, digits before others.
pub fn natural_less(s1: &str, s2: &str) -> bool {
    let (b1, b2) = (s1.as_bytes(), s2.as_bytes());
    let (mut i1, mut i2) = (0, 0);
    while i1 < b1.len() && i2 < b2.len() {
        let (c1, c2) = (b1[i1], b2[i2]);
        let (d1, d2) = (c1.is_ascii_digit(), c2.is_ascii_digit());
        if d1 != d2 {
            return d1;
        }
        if !d1 {
            if c1 != c2 {
                return c1 < c2;
            }
            i1 += 1;
            i2 += 1;
            continue;
        }
        while i1 < b1.len() && b1[i1] == b'0' {
            i1 += 1;
        }
        while i2 < b2.len() && b2[i2] == b'0' {
            i2 += 1;
        }
        let (nz1, nz2) = (i1, i2);
        while i1 < b1.len() && b1[i1].is_ascii_digit() {
            i1 += 1;
        }
        while i2 < b2.len() && b2[i2].is_ascii_digit() {
            i2 += 1;
        }
        let (len1, len2) = (i1 - nz1, i2 - nz2);
        if len1 != len2 {
            return len1 < len2;
        }
        let (n1, n2) = (&b1[nz1..i1], &b2[nz2..i2]);
        if n1 != n2 {
            return n1 < n2;
        }
        if nz1 != nz2 {
            return nz1 < nz2;
        }
    }
    b1.len() < b2.len()
}

/// A resource quantity as an exact decimal: sign, digits without leading
/// zeros, and a power of ten.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Quantity {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Quantity {
    fn normalized(negative: bool, digits: Vec<u8>, exp: i64) -> Quantity {
        let start = digits.iter().position(|&d| d != 0).unwrap_or(digits.len());
        let mut digits = digits[start..].to_vec();
        let mut exp = exp;
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        if digits.is_empty() {
            return Quantity {
                negative: false,
                digits,
                exp: 0,
            };
        }
        Quantity {
            negative,
            digits,
            exp,
        }
    }

    fn cmp_magnitude(&self, other: &Quantity) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let top1 = self.digits.len() as i64 + self.exp;
        let top2 = other.digits.len() as i64 + other.exp;
        if top1 != top2 {
            return top1.cmp(&top2);
        }
        let n = self.digits.len().max(other.digits.len());
        for k in 0..n {
            let a = self.digits.get(k).copied().unwrap_or(0);
            let b = other.digits.get(k).copied().unwrap_or(0);
            if a != b {
                return a.cmp(&b);
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.negative, other.negative) {
            (false, true) => std::cmp::Ordering::Greater,
            (true, false) => std::cmp::Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

/// The pieces apimachinery's `parseQuantityString` finds; `None` where it
/// reports a format error.
fn quantity_parts(s: &str) -> Option<(bool, &str, &str, &str, &str)> {
    let b = s.as_bytes();
    let end = b.len();
    let mut positive = true;
    let mut pos = 0;
    if pos < end {
        match b[0] {
            b'-' => {
                positive = false;
                pos += 1;
            }
            b'+' => pos += 1,
            _ => {}
        }
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Some((positive, "0", "0", "", ""));
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        return Some((positive, s, &s[num_start..], "", ""));
    }
    let mut num = &s[num_start..pos];
    if num.is_empty() {
        num = "0";
    }
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let denom_start = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[denom_start..pos];
        if pos >= end {
            return Some((positive, s, num, denom, ""));
        }
    }
    let value = &s[..pos];
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos >= end {
        return Some((positive, value, num, denom, &s[suffix_start..]));
    }
    if b[pos] == b'-' || b[pos] == b'+' {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        return Some((positive, value, num, denom, &s[suffix_start..]));
    }
    None
}

/// apimachinery's `resource.ParseQuantity`, keeping only the value.
fn parse_quantity(s: &str) -> Option<Quantity> {
    if s.is_empty() {
        return None;
    }
    let (positive, value, num, denom, suffix) = quantity_parts(s)?;
    // (base 10 exponent, base 2 exponent, binary)
    let (exp10, exp2, binary): (i64, u32, bool) = match suffix {
        "" => (0, 0, false),
        "n" => (-9, 0, false),
        "u" => (-6, 0, false),
        "m" => (-3, 0, false),
        "k" => (3, 0, false),
        "M" => (6, 0, false),
        "G" => (9, 0, false),
        "T" => (12, 0, false),
        "P" => (15, 0, false),
        "E" => (18, 0, false),
        "Ki" => (0, 10, true),
        "Mi" => (0, 20, true),
        "Gi" => (0, 30, true),
        "Ti" => (0, 40, true),
        "Pi" => (0, 50, true),
        "Ei" => (0, 60, true),
        s if s.len() > 1 && (s.starts_with('e') || s.starts_with('E')) => {
            let parsed: i64 = s[1..].parse().ok()?;
            // Go keeps the exponent in an int32.
            (i64::from(parsed as i32), 0, false)
        }
        _ => return None,
    };
    let digits_len = (num.len() + denom.len()) as i64;
    let precision = if binary {
        if denom.is_empty() {
            15 - num.len() as i64 - (i64::from(exp2) * 3 / 10) - 1
        } else {
            -1
        }
    } else {
        18 - digits_len
    };
    let scale = if binary { 0 } else { exp10 } - denom.len() as i64;
    let fast = precision >= 0 && scale >= -9;
    if !fast && !value.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut digits: Vec<u8> = num.bytes().chain(denom.bytes()).map(|c| c - b'0').collect();
    for _ in 0..exp2 {
        double(&mut digits);
    }
    let mut q = Quantity::normalized(!positive, digits, scale);
    if !fast {
        // Non-zero values round up (away from zero) to a whole nano.
        if q.exp < -9 && !q.digits.is_empty() {
            let keep = (q.digits.len() as i64 + q.exp + 9).max(0) as usize;
            let mut kept = q.digits[..keep.min(q.digits.len())].to_vec();
            if kept.is_empty() {
                kept = vec![1];
            } else {
                increment(&mut kept);
            }
            q = Quantity::normalized(q.negative, kept, -9);
        }
        if binary {
            let max = Quantity::normalized(
                false,
                b"9223372036854775807".iter().map(|c| c - b'0').collect(),
                0,
            );
            let magnitude = Quantity {
                negative: false,
                ..q.clone()
            };
            if magnitude > max {
                q = Quantity {
                    negative: q.negative,
                    ..max
                };
            }
        }
    }
    Some(q)
}

fn double(digits: &mut Vec<u8>) {
    let mut carry = 0u8;
    for d in digits.iter_mut().rev() {
        let v = *d * 2 + carry;
        *d = v % 10;
        carry = v / 10;
    }
    if carry > 0 {
        digits.insert(0, carry);
    }
}

fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

// ---------------------------------------------------------------------------
// Go's sort.Sort (pattern-defeating quicksort), over a permutation.

type Less<'l> = dyn FnMut(usize, usize) -> Result<bool, SortError> + 'l;

struct Data<'l, 'm> {
    perm: Vec<usize>,
    less_fn: &'m mut Less<'l>,
}

impl Data<'_, '_> {
    fn less(&mut self, i: usize, j: usize) -> Result<bool, SortError> {
        (self.less_fn)(self.perm[i], self.perm[j])
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.perm.swap(i, j);
    }
}

type SortResult<T> = Result<T, SortError>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

fn bits_len(x: usize) -> usize {
    (usize::BITS - x.leading_zeros()) as usize
}

/// Go's `sort.Sort`; returns the original indexes in sorted order.
fn go_sort(n: usize, less: &mut Less) -> SortResult<Vec<usize>> {
    let mut data = Data {
        perm: (0..n).collect(),
        less_fn: less,
    };
    if n > 1 {
        pdqsort(&mut data, 0, n, bits_len(n))?;
    }
    Ok(data.perm)
}

fn insertion_sort(data: &mut Data, a: usize, b: usize) -> SortResult<()> {
    for i in a + 1..b {
        let mut j = i;
        while j > a && data.less(j, j - 1)? {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
    Ok(())
}

fn sift_down(data: &mut Data, lo: usize, hi: usize, first: usize) -> SortResult<()> {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            return Ok(());
        }
        if child + 1 < hi && data.less(first + child, first + child + 1)? {
            child += 1;
        }
        if !data.less(first + root, first + child)? {
            return Ok(());
        }
        data.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort(data: &mut Data, a: usize, b: usize) -> SortResult<()> {
    let first = a;
    let hi = b - a;
    for i in (0..=(hi.saturating_sub(1)) / 2).rev() {
        if hi == 0 {
            break;
        }
        sift_down(data, i, hi, first)?;
    }
    for i in (0..hi).rev() {
        data.swap(first, first + i);
        sift_down(data, 0, i, first)?;
    }
    Ok(())
}

fn pdqsort(data: &mut Data, mut a: usize, mut b: usize, mut limit: usize) -> SortResult<()> {
    const MAX_INSERTION: usize = 12;
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            return insertion_sort(data, a, b);
        }
        if limit == 0 {
            return heap_sort(data, a, b);
        }
        if !was_balanced {
            break_patterns(data, a, b);
            limit -= 1;
        }
        let (mut pivot, mut hint) = choose_pivot(data, a, b)?;
        if hint == Hint::Decreasing {
            reverse_range(data, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }
        if was_balanced
            && was_partitioned
            && hint == Hint::Increasing
            && partial_insertion_sort(data, a, b)?
        {
            return Ok(());
        }
        if a > 0 && !data.less(a - 1, pivot)? {
            let mid = partition_equal(data, a, b, pivot)?;
            a = mid;
            continue;
        }
        let (mid, already) = partition(data, a, b, pivot)?;
        was_partitioned = already;
        let (left_len, right_len) = (mid - a, b - mid);
        let balance_threshold = length / 8;
        if left_len < right_len {
            was_balanced = left_len >= balance_threshold;
            pdqsort(data, a, mid, limit)?;
            a = mid + 1;
        } else {
            was_balanced = right_len >= balance_threshold;
            pdqsort(data, mid + 1, b, limit)?;
            b = mid;
        }
    }
}

fn partition(data: &mut Data, a: usize, b: usize, pivot: usize) -> SortResult<(usize, bool)> {
    data.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    while i <= j && data.less(i, a)? {
        i += 1;
    }
    while i <= j && !data.less(j, a)? {
        j -= 1;
    }
    if i > j {
        data.swap(j, a);
        return Ok((j, true));
    }
    data.swap(i, j);
    i += 1;
    j -= 1;
    loop {
        while i <= j && data.less(i, a)? {
            i += 1;
        }
        while i <= j && !data.less(j, a)? {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
    data.swap(j, a);
    Ok((j, false))
}

fn partition_equal(data: &mut Data, a: usize, b: usize, pivot: usize) -> SortResult<usize> {
    data.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    loop {
        while i <= j && !data.less(a, i)? {
            i += 1;
        }
        while i <= j && data.less(a, j)? {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
    Ok(i)
}

fn partial_insertion_sort(data: &mut Data, a: usize, b: usize) -> SortResult<bool> {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !data.less(i, i - 1)? {
            i += 1;
        }
        if i == b {
            return Ok(true);
        }
        if b - a < SHORTEST_SHIFTING {
            return Ok(false);
        }
        data.swap(i, i - 1);
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !data.less(j, j - 1)? {
                    break;
                }
                data.swap(j, j - 1);
                j -= 1;
            }
        }
        if b - i >= 2 {
            let mut j = i + 1;
            while j < b {
                if !data.less(j, j - 1)? {
                    break;
                }
                data.swap(j, j - 1);
                j += 1;
            }
        }
    }
    Ok(false)
}

fn break_patterns(data: &mut Data, a: usize, b: usize) {
    let length = b - a;
    if length >= 8 {
        let mut random = length as u64;
        let modulus = 1usize << bits_len(length);
        let lo = a + (length / 4) * 2 - 1;
        let hi = a + (length / 4) * 2 + 1;
        for idx in lo..=hi {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            data.swap(idx, a + other);
        }
    }
}

fn choose_pivot(data: &mut Data, a: usize, b: usize) -> SortResult<(usize, Hint)> {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            i = median(data, i - 1, i, i + 1, &mut swaps)?;
            j = median(data, j - 1, j, j + 1, &mut swaps)?;
            k = median(data, k - 1, k, k + 1, &mut swaps)?;
        }
        j = median(data, i, j, k, &mut swaps)?;
    }
    Ok(match swaps {
        0 => (j, Hint::Increasing),
        MAX_SWAPS => (j, Hint::Decreasing),
        _ => (j, Hint::Unknown),
    })
}

fn order2(data: &mut Data, a: usize, b: usize, swaps: &mut usize) -> SortResult<(usize, usize)> {
    if data.less(b, a)? {
        *swaps += 1;
        return Ok((b, a));
    }
    Ok((a, b))
}

fn median(data: &mut Data, a: usize, b: usize, c: usize, swaps: &mut usize) -> SortResult<usize> {
    let (a, b) = order2(data, a, b, swaps)?;
    let (b, c) = order2(data, b, c, swaps)?;
    let (_a, b) = order2(data, a, b, swaps)?;
    let _ = c;
    Ok(b)
}

fn reverse_range(data: &mut Data, a: usize, b: usize) {
    let (mut i, mut j) = (a, b - 1);
    while i < j {
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::printers::jsonpath::tests_support::parse_json;

    fn pods(specs: &[(&str, Option<i64>, &str)]) -> Vec<Value> {
        specs
            .iter()
            .map(|(name, restarts, ts)| {
                let restarts = restarts.map(|r| format!(",\"restarts\":{r}")).unwrap_or_default();
                parse_json(&format!(
                    r#"{{"metadata":{{"name":"{name}","creationTimestamp":"{ts}"}},"status":{{"phase":"Running"{restarts}}}}}"#
                ))
            })
            .collect()
    }

    fn names(items: &[Value], order: &[usize]) -> Vec<String> {
        order
            .iter()
            .map(|&i| {
                items[i]
                    .pointer("metadata.name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn sorting_matches_kubectl() {
        let items = pods(&[
            ("web-10", Some(1), "2024-05-01T10:00:02Z"),
            ("web-2", Some(7), "2024-05-01T10:00:00Z"),
            ("web-1", None, "2024-05-01T10:00:01Z"),
            ("api", Some(0), "2024-05-01T09:59:59Z"),
        ]);
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "names sort naturally",
                ".metadata.name",
                &["api", "web-1", "web-2", "web-10"],
            ),
            (
                "braces are accepted",
                "{.metadata.name}",
                &["api", "web-1", "web-2", "web-10"],
            ),
            (
                "timestamps sort chronologically",
                ".metadata.creationTimestamp",
                &["api", "web-2", "web-1", "web-10"],
            ),
            (
                "numbers sort numerically, missing values first",
                ".status.restarts",
                &["web-1", "api", "web-10", "web-2"],
            ),
        ];
        for (name, field, want) in cases {
            let order = sort_objects(&items, field).unwrap();
            assert_eq!(names(&items, &order), *want, "{name}");
        }
    }

    #[test]
    fn equal_keys_keep_go_insertion_sort_order() {
        // Fewer than 13 items: Go's insertion sort keeps equal keys in order,
        // but items missing the key move ahead of each other.
        let items = pods(&[
            ("a", None, "t"),
            ("b", None, "t"),
            ("c", Some(1), "t"),
            ("d", Some(1), "t"),
        ]);
        let order = sort_objects(&items, ".status.restarts").unwrap();
        assert_eq!(names(&items, &order), ["b", "a", "c", "d"]);
    }

    #[test]
    fn long_lists_sort_like_go_pdqsort() {
        let specs: Vec<(String, Option<i64>)> = (0..40)
            .map(|i| (format!("p{i:02}"), Some((i * 7 % 5) as i64)))
            .collect();
        let spec_refs: Vec<(&str, Option<i64>, &str)> =
            specs.iter().map(|(n, r)| (n.as_str(), *r, "t")).collect();
        let items = pods(&spec_refs);
        let order = sort_objects(&items, ".status.restarts").unwrap();
        let keys: Vec<i64> = order
            .iter()
            .map(|&i| {
                items[i]
                    .pointer("status.restarts")
                    .and_then(Value::as_i64)
                    .unwrap_or(-1)
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn sort_errors_match_kubectl() {
        let items = pods(&[("a", Some(1), "t"), ("b", Some(2), "t")]);
        assert_eq!(
            sort_objects(&items, ".spec.nope"),
            Err(SortError::Error(
                "couldn't find any field with path \"{.spec.nope}\" in the list of objects".into()
            ))
        );
        assert_eq!(
            sort_objects(&items, "{.a}{.b}"),
            Err(SortError::Error("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into()))
        );
        assert_eq!(
            sort_objects(&items, ".metadata"),
            Err(SortError::Fatal {
                message: "Field {.metadata} in *unstructured.Unstructured is an unsortable type: interface, err: unsortable type: map[string]interface {}".into(),
                exit_code: 1
            })
        );
        assert_eq!(sort_objects(&[], ".x"), Ok(vec![]));
    }

    #[test]
    fn quantities_compare_by_value() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("millicores below a core", "500m", "1", true),
            ("mebibytes below a gigabyte", "512Mi", "1G", true),
            ("a gibibyte above a gigabyte", "1Gi", "1G", false),
            ("exponents", "1e3", "2k", true),
            ("negative numbers", "-1", "0", true),
            ("fractions", "0.5", "1", true),
        ];
        for (name, a, b, want) in cases {
            let (qa, qb) = (parse_quantity(a).unwrap(), parse_quantity(b).unwrap());
            assert_eq!(qa < qb, *want, "{name}");
        }
        for not_quantity in ["web-1", "nginx", "2024-05-01T10:00:00Z", "ki", ""] {
            assert!(parse_quantity(not_quantity).is_none(), "{not_quantity}");
        }
    }

    #[test]
    fn natural_order_matches_sortorder() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("shorter numbers first", "a2", "a10", true),
            ("leading zeros break ties", "a2", "a02", true),
            ("digits before letters", "1a", "a", true),
            ("prefix first", "abc", "abcd", true),
            ("bytewise otherwise", "B", "a", true),
        ];
        for (name, a, b, want) in cases {
            assert_eq!(natural_less(a, b), *want, "{name}");
            assert_eq!(natural_less(b, a), !*want, "{name} reversed");
        }
    }
}
