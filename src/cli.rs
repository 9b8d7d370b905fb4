//! The command line: commands, their arguments, and their help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The version, with the commit it was built from: `0.1.0 (3f2c1ab 2026-11-24)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("BRIEFING_COMMIT"),
    ")"
);

/// briefing: a static site generator for annotated news briefings.
#[derive(Debug, Parser)]
#[command(name = "briefing", version = VERSION, about, long_about = None)]
pub struct Cli {
    /// The site root: the folder that holds site.toml (default: the current folder).
    /// Also taken after the command, by the commands that read a site.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,

    /// Print only warnings and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,

    /// Also print the time each stage took.
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,

    /// Colour in diagnostics: auto (on a terminal, unless NO_COLOR is set), always or
    /// never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = GLOBAL)]
    pub color: ColorChoice,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The heading of the options every command takes, listed after its own.
const GLOBAL: &str = "Global options";

impl Cli {
    /// The site root: given after the command, else before it, else `.`.
    pub fn root(&self) -> PathBuf {
        let after = match &self.command {
            Command::Build(a) => &a.site.root,
            Command::Check(a) => &a.site.root,
            Command::Serve(a) => &a.site.root,
            Command::Watch(a) => &a.site.root,
            Command::New(a) => &a.site.root,
            Command::Theme(a) => &a.site.root,
            Command::Init(_) | Command::Completions(_) => &None,
        };
        after
            .clone()
            .or_else(|| self.root.clone())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// A usage error in what clap lets through: `--root` before a command that reads
    /// no site (`init` takes its folder as DIR).
    pub fn misused(&self) -> Option<String> {
        match (&self.root, &self.command) {
            (Some(_), Command::Init(_)) => {
                Some("--root means nothing to init: give the new site's folder as DIR, `briefing init DIR`".into())
            }
            (Some(_), Command::Completions(_)) => {
                Some("--root means nothing to completions".into())
            }
            _ => None,
        }
    }
}

/// `--root`, for the commands that read a site.
#[derive(Debug, Args)]
pub struct SiteRoot {
    /// The site root: the folder that holds site.toml (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// `--future`, `--expired` and `--now`: what the build's time leaves out.
#[derive(Debug, Args)]
pub struct Schedule {
    /// Build articles dated after now too (scheduled ones).
    #[arg(long)]
    pub future: bool,

    /// Build articles whose `expires` has passed too.
    #[arg(long)]
    pub expired: bool,

    /// The time the build takes as now, RFC 3339 (default: BRIEFING_NOW, else the
    /// clock).
    #[arg(long, value_name = "RFC3339", value_parser = now)]
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// `--now`'s value (and `BRIEFING_NOW`'s): an RFC 3339 time with its offset.
pub fn now(value: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    // A bare day, as front matter takes it: its midnight UTC.
    if value.trim().len() == 10 {
        if let Ok(day) = briefing::model::date::Date::parse(value) {
            return Ok(day.at);
        }
    }
    chrono::DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
        "expected a day, 2017-07-08, or an RFC 3339 time with its offset, such as \
         2017-07-08T06:00:00Z or 2017-07-08T08:00:00+02:00"
            .into()
    })
}

/// `--base-url`'s value: an absolute http(s) URL, else a usage error.
fn base_url(value: &str) -> Result<String, String> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(value.to_string()),
        _ => Err(
            "expected an absolute http or https URL such as https://example.org/briefings".into(),
        ),
    }
}

/// `--date`'s value: a day or an RFC 3339 time, else a usage error.
fn date(value: &str) -> Result<String, String> {
    match briefing::model::date::Date::parse(value) {
        Ok(_) => Ok(value.to_string()),
        Err(_) => Err(
            "expected a day, 2017-07-06, or a time with its offset, 2017-07-06T16:30:00+02:00"
                .into(),
        ),
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: public/).
    Build(BuildArgs),
    /// Check the whole site, as build does, without writing anything.
    Check(CheckArgs),
    /// Preview the site in a browser: build it into a temporary folder, serve it,
    /// rebuild on every save and reload the page.
    Serve(ServeArgs),
    /// Build the site, then rebuild the output folder on every save.
    Watch(WatchArgs),
    /// Start a new site in DIR: settings, an example article and profile, and empty
    /// templates/ and static/ folders.
    Init(InitArgs),
    /// Start a new article: content/<date>-<slug>.md, as a draft.
    New(NewArgs),
    /// Copy the default theme's templates and CSS into the site to edit them; list
    /// or show the theme's files.
    Theme(ThemeArgs),
    /// Print a shell completion script: `briefing completions bash > ~/.local/share/bash-completion/completions/briefing`.
    Completions(CompletionsArgs),
}

/// When diagnostics are in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in (made if missing).
    pub dir: PathBuf,

    /// Also in a folder that holds files: only the missing files are written, none is
    /// overwritten.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The headline; the file is named after it.
    pub title: String,

    /// The outlet the briefing is based on.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// An actor named in it (repeat for more).
    #[arg(long = "actor", value_name = "NAME")]
    pub actors: Vec<String>,

    /// A tag (repeat for more).
    #[arg(long = "tag", value_name = "NAME")]
    pub tags: Vec<String>,

    /// Its date, YYYY-MM-DD or RFC 3339 (default: today).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub date: Option<String>,

    #[command(flatten)]
    pub site: SiteRoot,
}

/// Arguments of `theme`.
#[derive(Debug, Args)]
pub struct ThemeArgs {
    /// What to do with the theme.
    #[command(subcommand)]
    pub action: ThemeAction,

    #[command(flatten)]
    pub site: SiteRoot,
}

/// What `theme` does.
#[derive(Debug, Subcommand)]
pub enum ThemeAction {
    /// Copy theme files into templates/ and static/ to edit them: every template and
    /// style.css, or the FILEs named. A file already there is never overwritten.
    Eject {
        /// A theme file: article.html, partials/article_item.html, style.css,
        /// search.js (`briefing theme list` lists them).
        #[arg(value_name = "FILE")]
        files: Vec<String>,
    },
    /// List the theme's files, and whether the site uses the theme's, an ejected copy
    /// or its own.
    List,
    /// Print a theme file as `eject` would write it (to compare with an ejected copy).
    Show {
        /// A theme file: article.html, style.css, …
        #[arg(value_name = "FILE")]
        file: String,
    },
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on. Anything but a loopback address shows the preview
    /// to the network.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub bind: std::net::IpAddr,

    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,

    /// Show only what `build` publishes: no drafts. (By default the preview shows
    /// drafts too, each with a banner.)
    #[arg(long)]
    pub no_drafts: bool,

    /// Drafts are shown by default; kept so that older scripts still run.
    #[arg(long, hide = true, conflicts_with = "no_drafts")]
    pub drafts: bool,

    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,

    /// The time the preview takes as now, RFC 3339, to see what is scheduled or
    /// expired then (default: BRIEFING_NOW, else the clock).
    #[arg(long, value_name = "RFC3339", value_parser = now)]
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,

    #[command(flatten)]
    pub site: SiteRoot,
}

/// Arguments of `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Write the site here instead of output_dir from site.toml.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Build drafts too.
    #[arg(long)]
    pub drafts: bool,

    #[command(flatten)]
    pub schedule: Schedule,

    #[command(flatten)]
    pub site: SiteRoot,
}

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write the site here instead of output_dir from site.toml.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Use this base URL instead of the one in site.toml (for a deploy elsewhere).
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,

    /// Build drafts too.
    #[arg(long)]
    pub drafts: bool,

    /// Make every warning an error (as `strict = true` in site.toml does), for CI.
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub schedule: Schedule,

    #[command(flatten)]
    pub site: SiteRoot,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check drafts too.
    #[arg(long)]
    pub drafts: bool,

    /// Make every warning an error (as `strict = true` in site.toml does), for CI.
    #[arg(long)]
    pub strict: bool,

    /// (Scheduled articles are always checked, not counted as published.)
    #[command(flatten)]
    pub schedule: Schedule,

    #[command(flatten)]
    pub site: SiteRoot,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
