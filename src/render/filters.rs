//! The filters and functions templates can use besides Tera's own, and the list of
//! what a template can call at all.
//!
//! Tera 2's core reaches nothing outside the template: no environment, no files, no
//! clock, no network (those are in `tera-contrib`, which is not a dependency). What
//! is registered here keeps it so: each works on its arguments alone.

use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Registers our filters and functions on `tera`. `range` replaces Tera's own, to
/// share one budget across a page.
pub fn register(tera: &mut Tera) {
    tera.register_filter("date", date);
    tera.register_filter("cdata", cdata);
    tera.register_function("range", range);
}

/// The most numbers the `range` calls of one page may make together. Tera 2 caps
/// one call at 100,000 numbers, but not a loop nested in a loop (400 × 400 calls
/// of 400 each); one page of a briefing needs far fewer.
pub const RANGE_BUDGET: usize = 100_000;

thread_local! {
    /// What is left of [`RANGE_BUDGET`] for the page being rendered on this thread.
    static RANGE_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(RANGE_BUDGET) };
}

/// Gives the page about to render on this thread the whole [`RANGE_BUDGET`].
pub fn reset_budget() {
    RANGE_LEFT.with(|left| left.set(RANGE_BUDGET));
}

/// `range(end, start=0, step_by=1)`, as Tera's, within [`RANGE_BUDGET`].
fn range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<u64>> {
    let number = |key: &str, default: Option<u64>| -> TeraResult<u64> {
        match kwargs.get::<Value>(key)? {
            Some(v) => v.as_u64().ok_or_else(|| {
                tera::Error::message(format!(
                    "range: `{key}` must be a whole number ≥ 0, found {v}"
                ))
            }),
            None => {
                default.ok_or_else(|| tera::Error::message(format!("range: `{key}` is required")))
            }
        }
    };
    let start = number("start", Some(0))?;
    let end = number("end", None)?;
    let step = number("step_by", Some(1))?;
    if step == 0 {
        return Err(tera::Error::message("range: `step_by` must be at least 1"));
    }
    let count = end.saturating_sub(start).div_ceil(step);
    let left = RANGE_LEFT.with(|left| left.get());
    if count > left as u64 {
        return Err(tera::Error::message(format!(
            "range: {count} numbers asked for, but a page's ranges may make {RANGE_BUDGET} in all"
        )));
    }
    RANGE_LEFT.with(|l| l.set(left - count as usize));
    Ok((start..end).step_by(step as usize).collect())
}

/// `{{ entry.content | cdata | safe }}`: the text as an XML CDATA section, for
/// markup in a feed. Much cheaper than escaping every `<` of a whole article, and
/// what feed readers expect; a `]]>` inside is split across two sections.
fn cdata(text: &str, _: Kwargs, _: &State) -> String {
    let mut out = String::with_capacity(text.len() + 12);
    out.push_str("<![CDATA[");
    let mut rest = text;
    while let Some(at) = memchr::memmem::find(rest.as_bytes(), b"]]>") {
        out.push_str(&rest[..at]);
        out.push_str("]]]]><![CDATA[>");
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out.push_str("]]>");
    out
}

/// `{{ article.datetime | date(format="%-d %B %Y") }}`: formats a `YYYY-MM-DD` or
/// RFC 3339 string with chrono's strftime syntax (default `%Y-%m-%d`).
fn date(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
    // A site has a few thousand days and a few formats, and a page shows a dozen
    // dates: each is parsed and formatted once per thread, then looked up.
    let key = (text.to_string(), format.to_string());
    if let Some(out) = DATES.with(|d| d.borrow().get(&key).cloned()) {
        return Ok(out);
    }
    let date = crate::model::date::Date::parse(text)
        .map_err(|e| tera::Error::message(format!("date: {e}")))?;
    let mut out = String::new();
    use std::fmt::Write;
    write!(out, "{}", date.at.format(format))
        .map_err(|_| tera::Error::message(format!("date: bad format {format:?}")))?;
    DATES.with(|d| {
        let mut d = d.borrow_mut();
        if d.len() >= DATES_KEPT {
            d.clear();
        }
        d.insert(key, out.clone());
    });
    Ok(out)
}

/// How many formatted dates a thread keeps.
const DATES_KEPT: usize = 20_000;

thread_local! {
    /// Dates formatted on this thread: (text, format) → output.
    static DATES: std::cell::RefCell<rustc_hash::FxHashMap<(String, String), String>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}
