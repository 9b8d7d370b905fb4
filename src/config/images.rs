//! The `[images]` table of `site.toml`: the widths raster images are resized to.
//!
//! Read with the rest of the configuration; a value that is not a list of positive
//! whole numbers is an error at its line and column.

use serde::Deserialize;

/// The keys of `[images]`, for "did you mean".
pub(super) const IMAGE_KEYS: &[&str] = &["widths"];

/// The widths images are resized to when `[images]` names none.
pub const DEFAULT_WIDTHS: [u32; 3] = [480, 960, 1600];

/// The widest width a site may ask for, in pixels: past it a variant is no smaller
/// than a camera's original.
const MAX_WIDTH: i64 = 10_000;

/// The `[images]` table, validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Images {
    /// The widths, in pixels, ascending and without repeats.
    pub widths: Vec<u32>,
}

impl Default for Images {
    fn default() -> Self {
        Images {
            widths: DEFAULT_WIDTHS.to_vec(),
        }
    }
}

/// The table as written: `widths` is read as any TOML value so that a wrong one is
/// this module's error, said at its place, not serde's.
#[derive(Deserialize, Default)]
pub(super) struct RawImages {
    widths: Option<toml::Value>,
}

/// Validates the table; `error(key, message, help)` reports a bad value at its place.
pub(super) fn validate(
    raw: Option<RawImages>,
    error: &mut dyn FnMut(&str, String, &str),
) -> Images {
    let Some(value) = raw.and_then(|r| r.widths) else {
        return Images::default();
    };
    let help = "write the widths in pixels, such as `widths = [480, 960, 1600]`";
    let toml::Value::Array(items) = &value else {
        error(
            "images.widths",
            format!("expected a list of widths in pixels, found {value}"),
            help,
        );
        return Images::default();
    };
    let mut widths = Vec::with_capacity(items.len());
    for item in items {
        match item {
            toml::Value::Integer(n) if (1..=MAX_WIDTH).contains(n) => {
                widths.push(u32::try_from(*n).unwrap_or(u32::MAX));
            }
            toml::Value::Integer(n) => {
                error(
                    "images.widths",
                    format!("expected widths from 1 to {MAX_WIDTH} pixels, found {n}"),
                    help,
                );
                return Images::default();
            }
            other => {
                error(
                    "images.widths",
                    format!("expected whole numbers of pixels, found {other}"),
                    help,
                );
                return Images::default();
            }
        }
    }
    if widths.is_empty() {
        error(
            "images.widths",
            "expected at least one width, found an empty list".into(),
            help,
        );
        return Images::default();
    }
    widths.sort_unstable();
    widths.dedup();
    Images { widths }
}
