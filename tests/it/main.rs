//! Integration tests: fixture sites built through the library and the real binary.

mod annotations;
pub mod authors;
mod build;
mod cache;
mod cli;
mod data;
mod diagnostics;
mod editions;
mod eject;
mod feeds;
mod images;
pub mod incremental;
mod lifecycle;
mod limits;
mod links;
mod lists;
mod output;
mod previews;
mod publishing;
mod random_sites;
pub mod search;
mod serve;
mod shortcodes;
mod sources;
mod stories;
mod support;
mod theme;
