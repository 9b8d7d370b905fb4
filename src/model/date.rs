//! Dates of articles: `YYYY-MM-DD`, or RFC 3339 with a time and an offset.

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, Offset, TimeZone};
pub use chrono_tz::Tz;
use std::fmt;

/// When something was published, as written: a day, or an instant with its offset.
/// Two dates are equal, and hash alike, when they are written alike: the same instant
/// at another offset is another date.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Date {
    /// The instant; a bare day is midnight UTC.
    pub at: DateTime<FixedOffset>,
    /// Whether the source gave a time of day.
    pub has_time: bool,
}

impl PartialEq for Date {
    fn eq(&self, other: &Date) -> bool {
        self.as_written_key() == other.as_written_key()
    }
}

impl Eq for Date {}

impl std::hash::Hash for Date {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_written_key().hash(h);
    }
}

/// Why a time without an offset is refused where the site has no `timezone`.
const NO_OFFSET: &str = "a time needs an offset, such as Z or +02:00, or a `timezone` in site.toml";

/// A date that is neither `YYYY-MM-DD` nor RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// What was found, for the message.
    pub found: String,
    /// Why it was refused, when the shape was right but the value was not.
    pub reason: Option<String>,
    /// A time that never was in the site's zone (the clocks went forward over it):
    /// the time the clocks showed at that moment, as it would be written, for the
    /// help. The message is then `reason` alone: nothing is wrong with the shape.
    pub skipped_to: Option<String>,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(reason), Some(_)) = (&self.reason, &self.skipped_to) {
            return f.write_str(reason);
        }
        write!(f, "expected YYYY-MM-DD or RFC 3339, found {:?}", self.found)?;
        if let Some(reason) = &self.reason {
            write!(f, " ({reason})")?;
        }
        Ok(())
    }
}

/// True when `s` starts with `YYYY-MM-DD` (digits and dashes; the day itself unchecked).
/// Its first 10 bytes are then ASCII, so slicing at 10 is safe.
pub fn starts_with_day(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

impl Date {
    /// Parses `YYYY-MM-DD` or RFC 3339 (`2017-07-07T16:30:00+02:00`).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        Self::parse_in(text, None)
    }

    /// Parses a date of a site whose `timezone` is `zone`. With a zone, a day is its
    /// midnight there, a time without an offset is read there, and a time with one is
    /// moved there (the same instant), so that [`Date::day`] is the day in that zone.
    /// Without one, a day is midnight UTC and a time needs its offset.
    pub fn parse_in(text: &str, zone: Option<Tz>) -> Result<Date, DateError> {
        let s = text.trim();
        let error = |reason: Option<&str>| DateError {
            found: text.to_string(),
            reason: reason.map(str::to_string),
            skipped_to: None,
        };
        let date = match zone {
            Some(zone) => Self::parse_in_zone(s, zone, &error)?,
            None => Self::parse_as_written(s, &error)?,
        };
        // What every output format (sitemaps, feeds, JSON-LD) can hold: years 1 to
        // 9999, offsets real time zones use.
        if date.at.year() < 1 {
            return Err(error(Some("the year must be 1 to 9999")));
        }
        if date.at.offset().local_minus_utc().abs() > 14 * 3600 {
            return Err(error(Some(
                "an offset is at most ±14:00, as real time zones are",
            )));
        }
        Ok(date)
    }

    /// [`Date::parse`] without the range checks.
    fn parse_as_written(
        s: &str,
        error: &dyn Fn(Option<&str>) -> DateError,
    ) -> Result<Date, DateError> {
        if !starts_with_day(s) {
            return Err(error(None));
        }
        if s.len() == 10 {
            let day = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| error(Some("no such day in the calendar")))?;
            let at = FixedOffset::east_opt(0)
                .expect("zero offset is valid")
                .from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight is valid"));
            return Ok(Date {
                at,
                has_time: false,
            });
        }
        // RFC 3339 allows a space or lowercase `t` between date and time.
        DateTime::parse_from_rfc3339(s)
            .map(|at| Date { at, has_time: true })
            .map_err(|e| {
                if NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").is_err() {
                    error(Some("no such day in the calendar"))
                } else if s[10..].contains(['+', '-', 'Z', 'z']) {
                    error(Some(&e.to_string()))
                } else {
                    error(Some(NO_OFFSET))
                }
            })
    }

    /// [`Date::parse_in`] with a zone, before the range checks.
    fn parse_in_zone(
        s: &str,
        zone: Tz,
        error: &dyn Fn(Option<&str>) -> DateError,
    ) -> Result<Date, DateError> {
        if !starts_with_day(s) {
            return Err(error(None));
        }
        let local = |naive: chrono::NaiveDateTime, has_time: bool| {
            match zone.from_local_datetime(&naive) {
                // The clocks went back: the first of the two.
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(Date {
                    at: at.fixed_offset(),
                    has_time,
                }),
                LocalResult::None => {
                    // The moment meant, read with the offset before the change, is
                    // what the clocks showed after it: 02:30 CET is 03:30 CEST.
                    let before = zone
                        .from_local_datetime(&(naive - chrono::Duration::hours(3)))
                        .earliest()
                        .map(|t| t.offset().fix());
                    let shown = before
                        .and_then(|o| o.from_local_datetime(&naive).single())
                        .map(|t| t.with_timezone(&zone).naive_local());
                    let mut e = error(Some(&format!(
                        "there was no {} on {} in {}: the clocks went forward then",
                        naive.format("%H:%M"),
                        naive.format("%-d %B %Y"),
                        zone.name()
                    )));
                    e.skipped_to = Some(match shown {
                        Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        None => naive.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    });
                    Err(e)
                }
            }
        };
        if s.len() == 10 {
            let day = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| error(Some("no such day in the calendar")))?;
            // A day with no midnight (a clock change at 00:00) starts when it starts.
            let start = (0..24)
                .filter_map(|h| day.and_hms_opt(h, 0, 0))
                .find_map(|t| local(t, false).ok());
            return start.ok_or_else(|| error(Some("no such day in the time zone")));
        }
        match Self::parse_as_written(s, error) {
            Ok(date) => Ok(Date {
                at: date.at.with_timezone(&zone).fixed_offset(),
                has_time: true,
            }),
            Err(e) if e.reason.as_deref() == Some(NO_OFFSET) => {
                let naive = [
                    "%Y-%m-%dT%H:%M:%S%.f",
                    "%Y-%m-%d %H:%M:%S%.f",
                    "%Y-%m-%dT%H:%M",
                ]
                .iter()
                .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
                .ok_or(e)?;
                local(naive, true)
            }
            Err(e) => Err(e),
        }
    }

    /// The zone of its time as a reader knows it, for a page to show beside the time:
    /// the abbreviation `zone` uses then (`CEST`), else `UTC` or `UTC+02:00`; `None`
    /// for a day without a time.
    pub fn zone_label(&self, zone: Option<Tz>) -> Option<String> {
        use chrono_tz::OffsetName;
        if !self.has_time {
            return None;
        }
        let named = zone.and_then(|z| {
            let offset = z.offset_from_utc_datetime(&self.at.naive_utc());
            // Some zones have only numbers (`+03`): those say no more than UTC+03:00.
            (offset.abbreviation()?.starts_with(char::is_alphabetic))
                .then(|| offset.abbreviation().map(str::to_string))
                .flatten()
        });
        Some(
            named.unwrap_or_else(|| match self.at.offset().local_minus_utc() {
                0 => "UTC".into(),
                _ => format!("UTC{}", self.at.format("%:z")),
            }),
        )
    }

    /// Whether it can be before `other`: a bare day on `other`'s own day is not (a
    /// correction made the day an article was published, written as a day), else
    /// by instant.
    pub fn is_before(&self, other: &Date) -> bool {
        if !self.has_time {
            self.day() < other.day()
        } else {
            self.at < other.at
        }
    }

    /// What the date's text is made of: the instant, its offset and whether it has a
    /// time. What dates are compared and hashed by: chrono compares and hashes an
    /// instant alone, and the same instant written at another offset shows another
    /// day, time or text (and can fall in another edition), so a front matter or a
    /// fingerprint that saw only the instant missed the change.
    fn as_written_key(&self) -> (DateTime<FixedOffset>, i32, bool) {
        (self.at, self.at.offset().local_minus_utc(), self.has_time)
    }

    /// The calendar day as written (in the date's own offset): `2017-07-06`.
    pub fn day(&self) -> NaiveDate {
        self.at.date_naive()
    }

    /// RFC 3339, for `datetime` attributes and feeds.
    pub fn rfc3339(&self) -> String {
        self.at.to_rfc3339()
    }

    /// As precise as written: the day (`2017-07-06`) when no time was given, else
    /// RFC 3339. For `<time datetime>`, the sitemap and structured data.
    pub fn as_written(&self) -> String {
        if self.has_time {
            self.rfc3339()
        } else {
            iso_day(self.day())
        }
    }

    /// RFC 3339 with a time, as Atom requires: midnight for a day (UTC's, written
    /// `Z`, without a time zone).
    pub fn with_time(&self) -> String {
        if self.has_time || self.at.offset().local_minus_utc() != 0 {
            self.rfc3339()
        } else {
            let mut s = iso_day(self.day());
            s.push_str("T00:00:00Z");
            s
        }
    }
}

/// `YYYY-MM-DD`, as `NaiveDate`'s `Display` writes it, without the formatting
/// machinery: every item, card and feed entry writes one or two.
pub fn iso_day(day: NaiveDate) -> String {
    use chrono::Datelike;
    let year = day.year();
    if !(0..=9999).contains(&year) {
        return day.to_string();
    }
    let mut s = String::with_capacity(20);
    let digits = |s: &mut String, n: u32, width: u32| {
        for place in (0..width).rev() {
            s.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
        }
    };
    digits(&mut s, year as u32, 4);
    s.push('-');
    digits(&mut s, day.month(), 2);
    s.push('-');
    digits(&mut s, day.day(), 2);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_equal_and_hashes_alike_only_when_written_alike() {
        use std::hash::{BuildHasher, RandomState};
        let hashes = RandomState::new();
        let [utc, paris, again] = [
            "2017-07-12T23:30:00Z",
            "2017-07-13T01:30:00+02:00",
            "2017-07-12T23:30:00+00:00",
        ]
        .map(|text| Date::parse(text).unwrap());
        // The same instant, written at another offset: another day as written.
        assert_eq!(utc.at, paris.at);
        assert_ne!(utc, paris);
        assert_ne!(hashes.hash_one(utc), hashes.hash_one(paris));
        assert_eq!(utc, again);
        assert_eq!(hashes.hash_one(utc), hashes.hash_one(again));
        // A day is not the midnight written with a time.
        assert_ne!(
            Date::parse("2017-07-12").unwrap(),
            Date::parse("2017-07-12T00:00:00Z").unwrap()
        );
    }

    #[test]
    fn iso_days_are_written_as_chrono_writes_them() {
        for (y, m, d) in [
            (2017, 7, 6),
            (1, 1, 1),
            (999, 12, 31),
            (9999, 10, 9),
            (-5, 3, 4),
            (12345, 1, 2),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_day(day), day.to_string());
        }
    }

    #[test]
    fn parses_a_day() {
        let d = Date::parse("2017-07-06").unwrap();
        assert_eq!(d.day().to_string(), "2017-07-06");
        assert!(!d.has_time);
        assert_eq!(d.rfc3339(), "2017-07-06T00:00:00+00:00");
    }

    #[test]
    fn parses_rfc3339_keeping_the_offset() {
        let d = Date::parse("2017-07-07T00:30:00+02:00").unwrap();
        assert!(d.has_time);
        assert_eq!(d.day().to_string(), "2017-07-07");
        assert_eq!(d.rfc3339(), "2017-07-07T00:30:00+02:00");
    }

    #[test]
    fn refuses_other_shapes_with_what_was_found() {
        let e = Date::parse("July 6").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"expected YYYY-MM-DD or RFC 3339, found "July 6""#
        );
        assert!(Date::parse("2017").is_err());
        assert!(Date::parse("17-07-06").is_err());
    }

    #[test]
    fn refuses_days_that_do_not_exist() {
        let e = Date::parse("2017-02-30").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"expected YYYY-MM-DD or RFC 3339, found "2017-02-30" (no such day in the calendar)"#
        );
    }

    #[test]
    fn a_time_needs_an_offset() {
        let e = Date::parse("2017-07-06T10:00:00").unwrap_err();
        assert!(
            e.to_string().ends_with(
                "(a time needs an offset, such as Z or +02:00, or a `timezone` in site.toml)"
            ),
            "{e}"
        );
    }

    #[test]
    fn a_site_time_zone_reads_days_and_times_there() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let day = Date::parse_in("2017-07-06", Some(berlin)).unwrap();
        assert_eq!(day.rfc3339(), "2017-07-06T00:00:00+02:00");
        assert_eq!(day.with_time(), "2017-07-06T00:00:00+02:00");
        assert_eq!(day.as_written(), "2017-07-06");
        let local = Date::parse_in("2017-07-06T16:30:00", Some(berlin)).unwrap();
        assert_eq!(local.rfc3339(), "2017-07-06T16:30:00+02:00");
        let winter = Date::parse_in("2017-01-06 16:30", Some(berlin));
        assert!(winter.is_err(), "seconds are required: {winter:?}");
        let winter = Date::parse_in("2017-01-06T16:30", Some(berlin)).unwrap();
        assert_eq!(winter.rfc3339(), "2017-01-06T16:30:00+01:00");
        // The same instant, moved to the site's zone: its day is Berlin's.
        let moved = Date::parse_in("2017-07-06T23:30:00-05:00", Some(berlin)).unwrap();
        assert_eq!(moved.rfc3339(), "2017-07-07T06:30:00+02:00");
        assert_eq!(moved.day().to_string(), "2017-07-07");
        assert_eq!(
            moved.at,
            Date::parse("2017-07-06T23:30:00-05:00").unwrap().at
        );
        // 02:30 on the last Sunday of March does not exist in Berlin.
        let gap = Date::parse_in("2017-03-26T02:30:00", Some(berlin)).unwrap_err();
        assert_eq!(
            gap.to_string(),
            "there was no 02:30 on 26 March 2017 in Europe/Berlin: the clocks went forward then"
        );
        assert_eq!(gap.skipped_to.as_deref(), Some("2017-03-26T03:30:00"));
        // A time is shown with its zone as readers know it.
        let summer = Date::parse_in("2017-07-07T09:30:00Z", Some(berlin)).unwrap();
        assert_eq!(summer.zone_label(Some(berlin)).as_deref(), Some("CEST"));
        assert_eq!(winter.zone_label(Some(berlin)).as_deref(), Some("CET"));
        assert_eq!(day.zone_label(Some(berlin)), None);
        let dubai: Tz = "Asia/Dubai".parse().unwrap();
        let gulf = Date::parse_in("2017-07-07T09:30:00", Some(dubai)).unwrap();
        assert_eq!(gulf.zone_label(Some(dubai)).as_deref(), Some("UTC+04:00"));
        let plain = Date::parse("2017-07-07T09:30:00+02:00").unwrap();
        assert_eq!(plain.zone_label(None).as_deref(), Some("UTC+02:00"));
        let utc = Date::parse("2017-07-07T09:30:00Z").unwrap();
        assert_eq!(utc.zone_label(None).as_deref(), Some("UTC"));
        // The hour that happens twice is its first.
        let twice = Date::parse_in("2017-10-29T02:30:00", Some(berlin)).unwrap();
        assert_eq!(twice.rfc3339(), "2017-10-29T02:30:00+02:00");
        // Without a zone nothing changes.
        assert_eq!(
            Date::parse_in("2017-07-06", None).unwrap().with_time(),
            "2017-07-06T00:00:00Z"
        );
    }

    /// Regression (hardening issue): such dates reached the sitemap as `<lastmod>`
    /// values its schema refuses.
    #[test]
    fn refuses_years_and_offsets_no_output_format_holds() {
        for (text, reason) in [
            ("0000-07-06", "the year must be 1 to 9999"),
            ("0000-07-06T10:00:00Z", "the year must be 1 to 9999"),
            (
                "2017-07-06T10:00:00+23:59",
                "an offset is at most ±14:00, as real time zones are",
            ),
            (
                "2017-07-06T10:00:00-14:01",
                "an offset is at most ±14:00, as real time zones are",
            ),
        ] {
            let e = Date::parse(text).unwrap_err();
            assert!(
                e.to_string().ends_with(&format!("({reason})")),
                "{text}: {e}"
            );
        }
        for text in [
            "0001-01-01",
            "9999-12-31T23:59:59+14:00",
            "2017-07-06T10:00:00-12:00",
        ] {
            assert!(Date::parse(text).is_ok(), "{text}");
        }
    }
}
