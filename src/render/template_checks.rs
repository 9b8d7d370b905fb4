//! What Tera 2 does not refuse when templates load, refused here with the tag at
//! fault: include and extends loops (Tera stops at the first, without a position)
//! and components that call themselves (Tera stops them only at render time, 20
//! calls deep, on every page that reaches them).
//!
//! Read from the templates' text: Tera 2 keeps which templates and components a
//! template calls to itself. The tags are found as Tera's lexer finds them (`{%`,
//! `{{`, `{#`, with `-` for whitespace control), outside comments and raw blocks.

use crate::diagnostics::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Template name → (file, text).
type Sources = BTreeMap<String, (PathBuf, String)>;

/// A graph of named nodes whose edges carry the byte offset of the tag making them.
type Graph = BTreeMap<String, Vec<(usize, String)>>;

/// How deep includes may nest, and extends chain. Tera 2 renders an include by
/// recursion, a few kilobytes of stack each (3,000 nested includes overflow the main
/// thread's 8 MiB, and fewer a worker's 2 MiB), and follows both by recursion when
/// templates load. A theme needs a handful.
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Every include loop, extends loop and recursive component among `sources`, each
/// once, at the tag that closes it, and every include or extends chain deeper than
/// [`MAX_INCLUDE_DEPTH`]. Tera is not given templates that fail these: it would
/// follow them by recursion.
pub fn check(sources: &Sources) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (tag, verb) in [("include", "include"), ("extends", "extend")] {
        let graph: Graph = sources
            .iter()
            .map(|(name, (_, text))| {
                let edges = tag_targets(text, tag)
                    .into_iter()
                    .filter_map(|(at, target)| Some((at, resolve(sources, &target)?)))
                    .collect();
                (name.clone(), edges)
            })
            .collect();
        let loops = cycles(&graph);
        if loops.is_empty() {
            found.extend(too_deep(sources, &graph, tag));
        }
        for (cycle, offset) in loops {
            let (file, text) = &sources[&cycle[cycle.len() - 2]];
            let message = format!(
                "template {tag} loop: {}; a template cannot {verb} itself, directly or through others",
                cycle.join(" → ")
            );
            found.push(Diagnostic::error(file, message).at_offset(offset, text));
        }
    }
    found.extend(component_recursion(sources));
    found
}

/// How deep the chain below a template goes, and the tag (offset, target) that
/// starts it.
type Deepest<'a> = (usize, Option<(usize, &'a str)>);

/// Each chain of `tag` (include or extends) deeper than [`MAX_INCLUDE_DEPTH`],
/// reported once, at the first such tag of the template that starts it (one that no
/// template deeper than the limit points to). `graph` has no loop.
fn too_deep(sources: &Sources, graph: &Graph, tag: &str) -> Vec<Diagnostic> {
    // The deepest chain below each template, and the include that starts it,
    // found without recursion: a chain may be thousands long.
    let mut depth: BTreeMap<&str, Deepest> = BTreeMap::new();
    for start in graph.keys() {
        let mut stack = vec![(start.as_str(), false)];
        while let Some((name, expanded)) = stack.pop() {
            if depth.contains_key(name) {
                continue;
            }
            let edges = graph.get(name).map_or(&[][..], Vec::as_slice);
            if expanded {
                let deepest = edges
                    .iter()
                    .map(|(at, next)| (depth[next.as_str()].0 + 1, Some((*at, next.as_str()))))
                    .max_by_key(|(d, _)| *d)
                    .unwrap_or((0, None));
                depth.insert(name, deepest);
            } else {
                stack.push((name, true));
                stack.extend(edges.iter().map(|(_, next)| (next.as_str(), false)));
            }
        }
    }
    let included_too_deep: BTreeSet<&str> = graph
        .iter()
        .filter(|(name, _)| depth[name.as_str()].0 > MAX_INCLUDE_DEPTH)
        .flat_map(|(_, edges)| edges.iter().map(|(_, next)| next.as_str()))
        .collect();
    depth
        .iter()
        .filter(|(name, (d, _))| *d > MAX_INCLUDE_DEPTH && !included_too_deep.contains(*name))
        .filter_map(|(name, (d, first))| {
            let (at, next) = (*first)?;
            let (file, text) = &sources[*name];
            let message = format!(
                "`{tag}` chain {d} deep from here ({name} → {next} → …); the most is {MAX_INCLUDE_DEPTH}"
            );
            Some(Diagnostic::error(file, message).at_offset(at, text).help(
                "Tera follows each one inside the one before, and so many would overflow the stack; include the parts side by side, or loop over them",
            ))
        })
        .collect()
}

/// The template a name in a tag finds: the site's, else the theme's (Tera's
/// fallback prefix).
fn resolve(sources: &Sources, name: &str) -> Option<String> {
    [
        name.to_string(),
        format!("{}{name}", super::templates::THEME_PREFIX),
    ]
    .into_iter()
    .find(|n| sources.contains_key(n))
}

/// Every tag of `text` as (offset of its `{`, its body without the delimiters and
/// whitespace control), outside comments and `{% raw %}` blocks, found as Tera's lexer
/// finds them: a tag ends at the first closing delimiter outside a string literal
/// (strings take `\` escapes), a comment at the first `#}`, and a raw block only at
/// an `{% endraw %}` tag.
pub(super) fn tags(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find('{') {
        let at = from + i;
        let rest = &text[at..];
        let end = if let Some(inner) = rest.strip_prefix("{#") {
            inner.find("#}")
        } else if let Some(inner) = rest.strip_prefix("{{") {
            tag_end(inner, "}}")
        } else if let Some(inner) = rest.strip_prefix("{%") {
            tag_end(inner, "%}")
        } else {
            from = at + 1;
            continue;
        };
        // An unclosed tag: Tera refuses the template.
        let Some(len) = end else {
            break;
        };
        let body = trim_tag(&rest[2..2 + len]);
        from = at + 2 + len + 2;
        if rest.starts_with("{#") {
            continue;
        }
        if rest.starts_with("{%") && body == "raw" {
            from = end_of_raw(text, from);
            continue;
        }
        found.push((at, body));
    }
    found
}

/// A tag's body without whitespace control and spaces.
fn trim_tag(body: &str) -> &str {
    body.trim_start_matches('-').trim_end_matches('-').trim()
}

/// Where `close` ends a tag whose body starts `rest`: outside string literals.
fn tag_end(rest: &str, close: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if rest.as_bytes()[i..].starts_with(close.as_bytes()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// The offset after the `{% endraw %}` that closes a raw block starting at `from`, or
/// the end of `text`.
fn end_of_raw(text: &str, mut from: usize) -> usize {
    while let Some(i) = text[from..].find("{%") {
        let at = from + i;
        let Some(len) = text[at + 2..].find("%}") else {
            break;
        };
        from = at + 2 + len + 2;
        if trim_tag(&text[at + 2..at + 2 + len]) == "endraw" {
            return from;
        }
    }
    text.len()
}

/// The names of every `{% <tag> "name" %}` of `text`, unescaped as Tera reads them,
/// with the tag's offset.
fn tag_targets(text: &str, tag: &str) -> Vec<(usize, String)> {
    tags(text)
        .into_iter()
        .filter_map(|(at, body)| {
            let args = body.strip_prefix(tag)?.trim_start();
            let quote = args
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))?;
            let mut name = String::new();
            let mut chars = args[1..].chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => name.push(match chars.next()? {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    }),
                    c if c == quote => return Some((at, name)),
                    c => name.push(c),
                }
            }
            None
        })
        .collect()
}

/// Every component that calls itself, directly or through others, once, at the
/// call that closes the loop. Components are global in Tera 2: a call names the
/// component wherever it is defined.
fn component_recursion(sources: &Sources) -> Vec<Diagnostic> {
    // Each definition: its name, template, and the byte range of its body.
    let mut definitions = Vec::new();
    for (template, (_, text)) in sources {
        let mut open: Option<(String, usize)> = None;
        for (at, body) in tags(text) {
            let rest = body
                .strip_prefix("component")
                .filter(|r| r.starts_with(char::is_whitespace));
            if let Some(rest) = rest {
                let name: String = rest
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
                    .collect();
                open = Some((name, at));
            } else if body.starts_with("endcomponent") {
                if let Some((name, start)) = open.take() {
                    definitions.push((name, template.clone(), start..at));
                }
            }
        }
    }
    // The site's definition of a name hides the theme's.
    let site_defined: BTreeSet<String> = definitions
        .iter()
        .filter(|(_, t, _)| !t.starts_with(super::templates::THEME_PREFIX))
        .map(|(n, _, _)| n.clone())
        .collect();
    definitions.retain(|(n, t, _)| {
        !t.starts_with(super::templates::THEME_PREFIX) || !site_defined.contains(n)
    });
    let names: BTreeSet<&str> = definitions.iter().map(|(n, _, _)| n.as_str()).collect();
    let mut graph = Graph::new();
    let mut home = BTreeMap::new();
    for (name, template, range) in &definitions {
        let text = &sources[template].1;
        let calls = tags(&text[range.clone()])
            .into_iter()
            .flat_map(|(_, body)| {
                // `body` is a slice of `text`: where it starts there.
                let base = body.as_ptr() as usize - text.as_ptr() as usize;
                component_calls(body, &names)
                    .into_iter()
                    .map(move |(at, c)| (base + at, c))
            })
            .collect();
        graph.insert(name.clone(), calls);
        home.insert(name.clone(), template.clone());
    }
    cycles(&graph)
        .into_iter()
        .map(|(cycle, offset)| {
            let (file, text) = &sources[&home[&cycle[cycle.len() - 2]]];
            let message = format!(
                "component recursion: {}; a component cannot call itself, directly or through others",
                cycle.join(" → ")
            );
            Diagnostic::error(file, message)
                .at_offset(offset, text)
                .help("Tera 2 would stop it 20 calls deep on every page that reaches it; write the repeated part as a loop")
        })
        .collect()
}

/// The components a tag's body calls (`<name …/>`, `<name …>`): a `<` that starts a
/// value (not a comparison: nothing that ends a value before it), followed by a
/// known component's name.
fn component_calls(body: &str, names: &BTreeSet<&str>) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, _) in body.match_indices('<') {
        let before = body[..i].trim_end();
        let after_value = before
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ')' | ']' | '"' | '\''));
        if after_value {
            continue;
        }
        let name: String = body[i + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
            .collect();
        if names.contains(name.as_str()) {
            found.push((i, name));
        }
    }
    found
}

/// Every cycle in a graph: each cycle (the path, its first node repeated at the
/// end) once, with the offset of the edge that closes it. Depth-first without
/// recursion, since a chain of templates may be thousands long.
fn cycles(graph: &Graph) -> Vec<(Vec<String>, usize)> {
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut found = Vec::new();
    for root in graph.keys() {
        if done.contains(root.as_str()) {
            continue;
        }
        // The chain being followed: each node and the next of its edges to follow;
        // and where each node of the chain is in it.
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        let mut on_path: BTreeMap<&str, usize> = BTreeMap::from([(root.as_str(), 0)]);
        while let Some((name, next)) = path.last_mut() {
            let name: &str = name;
            let edges = graph.get(name).map_or(&[][..], Vec::as_slice);
            let Some((offset, target)) = edges.get(*next) else {
                done.insert(name);
                on_path.remove(name);
                path.pop();
                continue;
            };
            *next += 1;
            if let Some(&i) = on_path.get(target.as_str()) {
                let mut cycle: Vec<String> = path[i..].iter().map(|(p, _)| p.to_string()).collect();
                cycle.push(target.clone());
                found.push((cycle, *offset));
            } else if !done.contains(target.as_str()) {
                on_path.insert(target, path.len());
                path.push((target, 0));
            }
        }
    }
    let mut reported = BTreeSet::new();
    found
        .into_iter()
        .filter(|(cycle, _)| {
            let mut key: Vec<String> = cycle[..cycle.len() - 1].to_vec();
            key.sort();
            reported.insert(key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_skip_comments_and_raw_blocks() {
        let text = "{# {% include 'a' %} #}{% raw %}{{ x }}{% endraw %}{%- include 'b' -%}";
        let found: Vec<&str> = tags(text).into_iter().map(|(_, b)| b).collect();
        assert_eq!(found, ["include 'b'"]);
    }

    /// Regression: includes hidden from the depth check by what Tera's lexer reads
    /// differently (found in review) let a chain of 3,000 overflow the stack.
    #[test]
    fn tags_are_read_as_tera_reads_them() {
        let names = |text: &str| -> Vec<String> {
            tag_targets(text, "include")
                .into_iter()
                .map(|(_, n)| n)
                .collect()
        };
        assert_eq!(names(r#"{% include "d\/c1.html" %}"#), ["d/c1.html"]);
        assert_eq!(
            names(r#"{% raw %}{{{% endraw %}{% include "c1.html" %}"#),
            ["c1.html"]
        );
        assert_eq!(
            names(r##"{{ "}}{#" }}{% include "c1.html" %}{{ "#}" }}"##),
            ["c1.html"]
        );
        assert_eq!(
            names(r#"{{ 'it\'s }}' }}{% include 'c1.html' %}"#),
            ["c1.html"]
        );
    }

    #[test]
    fn a_comparison_is_not_a_component_call() {
        let names = BTreeSet::from(["card", "b"]);
        assert_eq!(
            component_calls("<card title=x />", &names),
            [(0, "card".into())]
        );
        assert_eq!(component_calls("if a < b", &names), []);
        assert_eq!(component_calls("x ~ <b />", &names), [(4, "b".into())]);
    }
}
