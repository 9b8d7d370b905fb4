//! Generates a site of photo articles for the image benchmark:
//! `cargo run --release --example gen_photos -- N DIR [WIDTH HEIGHT]`.
//!
//! N bundle articles, each with one JPEG of WIDTH × HEIGHT (default 3000 × 2000) as its
//! lead image and shown again in its body. The pictures are smooth gradients under
//! seeded noise, so they compress about as a photo does (a few hundred KB each at
//! quality 85, not the few KB of a flat colour), and are the same on every machine.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: gen_photos N DIR [WIDTH HEIGHT]";
    let n: usize = args.next().and_then(|a| a.parse().ok()).expect(usage);
    let dir = PathBuf::from(args.next().expect(usage));
    let width: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let height: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("site.toml"),
        "title = \"Photo desk\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..n {
        let folder = dir.join(format!("content/2017-07-{:02}-photo-{i:04}", 1 + i % 28));
        std::fs::create_dir_all(&folder).unwrap();
        let shift = (i * 37) as u32;
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed % 24) as u32;
            image::Rgb([
                ((x + shift) * 255 / width.max(1) / 2 + noise) as u8,
                ((y + shift) * 255 / height.max(1) / 2 + noise) as u8,
                (((x + y) / 8 + shift) % 200 + noise) as u8,
            ])
        });
        let mut jpeg = std::io::Cursor::new(Vec::new());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
            .encode_image(&img)
            .unwrap();
        std::fs::write(folder.join("photo.jpg"), jpeg.into_inner()).unwrap();
        std::fs::write(
            folder.join("index.md"),
            format!(
                "---\ntitle: Photo {i}\ndate: 2017-07-{:02}\nsource: Wire\nimage: photo.jpg\nimage_alt: \"Test picture {i}\"\nimage_credit: Desk\n---\nA picture.\n\n![Test picture {i}](photo.jpg)\n",
                1 + i % 28
            ),
        )
        .unwrap();
    }
    println!(
        "{n} photo articles of {width} × {height} in {}",
        dir.display()
    );
}
