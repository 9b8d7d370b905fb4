//! Making the variants of images: each decoded once, resized to each width with
//! `fast_image_resize` (Lanczos3), encoded as JPEG or PNG by `image` and as WebP by
//! libwebp (the `webp` crate: lossy, which `image`'s own encoder is not), images in
//! parallel.
//!
//! The copies are kept in a cache folder, `.briefing-cache/images/` under the site,
//! one folder per image named by its [`Set::key`] (the hash of its bytes and the
//! settings): a folder is complete or absent (made under another name, then
//! renamed), so a build finding it reads no image at all. The output is given
//! copies of the cached files. The folder is never published and safe to delete.

use super::variants::{Format, Set, Variant, QUALITY};
use super::Image;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The cache's folder, under the site's root (and in `.gitignore`).
pub const CACHE_DIR: &str = ".briefing-cache/images";

/// The largest image decoded, in pixels: a 100-megapixel photo. Past it (a
/// "decompression bomb" of 30,000 × 30,000 pixels would take 3.6 GB) the image is an
/// error, said before anything is decoded.
pub const MAX_PIXELS: u64 = 100_000_000;

/// The most memory a decoder may take for one image.
const MAX_ALLOC: u64 = 1 << 30;

/// What making the variants of a build's images did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Images decoded and resized.
    pub processed: usize,
    /// Images whose variants were all in the cache.
    pub cached: usize,
    /// Variant files the images have in all.
    pub variants: usize,
    /// Images that could not be made, by key, with what is wrong and why.
    pub failures: Vec<(String, String, Option<String>)>,
}

/// The folder in `cache` holding the variants of `set`.
pub fn folder(cache: &Path, set: &Set) -> PathBuf {
    cache.join(&set.key)
}

/// Makes the variants of every image of `jobs` that the cache in `cache` does not
/// hold yet, in parallel.
/// Files are named in messages relative to the site's `root`.
pub fn run(root: &Path, cache: &Path, jobs: &[(&Image, &Set)]) -> Outcome {
    let results: Vec<Result<bool, KeyedFailure>> = jobs
        .par_iter()
        .map(|(image, set)| {
            let dir = folder(cache, set);
            if set.made.iter().all(|v| dir.join(v.cache_name()).is_file()) {
                return Ok(false);
            }
            make(root, image, set, cache, &dir)
                .map(|()| true)
                .map_err(|(message, cause)| (set.key.clone(), message, cause))
        })
        .collect();
    let mut outcome = Outcome {
        variants: jobs.iter().map(|(_, s)| s.made.len()).sum(),
        ..Outcome::default()
    };
    for r in results {
        match r {
            Ok(true) => outcome.processed += 1,
            Ok(false) => outcome.cached += 1,
            Err(f) => outcome.failures.push(f),
        }
    }
    outcome
}

/// An image's key, what is wrong, and the decoder's or encoder's own words.
type KeyedFailure = (String, String, Option<String>);

/// What is wrong, and the decoder's or encoder's own words.
type Failure = (String, Option<String>);

/// Decodes `image`, writes each variant into a new folder and renames it to `dir`.
fn make(root: &Path, image: &Image, set: &Set, cache: &Path, dir: &Path) -> Result<(), Failure> {
    let shown = crate::diagnostics::display_path(root, &image.file);
    let shown = shown.display();
    if set.made.is_empty() {
        return std::fs::create_dir_all(dir).map_err(|e| {
            (
                format!("cannot write the cache folder {}", dir.display()),
                Some(e.to_string()),
            )
        });
    }
    let pixels = u64::from(image.width) * u64::from(image.height);
    if pixels > MAX_PIXELS {
        return Err((
            format!(
                "{shown} is {} × {} pixels, more than the {} megapixels briefing decodes",
                image.width,
                image.height,
                MAX_PIXELS / 1_000_000
            ),
            None,
        ));
    }
    // The JPEG decoder shows a file cut short as a picture grey below the cut.
    if image.mime == "image/jpeg" {
        let bytes = std::fs::read(&image.file)
            .map_err(|e| (format!("cannot read {shown}"), Some(e.to_string())))?;
        if !jpeg_complete(&bytes) {
            return Err((
                format!("cannot decode {shown}: the file is damaged, or not the image it seems"),
                Some("the JPEG ends before its picture does (a download or copy cut short)".into()),
            ));
        }
    }
    let decoded = decode(&image.file, image.orientation).map_err(|e| {
        (
            format!("cannot decode {shown}: the file is damaged, or not the image it seems"),
            Some(e.to_string()),
        )
    })?;
    let alpha = set.format != Format::Jpeg && decoded.color().has_alpha();
    let source = if alpha {
        image::DynamicImage::ImageRgba8(decoded.into_rgba8())
    } else {
        image::DynamicImage::ImageRgb8(decoded.into_rgb8())
    };
    std::fs::create_dir_all(cache).map_err(|e| {
        (
            format!("cannot write the cache folder {}", cache.display()),
            Some(e.to_string()),
        )
    })?;
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{}-", set.key))
        .tempdir_in(cache)
        .map_err(|e| {
            (
                format!("cannot write the cache folder {}", cache.display()),
                Some(e.to_string()),
            )
        })?;
    let mut resizer = fast_image_resize::Resizer::new();
    let options = fast_image_resize::ResizeOptions::new().resize_alg(
        fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3),
    );
    // Each width is resized once and encoded in each format asked for at it.
    let mut widths: Vec<(u32, u32)> = set.made.iter().map(|v| (v.width, v.height)).collect();
    widths.dedup();
    for (width, height) in widths {
        let pixel_type = if alpha {
            fast_image_resize::PixelType::U8x4
        } else {
            fast_image_resize::PixelType::U8x3
        };
        let mut resized = fast_image_resize::images::Image::new(width, height, pixel_type);
        let pixels: &[u8] = if width == image.width && height == image.height {
            source.as_bytes()
        } else {
            resizer
                .resize(&source, &mut resized, &options)
                .map_err(|e| (format!("cannot resize {shown}"), Some(e.to_string())))?;
            resized.buffer()
        };
        for v in set.made.iter().filter(|v| v.width == width) {
            let bytes = encode(v, pixels, alpha).map_err(|e| {
                (
                    format!("cannot encode {shown} as {}", v.format.ext()),
                    Some(e),
                )
            })?;
            std::fs::write(temp.path().join(v.cache_name()), bytes).map_err(|e| {
                (
                    format!("cannot write the cache folder {}", cache.display()),
                    Some(e.to_string()),
                )
            })?;
        }
    }
    let made = temp.keep();
    if let Err(e) = std::fs::rename(&made, dir) {
        let _ = std::fs::remove_dir_all(&made);
        // Another build made it meanwhile: theirs is as good.
        if !dir.is_dir() {
            return Err((
                format!("cannot write the cache folder {}", dir.display()),
                Some(e.to_string()),
            ));
        }
    }
    Ok(())
}

/// Whether a JPEG's segments and scans run to its end-of-image marker. Written by
/// hand: the decoder `image` uses fills a file cut short with grey and says nothing.
/// Segments carry their length; a scan's coded data ends at the first marker that is
/// not a stuffed `FF 00` or a restart `FF D0`–`FF D7`. Whatever follows the end
/// marker (a phone's motion-photo video) is not read.
pub fn jpeg_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        // Fill bytes may precede a marker.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return false;
        };
        match marker {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let Some(len) = bytes.get(i + 2..i + 4) else {
                    return false;
                };
                i += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
                if marker == 0xDA {
                    // The scan's coded data, to the next real marker.
                    loop {
                        match (bytes.get(i), bytes.get(i + 1)) {
                            (Some(0xFF), Some(0x00 | 0xD0..=0xD7)) => i += 2,
                            (Some(0xFF), Some(_)) => break,
                            (Some(_), _) => i += 1,
                            (None, _) => return false,
                        }
                    }
                }
            }
        }
    }
}

/// Decodes `file`, within the limits of [`MAX_PIXELS`] and [`MAX_ALLOC`], turned as
/// its EXIF `orientation` says (as browsers show it).
pub fn decode(file: &Path, orientation: u8) -> image::ImageResult<image::DynamicImage> {
    let mut reader = image::ImageReader::open(file)?.with_guessed_format()?;
    let mut limits = image::Limits::default();
    let side = u32::try_from(MAX_PIXELS).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoded = reader.decode()?;
    if let Some(o) = image::metadata::Orientation::from_exif(orientation) {
        decoded.apply_orientation(o);
    }
    if u64::from(decoded.width()) * u64::from(decoded.height()) > MAX_PIXELS {
        return Err(image::ImageError::Limits(
            image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError),
        ));
    }
    Ok(decoded)
}

/// `pixels` (RGB, or RGBA with `alpha`) encoded as `v` asks.
fn encode(v: &Variant, pixels: &[u8], alpha: bool) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let color = if alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match v.format {
        Format::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
            .write_image(pixels, v.width, v.height, color)
            .map_err(|e| e.to_string())?,
        Format::Png => image::codecs::png::PngEncoder::new(&mut out)
            .write_image(pixels, v.width, v.height, color)
            .map_err(|e| e.to_string())?,
        Format::Webp => {
            let layout = if alpha {
                webp::PixelLayout::Rgba
            } else {
                webp::PixelLayout::Rgb
            };
            let encoded = webp::Encoder::new(pixels, layout, v.width, v.height)
                .encode_simple(false, f32::from(QUALITY))
                .map_err(|e| format!("{e:?}"))?;
            out = encoded.to_vec();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_jpeg_cut_short_is_not_complete_and_a_whole_one_is() {
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 9]));
        let mut whole = std::io::Cursor::new(Vec::new());
        img.write_to(&mut whole, image::ImageFormat::Jpeg).unwrap();
        let whole = whole.into_inner();
        assert!(super::jpeg_complete(&whole));
        // Something after the end (a motion photo's video) is not read.
        let mut trailed = whole.clone();
        trailed.extend_from_slice(&[0xFF, 0xDA, 0, 0, 1, 2, 3]);
        assert!(super::jpeg_complete(&trailed));
        for cut in [2, 20, whole.len() / 2, whole.len() - 2] {
            assert!(!super::jpeg_complete(&whole[..cut]), "cut at {cut}");
        }
        assert!(!super::jpeg_complete(b"not a jpeg"));
    }
}
