//! The command line: commands, their arguments, and their help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// briefing: a static site generator for annotated news briefings.
#[derive(Debug, Parser)]
#[command(name = "briefing", version, about, long_about = None)]
pub struct Cli {
    /// The site root: the folder that holds site.toml.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// Print only warnings and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print the time each stage took.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: public/).
    Build(BuildArgs),
    /// Check the whole site, as build does, without writing anything.
    Check(CheckArgs),
}

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write the site here instead of output_dir from site.toml.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Use this base URL instead of the one in site.toml (for a deploy elsewhere).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Build drafts too.
    #[arg(long)]
    pub drafts: bool,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check drafts too.
    #[arg(long)]
    pub drafts: bool,
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
