//! Heading ids: stable, unique per page, never one the theme uses.

use super::*;

/// Ids the page around an article body already uses (the theme's skip-link target).
pub const RESERVED_IDS: &[&str] = &["main", "related-heading"];

/// Gives every heading an id: its own `{#id}` if written, else the slug of its text,
/// made unique on the page with `-1`, `-2`, …, never taking an id that is written
/// elsewhere in the body, a note's, or one of [`RESERVED_IDS`].
pub(super) fn assign_heading_ids(
    events: &mut [Event<'_>],
    reserved: impl Iterator<Item = String>,
) -> Vec<Heading> {
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    used.extend(reserved);
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string());
        }
    }
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level as u8;
            let written = id.as_ref().map(|s| s.to_string());
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    title.push_str(t);
                }
                j += 1;
            }
            let unique = match written {
                Some(id) => id,
                None => {
                    let slug = slugify(&title);
                    let base = if slug.is_empty() {
                        "section".to_string()
                    } else {
                        slug
                    };
                    let mut unique = base.clone();
                    let mut n = 1;
                    while used.contains(&unique) {
                        unique = format!("{base}-{n}");
                        n += 1;
                    }
                    used.insert(unique.clone());
                    unique
                }
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            headings.push(Heading {
                level,
                id: unique,
                title: title.trim().to_string(),
            });
            i = j;
        }
        i += 1;
    }
    headings
}
