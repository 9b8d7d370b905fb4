//! The site's shortcodes: each template `shortcodes/<name>.html` (the site's, else
//! the theme's) defines the Tera 2 component `<name>`, which renders it.
//!
//! A component's metadata says what the Markdown pass checks beyond its typed
//! arguments: `{"block": true}` (it stands alone on its line), `{"choices": {"kind":
//! ["post", "video"]}}` and `{"recommend": {"credit": "why"}}` (a warning without it).

use super::templates::{Templates, THEME_PREFIX};
use crate::content::markdown::shortcodes::{Definition, Param, Shortcodes};
use crate::diagnostics::Diagnostic;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The folder of the templates that are shortcodes.
pub const FOLDER: &str = "shortcodes/";

/// Every shortcode of the loaded templates, or what is wrong with their files.
pub fn definitions(
    tera: &tera::Tera,
    sources: &BTreeMap<String, (PathBuf, String)>,
) -> (BTreeMap<String, Definition>, Vec<Diagnostic>) {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    for (template, (file, _)) in sources {
        let name = template.strip_prefix(THEME_PREFIX).unwrap_or(template);
        let Some(name) = name
            .strip_prefix(FOLDER)
            .and_then(|n| n.strip_suffix(".html"))
        else {
            continue;
        };
        // The site's file of a name comes before the theme's (`theme/…` sorts after).
        if found.contains_key(name) {
            continue;
        }
        let file = file.display().to_string();
        let Some(info) = tera.get_component_definition(name) else {
            problems.push(
                Diagnostic::error(&file, format!("defines no component `{name}`, so the shortcode `{name}` cannot be used"))
                    .help(format!("a shortcode's file defines the component of its name: {{% component {name}(…) %}}…{{% endcomponent {name} %}}")),
            );
            continue;
        };
        let meta = info.metadata();
        let pairs = |key: &str| -> Vec<(String, tera::Value)> {
            meta.get(key)
                .and_then(|v| v.as_map())
                .map(|m| m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
                .unwrap_or_default()
        };
        let definition = Definition {
            params: info
                .args()
                .iter()
                .map(|a| Param {
                    name: a.name().to_string(),
                    kind: a.arg_type().map(|t| t.as_str()),
                    required: a.is_required(),
                    implicit: a.is_implicit(),
                })
                .collect(),
            rest: info.rest_param().is_some(),
            block: meta.get("block").and_then(|v| v.as_bool()).unwrap_or(false),
            choices: pairs("choices")
                .into_iter()
                .map(|(k, v)| {
                    let allowed = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    (k, allowed)
                })
                .collect(),
            recommend: pairs("recommend")
                .into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                .collect(),
            file,
        };
        found.insert(name.to_string(), definition);
    }
    (found, problems)
}

impl Shortcodes for Templates {
    fn definition(&self, name: &str) -> Option<&Definition> {
        self.shortcodes.get(name)
    }

    fn names(&self) -> Vec<&str> {
        self.shortcodes.keys().map(String::as_str).collect()
    }

    fn render(
        &self,
        name: &str,
        args: &Map<String, Value>,
        implicits: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, String> {
        let args = tera::Context::from_serialize(args).map_err(|e| e.to_string())?;
        let implicits = tera::Context::from_serialize(implicits).map_err(|e| e.to_string())?;
        let file = self
            .shortcodes
            .get(name)
            .map_or_else(|| name.to_string(), |d| d.file.clone());
        self.render_component(name, &args, &implicits, body, &file)
    }
}

#[cfg(test)]
mod bodies_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> Result<Templates, Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Templates::load(dir.path()).map_err(|e| {
            e.iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect()
        })
    }

    #[test]
    fn the_theme_has_figure_quote_and_embed() {
        let t = load(&[]).unwrap();
        assert_eq!(t.names(), ["embed", "figure", "quote", "table"]);
        let figure = t.definition("figure").unwrap();
        assert!(figure.block);
        assert_eq!(figure.recommend[0].0, "credit");
        let embed = t.definition("embed").unwrap();
        assert_eq!(
            embed.choices,
            [(
                "kind".to_string(),
                vec!["post".to_string(), "statement".into(), "video".into()]
            )]
        );
        let required: Vec<&str> = figure
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(required, ["alt", "src"]);
    }

    #[test]
    fn a_site_file_adds_or_replaces_one() {
        let t = load(&[
            ("shortcodes/figure.html", "{% component figure(src: string, alt: string) {\"block\": true} %}<img src=\"{{ src }}\" alt=\"{{ alt }}\">{% endcomponent figure %}"),
            ("shortcodes/mark.html", "{% component mark(text: string) %}<mark>{{ text }}</mark>{% endcomponent mark %}"),
        ])
        .unwrap();
        assert_eq!(t.names(), ["embed", "figure", "mark", "quote", "table"]);
        assert!(t.definition("figure").unwrap().recommend.is_empty());
        let args = serde_json::json!({"src": "a.png", "alt": "A <map>"});
        let html =
            Shortcodes::render(&t, "figure", args.as_object().unwrap(), &Map::new(), None).unwrap();
        assert_eq!(html, "<img src=\"a.png\" alt=\"A &lt;map&gt;\">");
    }

    #[test]
    fn a_file_without_its_component_is_an_error() {
        assert_eq!(
            load(&[("shortcodes/box.html", "{% component boxed() %}x{% endcomponent boxed %}")]).err().unwrap(),
            ["error: templates/shortcodes/box.html: defines no component `box`, so the shortcode `box` cannot be used"]
        );
    }
}
