//! The date archive: the articles by year and by month, as the day each was written.
//!
//! Articles are sorted newest day first, so each year and each month is a run of
//! consecutive articles: the archive is a list of ranges, not a copy of any index.

use super::article::Article;
use chrono::Datelike;
use std::ops::Range;

/// One year of articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Year {
    /// The year, as written in the articles' dates.
    pub year: i32,
    /// Its articles: indexes into `Site::articles`, newest first.
    pub articles: Range<usize>,
    /// Its months, newest first, only those with articles.
    pub months: Vec<Month>,
}

/// One month of articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Month {
    /// 1 to 12.
    pub month: u32,
    /// Its articles: indexes into `Site::articles`, newest first.
    pub articles: Range<usize>,
}

impl Year {
    /// `archive/2024/`.
    pub fn url(&self) -> String {
        format!("archive/{:04}/", self.year)
    }
}

impl Month {
    /// `archive/2024/03/`.
    pub fn url(&self, year: &Year) -> String {
        format!("archive/{:04}/{:02}/", year.year, self.month)
    }
}

/// The years of `articles`, which must be sorted newest day first, newest first.
pub fn years(articles: &[Article]) -> Vec<Year> {
    let mut years: Vec<Year> = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        let day = a.front.date.day();
        let (y, m) = (day.year(), day.month());
        match years.last_mut() {
            Some(year) if year.year == y => {
                year.articles.end = i + 1;
                match year.months.last_mut() {
                    Some(month) if month.month == m => month.articles.end = i + 1,
                    _ => year.months.push(Month {
                        month: m,
                        articles: i..i + 1,
                    }),
                }
            }
            _ => years.push(Year {
                year: y,
                articles: i..i + 1,
                months: vec![Month {
                    month: m,
                    articles: i..i + 1,
                }],
            }),
        }
    }
    years
}

/// The English name of month `m` (1 to 12).
pub fn month_name(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(m.clamp(1, 12) - 1) as usize]
}
