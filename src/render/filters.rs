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
    tera.register_filter("rfc822", rfc822);
    tera.register_filter("json_encode", json_encode);
    tera.register_filter("absolute_links", absolute_links);
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

/// `{{ entry.published | rfc822 }}`: a `YYYY-MM-DD` or RFC 3339 string as RSS 2.0
/// writes dates (RFC 822, four-digit years): `Thu, 06 Jul 2017 16:30:00 +0200`.
/// Day and month names are English whatever the site's language, as RFC 822 has them.
fn rfc822(text: &str, _: Kwargs, _: &State) -> TeraResult<String> {
    formatted(text, "%a, %d %b %Y %H:%M:%S %z")
}

/// `{{ entry.title | json_encode }}`: any value as JSON (a string quoted and
/// escaped, a list or map whole), for `feed.json`. `<`, `>` and `&` are written as
/// `\u003c`, `\u003e`, `\u0026`, which JSON reads as the same text, so the output
/// is also safe inside a `<script>`. Tera 1 had a filter of this name.
fn json_encode(value: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    let json = serde_json::to_string(&value)
        .map_err(|e| tera::Error::message(format!("json_encode: {e}")))?;
    Ok(crate::text::json_html_safe(json))
}

/// `{{ entry.content | absolute_links(base=entry.permalink) }}`: HTML with every
/// `href` and `src` resolved against `base`, for feeds whose readers have no base
/// to resolve a body's relative links against (RSS, JSON Feed; Atom has `xml:base`).
fn absolute_links(html: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let base = kwargs.must_get::<&str>("base")?;
    Ok(crate::paths::absolute_links(html, base))
}

/// `{{ article.datetime | date(format="%-d %B %Y") }}`: formats a `YYYY-MM-DD` or
/// RFC 3339 string with chrono's strftime syntax (default `%Y-%m-%d`).
fn date(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
    formatted(text, format)
}

/// `text`, a date, in chrono's strftime `format`.
fn formatted(text: &str, format: &str) -> TeraResult<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, context: &tera::Context) -> String {
        let mut tera = Tera::new();
        register(&mut tera);
        tera.add_raw_template("t", template).unwrap();
        tera.render("t", context).unwrap()
    }

    #[test]
    fn rfc822_writes_rss_dates_in_their_own_offset() {
        let mut ctx = tera::Context::new();
        ctx.insert("a", "2017-07-06T16:30:00+02:00");
        ctx.insert("b", "2017-07-06");
        ctx.insert("c", "0001-01-01T00:00:00Z");
        assert_eq!(
            render("{{ a | rfc822 }}|{{ b | rfc822 }}|{{ c | rfc822 }}", &ctx),
            "Thu, 06 Jul 2017 16:30:00 +0200|Thu, 06 Jul 2017 00:00:00 +0000|Mon, 01 Jan 0001 00:00:00 +0000"
        );
    }

    #[test]
    fn json_encode_writes_json_that_reads_back_as_the_value() {
        let mut ctx = tera::Context::new();
        let nasty = "Quotes \" and \\ back\nslash </script> & \u{2028} ünï";
        ctx.insert("s", nasty);
        ctx.insert("l", &vec!["a", "b\""]);
        let out = render(
            "[{{ s | json_encode }}, {{ l | json_encode }}, {{ 3 | json_encode }}]",
            &ctx,
        );
        assert!(!out.contains('<'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, serde_json::json!([nasty, ["a", "b\""], 3]));
    }
}
