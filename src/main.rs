//! The `briefing` binary: parse the command line, run the command, print its
//! diagnostics and summary, and exit 0 (success), 1 (the site has errors) or 2 (bad
//! usage, from clap).

mod cli;

use briefing::diagnostics::Diagnostic;
use briefing::{BuildOptions, BuildReport};
use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (options, verb) = match &cli.command {
        Command::Build(args) => (
            BuildOptions {
                root: cli.root.clone(),
                output: args.output.clone(),
                base_url: args.base_url.clone(),
                drafts: args.drafts,
                write: true,
            },
            "built",
        ),
        Command::Check(args) => (
            BuildOptions {
                root: cli.root.clone(),
                drafts: args.drafts,
                write: false,
                ..Default::default()
            },
            "checked",
        ),
    };
    match briefing::build(&options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            if !cli.quiet {
                println!("{}", summary(verb, &report));
            }
            if cli.verbose {
                for (stage, time) in &report.stages {
                    println!("  {stage}: {} ms", time.as_millis());
                }
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            print_diagnostics(&failure.diagnostics);
            let n = failure.error_count();
            eprintln!(
                "error: {verb_failed} with {n} error{s}",
                verb_failed = if verb == "built" {
                    "build failed"
                } else {
                    "check failed"
                },
                s = if n == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

/// `built 45 pages (11 articles, 1 home, 3 term lists, 30 term pages) and 2 files into public in 29 ms`
fn summary(verb: &str, report: &BuildReport) -> String {
    let total: usize = report.pages.values().sum();
    let kinds: Vec<String> = ["article", "home", "taxonomy", "term"]
        .iter()
        .map(|k| {
            let n = report.pages.get(k).copied().unwrap_or(0);
            let name = match (*k, n) {
                ("article", 1) => "article",
                ("article", _) => "articles",
                ("taxonomy", 1) => "term list",
                ("taxonomy", _) => "term lists",
                ("term", 1) => "term page",
                ("term", _) => "term pages",
                _ => "home",
            };
            format!("{n} {name}")
        })
        .collect();
    let target = report
        .output
        .as_ref()
        .map(|p| format!(" into {}", p.strip_prefix(".").unwrap_or(p).display()))
        .unwrap_or_default();
    format!(
        "{verb} {total} pages ({}) and {} file{}{target} in {} ms",
        kinds.join(", "),
        report.files,
        if report.files == 1 { "" } else { "s" },
        report.elapsed.as_millis()
    )
}
