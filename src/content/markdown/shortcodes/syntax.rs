//! Finding shortcodes in a body: `{{ name(key="value", n=3) }}` and
//! `{% name(key="value") %}…{% end %}`, Zola's syntax, outside code spans and
//! code blocks.
//!
//! Written by hand: no crate parses Zola's shortcode syntax, and Zola's own grammar
//! is part of Zola. It is small: a name, then `key=value` pairs whose values are
//! strings (`"…"`, `'…'` or `` `…` ``), numbers, `true`/`false`, or arrays of
//! those. `{{/* … */}}` writes a shortcode as text.

use serde_json::Value;
use std::ops::Range;

/// One call of a shortcode, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Its name: `figure`.
    pub name: String,
    /// Where the name is, in the body.
    pub name_at: Range<usize>,
    /// Its arguments, in the order written.
    pub args: Vec<Arg>,
    /// The whole opening: `{{ … }}`, or `{% … %}` when it has a body.
    pub at: Range<usize>,
    /// For a call with a body: where `{% end %}` is.
    pub end: Option<Range<usize>>,
}

/// One `key=value` of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Value,
    /// Where `key=value` is, in the body.
    pub at: Range<usize>,
}

/// What was written wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where, in the body.
    pub at: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

/// What a scan of a body found.
#[derive(Debug, Default)]
pub struct Found {
    /// The calls, in the order they open.
    pub calls: Vec<Call>,
    /// `{{/*` and `*/}}` (and `{%/*`, `*/%}`): written as text without the comment
    /// marks.
    pub escapes: Vec<Range<usize>>,
    /// What could not be read.
    pub errors: Vec<SyntaxError>,
}

/// Every shortcode of `body` outside the byte ranges `code` (sorted, disjoint).
pub fn scan(body: &str, code: &[Range<usize>]) -> Found {
    let mut found = Found::default();
    // Calls with a body still waiting for their `{% end %}`, by index in `calls`.
    let mut open: Vec<usize> = Vec::new();
    let bytes = body.as_bytes();
    let mut code = code.iter().peekable();
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'{', &bytes[i..]).map(|k| i + k) {
        i = at + 1;
        while code.peek().is_some_and(|c| c.end <= at) {
            code.next();
        }
        if let Some(c) = code.peek().filter(|c| c.start <= at) {
            i = c.end;
            continue;
        }
        let block = match bytes.get(at + 1) {
            Some(b'{') => false,
            Some(b'%') => true,
            _ => continue,
        };
        let close = if block { "%}" } else { "}}" };
        // `{{/* name() */}}`: the shortcode as text.
        if body[at + 2..].starts_with("/*") {
            let tail = format!("*/{close}");
            if let Some(k) = body[at + 4..].find(&tail) {
                let end = at + 4 + k;
                found.escapes.push(at + 2..at + 4);
                found.escapes.push(end..end + 2);
                i = end + tail.len();
            }
            continue;
        }
        let mut p = Parser {
            body,
            pos: skip_space(body, at + 2),
        };
        let Some(name_at) = p.ident() else { continue };
        let name = body[name_at.clone()].to_string();
        p.pos = skip_space(body, p.pos);
        if block && name == "end" && body[p.pos..].starts_with(close) {
            let end = at..p.pos + 2;
            match open.pop() {
                Some(c) => found.calls[c].end = Some(end.clone()),
                None => found.errors.push(SyntaxError {
                    at: end.clone(),
                    message: "`{% end %}` closes no shortcode".into(),
                    help: "delete it, or open a shortcode with a body before it: `{% quote(actor=\"…\") %}`".into(),
                }),
            }
            i = end.end;
            continue;
        }
        if !body[p.pos..].starts_with('(') {
            // `{{ page.title }}`, `{% if %}`: not a shortcode.
            continue;
        }
        p.pos += 1;
        match p.args().and_then(|args| {
            p.pos = skip_space(body, p.pos);
            match body[p.pos..].starts_with(close) {
                true => Ok(args),
                false => Err(p.error(
                    format!("expected `{close}` to end the shortcode"),
                    format!("end it with `{close}`"),
                )),
            }
        }) {
            Ok(args) => {
                let call_at = at..p.pos + 2;
                i = call_at.end;
                if block {
                    open.push(found.calls.len());
                }
                found.calls.push(Call {
                    name,
                    name_at,
                    args,
                    at: call_at,
                    end: None,
                });
            }
            Err(e) => {
                i = e.at.end.max(at + 2);
                found.errors.push(e);
            }
        }
    }
    for c in open {
        let call = &found.calls[c];
        found.errors.push(SyntaxError {
            at: call.at.clone(),
            message: format!("shortcode `{}` has no `{{% end %}}`", call.name),
            help: "end its body with `{% end %}` on a line of its own".into(),
        });
    }
    found
        .calls
        .retain(|c| c.end.is_some() || body.as_bytes()[c.at.start + 1] == b'{');
    found
}

/// Whether the text between `at` and the ends of its line is blank (a blockquote's
/// `>` marks may come before): the call stands alone on its line.
pub fn alone_on_line(body: &str, at: &Range<usize>) -> bool {
    let start = body[..at.start].rfind('\n').map_or(0, |k| k + 1);
    let end = body[at.end..].find('\n').map_or(body.len(), |k| at.end + k);
    body[start..at.start]
        .chars()
        .all(|c| c == '>' || c.is_whitespace())
        && body[at.end..end].trim().is_empty()
}

fn skip_space(body: &str, mut pos: usize) -> usize {
    while body[pos..].starts_with(|c: char| c.is_whitespace()) {
        pos += body[pos..].chars().next().map_or(1, char::len_utf8);
    }
    pos
}

/// Reads the inside of a call.
struct Parser<'a> {
    body: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: String, help: String) -> SyntaxError {
        let len = self.body[self.pos..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        SyntaxError {
            at: self.pos..self.pos + len,
            message,
            help,
        }
    }

    fn ident(&mut self) -> Option<Range<usize>> {
        let start = self.pos;
        let rest = &self.body[start..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.pos += len;
        Some(start..start + len)
    }

    /// `key=value, …)`, the `)` read.
    fn args(&mut self) -> Result<Vec<Arg>, SyntaxError> {
        let mut args: Vec<Arg> = Vec::new();
        loop {
            self.pos = skip_space(self.body, self.pos);
            if self.body[self.pos..].starts_with(')') {
                self.pos += 1;
                return Ok(args);
            }
            let start = self.pos;
            let Some(key) = self.ident() else {
                return Err(self.error(
                    "expected an argument's name, or `)`".into(),
                    "write arguments as key=\"value\", separated by commas".into(),
                ));
            };
            let key = self.body[key].to_string();
            self.pos = skip_space(self.body, self.pos);
            if !self.body[self.pos..].starts_with('=') {
                return Err(self.error(
                    format!("expected `=` after `{key}`"),
                    format!("give it a value: {key}=\"…\""),
                ));
            }
            self.pos = skip_space(self.body, self.pos + 1);
            let value = self.value(0)?;
            if args.iter().any(|a| a.key == key) {
                return Err(SyntaxError {
                    at: start..self.pos,
                    message: format!("`{key}` is given twice"),
                    help: "keep one".into(),
                });
            }
            args.push(Arg {
                key,
                value,
                at: start..self.pos,
            });
            self.pos = skip_space(self.body, self.pos);
            match self.body[self.pos..].chars().next() {
                Some(',') => self.pos += 1,
                Some(')') => {}
                _ => {
                    return Err(self.error(
                        "expected `,` or `)` after an argument".into(),
                        "separate arguments with commas, and put text in quotes: caption=\"A map\""
                            .into(),
                    ))
                }
            }
        }
    }

    /// A string, number, `true`/`false` or array; arrays nest at most a few deep.
    fn value(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        let rest = &self.body[self.pos..];
        match rest.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => self.string(q).map(Value::String),
            Some('[') if depth < 4 => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.pos = skip_space(self.body, self.pos);
                    if self.body[self.pos..].starts_with(']') {
                        self.pos += 1;
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                    self.pos = skip_space(self.body, self.pos);
                    match self.body[self.pos..].chars().next() {
                        Some(',') => self.pos += 1,
                        Some(']') => {}
                        _ => {
                            return Err(self.error(
                                "expected `,` or `]` in a list".into(),
                                "write a list as [1, 2, 3]".into(),
                            ))
                        }
                    }
                }
            }
            _ if rest.starts_with("true") => {
                self.pos += 4;
                Ok(Value::Bool(true))
            }
            _ if rest.starts_with("false") => {
                self.pos += 5;
                Ok(Value::Bool(false))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let len = rest[1..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map_or(rest.len(), |k| k + 1);
                let number = &rest[..len];
                let value = match number.parse::<i64>() {
                    Ok(n) => Some(Value::from(n)),
                    Err(_) => number
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number),
                };
                match value {
                    Some(v) => {
                        self.pos += len;
                        Ok(v)
                    }
                    None => Err(SyntaxError {
                        at: self.pos..self.pos + len,
                        message: format!("`{number}` is not a number"),
                        help: "write a number as 3 or 1.5, or text in quotes".into(),
                    }),
                }
            }
            _ => Err(self.error(
                "expected a value: text in quotes, a number, true, false or a list".into(),
                "put text in quotes: caption=\"A map\"".into(),
            )),
        }
    }

    /// A string in quotes `q`; `"` and `'` strings take `\"`, `\'`, `\\` and `\n`.
    fn string(&mut self, q: char) -> Result<String, SyntaxError> {
        let start = self.pos;
        let mut out = String::new();
        let mut chars = self.body[start + 1..].char_indices();
        while let Some((k, c)) = chars.next() {
            match c {
                c if c == q => {
                    self.pos = start + 1 + k + 1;
                    return Ok(out);
                }
                '\\' if q != '`' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, c)) => out.push(c),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err(SyntaxError {
            at: start..start + 1,
            message: "this text has no closing quote".into(),
            help: format!("end it with {q}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each call's name, arguments, and whether it has a body.
    type Seen = (String, Vec<(String, Value)>, bool);

    fn calls(body: &str) -> Vec<Seen> {
        let found = scan(body, &[]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        found
            .calls
            .into_iter()
            .map(|c| {
                let args = c.args.into_iter().map(|a| (a.key, a.value)).collect();
                (c.name, args, c.end.is_some())
            })
            .collect()
    }

    fn errors(body: &str) -> Vec<String> {
        scan(body, &[])
            .errors
            .into_iter()
            .map(|e| format!("{}..{}: {} ({})", e.at.start, e.at.end, e.message, e.help))
            .collect()
    }

    #[test]
    fn every_kind_of_value_is_read() {
        assert_eq!(
            calls("a {{ figure(src=\"m.png\", alt='it\\'s', n=3, f=-1.5, b=true, c=false, l=[1, \"x\",], raw=`a\\b`) }} b"),
            [(
                "figure".to_string(),
                vec![
                    ("src".into(), Value::from("m.png")),
                    ("alt".into(), Value::from("it's")),
                    ("n".into(), Value::from(3)),
                    ("f".into(), Value::from(-1.5)),
                    ("b".into(), Value::from(true)),
                    ("c".into(), Value::from(false)),
                    ("l".into(), serde_json::json!([1, "x"])),
                    ("raw".into(), Value::from("a\\b")),
                ],
                false
            )]
        );
    }

    #[test]
    fn bodies_nest_and_end() {
        let body = "{% quote(actor=\"A\") %}\nsaid {% quote() %}\nx\n{% end %}\n{%end%}\n";
        let found = scan(body, &[]);
        assert!(found.errors.is_empty());
        assert_eq!(found.calls.len(), 2);
        assert_eq!(found.calls[0].end, Some(54..61));
        assert_eq!(found.calls[1].end, Some(44..53));
    }

    #[test]
    fn what_is_not_a_shortcode_is_left_alone() {
        assert!(calls("{{ page.title }} {% if x %} {x} {{ 3 }} {{ f.x(1) }}").is_empty());
        let body = "`{{ figure() }}` and {{ a() }}";
        let code = [std::ops::Range { start: 0, end: 16 }];
        let found = scan(body, &code);
        assert_eq!(found.calls.len(), 1);
        assert_eq!(found.calls[0].name, "a");
        let found = scan("{{/* figure() */}}", &[]);
        assert!(found.calls.is_empty());
        assert_eq!(found.escapes, [2..4, 14..16]);
    }

    #[test]
    fn mistakes_are_said_where_they_are() {
        assert_eq!(
            errors("{{ figure(src=map.png) }}"),
            ["14..15: expected a value: text in quotes, a number, true, false or a list (put text in quotes: caption=\"A map\")"]
        );
        assert_eq!(
            errors("{{ figure(src=\"a\" alt=\"b\") }}"),
            ["18..19: expected `,` or `)` after an argument (separate arguments with commas, and put text in quotes: caption=\"A map\")"]
        );
        assert_eq!(
            errors("{{ figure(src=\"a) }}"),
            ["14..15: this text has no closing quote (end it with \")"]
        );
        assert_eq!(
            errors("{{ f(a=1, a=2) }}"),
            ["10..13: `a` is given twice (keep one)"]
        );
        assert_eq!(
            errors("{{ f(a=1) %}"),
            ["10..11: expected `}}` to end the shortcode (end it with `}}`)"]
        );
        assert_eq!(
            errors("{% quote() %}\nno end"),
            ["0..13: shortcode `quote` has no `{% end %}` (end its body with `{% end %}` on a line of its own)"]
        );
        assert_eq!(
            errors("x\n{% end %}"),
            ["2..11: `{% end %}` closes no shortcode (delete it, or open a shortcode with a body before it: `{% quote(actor=\"…\") %}`)"]
        );
        assert_eq!(
            errors("{{ f(n=1.2.3) }}"),
            ["7..12: `1.2.3` is not a number (write a number as 3 or 1.5, or text in quotes)"]
        );
    }

    #[test]
    fn alone_means_nothing_else_on_the_line() {
        let body = "a\n  {{ f() }}  \n> {{ f() }}\nx {{ f() }}\n";
        let found = scan(body, &[]);
        let alone: Vec<bool> = found
            .calls
            .iter()
            .map(|c| alone_on_line(body, &c.at))
            .collect();
        assert_eq!(alone, [true, true, false]);
    }
}
