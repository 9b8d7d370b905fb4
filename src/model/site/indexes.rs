//! The indexes made over the sorted articles: each article's terms by index, each
//! term's connections (the actors most named beside it), and each article's related
//! briefings.

use super::{CONNECTIONS, RELATED, RELATED_WINDOW};
use crate::model::article::Article;
use crate::model::taxonomy::{Taxonomy, TaxonomyKind};
use rayon::prelude::*;

/// Each article's terms in `taxonomy`, by index, each once.
pub(super) fn term_ids(articles: &[Article], taxonomy: &Taxonomy) -> Vec<Vec<usize>> {
    articles
        .par_iter()
        .map(|a| {
            let mut ids: Vec<usize> = a
                .term_slugs
                .of(taxonomy.kind)
                .filter_map(|s| taxonomy.index_of_slug(s))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect()
}

/// A hash of everything [`related`] reads: each article's actor and tag terms
/// ([`term_ids`]), in order. The taxonomies' lists of articles follow from them.
pub(super) fn related_key(ids: [&[Vec<usize>]; 2]) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&(ids[0].len() as u64).to_le_bytes());
    for (actors, tags) in ids[0].iter().zip(ids[1]) {
        for list in [actors, tags] {
            h.update(&(list.len() as u32).to_le_bytes());
            for &t in list {
                h.update(&(t as u32).to_le_bytes());
            }
        }
    }
    h.digest128()
}

/// Sets each term's connections: the actors most often named in its articles.
pub(super) fn connect(taxonomy: &mut Taxonomy, actor_ids: &[Vec<usize>], actors: usize) {
    let is_actors = taxonomy.kind == TaxonomyKind::Actors;
    let connections: Vec<Vec<(usize, usize)>> = taxonomy
        .terms
        .par_iter()
        .enumerate()
        .map(|(me, term)| {
            // Counted in place: actors are numbered densely.
            let mut tally = vec![0usize; actors];
            for &a in &term.articles {
                for &actor in &actor_ids[a] {
                    if !(is_actors && actor == me) {
                        tally[actor] += 1;
                    }
                }
            }
            let mut counts: Vec<(usize, usize)> = tally
                .into_iter()
                .enumerate()
                .filter(|&(_, n)| n > 0)
                .collect();
            counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            counts.truncate(CONNECTIONS);
            counts
        })
        .collect();
    for (term, c) in taxonomy.terms.iter_mut().zip(connections) {
        term.connections = c;
    }
}

/// Candidate `other` for article `me`'s related briefings, sharing `shared` terms
/// with it, as one number that orders as the ranking does: more shared terms first,
/// then the nearer in time, then the newer (the smaller index). Sorting numbers rather
/// than comparing pairs in a closure halved the ranking at 100,000 articles.
fn rank(shared: u32, other: usize, me: usize) -> u128 {
    (u128::from(u32::MAX - shared) << 96)
        | ((other.abs_diff(me).min(u32::MAX as usize) as u128) << 64)
        | other as u128
}

/// Each article's related briefings: those sharing the most actors and tags with it
/// (ties to the nearer in time), at most [`RELATED`], newest first. Candidates are
/// the [`RELATED_WINDOW`] neighbours in time on each side in every shared term.
/// `ids` are each article's actor and tag terms ([`term_ids`]).
pub(super) fn related(taxonomies: &[Taxonomy; 5], ids: [&[Vec<usize>]; 2]) -> Vec<Vec<usize>> {
    let kinds = [TaxonomyKind::Actors, TaxonomyKind::Tags];
    let n = ids[0].len();
    (0..n)
        .into_par_iter()
        .map_init(
            // Per thread: a count for every article, and those counted so far, so
            // counting costs one step per candidate and clearing one per counted.
            || (vec![0u32; n], Vec::new()),
            |(counts, seen), me| {
                for (k, kind) in kinds.iter().enumerate() {
                    let taxonomy = &taxonomies[*kind as usize];
                    for &t in &ids[k][me] {
                        let list = &taxonomy.terms[t].articles;
                        let Ok(at) = list.binary_search(&me) else {
                            continue;
                        };
                        let from = at.saturating_sub(RELATED_WINDOW);
                        let to = (at + RELATED_WINDOW + 1).min(list.len());
                        for &other in &list[from..to] {
                            if other != me {
                                if counts[other] == 0 {
                                    seen.push(other);
                                }
                                counts[other] += 1;
                            }
                        }
                    }
                }
                let mut ranked: Vec<u128> = seen
                    .drain(..)
                    .map(|other| rank(std::mem::take(&mut counts[other]), other, me))
                    .collect();
                if ranked.len() > RELATED {
                    ranked.select_nth_unstable(RELATED);
                    ranked.truncate(RELATED);
                }
                // A fresh vector, not `ranked`'s buffer reused: 10,000 articles kept
                // 75 MB of unused capacity that way.
                let mut chosen: Vec<usize> = ranked.iter().map(|&k| k as u64 as usize).collect();
                chosen.sort_unstable();
                chosen
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number orders candidates as the ranking says, ties and all.
    #[test]
    fn a_rank_orders_by_shared_terms_then_nearness_then_newness() {
        let me = 50;
        let mut candidates = Vec::new();
        for other in (0..100).filter(|&o| o != me) {
            for shared in [1, 2, 3] {
                candidates.push((other, shared));
            }
        }
        let mut by_rank = candidates.clone();
        by_rank.sort_by_key(|&(other, shared)| rank(shared, other, me));
        let mut by_rule = candidates;
        by_rule.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(a.0.abs_diff(me).cmp(&b.0.abs_diff(me)))
                .then(a.0.cmp(&b.0))
        });
        assert_eq!(by_rank, by_rule);
        assert_eq!(&by_rank[..3], &[(49, 3), (51, 3), (48, 3)]);
    }
}
