//! The corrections log: every correction of the site's articles, and every
//! withdrawal, newest first, as `/corrections/` and its feed show them.

use super::article::Article;
use super::date::Date;
use super::site::Site;

/// An entry of the corrections log: a correction of an article, or its withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Logged {
    /// The article, as [`Site::logged`] counts.
    pub article: usize,
    /// Which of its corrections; `None` for its withdrawal.
    pub correction: Option<usize>,
}

/// What an entry of the corrections log says, as pages and feeds show it.
pub struct Notice<'a> {
    /// The article corrected or taken down.
    pub article: &'a Article,
    /// Whether this is its withdrawal (else a correction).
    pub withdrawn: bool,
    /// When it was made.
    pub date: Date,
    /// What it says, as HTML without its `<p>`.
    pub html: &'a str,
    /// The same as plain text.
    pub text: &'a str,
    /// Where it is shown, relative to the site: the correction on its article's page,
    /// or the notice of the article taken down.
    pub url: String,
}

impl Site {
    /// What an entry of the corrections log says.
    pub fn notice(&self, entry: Logged) -> Notice<'_> {
        let article = self.logged(entry.article);
        if let Some(n) = entry.correction {
            let c = &article.front.corrections[n];
            return Notice {
                article,
                withdrawn: false,
                date: c.date,
                html: &c.html,
                text: &c.text,
                url: format!("articles/{}/#correction-{}", article.slug, n + 1),
            };
        }
        let w = (article.front.withdrawn.as_ref())
            .expect("the log names a withdrawal only of an article withdrawn");
        Notice {
            article,
            withdrawn: true,
            date: w.date,
            html: &w.html,
            text: &w.text,
            url: format!("articles/{}/#withdrawn", article.slug),
        }
    }
}

/// Every correction of `articles`, and every withdrawal, newest first (then in the
/// articles' order, then as written).
pub(super) fn corrections_log(articles: &[&Article]) -> Vec<Logged> {
    let mut log: Vec<Logged> = articles
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            let corrections = (0..a.front.corrections.len()).map(move |n| Logged {
                article: i,
                correction: Some(n),
            });
            let withdrawal = a.front.withdrawn.as_ref().map(|_| Logged {
                article: i,
                correction: None,
            });
            corrections.chain(withdrawal)
        })
        .collect();
    // A withdrawal comes after the article's corrections: first of its day.
    log.sort_by_key(|&entry| {
        let a = articles[entry.article];
        let at = match entry.correction {
            Some(n) => a.front.corrections[n].date.at,
            None => a
                .front
                .withdrawn
                .as_ref()
                .map(|w| w.date.at)
                .unwrap_or_default(),
        };
        (std::cmp::Reverse(at), entry.correction.is_some())
    });
    log
}
