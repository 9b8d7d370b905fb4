//! Which resized copies (variants) an image gets, and what they are called.
//!
//! An image `W` pixels wide gets, for each width of `[images] widths` below `W`, a
//! copy in WebP and one in its own format (JPEG or PNG; a WebP gets one). It is
//! never made larger: the original itself is the widest candidate of its own
//! format, and when `W` is within the widths' range (not wider than the widest),
//! a WebP as wide as the original is made too, so that WebP never stops short of
//! what the original offers.
//!
//! A variant is written beside the original, named
//! `<stem>-<width>.<key>.<ext>` (`map-480.3f9a0c1d.webp` beside `map.png`): the
//! `key` is a hash of the original's bytes and of the settings that made the copy,
//! so that a replaced image or new settings give new names (no browser or CDN
//! shows a stale copy), and a site's own file cannot take the name by chance (a
//! file that does is reported as written twice).

use super::{Digest, Image};

/// What makes a variant besides the image and its width: changing any of it
/// changes every key, so the cache is never read for copies made otherwise.
pub const ENCODERS: &str =
    "briefing images 1: Lanczos3; JPEG q80 (image); PNG (image); WebP q80 (libwebp)";

/// The quality of JPEG and WebP copies, 0–100.
pub const QUALITY: u8 = 80;

/// A format images are resized in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
}

impl Format {
    /// The format of a MIME type, for those that are resized.
    pub fn of_mime(mime: &str) -> Option<Format> {
        match mime {
            "image/jpeg" => Some(Format::Jpeg),
            "image/png" => Some(Format::Png),
            "image/webp" => Some(Format::Webp),
            _ => None,
        }
    }

    /// The file name extension of its variants.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
        }
    }

    /// Its MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
        }
    }
}

/// One resized copy to make.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// In pixels.
    pub width: u32,
    /// In pixels, in the original's proportion.
    pub height: u32,
    /// Its format.
    pub format: Format,
    /// Its file name, beside the original: `map-480.3f9a0c1d.webp`.
    pub name: String,
    /// Where it is published, relative to the site: `articles/x/map-480.3f9a0c1d.webp`.
    pub url: String,
}

impl Variant {
    /// Its file's name in the cache's folder for the image: `480.webp`.
    pub fn cache_name(&self) -> String {
        format!("{}.{}", self.width, self.format.ext())
    }
}

/// One entry of a `srcset`: a file and its width.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Candidate {
    /// Site-relative URL.
    pub url: String,
    /// In pixels.
    pub width: u32,
}

/// Everything an image gets: the copies to make and the candidates of each format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Set {
    /// The hash that names and caches its variants (hex).
    pub key: String,
    /// The copies to make (none for an image narrower than every width).
    pub made: Vec<Variant>,
    /// The candidates in the original's format, narrowest first, the original last.
    pub own: Vec<Candidate>,
    /// The WebP candidates, narrowest first; empty when the original is a WebP (its
    /// own candidates are).
    pub webp: Vec<Candidate>,
    /// Its format.
    pub format: Format,
}

/// The hash naming the variants of an image of `digest` made with `settings`.
pub fn key(digest: &Digest, widths: &[u32]) -> String {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    h.update(digest);
    for w in widths {
        h.update(w.to_le_bytes());
    }
    h.update(ENCODERS.as_bytes());
    h.finalize()[..10]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How many hex digits of the key a variant's name carries.
const NAME_KEY: usize = 8;

/// The variants and candidates of `image` resized to `widths`; `None` for an image
/// that is not resized (a GIF, an SVG).
pub fn of(image: &Image, widths: &[u32]) -> Option<Set> {
    let digest = image.digest.as_ref()?;
    let format = Format::of_mime(image.mime)?;
    if image.width == 0 || image.height == 0 {
        return None;
    }
    let key = key(digest, widths);
    let (dir, file) = match image.url.rsplit_once('/') {
        Some((dir, file)) => (format!("{dir}/"), file),
        None => (String::new(), image.url.as_str()),
    };
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let variant = |width: u32, format: Format| {
        let height = (u64::from(image.height) * u64::from(width))
            .div_ceil(u64::from(image.width))
            .max(1);
        let name = format!("{stem}-{width}.{}.{}", &key[..NAME_KEY], format.ext());
        Variant {
            width,
            height: u32::try_from(height).unwrap_or(u32::MAX),
            format,
            url: format!("{dir}{name}"),
            name,
        }
    };
    let below: Vec<u32> = widths
        .iter()
        .copied()
        .filter(|&w| w < image.width)
        .collect();
    let mut made = Vec::new();
    let mut own = Vec::new();
    let mut webp = Vec::new();
    for &w in &below {
        let v = variant(w, format);
        own.push(Candidate {
            url: v.url.clone(),
            width: w,
        });
        made.push(v);
        if format != Format::Webp {
            let v = variant(w, Format::Webp);
            webp.push(Candidate {
                url: v.url.clone(),
                width: w,
            });
            made.push(v);
        }
    }
    own.push(Candidate {
        url: image.url.clone(),
        width: image.width,
    });
    let widest = widths.iter().copied().max().unwrap_or(0);
    if format != Format::Webp && image.width <= widest {
        let v = variant(image.width, Format::Webp);
        webp.push(Candidate {
            url: v.url.clone(),
            width: image.width,
        });
        made.push(v);
    }
    Some(Set {
        key,
        made,
        own,
        webp,
        format,
    })
}

/// A `srcset` value of `candidates`, each URL made by `url` from the site-relative
/// one.
pub fn srcset(candidates: &[Candidate], url: impl Fn(&str) -> String) -> String {
    candidates
        .iter()
        .map(|c| format!("{} {}w", url(&c.url), c.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `sizes` of an image `width` pixels wide shown in a column of text: the
/// column's width (the default theme's 42rem measure) on a wide screen, the
/// screen's width on a narrow one, and never more than the image's own width (a
/// small image is not stretched).
pub fn sizes(width: u32) -> String {
    const COLUMN: u32 = 672; // 42rem at 16px
    if width < COLUMN {
        format!("(min-width: {width}px) {width}px, 100vw")
    } else {
        format!("(min-width: {COLUMN}px) {COLUMN}px, 100vw")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(width: u32, mime: &'static str) -> Image {
        Image {
            url: "articles/x/map.png".into(),
            width,
            height: width / 2,
            mime,
            bytes: 0,
            file: "map.png".into(),
            stamp: Default::default(),
            digest: Some([7; 16]),
            orientation: 1,
        }
    }

    #[test]
    fn never_upscaled_and_the_original_is_the_widest_candidate() {
        let settings = crate::config::DEFAULT_WIDTHS;
        let set = of(&image(1200, "image/png"), &settings[..]).unwrap();
        let widths = |c: &[Candidate]| c.iter().map(|c| c.width).collect::<Vec<_>>();
        assert_eq!(widths(&set.own), [480, 960, 1200]);
        assert_eq!(set.own[2].url, "articles/x/map.png");
        assert_eq!(widths(&set.webp), [480, 960, 1200]);
        assert_eq!(set.made.len(), 5);
        let k = &set.key[..8];
        assert_eq!(set.own[0].url, format!("articles/x/map-480.{k}.png"));
        assert_eq!(set.made[0].height, 240);
        // Wider than the widest width: WebP stops at it.
        let set = of(&image(3000, "image/jpeg"), &settings[..]).unwrap();
        assert_eq!(widths(&set.own), [480, 960, 1600, 3000]);
        assert_eq!(widths(&set.webp), [480, 960, 1600]);
        // A WebP's own candidates are WebP.
        let set = of(&image(600, "image/webp"), &settings[..]).unwrap();
        assert_eq!(widths(&set.own), [480, 600]);
        assert!(set.webp.is_empty());
        assert!(of(&image(600, "image/gif"), &settings[..]).is_none());
    }
}
