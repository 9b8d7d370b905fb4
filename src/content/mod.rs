//! Content: reading what editors wrote (`content/`, `static/`) into the site model,
//! and rendering its Markdown once the model is built.
//!
//! [`walk`] finds the files; [`article`] and [`profile`] read each (front matter
//! through [`front_matter`]) into model values, in parallel; [`bodies`] renders every
//! body ([`markdown`], [`notes`]) against the built model.

pub mod article;
pub mod bodies;
pub mod data;
pub mod front_matter;
pub mod markdown;
pub mod notes;
pub mod profile;
mod read_ahead;
pub mod walk;

use crate::diagnostics::Diagnostic;
use crate::text;
use std::path::Path;
use std::string::FromUtf8Error;

/// The error for a file that is not UTF-8, at its first byte that is not. Editors'
/// files in another encoding are most often in Windows-1252: the byte is named as
/// its character there, and the help shows the line as it reads in it.
pub(crate) fn not_utf8(path: &Path, e: &FromUtf8Error) -> Diagnostic {
    let bytes = e.as_bytes();
    let offset = e.utf8_error().valid_up_to();
    let lossy = String::from_utf8_lossy(bytes);
    let byte = bytes[offset];
    let label = match text::windows_1252(byte) {
        Some(c) => format!("byte 0x{byte:02X}, `{c}` in Windows-1252"),
        None => format!("byte 0x{byte:02X}"),
    };
    let d = Diagnostic::error(path, "expected UTF-8 text, found bytes that are not UTF-8")
        .at_offset(offset, &lossy)
        .label(label);
    let start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| offset + i);
    let line = &bytes[start..end];
    // A line with UTF-8 in it too is not all Windows-1252: no line to show.
    let mixed = line.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
    let read: Option<String> = line.iter().map(|&b| text::windows_1252(b)).collect();
    match read.filter(|_| !mixed) {
        Some(read) => d.help(format!(
            "save the file as UTF-8; read as Windows-1252, this line is `{}`",
            read.trim_end_matches('\r')
        )),
        None => d.help("save the file as UTF-8"),
    }
}

/// The error for a character no page can hold, at `offset` of `text`. A C1 control
/// (U+0080 to U+009F) comes from Windows-1252 text converted as if it were Latin-1:
/// the help shows the line with the characters meant.
pub(crate) fn forbidden(path: &Path, text: &str, offset: usize, c: char) -> Diagnostic {
    let message = format!("expected text, found {}", text::describe_forbidden(c));
    let d = Diagnostic::error(path, message).at_offset(offset, text);
    let c1 = |c: char| ('\u{80}'..='\u{9f}').contains(&c);
    if !c1(c) {
        return d;
    }
    let meant: Option<String> = d
        .source_line
        .as_deref()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c1(c) {
                u8::try_from(u32::from(c)).ok().and_then(text::windows_1252)
            } else {
                Some(c)
            }
        })
        .collect();
    match meant {
        Some(meant) => d.help(format!(
            "the file was converted from Windows-1252 as if it were Latin-1; this line should read `{meant}`"
        )),
        None => d,
    }
}

/// A file's bytes as the text every stage reads: UTF-8, normalised
/// ([`crate::text::normalize`]), or the error saying where it is not UTF-8.
pub(crate) fn text_of(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    String::from_utf8(bytes).map(crate::text::normalize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_windows_1252_is_read_back_in_the_help() {
        let e = String::from_utf8(b"---\ntitle: It\x92s on\n".to_vec()).unwrap_err();
        let d = not_utf8(Path::new("a.md"), &e);
        assert_eq!(d.position, Some((2, 10)));
        assert_eq!(d.label.as_deref(), Some("byte 0x92, `’` in Windows-1252"));
        assert_eq!(
            d.helps,
            ["save the file as UTF-8; read as Windows-1252, this line is `title: It’s on`"]
        );
        // UTF-8 on the same line: it is not all Windows-1252.
        let e = String::from_utf8("é \u{2019}".bytes().chain([0x92]).collect()).unwrap_err();
        assert_eq!(
            not_utf8(Path::new("a.md"), &e).helps,
            ["save the file as UTF-8"]
        );
    }

    #[test]
    fn windows_1252_read_as_latin_1_is_shown_as_meant() {
        let text = "---\ntitle: It\u{92}s on\n";
        let d = forbidden(Path::new("a.md"), text, 13, '\u{92}');
        assert_eq!(d.position, Some((2, 10)));
        assert_eq!(
            d.helps,
            ["the file was converted from Windows-1252 as if it were Latin-1; this line should read `title: It’s on`"]
        );
        assert!(forbidden(Path::new("a.md"), "a\u{1}", 1, '\u{1}')
            .helps
            .is_empty());
    }
}
