//! Slugs: the URL-safe names of articles and taxonomy terms.
//!
//! A slug is lowercase ASCII letters and digits with single `-` between words.
//! Non-Latin scripts are transliterated (deunicode). Dots after a letter and
//! apostrophes are dropped rather than turned into dashes, so `U.S.` and `US` are the
//! same term, as are `O'Brien` and `OBrien`. A name whose slug would be empty still
//! needs a page: it gets `term-` and a stable hash of the name.

/// The slug of `name`, possibly empty.
pub fn slugify(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut out = String::with_capacity(ascii.len());
    let mut prev_alpha = false;
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
            prev_alpha = c.is_ascii_alphabetic();
        } else if c == '\'' || (c == '.' && prev_alpha) {
            // `U.S.` → `us`, `Assad's` → `assads`: punctuation inside a word.
        } else {
            pending_dash = true;
            prev_alpha = false;
        }
    }
    out
}

/// Whether a folder named `slug` cannot exist on Windows (`con`, `nul`, `com1`…),
/// whatever its extension: a site with one cannot be copied there.
pub fn is_windows_reserved(slug: &str) -> bool {
    let stem = slug.split('.').next().unwrap_or(slug);
    matches!(stem, "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

/// The slug of a taxonomy term: [`slugify`], or a stable `term-<hash>` when that is empty.
pub fn term_slug(name: &str) -> String {
    let slug = slugify(name);
    if slug.is_empty() {
        format!("term-{:08x}", fnv1a(name.trim()) as u32)
    } else {
        slug
    }
}

/// FNV-1a: a tiny stable hash (std's hasher is seeded per process, so not stable).
pub fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_reserved_names_are_known() {
        for reserved in ["con", "nul", "aux", "prn", "com1", "lpt9", "nul.txt"] {
            assert!(is_windows_reserved(reserved), "{reserved}");
        }
        for fine in ["console", "com", "com0", "com10", "nulls", "lpt", "icon"] {
            assert!(!is_windows_reserved(fine), "{fine}");
        }
    }

    #[test]
    fn lowercases_and_joins_words_with_dashes() {
        assert_eq!(
            slugify("US offers Russia joint no-fly zones"),
            "us-offers-russia-joint-no-fly-zones"
        );
        assert_eq!(slugify("  --Hello,  World!--  "), "hello-world");
    }

    #[test]
    fn abbreviations_with_dots_merge_with_plain_ones() {
        assert_eq!(slugify("U.S."), slugify("US"));
        assert_eq!(slugify("u.s. foreign policy"), "us-foreign-policy");
        assert_eq!(slugify("Bashar al-Assad"), slugify("Bashar Al-Assad"));
    }

    #[test]
    fn numbers_keep_their_separator() {
        assert_eq!(slugify("G20 2.0"), "g20-2-0");
        assert_eq!(slugify("3.5 million"), "3-5-million");
    }

    #[test]
    fn non_latin_scripts_are_transliterated() {
        assert_eq!(slugify("Владимир Путин"), "vladimir-putin");
        assert_eq!(slugify("Erdoğan"), "erdogan");
        assert_eq!(slugify("دمشق"), "dmshq");
    }

    #[test]
    fn empty_slugs_get_a_stable_term_slug() {
        assert_eq!(slugify("!!!"), "");
        let slug = term_slug("!!!");
        assert!(slug.starts_with("term-") && slug.len() == 13, "{slug}");
        assert_eq!(slug, term_slug("!!!"));
        assert_ne!(slug, term_slug("???"));
    }
}
