//! The `[editions]` table of `site.toml`: how each day's edition is sent as email.
//!
//! Read with the rest of the configuration; every bad value is an error at its line
//! and column with a help line that shows it written right. Addresses are checked
//! for the shape a mail service needs (`Name <local@domain>` or `local@domain`, the
//! domain a host name); the subject is a Tera string, checked for syntax here and
//! rendered with each edition.

use serde::Deserialize;

/// The keys of `[editions]`, for "did you mean".
pub(super) const EDITION_KEYS: &[&str] = &[
    "subject",
    "from",
    "to",
    "send_at",
    "full_text",
    "list_unsubscribe",
];

/// The subject when `[editions]` gives none.
pub const DEFAULT_SUBJECT: &str = "{{ site.title }}: {{ edition.label }}";

/// The `[editions]` table, validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Editions {
    /// Whether the table is in `site.toml` at all (a site that asks for email is told
    /// what its message lacks).
    pub configured: bool,
    /// The subject, a Tera string given `site` and `edition`.
    pub subject: String,
    /// The sender.
    pub from: Option<Mailbox>,
    /// The list's address.
    pub to: Option<Mailbox>,
    /// The time of each edition's `Date`, in the site's time zone.
    pub send_at: chrono::NaiveTime,
    /// Whole texts rather than key points and summaries.
    pub full_text: bool,
    /// `List-Unsubscribe`: a `mailto:` or `https:` URL.
    pub list_unsubscribe: Option<String>,
}

impl Editions {
    /// Whether each edition's message (`edition.eml`) is written: it needs a sender
    /// and a list to send to.
    pub fn can_send(&self) -> bool {
        self.from.is_some() && self.to.is_some()
    }
}

impl Default for Editions {
    fn default() -> Self {
        Editions {
            configured: false,
            subject: DEFAULT_SUBJECT.into(),
            from: None,
            to: None,
            send_at: chrono::NaiveTime::from_hms_opt(6, 0, 0).expect("a valid time"),
            full_text: false,
            list_unsubscribe: None,
        }
    }
}

/// An address with its display name: `Syria Desk <desk@example.org>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mailbox {
    /// The display name, if any.
    pub name: Option<String>,
    /// `local@domain`.
    pub address: String,
}

impl Mailbox {
    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// Reads `Name <local@domain>` or `local@domain`; `Err` says what is wrong.
    pub fn parse(text: &str) -> Result<Mailbox, String> {
        let text = text.trim();
        let (name, address) = match text.rsplit_once('<') {
            Some((name, rest)) => {
                let Some(address) = rest.strip_suffix('>') else {
                    return Err("the address in `<…>` is not closed with `>`".into());
                };
                let name = name.trim().trim_matches('"').trim();
                ((!name.is_empty()).then(|| name.to_string()), address.trim())
            }
            None => (None, text),
        };
        let Some((local, domain)) = address.rsplit_once('@') else {
            return Err(format!("{address:?} has no `@`"));
        };
        let bad_local = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\"@".contains(c);
        if local.is_empty() || local.contains(bad_local) {
            return Err(format!(
                "{local:?} is not the part of an address before `@`"
            ));
        }
        let host_ok =
            domain.contains('.') && matches!(url::Host::parse(domain), Ok(url::Host::Domain(_)));
        if !host_ok {
            return Err(format!(
                "{domain:?} is not a mail domain such as example.org"
            ));
        }
        if name
            .as_deref()
            .is_some_and(|n| n.contains(['<', '>', '\n', '\r']))
        {
            return Err("the name before `<` holds `<`, `>` or a line break".into());
        }
        Ok(Mailbox {
            name,
            address: address.to_string(),
        })
    }
}

/// The table as written.
#[derive(Deserialize, Default)]
pub(super) struct RawEditions {
    subject: Option<String>,
    from: Option<String>,
    to: Option<String>,
    send_at: Option<String>,
    #[serde(default)]
    full_text: bool,
    list_unsubscribe: Option<String>,
}

/// Validates the table; `error(key, message, help)` reports a bad value at its place.
pub(super) fn validate(
    raw: Option<RawEditions>,
    error: &mut dyn FnMut(&str, String, &str),
) -> Editions {
    let configured = raw.is_some();
    let raw = raw.unwrap_or_default();
    let mut editions = Editions {
        configured,
        full_text: raw.full_text,
        ..Editions::default()
    };
    if let Some(subject) = raw.subject {
        if let Some(problem) = subject_problem(&subject) {
            error(
                "editions.subject",
                format!("is not a Tera string that renders: {problem}"),
                "write it as a template line, such as `subject = \"{{ site.title }}: {{ edition.label }}\"`",
            );
        }
        editions.subject = subject;
    }
    for (key, value, slot) in [
        ("editions.from", raw.from, &mut editions.from),
        ("editions.to", raw.to, &mut editions.to),
    ] {
        match value.as_deref().map(Mailbox::parse) {
            Some(Ok(mailbox)) => *slot = Some(mailbox),
            Some(Err(why)) => error(
                key,
                format!("expected an address such as \"Syria Desk <desk@example.org>\": {why}"),
                "write a name and an address in angle brackets, `\"Syria Desk <desk@example.org>\"`, or the address alone",
            ),
            None => {}
        }
    }
    if let Some(at) = raw.send_at {
        match chrono::NaiveTime::parse_from_str(at.trim(), "%H:%M") {
            Ok(time) => editions.send_at = time,
            Err(_) => error(
                "editions.send_at",
                format!("expected a time of day as HH:MM, found {at:?}"),
                "write the time on a 24-hour clock, such as `send_at = \"06:00\"` or `send_at = \"17:30\"`",
            ),
        }
    }
    if let Some(url) = raw.list_unsubscribe {
        match url::Url::parse(url.trim()) {
            Ok(u) if matches!(u.scheme(), "mailto" | "https" | "http") => {
                editions.list_unsubscribe = Some(url.trim().to_string());
            }
            _ => error(
                "editions.list_unsubscribe",
                format!("expected a mailto: or https: URL, found {url:?}"),
                "write where readers leave the list, such as `list_unsubscribe = \"mailto:leave@example.org\"`",
            ),
        }
    }
    editions
}

/// Why a subject template does not parse, if it does not. (Names it uses are checked
/// when it renders, with the edition's values.)
fn subject_problem(subject: &str) -> Option<String> {
    let mut tera = tera::Tera::default();
    match tera.add_raw_template("subject", subject) {
        Err(e) => match e.kind() {
            tera::ErrorKind::SyntaxError(report) => Some(report.message().to_lowercase()),
            _ => None,
        },
        Ok(()) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailbox_is_a_name_and_an_address_or_the_address_alone() {
        let m = Mailbox::parse("Syria Desk <desk@example.org>").unwrap();
        assert_eq!(m.name.as_deref(), Some("Syria Desk"));
        assert_eq!(
            (m.address.as_str(), m.domain()),
            ("desk@example.org", "example.org")
        );
        assert_eq!(Mailbox::parse("desk@example.org").unwrap().name, None);
        assert!(Mailbox::parse("Syria Desk").is_err());
        assert!(Mailbox::parse("Desk <desk@localhost>").is_err());
        assert!(Mailbox::parse("Desk <desk@example.org").is_err());
        assert!(Mailbox::parse("Desk <de sk@example.org>").is_err());
    }

    #[test]
    fn a_subject_that_does_not_parse_is_said_so() {
        assert_eq!(
            subject_problem("{{ site.title }}: {{ edition.label }}"),
            None
        );
        assert!(subject_problem("{{ site.title ").is_some());
    }
}
