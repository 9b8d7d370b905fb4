//! The `briefing` binary: parse the command line, run the command, print its
//! diagnostics and summary, and exit 0 (success), 1 (the site has errors) or 2 (bad
//! usage, from clap).

/// `outln!` that never panics: a closed stdout (`briefing build | head -0`) loses
/// the line, and the command goes on to its exit status.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `errln!` that never panics, for the same reason.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod allocator;
mod cli;
mod console;
mod theme_command;

use briefing::build::Session;
use briefing::dev::server::Server;
use briefing::dev::watch::Event;
use briefing::{BuildOptions, Progress};
use clap::Parser;
use cli::{Cli, Command, InitArgs, NewArgs, ServeArgs};
use console::{
    color, failed, fatal, print_diagnostics, print_stages, progress_bar, summary, DevConsole,
    Preview,
};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{mpsc, Arc};

fn main() -> ExitCode {
    allocator::settle();
    open_files();
    let cli = Cli::parse();
    if let Some(problem) = cli.misused() {
        errln!("error: {problem}");
        return ExitCode::from(2);
    }
    if let Err(code) = start_watchdog(&cli) {
        return code;
    }
    let now = match now(&cli) {
        Ok(now) => now,
        Err(code) => return code,
    };
    match &cli.command {
        Command::Build(args) => once(
            &cli,
            BuildOptions {
                root: cli.root(),
                output: args.output.clone(),
                base_url: args.base_url.clone(),
                drafts: args.drafts,
                future: args.schedule.future,
                expired: args.schedule.expired,
                now,
                write: true,
                strict: args.strict,
                waiting: waiting(&cli),
                ..Default::default()
            },
            "built",
        ),
        Command::Check(args) => once(
            &cli,
            BuildOptions {
                root: cli.root(),
                drafts: args.drafts,
                // A broken embargoed piece fails tonight's check, not the release.
                future: true,
                expired: args.schedule.expired,
                now,
                write: false,
                strict: args.strict,
                check: true,
                ..Default::default()
            },
            "checked",
        ),
        Command::Init(args) => init(&cli, args),
        Command::New(args) => new(&cli, args),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Into memory first: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "briefing", &mut script);
            let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
            ExitCode::SUCCESS
        }
        Command::Watch(args) => {
            let options = BuildOptions {
                root: cli.root(),
                output: args.output.clone(),
                drafts: args.drafts,
                future: args.schedule.future,
                expired: args.schedule.expired,
                now,
                write: true,
                waiting: waiting(&cli),
                ..Default::default()
            };
            live(&cli, Session::open(options, true), None)
        }
        Command::Serve(args) => serve(&cli, args, now),
        Command::Theme(args) => theme_command::run(&cli, args),
    }
}

/// A time given as the build's *now*.
type Now = chrono::DateTime<chrono::FixedOffset>;

/// The build's *now*: `--now`, else `BRIEFING_NOW`, else `None` (the clock at each
/// build). Said unless it is the clock (and then under `-v`); a bad
/// `BRIEFING_NOW` is a usage error. Not `SOURCE_DATE_EPOCH`: reproducible
/// pipelines set it to the last commit's time, and schedules would never fall due.
fn now(cli: &Cli) -> Result<Option<Now>, ExitCode> {
    let given = match &cli.command {
        Command::Build(a) => a.schedule.now,
        Command::Check(a) => a.schedule.now,
        Command::Watch(a) => a.schedule.now,
        Command::Serve(a) => a.now,
        _ => return Ok(None),
    };
    let (now, from) = match (given, std::env::var("BRIEFING_NOW")) {
        (Some(now), _) => (Some(now), "--now"),
        (None, Ok(value)) => match cli::now(&value) {
            Ok(now) => (Some(now), "BRIEFING_NOW"),
            Err(e) => {
                errln!("error: BRIEFING_NOW={value:?}: {e}");
                return Err(ExitCode::from(2));
            }
        },
        (None, Err(_)) => (None, "the clock"),
    };
    if !cli.quiet && (now.is_some() || cli.verbose) {
        let shown = now.unwrap_or_else(|| chrono::Utc::now().fixed_offset());
        outln!(
            "now: {} (from {from})",
            shown.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    Ok(now)
}

/// Whether the watchdog's message is in colour, and the command it stops.
static STOPPING: std::sync::OnceLock<(bool, &'static str)> = std::sync::OnceLock::new();

/// Starts the watchdog on each page's render time and the process's memory
/// (`briefing::watchdog`) for the commands that render; a bad limit in the
/// environment is a usage error.
fn start_watchdog(cli: &Cli) -> Result<(), ExitCode> {
    let what = match cli.command {
        Command::Build(_) => "build",
        Command::Check(_) => "check",
        Command::Watch(_) | Command::Serve(_) => "rebuild",
        _ => return Ok(()),
    };
    let limits = briefing::watchdog::Limits::from_env().map_err(|e| {
        errln!("error: {e}");
        ExitCode::from(2)
    })?;
    let _ = STOPPING.set((color(cli), what));
    briefing::watchdog::install(limits, stopped);
    Ok(())
}

/// What the watchdog calls once a limit is passed, its folders removed.
fn stopped(problem: briefing::diagnostics::Diagnostic) -> ! {
    let (color, what) = STOPPING.get().copied().unwrap_or((false, "build"));
    print_diagnostics(&[problem], color);
    errln!("error: {what} failed with 1 error");
    std::process::exit(1)
}

/// What says that a build waits for another writing the same output (not with
/// `--quiet`).
fn waiting(cli: &Cli) -> Option<fn(&str)> {
    (!cli.quiet).then_some(|what: &str| errln!("note: {what}"))
}

/// Today, in the local time zone, `YYYY-MM-DD`.
fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// `init DIR`.
fn init(cli: &Cli, args: &InitArgs) -> ExitCode {
    // The machine's zone, when it has an IANA name chrono-tz knows.
    let zone = iana_time_zone::get_timezone()
        .ok()
        .filter(|z| z.parse::<briefing::model::date::Tz>().is_ok());
    match briefing::scaffold::init(&args.dir, args.force, &today(), zone.as_deref()) {
        Ok(done) => {
            for kept in &done.kept {
                errln!(
                    "warning: {} already exists; left as it is",
                    args.dir.join(kept).display()
                );
            }
            if !cli.quiet {
                let dir = args.dir.display();
                outln!(
                    "created a briefing site in {dir} ({} files)",
                    done.written.len()
                );
                outln!(
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
    match briefing::scaffold::new_article(&cli.root(), &article, &today()) {
        Ok(rel) => {
            // The path alone on stdout, so that `$EDITOR "$(briefing new …)"` works.
            let root = cli.root();
            let path = if root == std::path::Path::new(".") {
                rel
            } else {
                root.join(rel)
            };
            outln!("{}", path.display());
            if args.source.is_none() && !cli.quiet {
                errln!("note: its source is TODO; fill in `source:` before it is published");
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
            // `--quiet` prints only warnings and errors: no notes.
            let shown: Vec<_> = report
                .warnings
                .iter()
                .filter(|d| !cli.quiet || d.severity != briefing::diagnostics::Severity::Note)
                .cloned()
                .collect();
            print_diagnostics(&shown, color);
            if !cli.quiet {
                outln!("{}", summary(verb, &report));
                if let Some(next) = console::next_due(&report) {
                    outln!("{next}");
                }
                for line in console::edition_lines(&report) {
                    outln!("{line}");
                }
            }
            if cli.verbose {
                print_stages(&report);
                if let Some(line) = console::anew_line(&report) {
                    outln!("{line}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            print_diagnostics(&failure.diagnostics, color);
            errln!("{}", failed(verb, &failure));
            ExitCode::from(1)
        }
    }
}

/// `serve`: bind first (the site's links are made for the address really bound),
/// build into a temporary folder, serve it, and rebuild on every change.
fn serve(cli: &Cli, args: &ServeArgs, now: Option<Now>) -> ExitCode {
    let listener = match briefing::dev::server::bind(args.bind, args.port) {
        Ok(l) => l,
        Err(e) => return fatal(&e),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return fatal(&format!("cannot listen: {e}")),
    };
    let url = format!("http://{}/", shown(addr));
    let parent = preview_parent();
    briefing::dev::remove_abandoned_previews(&parent);
    let folder = match tempfile::Builder::new()
        .prefix(&briefing::dev::preview_prefix())
        .tempdir_in(&parent)
    {
        Ok(f) => f,
        Err(e) => {
            return fatal(&format!(
                "cannot make a temporary folder for the preview: {e}"
            ))
        }
    };
    // Removed by the watchdog if it stops the process; the drop below otherwise.
    let _scratch = briefing::watchdog::Scratch::new(folder.path());
    let dir = folder.path().join("site");
    let options = BuildOptions {
        root: cli.root(),
        output: Some(dir.clone()),
        base_url: Some(url.clone()),
        // A preview is for the editor: drafts, scheduled and expired articles show,
        // each with a banner, unless asked not to.
        drafts: !args.no_drafts,
        future: !args.no_drafts,
        expired: !args.no_drafts,
        now,
        write: true,
        ..Default::default()
    };
    let session = Session::open(options, true);
    let server = match Server::start(listener, &dir) {
        Ok(s) => s,
        Err(e) => return fatal(&e),
    };
    if !args.bind.is_loopback() {
        errln!(
            "warning: listening on {}: anyone who can reach this machine can read the preview",
            args.bind
        );
    }
    let code = live(
        cli,
        session,
        Some(Preview {
            server: &server,
            url: &url,
            open: args.open,
            drafts: !args.no_drafts,
        }),
    );
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
fn live(cli: &Cli, mut session: Session, preview: Option<Preview>) -> ExitCode {
    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    }) {
        return fatal(&format!("cannot handle Ctrl-C: {e}"));
    }
    let mut console = DevConsole {
        cli,
        preview,
        shown_warnings: Default::default(),
        built_once: false,
    };
    if let Err(e) = briefing::dev::run(&mut session, &cli.root(), (tx, rx), &mut console) {
        return fatal(&e);
    }
    if !cli.quiet {
        outln!("stopped");
    }
    ExitCode::SUCCESS
}

/// Opens `url` in the desktop's browser (the `open` crate: `xdg-open` and its
/// fallbacks, `open` on macOS, the shell on Windows), or says why it cannot.
pub fn open_browser(url: &str) {
    if let Err(e) = open::that_detached(url) {
        errln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

/// Raises the soft limit of open files to the hard one, at most `OPEN_FILES`.
///
/// A build holds a few hundred files open at once: the shards of the three stores of
/// its cache (64 each, up to three files each while written), the files it reads and
/// writes on every core, and the readers reading ahead. macOS starts a shell at 256,
/// under which a build from nothing at 10,000 articles left 291 empty shard files
/// behind and did not keep some cards. The soft limit is what a process may raise
/// itself, as compilers and servers do; only the hard limit is the administrator's.
/// (Programs `serve` starts, a browser, inherit the raised limit. The library does
/// not raise it: a program that builds through it runs under its own.)
fn open_files() {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
        let now = getrlimit(Resource::Nofile);
        // No hard limit (macOS says so): the most macOS takes (`OPEN_MAX`).
        let want = now.maximum.unwrap_or(OPEN_FILES).min(OPEN_FILES);
        let Some(soft) = now.current.filter(|&soft| soft < want) else {
            return;
        };
        // macOS refuses more than `kern.maxfilesperproc`, which may be set below
        // `OPEN_MAX`: smaller limits are tried in turn. All refused (a sandbox): the
        // build runs under the limit it was given.
        for limit in [want, 4096, 2048, 1024]
            .into_iter()
            .filter(|&l| l > soft && l <= want)
        {
            let raised = Rlimit {
                current: Some(limit),
                maximum: now.maximum,
            };
            if setrlimit(Resource::Nofile, raised).is_ok() {
                return;
            }
        }
    }
}

/// The most open files `open_files` asks for: macOS's `OPEN_MAX`, far more than a
/// build holds.
#[cfg(unix)]
const OPEN_FILES: u64 = 10_240;
