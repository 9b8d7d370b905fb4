//! Tera filters the theme and site templates can use.

use std::collections::HashMap;
use tera::{Tera, Value};

/// Registers our filters on `tera`.
pub fn register(tera: &mut Tera) {
    tera.register_filter("date", date);
    tera.register_filter("cdata", cdata);
}

/// `{{ entry.content | cdata | safe }}`: the text as an XML CDATA section, for
/// markup in a feed. Much cheaper than escaping every `<` of a whole article, and
/// what feed readers expect; a `]]>` inside is split across two sections.
fn cdata(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("cdata: expected a string"))?;
    let mut out = String::with_capacity(text.len() + 12);
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
    Ok(Value::String(out))
}

/// `{{ article.datetime | date(format="%-d %B %Y") }}`: formats a `YYYY-MM-DD` or
/// RFC 3339 string with chrono's strftime syntax (default `%Y-%m-%d`).
fn date(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("date: expected a date string"))?;
    let format = args
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or("%Y-%m-%d");
    let date = crate::model::date::Date::parse(text)
        .map_err(|e| tera::Error::msg(format!("date: {e}")))?;
    let mut out = String::new();
    use std::fmt::Write;
    write!(out, "{}", date.at.format(format))
        .map_err(|_| tera::Error::msg(format!("date: bad format {format:?}")))?;
    Ok(Value::String(out))
}
