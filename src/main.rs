//! The `briefing` binary: parse the command line, run the command, print its
//! diagnostics and summary, and exit 0 (success), 1 (the site has errors) or 2 (bad
//! usage, from clap).

mod cli;

use briefing::diagnostics::Diagnostic;
use briefing::serve::Server;
use briefing::session::Session;
use briefing::watch::{Event, Watcher};
use briefing::Progress;
use briefing::{BuildFailure, BuildOptions, BuildReport};
use clap::Parser;
use cli::{Cli, ColorChoice, Command, InitArgs, NewArgs, ServeArgs};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::Duration;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Build(args) => once(
            &cli,
            BuildOptions {
                root: cli.root.clone(),
                output: args.output.clone(),
                base_url: args.base_url.clone(),
                drafts: args.drafts,
                write: true,
                ..Default::default()
            },
            "built",
        ),
        Command::Check(args) => once(
            &cli,
            BuildOptions {
                root: cli.root.clone(),
                drafts: args.drafts,
                write: false,
                check_links: true,
                ..Default::default()
            },
            "checked",
        ),
        Command::Init(args) => init(&cli, args),
        Command::New(args) => new(&cli, args),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "briefing", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Watch(args) => {
            let options = BuildOptions {
                root: cli.root.clone(),
                output: args.output.clone(),
                drafts: args.drafts,
                write: true,
                ..Default::default()
            };
            live(&cli, Session::open(options, true), None)
        }
        Command::Serve(args) => serve(&cli, args),
    }
}

/// Whether diagnostics on stderr are in colour.
fn color(cli: &Cli) -> bool {
    match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// Today, in the local time zone, `YYYY-MM-DD`.
fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// `init DIR`.
fn init(cli: &Cli, args: &InitArgs) -> ExitCode {
    match briefing::scaffold::init(&args.dir, args.force, &today()) {
        Ok(done) => {
            for kept in &done.kept {
                eprintln!(
                    "warning: {} already exists; left as it is",
                    args.dir.join(kept).display()
                );
            }
            if !cli.quiet {
                let dir = args.dir.display();
                println!(
                    "created a briefing site in {dir} ({} files)",
                    done.written.len()
                );
                println!(
                    "next:\n  cd {}\n  briefing serve",
                    shell_word(&dir.to_string())
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fatal(&e.to_string()),
    }
}

/// `new "Title"`.
fn new(cli: &Cli, args: &NewArgs) -> ExitCode {
    let article = briefing::scaffold::NewArticle {
        title: args.title.clone(),
        source: args.source.clone(),
        actors: args.actors.clone(),
        tags: args.tags.clone(),
        date: args.date.clone(),
    };
    match briefing::scaffold::new_article(&cli.root, &article, &today()) {
        Ok(rel) => {
            // The path alone on stdout, so that `$EDITOR "$(briefing new …)"` works.
            let path = if cli.root == std::path::Path::new(".") {
                rel
            } else {
                cli.root.join(rel)
            };
            println!("{}", path.display());
            if args.source.is_none() && !cli.quiet {
                eprintln!("note: its source is TODO; fill in `source:` before it is published");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fatal(&e.to_string()),
    }
}

/// `dir` as one word for a shell, quoted when it needs to be.
fn shell_word(dir: &str) -> String {
    if dir
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./~".contains(c))
    {
        dir.to_string()
    } else {
        format!("'{}'", dir.replace('\'', "'\\''"))
    }
}

/// A progress bar on stderr while a build that takes more than a moment runs; none
/// when stderr is not a terminal or with `--quiet`. Returns what stops it.
fn progress_bar(cli: &Cli, progress: &Arc<Progress>) -> Option<impl FnOnce()> {
    if cli.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let (stop, stopped) = mpsc::channel::<()>();
    let progress = Arc::clone(progress);
    let drawer = std::thread::spawn(move || {
        // Quick builds show nothing: the bar appears after half a second.
        if stopped.recv_timeout(Duration::from_millis(500)).is_ok() {
            return;
        }
        let bar = ProgressBar::new_spinner();
        loop {
            let total = progress.total.load(Ordering::Relaxed);
            if total == 0 {
                bar.set_message("reading the site");
                bar.tick();
            } else {
                if bar.length() != Some(total as u64) {
                    bar.set_length(total as u64);
                    bar.set_style(
                        ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                }
                bar.set_position(progress.done.load(Ordering::Relaxed) as u64);
            }
            if stopped.recv_timeout(Duration::from_millis(100)).is_ok() {
                break;
            }
        }
        bar.finish_and_clear();
    });
    Some(move || {
        let _ = stop.send(());
        let _ = drawer.join();
    })
}

/// `build` and `check`.
fn once(cli: &Cli, mut options: BuildOptions, verb: &str) -> ExitCode {
    let progress = Arc::new(Progress::default());
    options.progress = Some(Arc::clone(&progress));
    let bar = progress_bar(cli, &progress);
    let result = briefing::build(&options);
    if let Some(stop) = bar {
        stop();
    }
    let color = color(cli);
    match result {
        Ok(report) => {
            print_diagnostics(&report.warnings, color);
            if !cli.quiet {
                println!("{}", summary(verb, &report));
            }
            if cli.verbose {
                print_stages(&report);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            print_diagnostics(&failure.diagnostics, color);
            eprintln!("{}", failed(verb, &failure));
            ExitCode::from(1)
        }
    }
}

/// `serve`: bind first (the site's links are made for the address really bound),
/// build into a temporary folder, serve it, and rebuild on every change.
fn serve(cli: &Cli, args: &ServeArgs) -> ExitCode {
    let listener = match briefing::serve::bind(args.bind, args.port) {
        Ok(l) => l,
        Err(e) => return fatal(&e),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return fatal(&format!("cannot listen: {e}")),
    };
    let url = format!("http://{}/", shown(addr));
    let folder = match tempfile::Builder::new()
        .prefix("briefing-serve-")
        .tempdir_in(preview_parent())
    {
        Ok(f) => f,
        Err(e) => {
            return fatal(&format!(
                "cannot make a temporary folder for the preview: {e}"
            ))
        }
    };
    let dir = folder.path().join("site");
    let options = BuildOptions {
        root: cli.root.clone(),
        output: Some(dir.clone()),
        base_url: Some(url.clone()),
        drafts: args.drafts,
        write: true,
        ..Default::default()
    };
    let session = Session::open(options, true);
    let server = match Server::start(listener, &dir) {
        Ok(s) => s,
        Err(e) => return fatal(&e),
    };
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the preview",
            args.bind
        );
    }
    let code = live(cli, session, Some((&server, &url, args.open)));
    server.stop();
    drop(folder);
    code
}

/// Where the preview folder goes: `$TMPDIR` when set, else `/dev/shm` (memory) where
/// there is one, else the system's temporary folder.
fn preview_parent() -> std::path::PathBuf {
    let shm = std::path::Path::new("/dev/shm");
    if std::env::var_os("TMPDIR").is_none() && shm.is_dir() {
        let probe = tempfile::tempdir_in(shm);
        if probe.is_ok() {
            return shm.to_path_buf();
        }
    }
    std::env::temp_dir()
}

/// The address as a URL host: loopback for an unspecified bind.
fn shown(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".parse().expect("an IP"),
        ip if ip.is_unspecified() => "::1".parse().expect("an IP"),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port()).to_string()
}

/// Builds, then rebuilds on every batch of changes until Ctrl-C. A failed build is
/// reported (in the terminal, and on the served pages) and the loop goes on.
fn live(cli: &Cli, mut session: Session, server: Option<(&Server, &str, bool)>) -> ExitCode {
    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    }) {
        return fatal(&format!("cannot handle Ctrl-C: {e}"));
    }
    // Watch before the first build, so a save during it is not missed.
    let mut watcher = match Watcher::start(&cli.root, tx) {
        Ok(w) => w,
        Err(e) => return fatal(&e),
    };
    let mut shown_warnings = HashSet::new();
    let first = session.build();
    report(
        cli,
        &first,
        "built",
        &mut shown_warnings,
        server.map(|s| s.0),
    );
    match server {
        Some((_, url, open)) => {
            if !cli.quiet {
                println!("serving at {url} (Ctrl-C to stop)");
            }
            if open {
                open_browser(url);
            }
        }
        None => {
            if !cli.quiet {
                println!("watching for changes (Ctrl-C to stop)");
            }
        }
    }
    loop {
        let mut paths = Vec::new();
        let mut stopping = false;
        let Ok(event) = rx.recv() else { break };
        for event in std::iter::once(event).chain(rx.try_iter()) {
            match event {
                Event::Changed(p) => paths.extend(p),
                Event::Failed(e) => eprintln!("warning: watching files: {e}"),
                Event::Stop => stopping = true,
            }
        }
        if stopping {
            break;
        }
        if let Err(e) = watcher.refresh() {
            eprintln!("warning: {e}");
        }
        if cli.verbose {
            for path in &paths {
                println!("changed: {}", path.display());
            }
        }
        let changes = session.classify(&paths);
        if changes.is_empty() {
            continue;
        }
        let result = session.update(&changes);
        report(
            cli,
            &result,
            "updated",
            &mut shown_warnings,
            server.map(|s| s.0),
        );
    }
    drop(watcher);
    if !cli.quiet {
        println!("stopped");
    }
    ExitCode::SUCCESS
}

/// Prints a build's outcome and tells the open pages. Warnings already printed by an
/// earlier build of this session are not printed again.
fn report(
    cli: &Cli,
    result: &Result<BuildReport, BuildFailure>,
    verb: &str,
    shown_warnings: &mut HashSet<String>,
    server: Option<&Server>,
) {
    match result {
        Ok(report) => {
            let mut now = HashSet::new();
            for d in &report.warnings {
                let text = d.to_string();
                if !shown_warnings.contains(&text) {
                    eprintln!("{}", d.styled(color(cli)));
                }
                now.insert(text);
            }
            *shown_warnings = now;
            if !cli.quiet {
                println!("{}", summary(verb, report));
            }
            if cli.verbose {
                print_stages(report);
            }
            if let Some(server) = server {
                let changed = report.pages.values().sum::<usize>() + report.files + report.removed;
                if changed > 0 || server.has_problem() {
                    server.reload();
                }
            }
        }
        Err(failure) => {
            let mut tail = vec![failed(verb, failure)];
            if server.is_some() {
                tail.push("still serving the last good build".into());
            }
            print_diagnostics(&failure.diagnostics, color(cli));
            eprintln!("{}", tail.join("\n"));
            let text: Vec<String> = failure
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .chain(tail)
                .collect();
            let text = text.join("\n");
            if let Some(server) = server {
                server.problem(text);
            }
        }
    }
}

fn failed(verb: &str, failure: &BuildFailure) -> String {
    let n = failure.error_count();
    let what = match verb {
        "built" => "build failed",
        "updated" => "rebuild failed",
        _ => "check failed",
    };
    format!(
        "error: {what} with {n} error{}",
        if n == 1 { "" } else { "s" }
    )
}

fn fatal(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: cannot open a browser ({opener}: {e}); open {url} yourself");
    }
}

fn print_stages(report: &BuildReport) {
    for (stage, time, peak) in &report.stages {
        match peak {
            Some(kib) => println!(
                "  {stage}: {} ms (peak memory {} MiB)",
                time.as_millis(),
                kib / 1024
            ),
            None => println!("  {stage}: {} ms", time.as_millis()),
        }
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], color: bool) {
    for d in diagnostics {
        eprintln!("{}", d.styled(color));
    }
}

/// `built 85 pages (11 articles, 1 home page, 3 term lists, 30 term pages, 4 archive pages, 31 feeds, 5 site files) and 3 files into public in 29 ms`
fn summary(verb: &str, report: &BuildReport) -> String {
    let total: usize = report.pages.values().sum();
    let count = |names: &[&str]| -> Option<usize> {
        let present = names.iter().any(|n| report.pages.contains_key(*n));
        let n = names.iter().filter_map(|n| report.pages.get(*n)).sum();
        (verb != "updated" || present).then_some(n)
    };
    let groups: [(&[&str], &str, &str); 7] = [
        (&["article"], "article", "articles"),
        (&["home"], "home page", "home pages"),
        (&["taxonomy"], "term list", "term lists"),
        (&["term"], "term page", "term pages"),
        (
            &["archive", "year", "month"],
            "archive page",
            "archive pages",
        ),
        (&["feed"], "feed", "feeds"),
        (
            &["search", "search_index", "sitemap", "robots", "not_found"],
            "site file",
            "site files",
        ),
    ];
    let kinds: Vec<String> = groups
        .iter()
        .filter_map(|(names, one, many)| {
            count(names).map(|n| format!("{n} {}", if n == 1 { one } else { many }))
        })
        .collect();
    let target = report
        .output
        .as_ref()
        .map(|p| format!(" into {}", p.strip_prefix(".").unwrap_or(p).display()))
        .unwrap_or_default();
    if verb == "updated" {
        if total + report.files + report.removed == 0 {
            return format!(
                "no change to the output ({} files kept) in {} ms",
                report.unchanged,
                report.elapsed.as_millis()
            );
        }
        let kinds = if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        };
        return format!(
            "updated {total} page{}{kinds}, {} file{}, removed {}, kept {} in {} ms",
            if total == 1 { "" } else { "s" },
            report.files,
            if report.files == 1 { "" } else { "s" },
            report.removed,
            report.unchanged,
            report.elapsed.as_millis()
        );
    }
    format!(
        "{verb} {total} pages ({}) and {} file{}{target} in {} ms",
        kinds.join(", "),
        report.files,
        if report.files == 1 { "" } else { "s" },
        report.elapsed.as_millis()
    )
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
