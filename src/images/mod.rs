//! Images named by front matter and site.toml (an article's lead `image:`, the site's
//! `default_image` and `logo`): found on disk, their size read from the file's header
//! (the `imagesize` crate reads a few bytes, not the picture), so that pages give
//! `width` and `height` and link previews their dimensions.
//!
//! A JPEG, PNG or WebP is also hashed when found (its [`Digest`]): the resized
//! copies of it ([`variants`]) are named and cached by that hash, and [`process`]
//! makes them. [`rewrite`] gives every `<img>` of a rendered body its `srcset`,
//! `sizes`, `width` and `height`.

pub mod process;
pub mod rewrite;
pub mod variants;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// A hash of a file's bytes (SHA-256, cut to 16 bytes): what its variants are named
/// and cached by.
pub type Digest = [u8; 16];

/// A file's size and modification time: what tells that it was replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Stamp {
    /// Its size in bytes.
    pub len: u64,
    /// Its modification time, in nanoseconds since the epoch (0 when unknown).
    pub modified: u128,
}

impl Stamp {
    /// `file`'s stamp now; `None` when it cannot be read.
    pub fn of(file: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(file).ok()?;
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Some(Stamp {
            len: m.len(),
            modified,
        })
    }
}

/// An image file of the site, as pages, feeds and structured data describe it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image {
    /// Where it is published, relative to the site: `articles/x/map.png`, `img/a.jpg`.
    pub url: String,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// Its MIME type: `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
    pub mime: &'static str,
    /// The file's size in bytes (an RSS enclosure gives it).
    pub bytes: u64,
    /// Where it is on disk.
    pub file: PathBuf,
    /// The file's size and time when it was read: when they change, the image was
    /// replaced and whatever shows it is made again.
    pub stamp: Stamp,
    /// The hash of its bytes, for a JPEG, PNG or WebP: the images that are resized.
    pub digest: Option<Digest>,
    /// Its EXIF orientation (1 to 8; 1 is upright), as a camera or phone writes it:
    /// browsers show the picture turned by it, so `width` and `height` are as shown,
    /// and its resized copies are turned the same way.
    pub orientation: u8,
}

impl Image {
    /// Whether the file on disk is no longer the one read.
    pub fn replaced(&self) -> bool {
        Stamp::of(&self.file) != Some(self.stamp)
    }
}

/// An article's lead image: the file, and what is said of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeadImage {
    /// The file.
    pub image: Image,
    /// What it shows, for readers who cannot see it (`image_alt`; empty when it only
    /// decorates).
    pub alt: String,
    /// A caption shown under it (`image_caption`).
    pub caption: Option<String>,
    /// Who made it (`image_credit`).
    pub credit: Option<String>,
}

/// Why an image named somewhere cannot be used, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnImage {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// Where an image written `written` is looked for: in the article's bundle folder
/// `bundle` (a path relative to `content/`) when it has one and the path is relative,
/// else in `static/`. Each place is a file on disk and the URL it is published at.
pub fn places(root: &Path, bundle: Option<(&str, &str)>, written: &str) -> Vec<(PathBuf, String)> {
    let mut places = Vec::new();
    let relative = !written.starts_with('/');
    let path = written.trim_start_matches('/');
    if let (true, Some((dir, slug))) = (relative, bundle) {
        places.push((
            root.join("content").join(dir).join(path),
            format!("articles/{slug}/{path}"),
        ));
    }
    places.push((root.join("static").join(path), path.to_string()));
    places
}

/// The image written `written` (see [`places`]), its file read for its size.
pub fn find(root: &Path, bundle: Option<(&str, &str)>, written: &str) -> Result<Image, NotAnImage> {
    let path = written.trim();
    if path.is_empty() || path.contains("://") || path.starts_with("//") {
        return Err(NotAnImage {
            message: format!("expected a file of the site, found {written:?}"),
            help: "put the image in the article's folder, or under static/, and name it by its path: `image: map.png`".into(),
        });
    }
    if path.split(['/', '\\']).any(|s| s == "..") {
        return Err(NotAnImage {
            message: format!("{written:?} is outside the site's folders"),
            help: "put the image in the article's folder, or under static/".into(),
        });
    }
    let places = places(root, bundle, path);
    let Some((file, url)) = places.iter().find(|(f, _)| f.is_file()) else {
        let looked: Vec<String> = places
            .iter()
            .map(|(f, _)| {
                crate::diagnostics::display_path(root, f)
                    .display()
                    .to_string()
            })
            .collect();
        return Err(NotAnImage {
            message: format!("no file {}", looked.join(" or ")),
            help: "check the file's name (case counts), or put the image there".into(),
        });
    };
    let shown = crate::diagnostics::display_path(root, file)
        .display()
        .to_string();
    let mime = match imagesize::image_type(&head(file).unwrap_or_default()) {
        Ok(imagesize::ImageType::Png) => "image/png",
        Ok(imagesize::ImageType::Jpeg) => "image/jpeg",
        Ok(imagesize::ImageType::Gif) => "image/gif",
        Ok(imagesize::ImageType::Webp) => "image/webp",
        Ok(other) => {
            return Err(NotAnImage {
                message: format!(
                    "{shown} is {other:?}, which link previews and mail clients do not show"
                ),
                help: "use a JPEG or PNG (WebP and GIF are taken too)".into(),
            })
        }
        Err(_) => {
            return Err(NotAnImage {
                message: format!(
                    "{shown} is not an image briefing can read (an SVG, or not an image)"
                ),
                help: "use a JPEG or PNG: link previews and mail clients do not show SVG".into(),
            })
        }
    };
    let size = imagesize::size(file).map_err(|e| NotAnImage {
        message: format!("cannot read the size of {shown}: {e}"),
        help: "the file may be damaged: export it again as JPEG or PNG".into(),
    })?;
    let stamp = Stamp::of(file).unwrap_or_default();
    let digest = match mime {
        "image/png" | "image/jpeg" | "image/webp" => {
            Some(digest(file, stamp).map_err(|e| NotAnImage {
                message: format!("cannot read {shown}: {e}"),
                help: "check that the file can be read".into(),
            })?)
        }
        _ => None,
    };
    let orientation = match mime {
        "image/jpeg" | "image/webp" => orientation(file),
        _ => 1,
    };
    let (width, height) = (
        u32::try_from(size.width).unwrap_or(u32::MAX),
        u32::try_from(size.height).unwrap_or(u32::MAX),
    );
    // Orientations 5 to 8 turn the picture a quarter: it is shown as tall as it is wide.
    let (width, height) = match orientation {
        5..=8 => (height, width),
        _ => (width, height),
    };
    Ok(Image {
        url: url.clone(),
        width,
        height,
        orientation,
        mime,
        bytes: stamp.len,
        file: file.clone(),
        stamp,
        digest,
    })
}

/// The EXIF orientation of `file` (1, upright, when it says none): the decoder reads
/// the file's headers, not the picture.
fn orientation(file: &Path) -> u8 {
    use image::ImageDecoder;
    image::ImageReader::open(file)
        .and_then(|r| r.with_guessed_format())
        .ok()
        .and_then(|r| r.into_decoder().ok())
        .and_then(|mut d| d.orientation().ok())
        .map_or(1, |o| o.to_exif())
}

/// The hash of `file`'s bytes, read once per process for each stamp: the same
/// image shown by many articles, or found again by a session's next update, is
/// not read again.
fn digest(file: &Path, stamp: Stamp) -> std::io::Result<Digest> {
    use sha2::{Digest as _, Sha256};
    type Memo = Mutex<rustc_hash::FxHashMap<PathBuf, (Stamp, Digest)>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    if let Some((s, d)) = memo.lock().ok().and_then(|m| m.get(file).copied()) {
        if s == stamp {
            return Ok(d);
        }
    }
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(file)?, &mut hasher)?;
    let mut d = Digest::default();
    d.copy_from_slice(&hasher.finalize()[..16]);
    if let Ok(mut m) = memo.lock() {
        m.insert(file.to_path_buf(), (stamp, d));
    }
    Ok(d)
}

/// The first bytes of `file`, enough to tell its type.
fn head(file: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(64);
    std::fs::File::open(file)?.take(64).read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest PNG: a 1×1 header is all `imagesize` reads.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn an_image_is_found_in_its_bundle_then_in_static() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/2017-07-06-x")).unwrap();
        std::fs::create_dir_all(root.join("static/img")).unwrap();
        std::fs::write(root.join("content/2017-07-06-x/map.png"), png(1200, 630)).unwrap();
        std::fs::write(root.join("static/img/logo.png"), png(60, 60)).unwrap();
        let bundle = Some(("2017-07-06-x", "x"));
        let map = find(root, bundle, "map.png").unwrap();
        assert_eq!(
            (map.url.as_str(), map.width, map.height, map.mime),
            ("articles/x/map.png", 1200, 630, "image/png")
        );
        let logo = find(root, bundle, "/img/logo.png").unwrap();
        assert_eq!((logo.url.as_str(), logo.width), ("img/logo.png", 60));
        let missing = find(root, bundle, "nope.png").unwrap_err();
        assert_eq!(
            missing.message,
            "no file content/2017-07-06-x/nope.png or static/nope.png"
        );
        std::fs::write(
            root.join("static/a.svg"),
            "<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .unwrap();
        let svg = find(root, None, "a.svg").unwrap_err();
        assert_eq!(
            svg.message,
            "static/a.svg is not an image briefing can read (an SVG, or not an image)"
        );
        assert!(find(root, None, "../secret.png").is_err());
        assert!(find(root, None, "https://example.org/a.png").is_err());
    }
}
