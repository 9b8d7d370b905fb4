//! Random sites: no input makes a build panic, and every promised page is written.
//!
//! proptest generates whole sites: `site.toml` (sometimes with `paginate_by`), 1–25
//! articles whose front matter is mostly valid but full of awkward text (unicode, RTL,
//! emoji, quotes, `<`, `&`, and script payloads), names from small pools so terms are
//! shared and merge (`U.S.`/`US`, case variants, transliterations), bodies of random
//! Markdown (notes, callouts, wikilinks, links between articles and to missing ones,
//! raw HTML, code, tables), actor and source profiles, and sometimes junk: random bytes
//! or text for a whole file, random front matter, broken articles, a broken `site.toml`.
//! Each site is built through the library, on a thread with a time limit, and:
//!
//! - the build never panics or hangs; it is `Ok`, or `Err` with at least one error;
//! - when `Ok`, every non-draft article has its page (and its bundle's files), every
//!   `<loc>` of the sitemap and every feed a page links to exists, every HTML page is
//!   in the sitemap, the site-wide files exist, HTML is UTF-8, XML parses, JSON-LD and
//!   `search.json` parse, and no payload from front matter appears unescaped;
//! - when `Err`, the output folder is exactly as the previous build left it (or absent),
//!   and no staging folder is left beside it.
//!
//! Some cases build the valid part first, then add the junk and build again; without
//! junk, the second build must write the same bytes as the first.
//!
//! CI runs 32 cases (or `PROPTEST_CASES`), about 20 s in a debug build. To fuzz for longer:
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test --release --test it random_sites -- --ignored
//! ```

use crate::support::tree;
use briefing::content::article::slug_from_path;
use briefing::model::slug::{slugify, term_slug};
use briefing::{BuildFailure, BuildOptions, BuildReport};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

// ---------------------------------------------------------------------------
// Pools: small, so that names repeat across articles and merge into terms.

/// Strings from front matter that must never reach a page unescaped, and the marker
/// that would show they did.
const PAYLOADS: &[&str] = &[
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "\" onmouseover=\"alert(3)",
    "' onfocus='alert(4)",
    "<svg/onload=alert(5)>",
    "]]></title><script>alert(6)</script>",
];
const MARKERS: &[&str] = &[
    "<script>alert",
    "<img src=x onerror",
    " onmouseover=\"alert",
    " onfocus='alert",
    "<svg/onload",
];

const TITLES: &[&str] = &[
    "US offers Russia joint no-fly zones in Syria",
    "Путин и Трамп встретились в Гамбурге",
    "اتفاق وقف إطلاق النار في جنوب غرب سوريا",
    "הפסקת אש בדרום סוריה",
    "“Smart quotes” and ‘single’ ones — with a dash",
    "He said \"no\" & left <quietly>",
    "A < B && C > D",
    "Rockets 🚀 and flags 🇸🇾🇷🇺 👩‍👩‍👧",
    "Ünïcödé Çàfé naïveté",
    "习近平会见普京",
    "{{ site.title }} {% if true %}x{% endif %}",
    "Tab\tand trailing space   ",
    "x",
    "123",
    "null",
    "#hashtag: colon, comma",
    "- starts like a list",
    "Mixed עברית and English",
];

const ACTORS: &[&str] = &[
    "Vladimir Putin",
    "vladimir putin",
    "Putin",
    "Владимир Путин",
    "Bashar al-Assad",
    "Bashar Al-Assad",
    "U.S.",
    "US",
    "Donald Trump",
    "Rex Tillerson",
    "Recep Tayyip Erdoğan",
    "Erdogan",
    "بشار الأسد",
    "习近平",
    "O'Brien",
    "OBrien",
    "!!!",
    "???",
    "🚀",
    "A & B",
];

const TAGS: &[&str] = &[
    "syria",
    "Syria",
    "SYRIA",
    "us-russia relations",
    "US–Russia relations",
    "ceasefire",
    "Ceasefire!",
    "no-fly zones",
    "نفط",
    "中东",
    "2017",
    "g20 2.0",
    "C++",
    "c",
    "!!!",
];

const SOURCES: &[&str] = &[
    "Reuters",
    "reuters",
    "RFE/RL",
    "AP",
    "Al Jazeera",
    "الجزيرة",
    "ТАСС",
    "Le Monde & Co",
    "<b>Bold</b> Wire",
];

const URLS: &[&str] = &[
    "https://www.rferl.org/a/us-russia-syria/28598474.html",
    "http://example.com/?a=1&b=2",
    "https://example.org/\"quoted\"",
    "https://例え.jp/パス?q=ü",
    "https://example.com/<b>x</b>",
    "https://example.com/path#frag",
];

const DATES: &[&str] = &[
    "2017-07-06",
    "2017-07-06T23:30:00-05:00",
    "2017-07-07T00:30:00+02:00",
    "2024-02-29",
    "1999-12-31T23:59:59Z",
    "2000-01-01T00:00:00+14:00",
    "1970-01-01",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-12:00",
    "2020-06-15T12:00:00.123456789+05:45",
    "2017-07-06 10:00:00+00:00",
    "2023-12-31t23:59:59z",
];

const BAD_DATES: &[&str] = &[
    "July 6",
    "2017-02-30",
    "2017-13-01",
    "2017-07-06T10:00:00",
    "",
    "2017-07-06T25:00:00Z",
];

const STEMS: &[&str] = &[
    "tillerson-offer",
    "Raqqa Offensive",
    "Ünïcode Файл",
    "2017-07-06",
    "x",
    "a.b.c",
];

const SLUGS: &[&str] = &["custom", "Путин", "US offers Russia", "a b c", "🚀 launch"];

const WORDS: &[&str] = &[
    "the",
    "ceasefire",
    "holds",
    "in",
    "Daraa",
    "&",
    "<",
    ">",
    "a<b",
    "&amp;",
    "5 * 3",
    "_under_",
    "Дамаск",
    "دمشق",
    "🚀",
    "\\",
    "`",
    "[",
    "]",
    "|",
    "#",
    "{{ x }}",
    "{% raw %}",
];

const NOTE_LABELS: &[&str] = &[
    "1",
    "context-nfz",
    "analysis",
    "fact-check-claim",
    "quote-putin",
    "background-1",
    "unknownkind-x",
    "ünï",
];

const CALLOUTS: &[&str] = &[
    "NOTE",
    "TIP",
    "IMPORTANT",
    "WARNING",
    "CAUTION",
    "FOO",
    "note",
];

/// Raw HTML an editor might write: none of it is a script.
const HTML: &[&str] = &[
    "<div class=\"box\">inside <b>bold</b></div>",
    "<details><summary>More</summary>Hidden text</details>",
    "<div>",
    "</div>",
    "<!-- a comment -->",
    "<span title=\"x\">span</span>",
    "<br>",
    "<p>para</p>",
    "&nbsp;&amp;&#x1F680;&bogus;",
    "<table><tr><td>1</td></tr></table>",
    "<a href=\"missing.md\">raw link</a>",
    "<img src=\"map.png\" alt=\"map\">",
    "</p></article></main>",
];

const LANGS: &[&str] = &["", "rust", "html", "a b", "{.x}"];

// ---------------------------------------------------------------------------
// The model of a generated site.

#[derive(Debug, Clone)]
enum Inline {
    Word(usize),
    Emph(usize),
    Strong(usize),
    Code(usize),
    /// A link to another generated article (index modulo their number), maybe to an anchor.
    LinkArticle(usize, bool),
    LinkMissing(u8),
    LinkExternal(usize),
    /// `[[Actor]]` or `[[Actor|alias]]`.
    Wiki(usize, Option<usize>),
    WikiUnknown,
    NoteRef(usize),
    Mention(usize),
    Image(bool),
    Raw(String),
}

#[derive(Debug, Clone)]
enum Piece {
    Para(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    List(bool, Vec<Vec<Inline>>),
    Quote(Vec<Inline>),
    Callout(usize, Vec<Inline>),
    NoteDef(usize, Vec<Inline>),
    Html(usize),
    Code(usize, String, bool),
    Table(u8, Vec<Vec<Inline>>),
    Rule,
    Text(String),
}

#[derive(Debug, Clone)]
enum Text {
    Pool(usize),
    Plain(String),
    Any(String),
    Payload(usize),
}

#[derive(Debug, Clone)]
enum SourceSpec {
    Name(usize),
    Number(u16),
    Payload(usize),
    Map {
        name: usize,
        url: Option<usize>,
        author: Option<Text>,
        published: Option<usize>,
    },
}

#[derive(Debug, Clone, Copy)]
enum Place {
    Top,
    Dated,
    Nested,
    Bundle,
}

#[derive(Debug, Clone)]
struct Article {
    place: Place,
    stem: usize,
    title: Text,
    date: usize,
    source: SourceSpec,
    actors: Vec<usize>,
    /// Some actors are payloads instead of pool names.
    actor_payload: Option<usize>,
    tags: Vec<usize>,
    tag_payload: Option<usize>,
    draft: Option<bool>,
    summary: Option<Text>,
    key_points: Vec<Text>,
    slug: Option<(usize, bool)>,
    extra: bool,
    typo: bool,
    /// 0: plain where possible, 1: single-quoted, 2: double-quoted, 3: block lists.
    style: u8,
    crlf: bool,
    bom: bool,
    body: Vec<Piece>,
}

#[derive(Debug, Clone)]
struct Profile {
    source: bool,
    name: usize,
    aliases: Vec<usize>,
    role: Option<Text>,
    /// Name the file after the name's slug (else a warning).
    slug_file: bool,
    body: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Break {
    BadDate(usize),
    NoTitle,
    NoSource,
    EmptySlug,
    ScriptUrl,
    WrongType,
    Unclosed,
    NoFences,
    Tabs,
    DuplicateOf(usize),
}

#[derive(Debug, Clone)]
enum Junk {
    Bytes(Vec<u8>),
    Text(String),
    FrontMatter(String, String),
    Broken(Box<Article>, Break),
    SiteToml(String),
    Profile(String),
    /// Templates of hostile shapes, by file name under `templates/`.
    Templates(Vec<(String, String)>),
    /// An article whose `extra` holds a list of `len` items and `copies` aliases of it.
    Aliases {
        len: usize,
        copies: usize,
    },
    /// An article naming `actors` actors and `tags` tags.
    Names {
        actors: usize,
        tags: usize,
    },
    /// A site folder broken: see [`write_root`].
    Root(RootBreak),
}

/// Ways the site's own folders can be broken.
#[derive(Debug, Clone, Copy)]
enum RootBreak {
    /// `content/` removed.
    NoContent,
    /// `content/` a symbolic link to itself.
    ContentLoop,
    /// `content/` a file.
    ContentFile,
    /// `static/` a symbolic link to itself.
    StaticLoop,
    /// A FIFO in `content/`, one in `templates/`: skipped with a warning.
    Fifos,
}

#[derive(Debug, Clone)]
struct SiteSpec {
    title: Text,
    base_url: usize,
    paginate_by: Option<u8>,
    articles: Vec<Article>,
    profiles: Vec<Profile>,
    junk: Vec<Junk>,
    /// Build the valid part first, then add the junk and build again.
    prebuild: bool,
}

const BASE_URLS: &[&str] = &[
    "https://example.org/briefings/",
    "https://example.org",
    "https://cdn.example.net/news/briefings",
    "http://localhost:1111/",
];

// ---------------------------------------------------------------------------
// Strategies.

fn text(pool: &'static [&'static str]) -> impl Strategy<Value = Text> {
    prop_oneof![
        6 => (0..pool.len()).prop_map(Text::Pool),
        3 => "[A-Za-z][A-Za-z0-9 ,.'!?-]{0,30}".prop_map(Text::Plain),
        2 => "\\PC{1,30}".prop_map(Text::Any),
        1 => "[a-z]{1,4}[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\u{85}\\u{2028}\\u{feff}][a-z]{0,4}"
            .prop_map(Text::Any),
        2 => (0..PAYLOADS.len()).prop_map(Text::Payload),
    ]
}

fn inline() -> impl Strategy<Value = Inline> {
    prop_oneof![
        12 => (0..WORDS.len()).prop_map(Inline::Word),
        2 => (0..WORDS.len()).prop_map(Inline::Emph),
        2 => (0..WORDS.len()).prop_map(Inline::Strong),
        1 => (0..WORDS.len()).prop_map(Inline::Code),
        3 => (0..64usize, any::<bool>()).prop_map(|(i, a)| Inline::LinkArticle(i, a)),
        1 => any::<u8>().prop_map(Inline::LinkMissing),
        1 => (0..URLS.len()).prop_map(Inline::LinkExternal),
        2 => (0..ACTORS.len(), proptest::option::of(0..ACTORS.len()))
            .prop_map(|(a, b)| Inline::Wiki(a, b)),
        1 => Just(Inline::WikiUnknown),
        3 => (0..NOTE_LABELS.len()).prop_map(Inline::NoteRef),
        3 => (0..ACTORS.len()).prop_map(Inline::Mention),
        1 => any::<bool>().prop_map(Inline::Image),
        1 => "\\PC{0,12}".prop_map(Inline::Raw),
    ]
}

fn inlines() -> impl Strategy<Value = Vec<Inline>> {
    prop::collection::vec(inline(), 1..12)
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        8 => inlines().prop_map(Piece::Para),
        2 => (1..=7u8, inlines()).prop_map(|(l, t)| Piece::Heading(l, t)),
        2 => (any::<bool>(), prop::collection::vec(inlines(), 1..4))
            .prop_map(|(o, items)| Piece::List(o, items)),
        1 => inlines().prop_map(Piece::Quote),
        2 => (0..CALLOUTS.len(), inlines()).prop_map(|(k, t)| Piece::Callout(k, t)),
        3 => (0..NOTE_LABELS.len(), inlines()).prop_map(|(l, t)| Piece::NoteDef(l, t)),
        2 => (0..HTML.len()).prop_map(Piece::Html),
        1 => (0..LANGS.len(), "\\PC{0,40}", any::<bool>())
            .prop_map(|(l, c, closed)| Piece::Code(l, c, closed)),
        1 => (1..4u8, prop::collection::vec(inlines(), 1..7))
            .prop_map(|(w, cells)| Piece::Table(w, cells)),
        1 => Just(Piece::Rule),
        1 => any::<String>().prop_map(Piece::Text),
    ]
}

fn source() -> impl Strategy<Value = SourceSpec> {
    prop_oneof![
        5 => (0..SOURCES.len()).prop_map(SourceSpec::Name),
        1 => any::<u16>().prop_map(SourceSpec::Number),
        1 => (0..PAYLOADS.len()).prop_map(SourceSpec::Payload),
        4 => (
            0..SOURCES.len(),
            proptest::option::of(0..URLS.len()),
            proptest::option::of(text(TITLES)),
            proptest::option::of(0..DATES.len()),
        )
            .prop_map(|(name, url, author, published)| SourceSpec::Map {
                name,
                url,
                author,
                published,
            }),
    ]
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        4 => Just(Place::Top),
        3 => Just(Place::Dated),
        2 => Just(Place::Nested),
        2 => Just(Place::Bundle),
    ]
}

fn article() -> impl Strategy<Value = Article> {
    let front = (
        place(),
        0..STEMS.len(),
        text(TITLES),
        0..DATES.len(),
        source(),
        prop::collection::vec(0..ACTORS.len(), 0..=5),
        prop::option::weighted(0.1, 0..PAYLOADS.len()),
        prop::collection::vec(0..TAGS.len(), 0..=4),
        prop::option::weighted(0.1, 0..PAYLOADS.len()),
        prop::option::weighted(0.3, any::<bool>()),
        prop::option::weighted(0.3, text(TITLES)),
        prop::collection::vec(text(TITLES), 0..3),
    );
    let rest = (
        // Mostly made unique with the article's number: shared slugs are an error.
        prop::option::weighted(0.15, (0..SLUGS.len(), prop::bool::weighted(0.8))),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.1),
        0..4u8,
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.1),
        prop::collection::vec(piece(), 0..10),
    );
    (front, rest).prop_map(
        |(
            (
                place,
                stem,
                title,
                date,
                source,
                actors,
                actor_payload,
                tags,
                tag_payload,
                draft,
                summary,
                key_points,
            ),
            (slug, extra, typo, style, crlf, bom, body),
        )| Article {
            place,
            stem,
            title,
            date,
            source,
            actors,
            actor_payload,
            tags,
            tag_payload,
            draft,
            summary,
            key_points,
            slug,
            extra,
            typo,
            style,
            crlf,
            bom,
            body,
        },
    )
}

fn profile() -> impl Strategy<Value = Profile> {
    (
        prop::bool::weighted(0.3),
        0..ACTORS.len(),
        prop::collection::vec(0..ACTORS.len(), 0..3),
        prop::option::of(text(TITLES)),
        prop::bool::weighted(0.8),
        prop::collection::vec(piece(), 0..4),
    )
        .prop_map(|(source, name, aliases, role, slug_file, body)| Profile {
            source,
            name,
            aliases,
            role,
            slug_file,
            body,
        })
}

fn brk() -> impl Strategy<Value = Break> {
    prop_oneof![
        (0..BAD_DATES.len()).prop_map(Break::BadDate),
        Just(Break::NoTitle),
        Just(Break::NoSource),
        Just(Break::EmptySlug),
        Just(Break::ScriptUrl),
        Just(Break::WrongType),
        Just(Break::Unclosed),
        Just(Break::NoFences),
        Just(Break::Tabs),
        (0..64usize).prop_map(Break::DuplicateOf),
    ]
}

const YAMLISH: &str = "(( {0,2})(title|date|source|name|actors|tags|draft|slug|extra|key_points|summary|url|- )(: ?)([\\[\\]{}:,'\"&*!|>a-z0-9 #-]{0,15})\n){0,6}";

fn junk() -> impl Strategy<Value = Junk> {
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Junk::Bytes),
        2 => any::<String>().prop_map(Junk::Text),
        1 => prop::collection::vec(any::<u8>(), 0..100).prop_map(|b| {
            let mut bytes = b"---\ntitle: x\n".to_vec();
            bytes.extend(b);
            Junk::Bytes(bytes)
        }),
        3 => (YAMLISH, "\\PC{0,40}").prop_map(|(y, b)| Junk::FrontMatter(y, b)),
        2 => (any::<String>(), "\\PC{0,40}").prop_map(|(y, b)| Junk::FrontMatter(y, b)),
        4 => (article(), brk()).prop_map(|(a, b)| Junk::Broken(Box::new(a), b)),
        1 => prop_oneof![
            Just("title = \"T\"\nbase_url = \"https://example.org/\"\npaginate_by = 0\n".to_string()),
            Just("title = \"T\"\nbase_url = \"https://example.org/\"\npaginate_by = -3\n".to_string()),
            Just("base_url = \"https://example.org/\"\n".to_string()),
            Just("title = \"T\"\nbase_url = \"not a url\"\n".to_string()),
            Just("title = \"T\"\nbase_url = \"https://example.org/\"\n[annotations]\nkinds = 5\n".to_string()),
            any::<String>(),
            "[a-z_]{1,10} = [\"0-9a-z\\[\\]{}., =]{0,20}\n".prop_map(|s| format!("title = \"T\"\nbase_url = \"https://example.org/\"\n{s}")),
        ]
        .prop_map(Junk::SiteToml),
        1 => prop_oneof![any::<String>(), YAMLISH.prop_map(|y| format!("---\n{y}---\nbody\n"))]
            .prop_map(Junk::Profile),
        2 => templates().prop_map(Junk::Templates),
        1 => (1..1000usize, 1..130usize).prop_map(|(len, copies)| Junk::Aliases { len, copies }),
        1 => (0..130usize, 0..130usize).prop_map(|(actors, tags)| Junk::Names { actors, tags }),
        1 => prop_oneof![
            Just(RootBreak::NoContent),
            Just(RootBreak::ContentLoop),
            Just(RootBreak::ContentFile),
            Just(RootBreak::StaticLoop),
            Just(RootBreak::Fifos),
        ]
        .prop_map(Junk::Root),
    ]
}

/// A template that nests `depth` blocks of `for` or `if`.
fn nested(depth: usize, loops: bool) -> String {
    let (open, close) = match loops {
        true => ("{% for x in [1] %}", "{% endfor %}"),
        false => ("{% if true %}", "{% endif %}"),
    };
    format!("{}x{}", open.repeat(depth), close.repeat(depth))
}

/// Templates of the shapes that crashed, hung or filled the memory of earlier
/// versions, at sizes on both sides of the limits. Render-time shapes are given as
/// `404.html`, a page every build renders; the rest are loaded and checked only.
fn templates() -> impl Strategy<Value = Vec<(String, String)>> {
    let one = |name: &str, text: String| vec![(name.to_string(), text)];
    prop_oneof![
        // Nesting, to well past what Tera 2's parser takes.
        (1..400usize, any::<bool>()).prop_map(move |(d, l)| one("junk.html", nested(d, l))),
        // Include chains without a loop, to past the depth allowed (32).
        (1..60usize).prop_map(|n| (0..n)
            .map(|i| {
                let next = match i + 1 < n {
                    true => format!("{{% include \"chain-{}.html\" %}}", i + 1),
                    false => "end".to_string(),
                };
                (format!("chain-{i}.html"), next)
            })
            .collect()),
        // Loops of includes or extends.
        (1..5usize, any::<bool>()).prop_map(|(n, extends)| (0..n)
            .map(|i| {
                let next = format!("loop-{}.html", (i + 1) % n);
                let text = match extends {
                    true => format!("{{% extends \"{next}\" %}}"),
                    false => format!("{{% include \"{next}\" %}}"),
                };
                (format!("loop-{i}.html"), text)
            })
            .collect()),
        // The environment and the clock.
        Just(one("junk.html", "{{ get_env(name=\"HOME\") }}".into())),
        Just(one("junk.html", "{{ now() }}".into())),
        // Tera 1 constructs and syntax errors.
        Just(one("junk.html", "{% macro m() %}x{% endmacro m %}{{ self::m() }}".into())),
        "\\{[%{#]\\PC{0,20}".prop_map(move |t| one("junk.html", t)),
        // A recursive component.
        Just(one(
            "junk.html",
            "{% component c() %}{{ <c /> }}{% endcomponent c %}{{ <c /> }}".into()
        )),
        // Ranges around the page's budget (100,000 numbers).
        (1..2_000_000u64).prop_map(move |end| one(
            "404.html",
            format!("{{% for i in range(end={end}) %}}.{{% endfor %}}")
        )),
        // Nested loops over a split: bounded here (no watchdog in the library).
        (1..20usize, 1..4usize).prop_map(move |(words, depth)| {
            let w = vec!["w"; words].join(" ");
            let mut t = format!("{{% set w = \"{w}\" | split(pat=\" \") %}}");
            t += &"{% for a in w %}".repeat(depth);
            t += ".";
            t += &"{% endfor %}".repeat(depth);
            one("404.html", t)
        }),
        // A value doubled, then printed: past the page's 64 MiB or not.
        (0..22u32, 1..100usize).prop_map(move |(doublings, times)| one(
            "404.html",
            format!(
                "{{% set s = \"ab\" %}}{{% for i in range(end={doublings}) %}}{{% set_global s = s ~ s %}}{{% endfor %}}\
                 {{% for i in range(end={times}) %}}{{{{ s }}}}{{% endfor %}}"
            )
        )),
    ]
}

fn site() -> impl Strategy<Value = SiteSpec> {
    (
        prop_oneof![4 => (0..1usize).prop_map(Text::Pool), 1 => text(TITLES)],
        0..BASE_URLS.len(),
        prop::option::of(1..=5u8),
        prop::collection::vec(article(), 1..=25),
        prop::collection::vec(profile(), 0..=2),
        prop_oneof![3 => Just(Vec::new()), 2 => prop::collection::vec(junk(), 1..=3)],
        prop::bool::weighted(0.4),
    )
        .prop_map(
            |(title, base_url, paginate_by, articles, profiles, junk, prebuild)| SiteSpec {
                title,
                base_url,
                paginate_by,
                articles,
                profiles,
                junk,
                prebuild,
            },
        )
}

// ---------------------------------------------------------------------------
// Writing a site out.

fn text_value(t: &Text, pool: &[&'static str]) -> String {
    match t {
        Text::Pool(i) => pool[i % pool.len()].to_string(),
        Text::Plain(s) | Text::Any(s) => s.clone(),
        Text::Payload(i) => PAYLOADS[*i].to_string(),
    }
}

fn yaml_printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// `s` as a YAML scalar that reads back as the string `s`, in `style` where it can be.
fn yaml(s: &str, style: u8) -> String {
    let plain_safe = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "inf" | "nan"
        );
    if style == 0 && plain_safe {
        return s.to_string();
    }
    if style == 1 && s.chars().all(yaml_printable) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if yaml_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => write!(out, "\\x{:02x}", c as u32).unwrap(),
            c if (c as u32) <= 0xffff => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => write!(out, "\\U{:08x}", c as u32).unwrap(),
        }
    }
    out.push('"');
    out
}

fn yaml_list(items: &[String], style: u8) -> String {
    if style == 3 && !items.is_empty() {
        items
            .iter()
            .map(|s| format!("\n  - {}", yaml(s, 2)))
            .collect()
    } else {
        let items: Vec<String> = items.iter().map(|s| yaml(s, style.min(2))).collect();
        format!(" [{}]", items.join(", "))
    }
}

/// An article's path under `content/`; `n` keeps generated names apart.
fn article_path(a: &Article, n: usize) -> String {
    let stem = format!("{}-{n}", STEMS[a.stem]);
    match a.place {
        Place::Top => format!("{stem}.md"),
        Place::Dated => format!("2017-07-{:02}-{stem}.md", n % 28 + 1),
        Place::Nested => format!("{}/{stem}.md", 2000 + n % 3),
        Place::Bundle => format!("{stem}/index.md"),
    }
}

/// The slug the site gives the article (SPEC: the front matter's, else the file's).
fn expected_slug(a: &Article, n: usize) -> String {
    match a.slug {
        Some((s, suffix)) => slugify(&slug_text(s, suffix, n)),
        None => slug_from_path(&article_path(a, n)),
    }
}

fn slug_text(s: usize, suffix: bool, n: usize) -> String {
    if suffix {
        format!("{} {n}", SLUGS[s])
    } else {
        SLUGS[s].to_string()
    }
}

/// What the body of an article links to: every article's path, for relative links.
struct Ctx<'a> {
    paths: &'a [String],
    from_depth: usize,
}

fn render_inline(out: &mut String, i: &Inline, ctx: &Ctx) {
    match i {
        Inline::Word(w) => out.push_str(WORDS[*w]),
        Inline::Emph(w) => write!(out, "*{}*", WORDS[*w]).unwrap(),
        Inline::Strong(w) => write!(out, "**{}**", WORDS[*w]).unwrap(),
        Inline::Code(w) => write!(out, "`{}`", WORDS[*w]).unwrap(),
        Inline::LinkArticle(j, anchor) => {
            let target = &ctx.paths[j % ctx.paths.len()];
            let anchor = if *anchor { "#background" } else { "" };
            write!(
                out,
                "[see this](<{}{target}{anchor}>)",
                "../".repeat(ctx.from_depth)
            )
            .unwrap();
        }
        Inline::LinkMissing(n) => write!(out, "[gone](missing-{n}.md)").unwrap(),
        Inline::LinkExternal(u) => write!(out, "[out](<{}>)", URLS[*u]).unwrap(),
        Inline::Wiki(a, None) => write!(out, "[[{}]]", ACTORS[*a]).unwrap(),
        Inline::Wiki(a, Some(b)) => write!(out, "[[{}|{}]]", ACTORS[*a], ACTORS[*b]).unwrap(),
        Inline::WikiUnknown => out.push_str("[[Nobody Known]]"),
        Inline::NoteRef(l) => write!(out, "[^{}]", NOTE_LABELS[*l]).unwrap(),
        Inline::Mention(a) => out.push_str(ACTORS[*a]),
        Inline::Image(true) => out.push_str("![map](map.png)"),
        Inline::Image(false) => out.push_str("![none](nowhere.png \"title\")"),
        Inline::Raw(s) => out.push_str(s),
    }
}

fn render_inlines(items: &[Inline], ctx: &Ctx) -> String {
    let mut out = String::new();
    for (k, i) in items.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        render_inline(&mut out, i, ctx);
    }
    out
}

fn render_body(pieces: &[Piece], ctx: &Ctx) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Para(t) => out.push_str(&render_inlines(t, ctx)),
            Piece::Heading(l, t) => {
                write!(
                    out,
                    "{} {}",
                    "#".repeat(*l as usize),
                    render_inlines(t, ctx)
                )
                .unwrap();
            }
            Piece::List(ordered, items) => {
                for (k, item) in items.iter().enumerate() {
                    let bullet = if *ordered {
                        format!("{}.", k + 1)
                    } else {
                        "-".into()
                    };
                    writeln!(out, "{bullet} {}", render_inlines(item, ctx)).unwrap();
                }
            }
            Piece::Quote(t) => write!(out, "> {}", render_inlines(t, ctx)).unwrap(),
            Piece::Callout(k, t) => {
                write!(out, "> [!{}]\n> {}", CALLOUTS[*k], render_inlines(t, ctx)).unwrap();
            }
            Piece::NoteDef(l, t) => {
                write!(out, "[^{}]: {}", NOTE_LABELS[*l], render_inlines(t, ctx)).unwrap();
            }
            Piece::Html(h) => out.push_str(HTML[*h]),
            Piece::Code(l, c, closed) => {
                write!(out, "```{}\n{c}\n", LANGS[*l]).unwrap();
                if *closed {
                    out.push_str("```");
                }
            }
            Piece::Table(w, cells) => {
                let w = *w as usize;
                let row = |cells: &[Vec<Inline>]| -> String {
                    let texts: Vec<String> = cells
                        .iter()
                        .map(|c| render_inlines(c, ctx).replace('|', "\\|"))
                        .collect();
                    format!("| {} |", texts.join(" | "))
                };
                let header: Vec<Vec<Inline>> = (0..w).map(|k| vec![Inline::Word(k)]).collect();
                writeln!(out, "{}", row(&header)).unwrap();
                writeln!(out, "|{}", "---|".repeat(w)).unwrap();
                for chunk in cells.chunks(w) {
                    writeln!(out, "{}", row(chunk)).unwrap();
                }
            }
            Piece::Rule => out.push_str("---"),
            Piece::Text(s) => out.push_str(s),
        }
        out.push_str("\n\n");
    }
    out
}

/// The bytes of article `n`'s file, broken by `brk` if given, with the slug `dup` if given.
fn render_article(
    a: &Article,
    n: usize,
    paths: &[String],
    brk: Option<&Break>,
    dup: Option<&str>,
) -> Vec<u8> {
    let st = a.style;
    let mut fm = String::new();
    let title = text_value(&a.title, TITLES);
    if !matches!(brk, Some(Break::NoTitle)) {
        writeln!(fm, "title: {}", yaml(&title, st)).unwrap();
    }
    let date = match brk {
        Some(Break::BadDate(d)) => BAD_DATES[*d],
        _ => DATES[a.date],
    };
    if st == 0 && !date.is_empty() {
        writeln!(fm, "date: {date}").unwrap();
    } else {
        writeln!(fm, "date: {}", yaml(date, st.max(1))).unwrap();
    }
    if !matches!(brk, Some(Break::NoSource)) {
        match &a.source {
            SourceSpec::Name(s) => writeln!(fm, "source: {}", yaml(SOURCES[*s], st)).unwrap(),
            SourceSpec::Number(n) => writeln!(fm, "source: {n}").unwrap(),
            SourceSpec::Payload(p) => writeln!(fm, "source: {}", yaml(PAYLOADS[*p], 2)).unwrap(),
            SourceSpec::Map {
                name,
                url,
                author,
                published,
            } => {
                writeln!(fm, "source:\n  name: {}", yaml(SOURCES[*name], st)).unwrap();
                let url = match brk {
                    Some(Break::ScriptUrl) => Some("javascript:alert(7)"),
                    _ => url.map(|u| URLS[u]),
                };
                if let Some(u) = url {
                    writeln!(fm, "  url: {}", yaml(u, st.max(1))).unwrap();
                }
                if let Some(t) = author {
                    writeln!(fm, "  author: {}", yaml(&text_value(t, TITLES), st)).unwrap();
                }
                if let Some(d) = published {
                    writeln!(fm, "  published: {}", yaml(DATES[*d], 1)).unwrap();
                }
            }
        }
    }
    let mut actors: Vec<String> = a.actors.iter().map(|i| ACTORS[*i].to_string()).collect();
    actors.extend(a.actor_payload.map(|p| PAYLOADS[p].to_string()));
    if matches!(brk, Some(Break::WrongType)) {
        fm.push_str("actors: 5\n");
    } else if !actors.is_empty() || st == 2 {
        writeln!(fm, "actors:{}", yaml_list(&actors, st)).unwrap();
    }
    let mut tags: Vec<String> = a.tags.iter().map(|i| TAGS[*i].to_string()).collect();
    tags.extend(a.tag_payload.map(|p| PAYLOADS[p].to_string()));
    if !tags.is_empty() {
        writeln!(fm, "tags:{}", yaml_list(&tags, st)).unwrap();
    }
    if let Some(d) = a.draft {
        writeln!(fm, "draft: {d}").unwrap();
    }
    if let Some(s) = &a.summary {
        writeln!(fm, "summary: {}", yaml(&text_value(s, TITLES), st)).unwrap();
    }
    if !a.key_points.is_empty() {
        let points: Vec<String> = a.key_points.iter().map(|t| text_value(t, TITLES)).collect();
        writeln!(fm, "key_points:{}", yaml_list(&points, st)).unwrap();
    }
    match (brk, dup, a.slug) {
        (Some(Break::EmptySlug), _, _) => fm.push_str("slug: \"!!!\"\n"),
        (_, Some(d), _) => writeln!(fm, "slug: {}", yaml(d, 2)).unwrap(),
        (_, _, Some((s, suffix))) => {
            writeln!(fm, "slug: {}", yaml(&slug_text(s, suffix, n), st)).unwrap();
        }
        _ => {}
    }
    if a.extra {
        fm.push_str("extra:\n  mood: \"<b>calm</b>\"\n  n: 3\n  list: [1, two]\n");
    }
    if a.typo {
        fm.push_str("actor: [Vladimir Putin]\n");
    }
    if matches!(brk, Some(Break::Tabs)) {
        fm.push_str("tags:\n\t- syria\n");
    }
    let depth = article_path(a, n).matches('/').count();
    let body = render_body(
        &a.body,
        &Ctx {
            paths,
            from_depth: depth,
        },
    );
    let mut text = match brk {
        Some(Break::Unclosed) => format!("---\n{fm}{body}"),
        Some(Break::NoFences) => format!("{fm}\n{body}"),
        _ => format!("---\n{fm}---\n{body}"),
    };
    if a.crlf {
        text = text.replace('\n', "\r\n");
    }
    if a.bom {
        text.insert(0, '\u{feff}');
    }
    text.into_bytes()
}

fn render_profile(p: &Profile, paths: &[String]) -> (String, String) {
    let pool = if p.source { SOURCES } else { ACTORS };
    let name = pool[p.name % pool.len()];
    let dir = if p.source { "sources" } else { "actors" };
    let file = if p.slug_file {
        term_slug(name)
    } else {
        format!("p-{}", p.name)
    };
    let mut fm = format!("name: {}\n", yaml(name, 2));
    let aliases: Vec<String> = p.aliases.iter().map(|a| ACTORS[*a].to_string()).collect();
    if !aliases.is_empty() {
        writeln!(fm, "aliases:{}", yaml_list(&aliases, 1)).unwrap();
    }
    if let Some(r) = &p.role {
        writeln!(fm, "role: {}", yaml(&text_value(r, TITLES), 2)).unwrap();
    }
    let body = render_body(
        &p.body,
        &Ctx {
            paths,
            from_depth: 1,
        },
    );
    (
        format!("content/{dir}/{file}.md"),
        format!("---\n{fm}---\n{body}"),
    )
}

fn site_toml(s: &SiteSpec) -> String {
    let title = text_value(&s.title, &["Random Desk"]);
    let mut out = format!(
        "title = {}\nbase_url = {}\n",
        toml::Value::String(title),
        toml::Value::String(BASE_URLS[s.base_url].into())
    );
    if let Some(n) = s.paginate_by {
        writeln!(out, "paginate_by = {n}").unwrap();
    }
    out
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// What the valid part of a site promises.
struct Expected {
    /// Slugs of the non-draft articles, and whether each is a bundle.
    published: BTreeMap<String, bool>,
    /// Slugs of drafts.
    drafts: BTreeSet<String>,
}

/// Writes `site.toml`, the articles and the profiles; returns what they promise.
fn write_valid(root: &Path, s: &SiteSpec) -> Expected {
    write(root, "site.toml", site_toml(s).as_bytes());
    let paths: Vec<String> = s
        .articles
        .iter()
        .enumerate()
        .map(|(n, a)| article_path(a, n))
        .collect();
    let mut expected = Expected {
        published: BTreeMap::new(),
        drafts: BTreeSet::new(),
    };
    for (n, a) in s.articles.iter().enumerate() {
        write(
            root,
            &format!("content/{}", paths[n]),
            &render_article(a, n, &paths, None, None),
        );
        let bundle = matches!(a.place, Place::Bundle);
        if bundle {
            write(
                root,
                &format!("content/{}", paths[n].replace("index.md", "map.png")),
                b"\x89PNG\r\n\x1a\nnot really",
            );
        }
        let slug = expected_slug(a, n);
        if a.draft == Some(true) {
            expected.drafts.insert(slug);
        } else {
            expected.published.insert(slug, bundle);
        }
    }
    for p in &s.profiles {
        let (rel, text) = render_profile(p, &paths);
        write(root, &rel, text.as_bytes());
    }
    expected
}

fn write_junk(root: &Path, s: &SiteSpec) {
    let paths: Vec<String> = s
        .articles
        .iter()
        .enumerate()
        .map(|(n, a)| article_path(a, n))
        .collect();
    for (k, j) in s.junk.iter().enumerate() {
        let rel = format!("content/junk-{k}.md");
        match j {
            Junk::Bytes(b) => write(root, &rel, b),
            Junk::Text(t) => write(root, &rel, t.as_bytes()),
            Junk::FrontMatter(y, b) => write(root, &rel, format!("---\n{y}\n---\n{b}").as_bytes()),
            Junk::Broken(a, b) => {
                let n = 100 + k;
                let dup = match b {
                    Break::DuplicateOf(j) => {
                        let j = j % s.articles.len();
                        Some(expected_slug(&s.articles[j], j))
                    }
                    _ => None,
                };
                let path = format!("content/{}", article_path(a, n));
                write(
                    root,
                    &path,
                    &render_article(a, n, &paths, Some(b), dup.as_deref()),
                );
            }
            Junk::SiteToml(t) => write(root, "site.toml", t.as_bytes()),
            Junk::Profile(t) => write(root, &format!("content/actors/junk-{k}.md"), t.as_bytes()),
            Junk::Templates(files) => {
                for (name, text) in files {
                    write(root, &format!("templates/{name}"), text.as_bytes());
                }
            }
            Junk::Aliases { len, copies } => {
                let items = vec!["item"; *len].join(", ");
                let aliases = vec!["*a"; *copies].join(", ");
                let fm = format!(
                    "title: Aliases\ndate: 2017-07-06\nsource: Wire\nextra:\n  base: &a [{items}]\n  copies: [{aliases}]\n"
                );
                write(root, &rel, format!("---\n{fm}---\nBody.\n").as_bytes());
            }
            Junk::Names { actors, tags } => {
                let names = |prefix: &str, n: usize| {
                    (0..n)
                        .map(|i| format!("{prefix} {i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let fm = format!(
                    "title: Names\ndate: 2017-07-06\nsource: Wire\nactors: [{}]\ntags: [{}]\n",
                    names("Actor", *actors),
                    names("Tag", *tags)
                );
                write(root, &rel, format!("---\n{fm}---\nBody.\n").as_bytes());
            }
            Junk::Root(_) => {}
        }
    }
    // One broken folder, last: nothing written after it puts `content/` back.
    if let Some(broken) = root_break(s) {
        write_root(root, broken);
    }
}

/// The site's broken folder, if its junk has one (the first).
fn root_break(s: &SiteSpec) -> Option<RootBreak> {
    s.junk.iter().find_map(|j| match j {
        Junk::Root(b) => Some(*b),
        _ => None,
    })
}

/// Breaks one of the site's own folders.
fn write_root(root: &Path, broken: RootBreak) {
    let content = root.join("content");
    match broken {
        RootBreak::NoContent => std::fs::remove_dir_all(&content).unwrap(),
        RootBreak::ContentLoop => {
            std::fs::remove_dir_all(&content).unwrap();
            std::os::unix::fs::symlink("content", &content).unwrap();
        }
        RootBreak::ContentFile => {
            std::fs::remove_dir_all(&content).unwrap();
            std::fs::write(&content, "not a folder").unwrap();
        }
        RootBreak::StaticLoop => {
            let _ = std::fs::remove_dir_all(root.join("static"));
            std::os::unix::fs::symlink("static", root.join("static")).unwrap();
        }
        RootBreak::Fifos => {
            std::fs::create_dir_all(root.join("templates")).unwrap();
            for fifo in [content.join("fifo.md"), root.join("templates/fifo.html")] {
                let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
                // SAFETY: a valid NUL-terminated path; mkfifo only reads it.
                assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Building and checking.

type Outcome = Result<BuildReport, BuildFailure>;

/// Builds on a thread: a panic or a build that runs past the limit is a failure.
fn run_build(root: &Path, out: &Path) -> Result<Outcome, TestCaseError> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        write: true,
        // Every date the generator writes is past: all are published.
        future: true,
        ..Default::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| briefing::build(&options));
        let _ = tx.send(result);
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(not a string)".into());
            Err(TestCaseError::fail(format!(
                "the build panicked: {message}"
            )))
        }
        Err(_) => Err(TestCaseError::fail("the build ran for over 120 s")),
    }
}

fn errors(f: &BuildFailure) -> String {
    f.diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Nothing but the site and its output beside each other (and the output's lock
/// file): no staging folder left.
fn check_no_leftovers(tmp: &Path) -> Result<(), TestCaseError> {
    let names: BTreeSet<String> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site" && n != "out" && n != ".out.lock" && n != ".out.manifest")
        .collect();
    prop_assert!(names.is_empty(), "left beside the output: {names:?}");
    Ok(())
}

/// Resolves a relative `href` from the page at `from` to a file of the output.
fn resolve(from: &str, href: &str) -> Option<String> {
    briefing::paths::resolve(from, href).map(|r| r.file())
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    tag[start..].find('"').map(|end| &tag[start..start + end])
}

fn check_ok(out: &Path, expected: &Expected, exact: bool) -> Result<(), TestCaseError> {
    let files = tree(out);
    for f in [
        "index.html",
        "404.html",
        "search.json",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "search/index.html",
    ] {
        prop_assert!(files.contains_key(f), "{f} is missing");
    }

    // search.json: every article it lists has its page; the valid ones are all there.
    let (listed, _) = crate::search::Index::read(out).docs();
    let urls: BTreeSet<String> = listed
        .iter()
        .map(|a| a[1].as_str().unwrap_or_default().to_string())
        .collect();
    for url in &urls {
        prop_assert!(
            files.contains_key(&format!("{url}index.html")),
            "search.json lists {url}, which was not written"
        );
    }
    for (slug, bundle) in &expected.published {
        let url = format!("articles/{slug}/");
        prop_assert!(urls.contains(&url), "{url} is not in search.json");
        prop_assert!(
            files.contains_key(&format!("{url}index.html")),
            "{url} missing"
        );
        if *bundle {
            prop_assert!(
                files.contains_key(&format!("{url}map.png")),
                "{url}map.png missing"
            );
        }
    }
    // Junk may publish an article under a draft's slug; without junk, none may.
    for slug in expected.drafts.iter().filter(|_| exact) {
        if !expected.published.contains_key(slug) {
            prop_assert!(
                !urls.contains(&format!("articles/{slug}/")),
                "the draft {slug} was published"
            );
        }
    }
    if exact {
        prop_assert_eq!(listed.len(), expected.published.len());
    }

    // The sitemap: every <loc> is a file, and every page is in it.
    let sitemap = std::str::from_utf8(&files["sitemap.xml"]).unwrap_or_default();
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split_once("</loc>").map(|(l, _)| l))
        .collect();
    let base = locs
        .iter()
        .min_by_key(|l| l.len())
        .copied()
        .unwrap_or_default();
    prop_assert!(base.ends_with('/'), "home page's loc {base}");
    let mut in_sitemap = BTreeSet::new();
    for loc in &locs {
        let rest = loc.strip_prefix(base);
        prop_assert!(rest.is_some(), "{loc} is not under {base}");
        let rest = rest.unwrap().replace("&amp;", "&");
        let file = if rest.is_empty() || rest.ends_with('/') {
            format!("{rest}index.html")
        } else {
            rest
        };
        prop_assert!(
            files.contains_key(&file),
            "sitemap's {loc} → {file} does not exist"
        );
        in_sitemap.insert(file);
    }
    // Every page to index (not the ones that say noindex: search, redirects, notices).
    let noindex = b"<meta name=\"robots\" content=\"noindex\">";
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with("index.html")) {
        if bytes.windows(noindex.len()).any(|w| w == noindex) {
            prop_assert!(
                !in_sitemap.contains(path),
                "{path} says noindex, and is in the sitemap"
            );
            continue;
        }
        prop_assert!(in_sitemap.contains(path), "{path} is not in the sitemap");
    }

    for (path, bytes) in &files {
        if path.ends_with(".xml") {
            let xml = std::str::from_utf8(bytes);
            prop_assert!(xml.is_ok(), "{path} is not UTF-8");
            if let Err(e) = roxmltree::Document::parse(xml.unwrap()) {
                return Err(TestCaseError::fail(format!(
                    "{path} is not well-formed XML: {e}"
                )));
            }
        }
        if !path.ends_with(".html") {
            continue;
        }
        let html = std::str::from_utf8(bytes);
        prop_assert!(html.is_ok(), "{path} is not UTF-8");
        let html = html.unwrap();
        // JSON-LD holds names as JSON, quotes and all: only `<` matters there.
        let mut outside_json = String::new();
        let mut rest = html;
        let open = "<script type=\"application/ld+json\">";
        while let Some(at) = rest.find(open) {
            outside_json.push_str(&rest[..at]);
            let json = &rest[at + open.len()..];
            let end = json.find("</script>").unwrap_or(json.len());
            prop_assert!(!json[..end].contains('<'), "{path}: JSON-LD holds a `<`");
            rest = &json[end..];
        }
        outside_json.push_str(rest);
        // An email's HTML is written again by the CSS inliner's serialiser (html5ever),
        // which leaves quotes in text as they are (as HTML allows): there the markers
        // must not be inside a tag, where they would be attributes.
        let in_tags: String = match path.ends_with("/email.html") {
            true => outside_json
                .split('<')
                .skip(1)
                .map(|s| s.split('>').next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n"),
            false => outside_json.clone(),
        };
        for marker in MARKERS {
            let quoted = marker.starts_with(" on");
            let seen = match quoted {
                true => in_tags.contains(marker),
                false => outside_json.contains(marker),
            };
            prop_assert!(!seen, "{path} holds {marker:?} unescaped");
        }
        let lower = html.to_ascii_lowercase();
        for (at, _) in lower.match_indices("<script") {
            let rest = &html[at + "<script".len()..];
            prop_assert!(
                rest.starts_with(" type=\"application/ld+json\">") || rest.starts_with(" src=\""),
                "{path}: a script the theme does not write: {}",
                &html[at..(at + 80).min(html.len())]
            );
            if let Some(json) = rest.strip_prefix(" type=\"application/ld+json\">") {
                let json = &json[..json.find("</script>").unwrap_or(json.len())];
                if let Err(e) = serde_json::from_str::<serde_json::Value>(json) {
                    return Err(TestCaseError::fail(format!("{path}: JSON-LD: {e}")));
                }
            }
        }
        // Every feed a page links to exists.
        for tag in html.split("<link ").skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            if !tag.contains("application/atom+xml") {
                continue;
            }
            let href = attribute(tag, "href").unwrap_or_default();
            let href = href.replace("&amp;", "&");
            // The not-found page links from the site's path, since it is served anywhere.
            let base_path = base.splitn(4, '/').nth(3).map(|p| format!("/{p}"));
            let target = if href.contains("://") {
                href.strip_prefix(base).map(str::to_string)
            } else if href.starts_with('/') {
                base_path
                    .and_then(|p| href.strip_prefix(p.as_str()).map(str::to_string))
                    .and_then(|rest| resolve("index.html", &rest))
            } else {
                resolve(path, &href)
            };
            prop_assert!(
                target.as_ref().is_some_and(|t| files.contains_key(t)),
                "{path} links the feed {href}, which does not exist"
            );
        }
    }
    Ok(())
}

fn check_site(s: &SiteSpec) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    let expected = write_valid(&root, s);
    let mut before = None;
    if s.prebuild {
        match run_build(&root, &out)? {
            Ok(_) => {
                check_ok(&out, &expected, true)?;
                before = Some(tree(&out));
            }
            Err(f) => {
                prop_assert!(f.error_count() > 0, "failed without an error");
                prop_assert!(
                    !out.exists(),
                    "a failed first build wrote {}",
                    out.display()
                );
            }
        }
        check_no_leftovers(tmp.path())?;
    }
    write_junk(&root, s);
    let outcome = run_build(&root, &out)?;
    check_no_leftovers(tmp.path())?;
    let no_content = matches!(
        root_break(s),
        Some(RootBreak::NoContent | RootBreak::ContentLoop | RootBreak::ContentFile)
    );
    prop_assert!(
        !(no_content && outcome.is_ok()),
        "a site without a readable content/ built"
    );
    match outcome {
        Ok(_) => {
            let site_toml_replaced = s.junk.iter().any(|j| matches!(j, Junk::SiteToml(_)));
            if !site_toml_replaced {
                check_ok(&out, &expected, s.junk.is_empty())?;
            } else {
                check_ok(
                    &out,
                    &Expected {
                        published: BTreeMap::new(),
                        drafts: BTreeSet::new(),
                    },
                    false,
                )?;
            }
            if let (Some(before), true) = (&before, s.junk.is_empty()) {
                prop_assert!(*before == tree(&out), "the same site built twice differs");
            }
        }
        Err(f) => {
            prop_assert!(
                f.error_count() > 0,
                "failed without an error: {}",
                errors(&f)
            );
            match before {
                Some(before) => prop_assert!(
                    before == tree(&out),
                    "a failed build changed the previous output:\n{}",
                    errors(&f)
                ),
                None => prop_assert!(!out.exists(), "a failed build wrote {}", out.display()),
            }
        }
    }
    Ok(())
}

/// CI's config: `cases` cases unless `PROPTEST_CASES` says otherwise; no files written.
fn config(cases: u32) -> Config {
    let mut config = Config {
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn random_sites_build_or_fail_cleanly(s in site()) {
        check_site(&s)?;
    }
}

proptest! {
    #![proptest_config(config(2000))]

    /// The long run, outside CI: see the module's doc.
    #[test]
    #[ignore]
    fn random_sites_long_run(s in site()) {
        check_site(&s)?;
    }
}
