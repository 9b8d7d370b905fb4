//! `briefing theme eject | list | show`: what each prints.

use crate::cli::{Cli, ThemeAction, ThemeArgs};
use crate::console::fatal;
use briefing::render::theme::{self, Standing};
use briefing::scaffold::eject::{eject, Ejected};
use std::io::Write;
use std::process::ExitCode;

/// Runs `theme`'s action.
pub fn run(cli: &Cli, args: &ThemeArgs) -> ExitCode {
    let root = cli.root();
    match &args.action {
        ThemeAction::Eject { files } => match eject(&root, files) {
            Ok(done) => {
                report(cli, &done);
                ExitCode::SUCCESS
            }
            Err(e) => fatal(&e.to_string()),
        },
        ThemeAction::List => {
            if !root.join("site.toml").is_file() {
                return fatal(&briefing::scaffold::ScaffoldError::NoSite(root).to_string());
            }
            let files = theme::files();
            let width = files.iter().map(|f| f.path.len()).max().unwrap_or(0);
            let mut out = std::io::stdout().lock();
            for file in &files {
                let standing = match theme::standing(&root, file) {
                    Standing::Theme => "the theme's".to_string(),
                    Standing::Current(s) => format!("ejected from briefing {}", s.version),
                    Standing::Changed(s) => format!(
                        "ejected from briefing {}; the theme has changed it since (see `briefing check`)",
                        s.version
                    ),
                    Standing::Own => "the site's own".to_string(),
                };
                // A closed pipe (`| head`) is the reader's choice, not a failure.
                if writeln!(out, "{:width$}  {standing}", file.path).is_err() {
                    break;
                }
            }
            ExitCode::SUCCESS
        }
        ThemeAction::Show { file } => match theme::find(file) {
            Ok(file) => {
                let mut out = std::io::stdout().lock();
                // A closed pipe (`| head`) is the reader's choice, not a failure.
                let _ = out
                    .write_all(&theme::stamped(&file))
                    .and_then(|()| out.flush());
                ExitCode::SUCCESS
            }
            Err(e) => fatal(&e),
        },
    }
}

/// One line per file written (stdout) or kept (stderr), then what to do next.
fn report(cli: &Cli, done: &[Ejected]) {
    let mut written = 0;
    for d in done {
        match d {
            Ejected::Written(path) => {
                written += 1;
                if !cli.quiet {
                    outln!("ejected {path}");
                }
            }
            Ejected::Kept(path) => errln!(
                "note: {path} is already there and was left as it is (move it away to eject \
                 the theme's)"
            ),
        }
    }
    if written > 0 && !cli.quiet {
        outln!(
            "{written} file{} ejected: each replaces the theme's file of its name. Remove any \
             you leave unchanged, so that it follows the theme; `briefing check` notes a kept \
             one the theme changes later.",
            if written == 1 { "" } else { "s" }
        );
    }
}
