//! Generates a synthetic briefing site for benchmarks:
//! `cargo run --release --example gen_corpus -- N DIR [SEED]`.
//!
//! Deterministic for a given N and seed. Each article has 500–700 words of Markdown
//! (paragraphs, a blockquote, a list, emphasis, links, 1–2 notes), 2–5 actors from a
//! pool of 500 and 2–4 tags from a pool of 200, both Zipf-like so a few terms are in
//! thousands of articles, one of 40 sources, and a date within three years.

use std::fmt::Write as _;
use std::path::PathBuf;

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// An index in 0..n with probability falling off like 1/(i+1) (Zipf, s = 1).
    fn zipf(&mut self, n: usize, harmonic: f64) -> usize {
        let target = (self.next() as f64 / u64::MAX as f64) * harmonic;
        let mut sum = 0.0;
        for i in 0..n {
            sum += 1.0 / (i + 1) as f64;
            if sum >= target {
                return i;
            }
        }
        n - 1
    }
}

const WORDS: &[&str] = &[
    "ceasefire",
    "talks",
    "officials",
    "said",
    "the",
    "agreement",
    "forces",
    "region",
    "monitoring",
    "government",
    "opposition",
    "envoy",
    "statement",
    "military",
    "humanitarian",
    "aid",
    "border",
    "negotiations",
    "security",
    "council",
    "withdrawal",
    "offensive",
    "civilians",
    "reported",
    "week",
    "minister",
    "according",
    "to",
    "a",
    "of",
    "in",
    "and",
    "on",
    "for",
    "with",
    "after",
    "before",
    "province",
    "city",
    "zone",
    "strikes",
    "convoy",
    "deal",
    "delegation",
    "summit",
    "sanctions",
];
const FIRST: &[&str] = &[
    "Anna", "Omar", "Yusuf", "Maria", "Sergei", "Leila", "John", "Fatima", "Ivan", "Hassan",
    "Elena", "Karim", "Rex", "Nadia", "Ali", "Olga", "Tariq", "Sofia", "Pavel", "Rania",
];
const LAST: &[&str] = &[
    "Haddad",
    "Petrov",
    "Khalil",
    "Smith",
    "Volkov",
    "Nasser",
    "Ivanova",
    "Rahman",
    "Jones",
    "Aziz",
    "Sokolov",
    "Mansour",
    "Brown",
    "Qasim",
    "Orlov",
    "Saleh",
    "Taylor",
    "Hamdan",
    "Morozov",
    "Farouk",
    "Lee",
    "Darwish",
    "Kuznetsov",
    "Yilmaz",
    "Weber",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[rng.below(WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            s.extend(c.next().map(|c| c.to_ascii_uppercase()));
            s.push_str(c.as_str());
        } else {
            s.push(' ');
            if rng.below(25) == 0 {
                write!(s, "*{w}*").unwrap();
            } else if rng.below(40) == 0 {
                write!(s, "[{w}](https://example.com/{w})").unwrap();
            } else {
                s.push_str(w);
            }
        }
    }
    s.push('.');
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: gen_corpus N DIR [SEED]");
        std::process::exit(2);
    };
    let seed = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20170706u64);
    let dir = PathBuf::from(dir);
    let content = dir.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        dir.join("site.toml"),
        format!("title = \"Corpus of {n}\"\nbase_url = \"https://example.org/corpus\"\n"),
    )
    .unwrap();
    let mut rng = Rng(seed.max(1));
    let actors: Vec<String> = (0..500)
        .map(|i| {
            format!(
                "{} {} {}",
                FIRST[i % FIRST.len()],
                LAST[(i / FIRST.len()) % LAST.len()],
                i / 500 + i % 7
            )
        })
        .collect();
    let tags: Vec<String> = (0..200)
        .map(|i| format!("{} {}", WORDS[i % WORDS.len()], i))
        .collect();
    let sources: Vec<String> = (0..40).map(|i| format!("Outlet {i}")).collect();
    let h_actors: f64 = (1..=500).map(|i| 1.0 / i as f64).sum();
    let h_tags: f64 = (1..=200).map(|i| 1.0 / i as f64).sum();
    let start = chrono_days(2015, 1, 1);
    for i in 0..n {
        let day = start + rng.below(3 * 365) as i64;
        let (y, m, d) = civil(day);
        let pick = |pool: &[String], h: f64, lo: usize, hi: usize, rng: &mut Rng| {
            let k = lo + rng.below(hi - lo + 1);
            let mut chosen: Vec<&str> = Vec::new();
            while chosen.len() < k {
                let t = pool[rng.zipf(pool.len(), h)].as_str();
                if !chosen.contains(&t) {
                    chosen.push(t);
                }
            }
            chosen
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let a = pick(&actors, h_actors, 2, 5, &mut rng);
        let t = pick(&tags, h_tags, 2, 4, &mut rng);
        let source = &sources[rng.zipf(40, 4.28)];
        let mut body = String::new();
        let target = 500 + rng.below(201);
        let mut words = 0;
        let mut para = 0;
        let notes = 1 + rng.below(2);
        while words < target {
            let len = 12 + rng.below(14);
            let mut p = String::new();
            for _ in 0..4 {
                let words = len / 2 + rng.below(6);
                p.push_str(&sentence(&mut rng, words));
                p.push(' ');
            }
            words += p.split_whitespace().count();
            match para {
                2 => writeln!(body, "> {}\n", p.trim()).unwrap(),
                4 => {
                    for _ in 0..3 {
                        writeln!(body, "- {}", sentence(&mut rng, 8)).unwrap();
                    }
                    body.push('\n');
                }
                _ => {
                    if para < notes {
                        write!(body, "{}[^context-{para}]", p.trim()).unwrap();
                        body.push_str("\n\n");
                    } else {
                        writeln!(body, "{}\n", p.trim()).unwrap();
                    }
                }
            }
            if para == 3 {
                writeln!(body, "## {}\n", sentence(&mut rng, 4).trim_end_matches('.')).unwrap();
            }
            para += 1;
        }
        for k in 0..notes.min(para) {
            writeln!(body, "[^context-{k}]: {}", sentence(&mut rng, 18)).unwrap();
        }
        let words = 6 + rng.below(5);
        let title = sentence(&mut rng, words);
        let text = format!(
            "---\ntitle: \"{} {i}\"\ndate: {y:04}-{m:02}-{d:02}\nsource:\n  name: {source}\n  url: https://example.com/story/{i}\nactors: [{a}]\ntags: [{t}]\n---\n{body}",
            title.trim_end_matches('.')
        );
        let sub = content.join(format!("{y:04}"));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            sub.join(format!("{y:04}-{m:02}-{d:02}-article-{i}.md")),
            text,
        )
        .unwrap();
    }
    let profiles = content.join("actors");
    std::fs::create_dir_all(&profiles).unwrap();
    for a in actors.iter().take(5) {
        let slug = a.to_lowercase().replace(' ', "-");
        std::fs::write(
            profiles.join(format!("{slug}.md")),
            format!("---\nname: {a}\nrole: Official\n---\nA profile.\n"),
        )
        .unwrap();
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn chrono_days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
