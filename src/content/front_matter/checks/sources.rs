//! `source:` and `sources:`: the stories an article is based on, each a name or a
//! mapping, checked where it is written.

use super::super::{advice, web_url, RawSource};
use super::Checks;
use crate::diagnostics::Diagnostic;
use crate::model::article::Source;
use crate::model::slug::term_slug;

impl Checks<'_> {
    /// `source:` or `sources:`: one source, or a non-empty list of them whose first is
    /// primary. Both at once is an error at the later key; so is an empty list; a
    /// source named twice in the list is a warning.
    pub(super) fn sources(
        &mut self,
        one: Option<RawSource>,
        many: Option<Vec<RawSource>>,
    ) -> Option<Vec<Source>> {
        let list = match (one, many) {
            (None, None) => return None,
            (Some(one), None) => return Some(vec![self.source("source", one)]),
            (Some(_), Some(_)) => {
                let at = |key| self.index.key(key, 0).unwrap_or((self.fence, 1));
                let (single, list) = (at("source"), at("sources"));
                let (line, col) = single.max(list);
                let second = if single > list { "source" } else { "sources" };
                self.errors.push(
                    Diagnostic::error(
                        self.path,
                        format!("{second}: `source:` and `sources:` cannot both be given; keep one"),
                    )
                    .at(line, col, self.text)
                    .help("move the outlet of `source:` into the `sources:` list (the first is the primary source) and remove the `source:` line"),
                );
                return None;
            }
            (None, Some(list)) => list,
        };
        if list.is_empty() {
            self.error_with_help(
                "sources",
                "expected at least one source, found an empty list".into(),
                Some(
                    "name the outlet, such as `sources: [Reuters]`, or write `source: Reuters`"
                        .into(),
                ),
            );
            return None;
        }
        let sources: Vec<Source> = list
            .into_iter()
            .enumerate()
            .map(|(n, raw)| self.source(&format!("sources.{n}"), raw))
            .collect();
        let mut seen: Vec<String> = Vec::with_capacity(sources.len());
        for s in &sources {
            let slug = term_slug(&s.name);
            if s.name.is_empty() {
                continue;
            }
            if seen.contains(&slug) {
                let (line, col) = self.index.value("sources").unwrap_or((self.fence, 1));
                self.warnings.push(
                    Diagnostic::warning(
                        self.path,
                        format!("sources: {:?} is named twice; it counts once", s.name),
                    )
                    .at_value(line, col, self.text)
                    .help("remove the second"),
                );
            } else {
                seen.push(slug);
            }
        }
        Some(sources)
    }

    /// One source (`key` is `source`, or `sources.N` for an item of the list): a name
    /// or a mapping, with its link and date checked.
    fn source(&mut self, key: &str, raw: RawSource) -> Source {
        let mut named = true;
        let source = match raw {
            RawSource::Name(name) => Source {
                name: name.trim().to_string(),
                url: None,
                author: None,
                published: None,
            },
            RawSource::Full(map) => {
                let published = map
                    .published
                    .and_then(|d| self.date(&format!("{key}.published"), &d));
                let url = map
                    .url
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty());
                if let Some(Err(message)) = url.as_deref().map(web_url) {
                    self.error(&format!("{key}.url"), message);
                }
                if map.name.is_none() {
                    named = false;
                    self.nameless_source(key);
                }
                Source {
                    name: map.name.unwrap_or_default().trim().to_string(),
                    url,
                    author: map.author.filter(|a| !a.trim().is_empty()),
                    published,
                }
            }
        };
        if named && source.name.is_empty() {
            let name = format!("{key}.name");
            let key = if self.index.value(&name).is_some() {
                name
            } else {
                key.to_string()
            };
            self.error(
                &key,
                "expected the outlet's name, found an empty string".into(),
            );
        }
        source
    }

    /// A source given as a mapping without a name: `name:` left empty, or not written.
    fn nameless_source(&mut self, key: &str) {
        let name = format!("{key}.name");
        if let Some(d) = advice::nothing_written(self.path, self.text, self.index, &name) {
            self.errors.push(d);
            return;
        }
        let (line, col) = self
            .index
            .key(key, 0)
            .or_else(|| self.index.key(&format!("{key}.url"), 0))
            .or_else(|| self.index.key("sources", 0))
            .unwrap_or((self.fence, 1));
        let indent = ["url", "author", "published"]
            .iter()
            .find_map(|k| self.index.key(&format!("{key}.{k}"), 0))
            .map_or(2, |(_, col)| col - 1);
        let (shown, under) = match key {
            "source" => ("source", "`source:`".to_string()),
            _ => ("sources", "the item".to_string()),
        };
        self.errors.push(
            Diagnostic::error(self.path, format!("{shown}: missing required key `name`"))
                .at(line, col, self.text)
                .help(format!(
                    "add a line `{}name: Reuters` under {under}",
                    " ".repeat(indent)
                )),
        );
    }
}
