//! The `briefing` binary: parse the command line, run the command, print its
//! diagnostics and summary, and exit 0 (success), 1 (the site has errors) or 2 (bad
//! usage, from clap).

mod cli;

use briefing::diagnostics::Diagnostic;
use briefing::serve::Server;
use briefing::session::Session;
use briefing::watch::{Event, Watcher};
use briefing::{BuildFailure, BuildOptions, BuildReport};
use clap::Parser;
use cli::{Cli, Command, ServeArgs};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::mpsc;

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
            },
            "built",
        ),
        Command::Check(args) => once(
            &cli,
            BuildOptions {
                root: cli.root.clone(),
                drafts: args.drafts,
                write: false,
                ..Default::default()
            },
            "checked",
        ),
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

/// `build` and `check`.
fn once(cli: &Cli, options: BuildOptions, verb: &str) -> ExitCode {
    match briefing::build(&options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            if !cli.quiet {
                println!("{}", summary(verb, &report));
            }
            if cli.verbose {
                print_stages(&report);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            print_diagnostics(&failure.diagnostics);
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
                    eprintln!("{text}");
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
            let mut text: Vec<String> = failure
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect();
            text.push(failed(verb, failure));
            if server.is_some() {
                text.push("still serving the last good build".into());
            }
            let text = text.join("\n");
            eprintln!("{text}");
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
    for (stage, time) in &report.stages {
        println!("  {stage}: {} ms", time.as_millis());
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
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
