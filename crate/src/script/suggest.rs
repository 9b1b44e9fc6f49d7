//! "Did you mean ...?": the closest known name to a misspelt one.
//!
//! Distance is the optimal-string-alignment variant of Damerau-Levenshtein (insert,
//! delete, substitute, swap two adjacent characters), over characters, compared
//! case-insensitively. A candidate is offered only when it is close enough to be a
//! plausible typo: at most 1 edit for words of up to 4 characters, otherwise at most a
//! third of the word's length (minimum 2). Ties go to the earlier candidate, so the
//! order of the candidate list decides and results are deterministic.

/// Edit distance with adjacent transpositions (optimal string alignment).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// The closest candidate within the typo threshold, if any.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // Very long inputs cannot be typos of our short names; skip the quadratic work.
    let len = word.chars().count();
    if len == 0 || len > 80 {
        return None;
    }
    let limit = if len <= 4 { 1 } else { (len / 3).max(2) };
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = distance(word, c);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean X?` or an empty string.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map(|c| format!("did you mean {c}?")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("linger.m", "linger.ms"), 1);
        assert_eq!(distance("ligner.ms", "linger.ms"), 1);
        assert_eq!(distance("acks", "acks"), 0);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("ACKS", "acks"), 0);
    }

    #[test]
    fn closest_respects_threshold_and_order() {
        let names = ["linger.ms", "acks", "batch.size"];
        assert_eq!(closest("linger.m", names), Some("linger.ms"));
        assert_eq!(closest("ack", names), Some("acks"));
        assert_eq!(closest("zzzzzzzz", names), None);
        assert_eq!(closest("", names), None);
        assert_eq!(did_you_mean("batch.sise", names), "did you mean batch.size?");
    }
}
