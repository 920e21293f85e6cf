//! Stable sorting with one shared copy of the sort algorithm.
//!
//! `slice::sort_by` is generic over both the element and the comparator, so
//! every call site compiles its own copy of the merge sort (a few kilobytes
//! each in the wasm bundle). These helpers sort a permutation of indices with
//! a single, non-generic routine and then move the elements into place; only
//! a small shim is generic. Like `sort_by`, they are stable.

use std::cmp::Ordering;

/// Sorts `v` with `compare`, keeping equal elements in their original order.
pub fn sort_by<T, F>(v: &mut [T], mut compare: F)
where
    F: FnMut(&T, &T) -> Ordering,
{
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    permute(v, order);
}

/// Sorts `v` by the key `key` extracts, stably.
pub fn sort_by_key<T, K, F>(v: &mut [T], mut key: F)
where
    K: Ord,
    F: FnMut(&T) -> K,
{
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order, stably.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The indices `0..len` ordered by `compare`, ties in index order.
fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves `v[order[i]]` to position `i` for every `i`, following each cycle
/// of the permutation once.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = std::mem::replace(&mut order[at], DONE);
            if from == DONE || from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs of (key, original position): sorting by key alone shows
    /// whether ties kept their order.
    fn tagged(keys: &[u8]) -> Vec<(u8, usize)> {
        keys.iter().copied().zip(0..).collect()
    }

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let cases: &[(&str, &[u8])] = &[
            ("an empty slice stays empty", &[]),
            ("one element stays put", &[7]),
            ("sorted input is unchanged", &[1, 2, 3, 4, 5]),
            ("reversed input is turned around", &[5, 4, 3, 2, 1]),
            ("ties keep their original order", &[2, 1, 2, 1, 2, 1, 0]),
            ("all equal keys keep their order", &[3, 3, 3, 3]),
            ("a two-element swap", &[2, 1]),
            ("one long cycle", &[4, 0, 1, 2, 3]),
            ("several short cycles", &[1, 0, 3, 2, 5, 4]),
        ];
        for (name, keys) in cases {
            let mut expected = tagged(keys);
            expected.sort_by_key(|p| p.0);
            let mut got = tagged(keys);
            sort_by(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn every_entry_point_agrees_with_the_standard_library() {
        // A fixed linear congruential sequence: varied, and the same every run.
        let mut state: u32 = 12345;
        let mut next = move || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8 % 17
        };
        for len in 0..200 {
            let keys: Vec<u8> = (0..len).map(|_| next()).collect();

            let mut expected = tagged(&keys);
            let odd_first_descending =
                |a: &(u8, usize), b: &(u8, usize)| (b.0 % 2).cmp(&(a.0 % 2)).then(b.0.cmp(&a.0));
            expected.sort_by(odd_first_descending);
            let mut got = tagged(&keys);
            sort_by(&mut got, odd_first_descending);
            assert_eq!(got, expected, "sort_by, odd keys first, length {len}");

            let mut expected = tagged(&keys);
            expected.sort_by_key(|p| p.0 % 5);
            let mut got = tagged(&keys);
            sort_by_key(&mut got, |p| p.0 % 5);
            assert_eq!(got, expected, "sort_by_key, length {len}");

            let mut expected = keys.clone();
            expected.sort();
            let mut got = keys.clone();
            sort(&mut got);
            assert_eq!(got, expected, "sort, length {len}");
        }
    }
}
