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
//! Transparent huge pages are turned off for the process ([`settle`]): where the
//! system backs memory with them (`always`, Debian's and this machine's setting),
//! each first touch of a 2 MB region zeroes all of it, and zeroing was a quarter of
//! a build's CPU time after a one-line edit at 100,000 articles. Measured there
//! (five runs each, alternating): 4.45 s against 5.41 s (medians), system time
//! 1.7 s against 2.6 s; a build from nothing at 10,000 articles takes the same time
//! and peaks 12% lower (200 MiB against 228). `MIMALLOC_ALLOW_THP=0` did the same.
//!
//! The library (and its tests) runs on the system allocator: choosing one is the
//! binary's business.

//!
//! Each allocation first asks the watchdog whether the build was stopped
//! ([`briefing::watchdog::hold_if_stopped`]): a runaway template is held at its next
//! allocation while the build cleans up, rather than filling the memory meanwhile.

use std::alloc::{GlobalAlloc, Layout};

struct Watched;

// SAFETY: every call is mimalloc's, after a check that allocates nothing.
unsafe impl GlobalAlloc for Watched {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        briefing::watchdog::hold_if_stopped();
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        briefing::watchdog::hold_if_stopped();
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        briefing::watchdog::hold_if_stopped();
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Watched = Watched;

/// Turns transparent huge pages off for this process, before any thread starts
/// (see above). Where the system has no such switch, nothing changes.
pub fn settle() {
    #[cfg(target_os = "linux")]
    // SAFETY: a prctl that takes no pointers; it only changes how the kernel backs
    // this process's memory from now on.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
