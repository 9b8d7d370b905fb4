//! A set of article ids as a short JSON-safe string, in the cheapest of three forms:
//!
//! - a list: the ids ascending, each as its gap from the one before (the first as
//!   itself, then `id - previous - 1`), each gap a little-endian run of base64url
//!   digits carrying 5 bits, all but the last with the digit's 32 bit set;
//! - `!` then a bitmap: digit `k` holds ids `6k`…`6k+5`, bit `j` for id `6k+j`,
//!   trailing empty digits left out;
//! - `~` then a list of the ids *not* in the set, below the index's article count.
//!
//! The empty set is `""`. A set is never longer than a bitmap of every article, one
//! byte per six: 17 KB at 100,000 articles, however common its word. `search.js`
//! reads the three forms (`decode` there; [`decode`] here, for tests).

/// The digits, by value: base64url, which JSON and URLs take as it is.
pub const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn varint_len(mut v: u32) -> usize {
    let mut n = 1;
    while v >= 32 {
        v >>= 5;
        n += 1;
    }
    n
}

fn push_varint(out: &mut String, mut v: u32) {
    while v >= 32 {
        out.push(DIGITS[(32 | (v & 31)) as usize] as char);
        v >>= 5;
    }
    out.push(DIGITS[v as usize] as char);
}

/// The gaps of ascending `ids`, as the list form writes them.
fn gaps(ids: impl Iterator<Item = u32>) -> impl Iterator<Item = u32> {
    let mut next = 0u32;
    ids.map(move |id| {
        let gap = id - next;
        next = id + 1;
        gap
    })
}

/// The ids below `n` that are not in ascending `ids`.
fn missing(ids: &[u32], n: u32) -> impl Iterator<Item = u32> + '_ {
    let mut at = 0;
    (0..n).filter(move |&id| {
        if ids.get(at) == Some(&id) {
            at += 1;
            false
        } else {
            true
        }
    })
}

/// `ids` (ascending, each below `n`) in the shortest form; ties go to the list, then
/// the bitmap, so the same set always reads the same.
pub fn encode(ids: &[u32], n: u32) -> String {
    let Some(&last) = ids.last() else {
        return String::new();
    };
    let list: usize = gaps(ids.iter().copied()).map(varint_len).sum();
    let bitmap = 1 + (last as usize + 1).div_ceil(6);
    // The complement can only win for a set of more than half the articles.
    let complement = if ids.len() * 2 > n as usize {
        1 + gaps(missing(ids, n)).map(varint_len).sum::<usize>()
    } else {
        usize::MAX
    };
    let best = list.min(bitmap).min(complement);
    let mut out = String::with_capacity(best);
    if best == list {
        for gap in gaps(ids.iter().copied()) {
            push_varint(&mut out, gap);
        }
    } else if best == bitmap {
        out.push('!');
        let mut digits = vec![0u8; bitmap - 1];
        for &id in ids {
            digits[id as usize / 6] |= 1 << (id % 6);
        }
        out.extend(digits.into_iter().map(|d| DIGITS[d as usize] as char));
    } else {
        out.push('~');
        for gap in gaps(missing(ids, n)) {
            push_varint(&mut out, gap);
        }
    }
    out
}

/// Each digit's value, by byte; 64 for a byte that is not a digit.
const VALUES: [u8; 256] = {
    let mut values = [64u8; 256];
    let mut v = 0;
    while v < 64 {
        values[DIGITS[v] as usize] = v as u8;
        v += 1;
    }
    values
};

/// Calls `f` with the place in `ids` (ascending, each below `n`) of each id the set
/// written by [`encode`] over `n` articles holds, read in place in one pass (no ids
/// are made): an index kept by an earlier build is asked which terms some articles
/// had. Text that is not a set holds nothing; a list cut short holds what it gave.
pub fn held(text: &str, n: u32, ids: &[u32], mut f: impl FnMut(usize)) {
    // The ids of the list form `digits`, ascending, until one cannot be read.
    fn listed(digits: &[u8]) -> impl Iterator<Item = u32> + '_ {
        let (mut next, mut gap, mut shift) = (0u32, 0u32, 0u32);
        let mut bytes = digits.iter();
        std::iter::from_fn(move || {
            for &b in bytes.by_ref() {
                let v = u32::from(VALUES[b as usize]);
                if v == 64 {
                    return None;
                }
                gap |= (v & 31).checked_shl(shift)?;
                if v < 32 {
                    let at = next.checked_add(gap)?;
                    next = at.checked_add(1)?;
                    (gap, shift) = (0, 0);
                    return Some(at);
                }
                shift += 5;
            }
            None
        })
    }
    // Walks `ids` and the ascending `others` together: `f` gets each place whose id
    // is among `others` (`among`), or not.
    fn merge(
        ids: &[u32],
        others: impl Iterator<Item = u32>,
        among: bool,
        f: &mut impl FnMut(usize),
    ) {
        let mut others = others.peekable();
        for (k, &id) in ids.iter().enumerate() {
            while others.next_if(|&o| o < id).is_some() {}
            if (others.peek() == Some(&id)) == among {
                f(k);
            }
        }
    }
    match text.as_bytes() {
        [b'!', digits @ ..] => {
            for (k, &id) in ids.iter().enumerate() {
                let digit = digits.get(id as usize / 6).map(|&b| VALUES[b as usize]);
                if digit.is_some_and(|v| v < 64 && v & (1 << (id % 6)) != 0) {
                    f(k);
                }
            }
        }
        [b'~', digits @ ..] => {
            // A list that cannot be read whole is not a set: it holds nothing.
            if readable(digits) && listed(digits).count() == listed_len(digits) {
                let below = &ids[..ids.partition_point(|&id| id < n)];
                merge(below, listed(digits), false, &mut f);
            }
        }
        digits => merge(ids, listed(digits), true, &mut f),
    }
}

/// Whether the list form `digits` is digits only, its last one ending a gap.
fn readable(digits: &[u8]) -> bool {
    digits.iter().all(|&b| VALUES[b as usize] < 64)
        && digits.last().is_none_or(|&b| VALUES[b as usize] < 32)
}

/// How many gaps the list form `digits` has, by its final digits (those under 32).
fn listed_len(digits: &[u8]) -> usize {
    digits.iter().filter(|&&b| VALUES[b as usize] < 32).count()
}

/// The ids of a set written by [`encode`], ascending; `None` if it is not one.
pub fn decode(text: &str, n: u32) -> Option<Vec<u32>> {
    let value = |b: u8| DIGITS.iter().position(|&d| d == b).map(|v| v as u32);
    let list = |digits: &[u8]| -> Option<Vec<u32>> {
        let (mut ids, mut next, mut gap, mut shift) = (Vec::new(), 0u32, 0u32, 0u32);
        for &b in digits {
            let v = value(b)?;
            gap |= (v & 31).checked_shl(shift)?;
            if v < 32 {
                ids.push(next.checked_add(gap)?);
                next = next + gap + 1;
                (gap, shift) = (0, 0);
            } else {
                shift += 5;
            }
        }
        (shift == 0).then_some(ids)
    };
    match text.as_bytes() {
        [b'!', digits @ ..] => {
            let mut ids = Vec::new();
            for (k, &b) in digits.iter().enumerate() {
                let v = value(b)?;
                ids.extend(
                    (0..6)
                        .filter(|j| v & (1 << j) != 0)
                        .map(|j| k as u32 * 6 + j),
                );
            }
            Some(ids)
        }
        [b'~', digits @ ..] => {
            let out = list(digits)?;
            Some(missing(&out, n).collect())
        }
        digits => list(digits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_reads_back_as_the_set_it_was() {
        let n = 1000;
        let cases: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![5, 31, 32, 999],
            (0..1000).step_by(3).collect(),
            (0..1000).filter(|i| i % 97 != 0).collect(),
            (0..1000).collect(),
        ];
        for ids in cases {
            let text = encode(&ids, n);
            assert_eq!(decode(&text, n).as_deref(), Some(&ids[..]), "{text}");
            // Asked in place, for every id at once and for each alone, every id
            // answers as the set holds it.
            let every: Vec<u32> = (0..n + 3).collect();
            let mut found = Vec::new();
            held(&text, n, &every, |k| found.push(every[k]));
            let want: Vec<u32> = every
                .iter()
                .copied()
                .filter(|id| ids.binary_search(id).is_ok())
                .collect();
            assert_eq!(found, want, "{text}");
            for id in [0, 1, 5, 31, 32, 500, 998, 999] {
                let mut one = false;
                held(&text, n, &[id], |_| one = true);
                assert_eq!(one, ids.binary_search(&id).is_ok(), "{id} in {text}");
            }
        }
    }

    #[test]
    fn text_that_is_not_a_set_holds_nothing() {
        let every: Vec<u32> = (0..50).collect();
        for text in ["*", "!*", "~*", "~g", "g", "gggggggggggg", "!"] {
            let mut found = Vec::new();
            held(text, 50, &every, |k| found.push(k));
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }

    #[test]
    fn the_shortest_form_is_chosen() {
        assert_eq!(encode(&[0, 1, 40], 100), "AAmB");
        assert!(encode(&(0..600).step_by(2).collect::<Vec<_>>(), 600).starts_with('!'));
        assert_eq!(encode(&(0..100).collect::<Vec<_>>(), 100), "~");
        assert_eq!(encode(&(1..100).collect::<Vec<_>>(), 100), "~A");
    }
}
