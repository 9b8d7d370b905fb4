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

/// Whether the set written by [`encode`] over `n` articles holds `id`, read in place
/// (no ids are made): an index kept by an earlier build is asked which terms an
/// article had. Text that is not a set holds nothing.
pub fn contains(text: &str, n: u32, id: u32) -> bool {
    // Whether the list form `digits` holds `id`: the gaps are walked until past it.
    fn listed(digits: &[u8], id: u32) -> Option<bool> {
        let (mut next, mut gap, mut shift) = (0u32, 0u32, 0u32);
        for &b in digits {
            let v = u32::from(VALUES[b as usize]);
            if v == 64 {
                return None;
            }
            gap |= (v & 31).checked_shl(shift)?;
            if v < 32 {
                let at = next.checked_add(gap)?;
                if at >= id {
                    return Some(at == id);
                }
                next = at + 1;
                (gap, shift) = (0, 0);
            } else {
                shift += 5;
            }
        }
        Some(false)
    }
    match text.as_bytes() {
        [b'!', digits @ ..] => digits
            .get(id as usize / 6)
            .is_some_and(|&b| VALUES[b as usize] < 64 && VALUES[b as usize] & (1 << (id % 6)) != 0),
        [b'~', digits @ ..] => id < n && listed(digits, id) == Some(false),
        digits => listed(digits, id) == Some(true),
    }
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
            // Asked in place, every id answers as the set holds it.
            for id in 0..n + 3 {
                let held = ids.binary_search(&id).is_ok();
                assert_eq!(contains(&text, n, id), held, "{id} in {text}");
            }
        }
    }

    #[test]
    fn text_that_is_not_a_set_holds_nothing() {
        for text in ["*", "!*", "~*", "g", "gggggggggggg", "!"] {
            assert!((0..50).all(|id| !contains(text, 50, id)), "{text}");
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
