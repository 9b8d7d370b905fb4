//! A call's arguments, checked against its component and against what the names
//! with a meaning (`actor`, `src`, `url`, `date`) must be.

use super::{Arg, Definition, Place};
use crate::diagnostics::did_you_mean;
use crate::model::links::Links;
use serde_json::{Map, Value};

/// Checks one argument against the component and the names with a meaning; the
/// value to give, or what is wrong and what to do.
pub(super) fn check_arg(
    name: &str,
    def: &Definition,
    arg: &Arg,
    links: &dyn Links,
    place: Option<&Place<'_>>,
    implicits: &mut Map<String, Value>,
) -> Result<Value, (String, String)> {
    let key = arg.key.as_str();
    let Some(param) = def.params.iter().find(|p| p.name == key) else {
        if def.rest {
            return Ok(arg.value.clone());
        }
        let known: Vec<&str> = def
            .params
            .iter()
            .filter(|p| !p.implicit)
            .map(|p| p.name.as_str())
            .collect();
        let help = match did_you_mean(key, &known) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("its arguments are: {}", known.join(", ")),
        };
        return Err((format!("shortcode `{name}` has no argument `{key}`"), help));
    };
    let mut value = arg.value.clone();
    if let Some(kind) = param.kind {
        value = typed(&value, kind).ok_or_else(|| {
            (
                format!(
                    "`{key}` of shortcode `{name}` expects {}, found {}",
                    a(kind),
                    describe(&arg.value)
                ),
                match kind {
                    "string" => format!("put it in quotes: {key}=\"…\""),
                    other => format!("give {}", a(other)),
                },
            )
        })?;
    }
    if let Some((_, allowed)) = def.choices.iter().find(|(k, _)| k == key) {
        if !value
            .as_str()
            .is_some_and(|v| allowed.iter().any(|a| a == v))
        {
            return Err((
                format!(
                    "`{key}` of shortcode `{name}` is one of {}, found {}",
                    allowed.join(", "),
                    describe(&value)
                ),
                {
                    let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
                    let guess = value.as_str().and_then(|v| did_you_mean(v, &names));
                    format!(
                        "write {key}=\"{}\"",
                        guess.or(names.first().copied()).unwrap_or("")
                    )
                },
            ));
        }
    }
    let Some(text) = value.as_str() else {
        return Ok(value);
    };
    match key {
        "actor" => match links.actor(text) {
            Some(actor) => {
                if let Some(name) = actor.names.first() {
                    implicits.insert("actor_name".into(), Value::from(name.as_str()));
                }
                implicits.insert("actor_url".into(), Value::from(actor.href));
                implicits.insert("actor_slug".into(), Value::from(actor.slug));
            }
            None => {
                return Err((
                    format!("`{text}` is not an actor of this site"),
                    "name an actor that an article's `actors:` or a profile in content/actors/ names, spelt the same (or one of its aliases)".into(),
                ))
            }
        },
        "src" if !text.contains("://") && !text.starts_with("//") => {
            if let Some(place) = place {
                return locate(place, text).map(Value::from);
            }
        }
        "url" if !text.is_empty() => match url::Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {
                // The site as a reader writes it (`пример.рф`, not its punycode).
                let host = u.host_str().unwrap_or_default();
                let (shown, _) = idna::domain_to_unicode(host);
                implicits.insert("url_host".into(), Value::from(shown.trim_start_matches("www.")));
                // The address as a browser sends it: `<` or a space escaped.
                return Ok(Value::from(u.as_str()));
            }
            _ => {
                return Err((
                    format!("`url` of shortcode `{name}` must be an http or https address, found {text:?}"),
                    "write the whole address: url=\"https://…\"".into(),
                ))
            }
        },
        "data" => {
            // `t.rows`: the list `rows` of data/t.toml (a TOML file is a table of keys).
            let found = place.and_then(|p| p.data).and_then(|d| {
                text.split('.').try_fold(d, |v, key| v.get(key))
            });
            match found.map(as_table) {
                Some(Some(table)) => {
                    implicits.insert("table".into(), table);
                }
                Some(None) => {
                    return Err((
                        format!("data file `{text}` is not a table"),
                        "a table is a CSV file, or a list of records (maps with the same keys, or lists) in JSON or YAML; name a list inside a file with a dot: data=\"file.list\"".into(),
                    ))
                }
                None => {
                    let names: Vec<&str> = place
                        .and_then(|p| p.data)
                        .and_then(Value::as_object)
                        .map(|m| m.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let help = match did_you_mean(text, &names) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None if names.is_empty() => "put the table in data/ as a CSV file: data/<name>.csv".into(),
                        None => format!("the data files are: {}", names.join(", ")),
                    };
                    return Err((format!("no data file `{text}` in data/"), help));
                }
            }
        }
        "date"
            if !text.is_empty()
                && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() =>
        {
            return Err((
                format!("`date` of shortcode `{name}` must be a day, found {text:?}"),
                "write it as 2017-07-07".into(),
            ));
        }
        _ => {}
    }
    Ok(value)
}

/// The address, from an article's page, of the file `src` names: in the
/// article's folder, else under `static/`.
fn locate(place: &Place<'_>, src: &str) -> Result<String, (String, String)> {
    if src.split(['/', '\\']).any(|s| s == "..") {
        return Err((
            format!("`src` {src:?} is outside the site's folders"),
            "put the file in the article's folder, or under static/".into(),
        ));
    }
    let places = crate::images::places(place.root, place.bundle, src);
    match places.iter().position(|(file, _)| file.is_file()) {
        Some(0) if place.bundle.is_some() && !src.starts_with('/') => Ok(src.to_string()),
        Some(k) => Ok(format!("../../{}", places[k].1)),
        None => {
            let looked: Vec<String> = places
                .iter()
                .map(|(f, _)| {
                    crate::diagnostics::display_path(place.root, f)
                        .display()
                        .to_string()
                })
                .collect();
            Err((
                format!("`src`: no file {src:?}"),
                format!("looked for {}", looked.join(" and ")),
            ))
        }
    }
}

/// A data file as a table, `{headers, records}` (each record a list of texts): a
/// CSV file is one already; a list of maps takes its headers from the first map's
/// keys; a list of lists is records under empty headers. `None` for anything else.
fn as_table(value: &Value) -> Option<Value> {
    if value.get("headers").is_some() && value.get("records").is_some() {
        return Some(value.clone());
    }
    let rows = value.as_array()?;
    let text = |v: &Value| match v {
        Value::String(s) => Value::from(s.as_str()),
        Value::Null => Value::from(""),
        other => Value::from(other.to_string()),
    };
    match rows.first() {
        Some(Value::Object(first)) => {
            let headers: Vec<&String> = first.keys().collect();
            let records = rows
                .iter()
                .map(|r| {
                    let r = r.as_object()?;
                    Some(Value::Array(
                        headers
                            .iter()
                            .map(|h| r.get(*h).map_or(Value::from(""), text))
                            .collect(),
                    ))
                })
                .collect::<Option<Vec<Value>>>()?;
            Some(serde_json::json!({ "headers": headers, "records": records }))
        }
        Some(Value::Array(_)) => {
            let records = rows
                .iter()
                .map(|r| {
                    r.as_array()
                        .map(|r| Value::Array(r.iter().map(text).collect()))
                })
                .collect::<Option<Vec<Value>>>()?;
            Some(serde_json::json!({ "headers": [], "records": records }))
        }
        _ => None,
    }
}

/// `value` as a parameter of Tera type `kind` takes it, if it can.
fn typed(value: &Value, kind: &str) -> Option<Value> {
    let ok = match kind {
        "string" => value.is_string(),
        "bool" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "float" => {
            return value
                .as_f64()
                .filter(|_| value.is_number())
                .map(Value::from);
        }
        "number" => value.is_number(),
        "array" => value.is_array(),
        "map" => value.is_object(),
        _ => false,
    };
    ok.then(|| value.clone())
}

fn a(kind: &str) -> String {
    match kind {
        "integer" | "array" => format!("an {kind}"),
        "string" => "text (a string)".into(),
        other => format!("a {other}"),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("text {s:?}"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::Array(_) => "a list".into(),
        _ => "a value".into(),
    }
}
