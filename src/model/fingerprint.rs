//! Fingerprints: 64-bit hashes of what a page is made from.
//!
//! An incremental build renders a page again only when its fingerprint changed, so a
//! fingerprint must cover every value the page's template can see. The hasher is
//! XXH3 (64 bits) with its default secret: the same in every run, so a build's cache
//! may keep them (sealed with the binary that made them; another version's are never
//! read, see `build::cache`). It was std's SipHash, at 3% of a build's CPU after an
//! edit at 100,000 articles.

use serde::Serialize;
use std::hash::{Hash, Hasher};

/// What fingerprints are hashed with.
pub type Fingerprinter = xxhash_rust::xxh3::Xxh3Default;

/// A fresh hasher.
pub fn hasher() -> Fingerprinter {
    Fingerprinter::new()
}

/// Feeds a serialisable value into `h`, as its JSON text.
pub fn json<T: Serialize + ?Sized>(h: &mut impl Hasher, value: &T) {
    struct Feed<'a, H>(&'a mut H);
    impl<H: Hasher> std::io::Write for Feed<'_, H> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Serialising plain data into a sink that never fails cannot fail.
    let _ = serde_json::to_writer(Feed(h), value);
}

/// The fingerprint of one serialisable value, as its JSON text.
pub fn json_of<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut h = hasher();
    json(&mut h, value);
    h.finish()
}

/// The fingerprint of one hashable value.
pub fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = hasher();
    value.hash(&mut h);
    h.finish()
}
