//! A bound on YAML aliases, which yaml_serde expands as it reads.
//!
//! yaml_serde's repetition limit stops nested alias bombs (an alias of a list of
//! aliases of lists …), but not wide ones: one big anchor named by thousands of
//! aliases expands linearly, and a 310 KB front matter grew to 3.9 GB. Front matter
//! has no need to repeat data: past [`MOST_ALIASES`] aliases a file is refused, at the
//! first alias over the limit, before yaml_serde reads it. Then the expanded size is
//! at most that many times the file's. yaml_serde gives no count, so the aliases are
//! found here, as YAML writes them: a `*` that starts a token, outside quotes and
//! comments, followed by an anchor's name.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// The most aliases (`*name`) one front matter may hold.
pub const MOST_ALIASES: usize = 100;

/// An error at the first alias past [`MOST_ALIASES`] in `yaml`, a slice of `text`.
pub fn too_many(path: &Path, text: &str, yaml: &str) -> Option<Diagnostic> {
    let at = aliases(yaml).nth(MOST_ALIASES)?;
    let offset = yaml.as_ptr() as usize - text.as_ptr() as usize + at;
    let message = format!(
        "more than {MOST_ALIASES} YAML aliases (`*name`): repeated this much, anchored data could expand without bound"
    );
    Some(
        Diagnostic::error(path, message)
            .at_offset(offset, text)
            .help("write the values out where they are needed; front matter does not need aliases"),
    )
}

/// The byte offsets of the aliases of `yaml`.
fn aliases(yaml: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = yaml.as_bytes();
    let mut quote: Option<u8> = None;
    let mut comment = false;
    (0..bytes.len()).filter(move |&i| {
        let b = bytes[i];
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let starts_token =
            before.is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'[' | b'{' | b','));
        match (quote, comment) {
            (_, true) => {
                comment = b != b'\n';
                false
            }
            (Some(q), _) => {
                // A single-quoted string escapes `'` as `''`; a double-quoted one `\"`.
                if b == q && !(q == b'"' && before == Some(b'\\')) {
                    quote = None;
                }
                false
            }
            (None, false) => match b {
                b'#' if starts_token => {
                    comment = true;
                    false
                }
                b'"' | b'\'' if starts_token || before == Some(b':') => {
                    quote = Some(b);
                    false
                }
                b'*' => {
                    starts_token
                        && bytes
                            .get(i + 1)
                            .is_some_and(|c| !c.is_ascii_whitespace() && !b",[]{}".contains(c))
                }
                _ => false,
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_told_from_text_that_looks_like_them() {
        let yaml = "a: &x [1]\nb: *x\nc: [*x, *x]\nd: \"*x\"\ne: '*x' # *x\nf: 5 * 3\ng: a*b\n";
        let found: Vec<usize> = aliases(yaml).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(&yaml[found[0]..found[0] + 2], "*x");
    }

    /// Regression (hardening issue): 310 KB of wide aliases took 3.9 GB and 22 s.
    #[test]
    fn wide_aliases_are_refused_at_the_first_past_the_limit() {
        let mut yaml = format!("extra:\n  big: &big [{}]\n  copies:\n", "x, ".repeat(1000));
        for _ in 0..10_000 {
            yaml.push_str("    - *big\n");
        }
        let text = format!("---\n{yaml}---\n");
        let d = too_many(Path::new("a.md"), &text, &text[4..4 + yaml.len()]).unwrap();
        let first = d.to_string().lines().next().unwrap().to_string();
        assert_eq!(
            first,
            format!(
                "error: a.md:{}:7: more than {MOST_ALIASES} YAML aliases (`*name`): repeated this much, anchored data could expand without bound",
                5 + MOST_ALIASES
            )
        );
        assert!(too_many(Path::new("a.md"), "b: *x\n", "b: *x\n").is_none());
    }
}
