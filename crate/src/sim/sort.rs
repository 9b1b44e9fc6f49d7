//! Sorting with one copy of the code for every call site: a stable merge sort of
//! indices under a comparator behind `&dyn`, then the elements moved into place.
//!
//! The standard library's sorts are generic over the comparator, so each `sort_by` call
//! site compiles its own copy of driftsort or ipnsort (several kilobytes of wasm each);
//! the assignors and the group code sort many small lists of different shapes, and their
//! copies cost more of the playground's module than the code that calls them. Stable,
//! O(n log n), and as fast as needed for group-sized lists.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`.
pub fn sort_by<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let view: &[T] = v;
        sorted_indices(view.len(), &|a, b| cmp(&view[a], &view[b]))
    };
    permute(v, order);
}

/// Sorts `v` stably by its natural order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, &|a, b| a.cmp(b));
}

/// Sorts `v` stably by `key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: &dyn Fn(&T) -> K) {
    sort_by(v, &|a, b| key(a).cmp(&key(b)));
}

/// `0..n` ordered stably by `cmp` (bottom-up merge sort).
fn sorted_indices(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut b = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                if cmp(a[j], a[i]) == Ordering::Less {
                    b[k] = a[j];
                    j += 1;
                } else {
                    b[k] = a[i];
                    i += 1;
                }
                k += 1;
            }
            b[k..k + (mid - i)].copy_from_slice(&a[i..mid]);
            k += mid - i;
            b[k..k + (end - j)].copy_from_slice(&a[j..end]);
            start = end;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

/// Rearranges `v` so that position `i` holds what was at `order[i]`.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for i in 0..order.len() {
        let mut j = i;
        while order[j] != i && order[j] != usize::MAX {
            let k = order[j];
            v.swap(j, k);
            order[j] = usize::MAX;
            j = k;
        }
        order[j] = usize::MAX;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_library() {
        let mut x: u64 = 88172645463325252;
        for n in 0..200 {
            let mut v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 7) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|e| e.0);
            sort_by_key(&mut v, &|e| e.0);
            assert_eq!(v, want, "n={n}");
        }
    }
}
