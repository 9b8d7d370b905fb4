//! Integration tests: fixture sites built through the library and the real binary.

mod build;
mod diagnostics;
mod links;
mod output;
mod support;
