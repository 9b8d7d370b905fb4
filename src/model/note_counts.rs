//! An article's notes counted by kind, as its page, its card and its feeds say them
//! (`3 notes: 2 context, 1 fact-check`).

/// One kind's count in an article (fields in alphabetical order: templates see them
/// sorted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct KindCount {
    /// Notes of this kind.
    pub count: usize,
    /// The kind as configured (`fact-check`), or `note` for notes of no kind.
    pub kind: String,
    /// As shown: `Fact-check`.
    pub label: String,
}

/// An article's notes, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct NoteCounts {
    /// All notes shown.
    pub count: usize,
    /// Per kind, in the configured order, then notes of no kind; only kinds present.
    pub kinds: Vec<KindCount>,
    /// `3 notes: 2 context, 1 fact-check`, or `""` for none.
    pub summary: String,
}

impl NoteCounts {
    /// Counts the kinds of the notes shown (`None`: no kind), in `kinds` order.
    pub fn new(shown: &[Option<&str>], kinds: &[String]) -> NoteCounts {
        let count = shown.len();
        let plain = (!kinds.iter().any(|k| k == PLAIN)).then_some(PLAIN);
        let mut counted: Vec<KindCount> = kinds
            .iter()
            .map(String::as_str)
            .chain(plain)
            .map(|kind| KindCount {
                kind: kind.to_string(),
                label: label(kind),
                count: shown.iter().filter(|k| k.unwrap_or(PLAIN) == kind).count(),
            })
            .filter(|k| k.count > 0)
            .collect();
        counted.dedup_by(|a, b| a.kind == b.kind);
        let summary = match count {
            0 => String::new(),
            _ => {
                let total = format!("{count} note{}", if count == 1 { "" } else { "s" });
                let plural = if count == 1 { "" } else { "s" };
                if counted.iter().all(|k| k.kind == PLAIN) {
                    total
                } else if counted.len() == 1 {
                    format!("{count} {} note{plural}", counted[0].kind)
                } else {
                    let parts: Vec<String> = counted
                        .iter()
                        .map(|k| match k.kind.as_str() {
                            PLAIN => format!("{} other", k.count),
                            kind => format!("{} {kind}", k.count),
                        })
                        .collect();
                    format!("{total}: {}", parts.join(", "))
                }
            }
        };
        NoteCounts {
            count,
            kinds: counted,
            summary,
        }
    }
}

/// The kind of notes whose label names no configured kind.
pub const PLAIN: &str = "note";

/// A kind as shown: its first letter in capitals (`fact-check` → `Fact-check`).
pub fn label(kind: &str) -> String {
    let mut chars = kind.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
