//! Quotes attributed to actors (the `quote` shortcode), indexed by actor for their
//! pages.

use super::article::Article;
use rustc_hash::FxHashMap;

/// Each actor's quotes (by slug), newest first: by the day the quote gives, else
/// its article's; then in the order of the articles (newest first) and of the body.
/// Each is the article's index and the quote's index in it.
pub fn index(articles: &[Article]) -> FxHashMap<String, Vec<(usize, usize)>> {
    let mut quotes: FxHashMap<String, Vec<(usize, usize)>> = FxHashMap::default();
    for (i, a) in articles.iter().enumerate() {
        for (q, quote) in a.quotes.iter().enumerate() {
            quotes.entry(quote.actor.clone()).or_default().push((i, q));
        }
    }
    let day = |&(i, q): &(usize, usize)| -> String {
        let a = &articles[i];
        a.quotes[q]
            .date
            .clone()
            .unwrap_or_else(|| super::date::iso_day(a.front.date.day()))
    };
    for list in quotes.values_mut() {
        // `sort_by_cached_key` is stable: equal days keep the articles' order.
        list.sort_by_cached_key(|k| std::cmp::Reverse(day(k)));
    }
    quotes
}
