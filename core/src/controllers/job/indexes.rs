//! Completion indexes as the Job status writes them: ordered, merged
//! intervals printed as `1,3-5,7` (two neighbours as `1,2`).

use std::fmt;

/// Ordered, non-overlapping, non-adjacent index intervals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Intervals(Vec<(i32, i32)>);

impl Intervals {
    /// `parseIndexesFromString`: intervals below `completions`; corrupt
    /// pieces are skipped, and parsing stops at the first index out of range.
    pub fn parse(s: &str, completions: i32) -> Intervals {
        let mut out: Vec<(i32, i32)> = Vec::new();
        if s.is_empty() {
            return Intervals(out);
        }
        for piece in s.split(',') {
            let mut limits = piece.split('-');
            let Some(first) = limits.next().and_then(|f| f.parse::<i32>().ok()) else {
                continue;
            };
            if first >= completions {
                break;
            }
            let last = match limits.next() {
                None => first,
                Some(l) => match l.parse::<i32>() {
                    Ok(l) => l.min(completions - 1),
                    Err(_) => continue,
                },
            };
            match out.last_mut() {
                Some(prev) if prev.1.checked_add(1) == Some(first) => prev.1 = last,
                _ => out.push((first, last)),
            }
        }
        Intervals(out)
    }

    /// These intervals plus `new` (increasing indexes).
    pub fn with_indexes(&self, new: &[i32]) -> Intervals {
        self.merge(&Intervals(new.iter().map(|&i| (i, i)).collect()))
    }

    /// The union of two interval lists.
    pub fn merge(&self, other: &Intervals) -> Intervals {
        let mut out: Vec<(i32, i32)> = Vec::with_capacity(self.0.len() + other.0.len());
        let mut push = |iv: (i32, i32)| match out.last_mut() {
            Some(last) if i64::from(iv.0) <= i64::from(last.1) + 1 => {
                if last.1 < iv.1 {
                    last.1 = iv.1;
                }
            }
            _ => out.push(iv),
        };
        let (mut i, mut j) = (0, 0);
        while i < self.0.len() && j < other.0.len() {
            if self.0[i].0 < other.0[j].0 {
                push(self.0[i]);
                i += 1;
            } else {
                push(other.0[j]);
                j += 1;
            }
        }
        self.0[i..].iter().for_each(|iv| push(*iv));
        other.0[j..].iter().for_each(|iv| push(*iv));
        Intervals(out)
    }

    /// How many indexes the intervals hold.
    pub fn total(&self) -> i32 {
        let n: i64 = self
            .0
            .iter()
            .map(|(a, b)| i64::from(*b) - i64::from(*a) + 1)
            .sum();
        i32::try_from(n).unwrap_or(i32::MAX)
    }

    pub fn has(&self, ix: i32) -> bool {
        let pos = self.0.partition_point(|iv| iv.1 < ix);
        self.0.get(pos).is_some_and(|iv| iv.0 <= ix)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn intervals(&self) -> &[(i32, i32)] {
        &self.0
    }

    /// The first `count` indexes below `completions` not covered
    /// (`firstPendingIndexes`).
    pub fn first_missing(&self, count: usize, completions: i32) -> Vec<i32> {
        let mut out = Vec::with_capacity(count.min(1024));
        let mut candidate = 0;
        for &(first, last) in &self.0 {
            while candidate < completions && out.len() < count && candidate < first {
                out.push(candidate);
                candidate += 1;
            }
            if candidate <= last {
                candidate = last.saturating_add(1);
            }
        }
        while candidate < completions && out.len() < count {
            out.push(candidate);
            candidate += 1;
        }
        out
    }
}

impl fmt::Display for Intervals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (first, last)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{first}")?;
            if last > first {
                let sep = if *last == first + 1 { "," } else { "-" };
                write!(f, "{sep}{last}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_merge_and_print_as_the_status_does() {
        let cases: &[(&str, &str, i32, &[i32], &str)] = &[
            ("empty plus nothing stays empty", "", 5, &[], ""),
            ("neighbours print with a comma", "", 5, &[1, 2], "1,2"),
            ("a run prints with a dash", "", 9, &[3, 4, 5, 7], "3-5,7"),
            ("new indexes join existing runs", "0,2", 9, &[1, 3], "0-3"),
            ("indexes beyond completions are cut", "1-20", 5, &[], "1-4"),
            ("corrupt pieces are skipped", "x,2", 5, &[], "2"),
        ];
        for (name, start, completions, add, want) in cases {
            let got = Intervals::parse(start, *completions).with_indexes(add);
            assert_eq!(got.to_string(), *want, "{name}");
        }
    }

    #[test]
    fn first_missing_skips_covered_indexes() {
        let covered = Intervals::parse("0,2-3", 10);
        assert_eq!(covered.first_missing(3, 10), vec![1, 4, 5]);
        assert_eq!(covered.first_missing(10, 5), vec![1, 4]);
        assert!(covered.has(3) && !covered.has(1) && covered.total() == 3);
    }
}
