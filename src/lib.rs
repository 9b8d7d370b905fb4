//! `briefing`: a static site generator for annotated news briefings.
//!
//! The pipeline, one way: each stage imports only the stages above it.
//!
//! 1. [`text`] and [`diagnostics`]: the leaves, text rules and the problems users see.
//! 2. [`config`]: `site.toml` → [`config::Config`].
//! 3. [`model`]: articles, profiles and files, and the site's indexes over them
//!    ([`model::site::Site`]).
//! 4. [`content`]: walk `content/` and `static/`, read every article and profile into
//!    the model, in parallel; once the model is built, render every body's Markdown
//!    against it ([`content::bodies`]).
//! 5. [`render`]: plan every output file ([`render::plan`]) and render the pages
//!    through Tera, in parallel.
//! 6. [`output`]: write into a staging folder and swap it in place of the output.
//! 7. [`build`](mod@build): runs that pipeline once ([`build()`]) or keeps a
//!    [`build::Session`] that redoes only what a change touches.
//! 8. [`dev`]: `watch` and `serve`: the session rebuilt on every change, and a
//!    preview server with live reload as a hook after each build.
//!
//! [`watchdog`] bounds what a page's rendering may cost in time and memory.
//! [`scaffold`] makes new sites and articles. Problems at every stage are
//! [`diagnostics::Diagnostic`]s, collected so that one run reports them all. The
//! library never prints.

// Diagnostics are the error type of every stage; they are built only on the cold
// path and carry what a user needs to see, so their size does not matter.
#![allow(clippy::result_large_err)]
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod build;
pub mod config;
pub mod content;
pub mod dev;
pub mod diagnostics;
pub mod images;
pub mod model;
pub mod output;
pub mod paths;
pub mod render;
pub mod scaffold;
pub mod text;
pub mod watchdog;

pub use build::{build, BuildFailure, BuildOptions, BuildReport, Progress};
