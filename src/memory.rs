//! When freed memory goes back to the system.
//!
//! The binary allocates with mimalloc, which returns memory freed for a while to the
//! system ("purges" it) and faults it in again, zeroed, when it is needed once more.
//! Reading and rendering bodies frees and allocates constantly (a Markdown parse
//! allocates a tree the size of its text), so at 100,000 articles purging made the
//! kernel fault in and zero over a gigabyte again and again: 313,718 page faults
//! against 1,422 without it (`perf stat`).
//!
//! So the stages that build the model hold on to what they free, and rendering, which
//! frees each body once its page is written, lets memory go again: that keeps the peak
//! where it was, while holding on throughout would raise it by a tenth. With another
//! allocator (the library's tests use the system one) these calls change nothing.

use std::sync::OnceLock;

/// mimalloc's `mi_option_purge_delay`: milliseconds before freed memory is purged,
/// `-1` for never.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The purge delay mimalloc started with (from `MIMALLOC_PURGE_DELAY` or its own
/// default), restored by [`let_go`].
static DEFAULT_DELAY: OnceLock<std::os::raw::c_long> = OnceLock::new();

fn default_delay() -> std::os::raw::c_long {
    // SAFETY: reading an option has no preconditions.
    *DEFAULT_DELAY.get_or_init(|| unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) })
}

/// Keeps memory freed from now on for reuse rather than returning it to the system.
pub fn hold() {
    // The delay to go back to is read before it is first overwritten.
    default_delay();
    // SAFETY: options may be set at any time; mimalloc reads this one when it frees.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

/// Returns memory freed from now on to the system again, after mimalloc's usual delay.
pub fn let_go() {
    let delay = default_delay();
    // SAFETY: as in `hold`.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay) }
}
