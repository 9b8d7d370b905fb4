//! The binary's allocator, mimalloc, and its one setting, made once at start.
//!
//! mimalloc returns memory freed for a while to the system ("purges" it) and faults
//! it in again, zeroed, when it is needed once more. Reading and rendering bodies
//! frees and allocates constantly (a Markdown parse allocates a tree the size of its
//! text), so at 100,000 articles purging after mimalloc's default delay (1 s) made
//! the kernel fault in and zero over a gigabyte again and again (313,718 page faults
//! against about 1,500 without it, `perf stat`). A build is short-lived and reuses
//! its memory stage after stage: so freed memory is kept for [`PURGE_DELAY_MS`].
//!
//! mimalloc documents its options as settable only before threads start, so this is
//! done first thing in `main`; the library (and its tests, on the system allocator)
//! never touches the allocator.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of the mimalloc libmimalloc-sys builds (v3; the 16th
/// entry of the `mi_option_e` enum of its `mimalloc.h`): the crate names no constant
/// for it, so its number is pinned here and checked by a test against the option's
/// default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory is kept before it goes back to the system, in
/// milliseconds (mimalloc v3's default is 1,000); -1 keeps it for the process's
/// life. `MIMALLOC_PURGE_DELAY` in the environment still decides when set.
pub const PURGE_DELAY_MS: std::os::raw::c_long = -1;

/// Sets the allocator's options: call before any thread starts.
pub fn configure() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: no other thread exists yet (the first line of `main`), which is all
    // mimalloc asks of a caller setting an option.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned to libmimalloc-sys 0.1.49 (mimalloc v3, whose `options.c` defaults the
    /// purge delay to 1,000 ms): should an upgrade renumber the options, this fails
    /// rather than the binary setting another option.
    #[test]
    fn the_pinned_option_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option has no preconditions.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(delay, 1000, "mimalloc v3's default purge delay");
    }
}
