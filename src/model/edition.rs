//! Daily editions: the articles of each day, as the home page groups them.
//!
//! A day is the day of each article's date in the site's time zone (see
//! [`crate::model::date::Date::day`]); its articles are in the home page's order
//! (`weight:` first, then newest first), so an edition reads as the home page's day.

use super::article::Article;
use chrono::NaiveDate;

/// One day's edition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edition {
    /// The day.
    pub day: NaiveDate,
    /// Its articles, indexes into `Site::articles`, in the home page's order.
    pub articles: Vec<usize>,
}

impl Edition {
    /// `editions/2017-07-07/`.
    pub fn url(&self) -> String {
        format!("editions/{}/", self.day.format("%Y-%m-%d"))
    }

    /// `Friday 7 July 2017`, as the home page's day headings say it.
    pub fn label(&self) -> String {
        label(self.day)
    }
}

/// A day as headings say it: `Friday 7 July 2017`.
pub fn label(day: NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

/// The editions of articles shown in `home` order (the home page's), newest day
/// first. Each day's articles are consecutive in that order.
pub fn editions(articles: &[Article], home: &[usize]) -> Vec<Edition> {
    let day = |i: usize| articles[i].front.date.day();
    home.chunk_by(|&a, &b| day(a) == day(b))
        .map(|run| Edition {
            day: day(run[0]),
            articles: run.to_vec(),
        })
        .collect()
}
