//! Declared names, looked up in O(log N): a sorted vector searched by bisection, built
//! once per parse. It is sorted by a small heapsort on (name, position): neither
//! `BTreeMap` nor the standard library's sorts, whose instantiations for this one type
//! would cost the wasm module more than the rest of this file.
//!
//! [`NameIndex`] maps a name to its first declaration; [`repeats`] finds the names
//! written a second time. Both serve `dedupe`, `pipeline`, `resolve` and the timeline's
//! `scope`; this module uses no other module of the language.

/// Names → the index of their first occurrence.
#[derive(Clone, Debug, Default)]
pub struct NameIndex(Vec<(String, u32)>);

impl NameIndex {
    pub fn new<'a>(names: impl Iterator<Item = &'a str>) -> NameIndex {
        let mut v = sorted(names);
        v.dedup_by(|later, first| later.0 == first.0);
        NameIndex(v)
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.0.binary_search_by(|(n, _)| n.as_str().cmp(name)).ok().map(|i| self.0[i].1 as usize)
    }
}

/// (name, index) sorted by name, then index: equal names keep their order.
fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> =
        names.enumerate().map(|(i, n)| (n.to_string(), u32::try_from(i).unwrap_or(u32::MAX))).collect();
    heapsort(&mut v);
    v
}

/// In place, O(n log n), in ascending (name, index) order.
fn heapsort(v: &mut [(String, u32)]) {
    fn sift_down(v: &mut [(String, u32)], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    for start in (0..v.len() / 2).rev() {
        sift_down(v, start, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// For each position in `names`, the position of the first equal name when it is a
/// repeat (`None` for first occurrences).
pub fn repeats<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Option<usize>> {
    let v = sorted(names);
    let mut out = vec![None; v.len()];
    for group in v.chunk_by(|a, b| a.0 == b.0) {
        for (_, i) in &group[1..] {
            out[*i as usize] = Some(group[0].1 as usize);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_occurrences_and_repeats() {
        let names = ["b", "a", "b", "c", "a", "b"];
        let ix = NameIndex::new(names.iter().copied());
        assert_eq!((ix.get("a"), ix.get("b"), ix.get("c"), ix.get("d")), (Some(1), Some(0), Some(3), None));
        assert_eq!(repeats(names.iter().copied()), [None, None, Some(0), None, Some(1), Some(0)]);
        let mut v: Vec<(String, u32)> = (0..200u32).map(|i| (format!("n{}", (i * 7919) % 61), i)).collect();
        let mut w = v.clone();
        heapsort(&mut v);
        w.sort();
        assert_eq!(v, w);
    }
}
