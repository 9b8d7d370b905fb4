//! The binary's allocator: mimalloc, with its defaults.
//!
//! mimalloc returns freed memory to the system after a delay (its purge delay,
//! 1,000 ms in v3) and faults it in again, zeroed, when it is needed once more.
//! Before, a build kept freed memory from reading to the views by setting that
//! option from the library while rayon threads allocated, which mimalloc documents
//! as unsafe. Measured again on this tree (BENCHMARKS.md, 2026-12-04), keeping freed
//! memory for the whole build (`-1`) saves page faults (about 1,400 against 80,000 at
//! 100,000 articles) but no time within run-to-run noise, and costs 230 MiB of peak
//! memory (1,610 against 1,380 MiB): so no option is set. `MIMALLOC_PURGE_DELAY`, the
//! option's documented environment variable, still sets it for whoever measures
//! otherwise on their machine.
//!
//! The library (and its tests) runs on the system allocator: choosing one is the
//! binary's business.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
