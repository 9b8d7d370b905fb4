//! Which file of the site a URL names, and how it is answered.
//!
//! Only files inside the site folder are ever served: the URL path is decoded, a
//! `..` segment (also encoded), a backslash or a NUL is refused, and the file found
//! must resolve inside the folder. HTML pages are read whole, since the live-reload
//! script goes into them as they are served; every other file is left to
//! tower-http, which streams it and answers ranges and conditional requests.

use super::live::inject;
use axum::http::StatusCode;
use mime_guess::{mime, Mime};
use std::path::{Path, PathBuf};

/// What a URL path names in the site folder.
#[derive(Debug, PartialEq, Eq)]
enum Located {
    /// A file to send.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect there, so the page's
    /// relative links resolve.
    Folder,
    /// Nothing there.
    NotFound,
    /// A path that tries to leave the folder, or cannot be decoded.
    Refused,
}

/// How a request for a URL path is answered, from what the folder holds now.
#[derive(Debug)]
pub(super) enum Answer {
    /// An HTML page (or the 404 page), with the live-reload script in it.
    Page(StatusCode, String),
    /// Any other file, with its content type.
    File(PathBuf, Mime),
    /// A folder asked for without its trailing slash.
    Folder,
    /// A path out of the folder, or one that cannot be decoded.
    Refused,
    /// A page that exists but cannot be read.
    Unreadable(std::io::Error),
}

/// Answers `url_path` (as sent, percent-encoded) from the files of `dir`; a page
/// says it is of build `generation`.
pub(super) fn answer(dir: &Path, url_path: &str, generation: u64) -> Answer {
    match locate(dir, url_path) {
        Located::File(file) => {
            let mime = content_type(&file);
            if !is_html(&mime) {
                return Answer::File(file, mime);
            }
            match read_page(&file, generation) {
                Ok(html) => Answer::Page(StatusCode::OK, html),
                Err(e) => Answer::Unreadable(e),
            }
        }
        Located::Folder => Answer::Folder,
        Located::NotFound => not_found(dir, generation),
        Located::Refused => Answer::Refused,
    }
}

const FALLBACK_404: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1><p>No page at this address.</p></body></html>";

/// What every address shows before the site has built once (its first build failed):
/// the problem comes over it, and it reloads once a save builds.
const UNBUILT: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not built yet</title></head><body><h1>The site has not built yet</h1><p>Its first build failed: the problem is shown above and in the terminal. Fix it and save; this page reloads with the site.</p></body></html>";

/// The site's own `404.html`, or a plain page when it has none; before the first good
/// build, a page saying so.
fn not_found(dir: &Path, generation: u64) -> Answer {
    match read_page(&dir.join("404.html"), generation) {
        Ok(html) => Answer::Page(StatusCode::NOT_FOUND, html),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let page = match generation {
                0 => UNBUILT,
                _ => FALLBACK_404,
            };
            Answer::Page(StatusCode::NOT_FOUND, inject(page.to_string(), generation))
        }
        Err(e) => Answer::Unreadable(e),
    }
}

/// An HTML file with the live-reload script in it (bytes that are not UTF-8 are
/// replaced: the build writes none).
fn read_page(file: &Path, generation: u64) -> std::io::Result<String> {
    let bytes = std::fs::read(file)?;
    let html = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(inject(html, generation))
}

/// Finds the file `url_path` (as sent, percent-encoded) names inside `dir`.
fn locate(dir: &Path, url_path: &str) -> Located {
    let Ok(decoded) = percent_encoding::percent_decode_str(url_path).decode_utf8() else {
        return Located::Refused;
    };
    if !decoded.starts_with('/') {
        return Located::Refused;
    }
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Located::Refused,
            s if s.contains(['\\', '\0']) || (cfg!(windows) && s.contains(':')) => {
                return Located::Refused
            }
            s => file.push(s),
        }
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return Located::Folder;
        }
        file.push("index.html");
    }
    if !file.is_file() {
        return Located::NotFound;
    }
    // The output holds no links, but a folder someone put one into must not leak.
    match (file.canonicalize(), dir.canonicalize()) {
        (Ok(f), Ok(d)) if f.starts_with(&d) => Located::File(file),
        _ => Located::Refused,
    }
}

/// The Content-Type of a file, from mime_guess's table by its extension. Text is
/// said to be UTF-8, since everything the build writes is.
fn content_type(path: &Path) -> Mime {
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    if guess.type_() != mime::TEXT || guess.get_param(mime::CHARSET).is_some() {
        return guess;
    }
    format!("{guess}; charset=utf-8").parse().unwrap_or(guess)
}

fn is_html(mime: &Mime) -> bool {
    mime.type_() == mime::TEXT && mime.subtype() == mime::HTML
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site_folder() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("out");
        std::fs::create_dir_all(dir.join("articles/x")).unwrap();
        std::fs::write(dir.join("articles/x/index.html"), "x").unwrap();
        std::fs::write(site.path().join("secret.txt"), "secret").unwrap();
        assert_eq!(
            locate(&dir, "/articles/x/"),
            Located::File(dir.join("articles/x/index.html"))
        );
        assert_eq!(locate(&dir, "/articles/x"), Located::Folder);
        assert_eq!(
            locate(&dir, "/articles/%78/index.html"),
            Located::File(dir.join("articles/x/index.html"))
        );
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/articles/%2E%2E/%2e%2e/secret.txt",
            "/a/..%2f..%2fsecret.txt",
            "/..\\secret.txt",
            "/x%00.txt",
            "/%ff",
            "secret.txt",
        ] {
            assert_eq!(locate(&dir, bad), Located::Refused, "{bad}");
        }
        // An absolute path inside the URL stays inside the folder.
        assert_eq!(
            locate(
                &dir,
                &format!("/{}", site.path().join("secret.txt").display())
            ),
            Located::NotFound
        );
        assert_eq!(locate(&dir, "//etc/passwd"), Located::NotFound);
        // A symbolic link someone put into the output, to a file outside it.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(site.path().join("secret.txt"), dir.join("leak.txt"))
                .unwrap();
            assert_eq!(locate(&dir, "/leak.txt"), Located::Refused);
        }
    }

    #[test]
    fn text_is_utf_8_and_the_rest_as_the_table_says() {
        for (file, kind) in [
            ("style.css", "text/css; charset=utf-8"),
            ("a/index.html", "text/html; charset=utf-8"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("search.json", "application/json"),
            ("feed.atom", "application/atom+xml"),
            ("logo.svg", "image/svg+xml"),
            ("photo.JPG", "image/jpeg"),
            ("font.woff2", "font/woff2"),
            ("no-extension", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)).as_ref(), kind, "{file}");
        }
    }

    #[test]
    fn pages_get_the_script_and_a_missing_one_the_sites_404_page() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path();
        std::fs::write(dir.join("index.html"), "<body>home</body>").unwrap();
        std::fs::write(dir.join("style.css"), "p{}").unwrap();
        let page = |path: &str| match answer(dir, path, 1) {
            Answer::Page(status, html) => (status, html),
            other => panic!("{path}: {other:?}"),
        };
        assert_eq!(
            page("/"),
            (
                StatusCode::OK,
                format!("<body>home{}</body>", super::super::live::script_tag(1))
            )
        );
        assert!(matches!(answer(dir, "/style.css", 1), Answer::File(_, _)));
        let (status, html) = page("/gone/");
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("No page at this address."), "{html}");
        std::fs::write(dir.join("404.html"), "<body>ours</body>").unwrap();
        assert!(page("/gone/").1.starts_with("<body>ours<script"));
    }
}
