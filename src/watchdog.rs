//! A watchdog on what templates may cost: each page's render time and the process's
//! memory.
//!
//! Tera 2's VM counts neither the iterations of a loop nor the growth of a string, and
//! a render cannot be interrupted from outside: nested loops over a `split` run for
//! hours, a `set` that doubles a string fills the memory. So the page is bounded from
//! outside. Each render is registered while it runs ([`rendering`]); a thread looks at
//! them every [`POLL`] and at the process's resident memory. Past a limit it:
//!
//! 1. holds every thread still rendering at its next allocation (the binary's
//!    allocator asks [`hold_if_stopped`]), so a runaway loop stops growing;
//! 2. removes the staging folders being filled ([`Scratch`]), so the previous output
//!    stays as it was and nothing is left beside it;
//! 3. hands a diagnostic naming the page and its template to the binary, which prints
//!    it and exits 1.
//!
//! Nothing runs unless the binary calls [`install`]: the library's own tests render
//! without it.

use crate::diagnostics::Diagnostic;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How often the watchdog looks.
pub const POLL: Duration = Duration::from_millis(50);

/// The longest one page may render, unless `BRIEFING_PAGE_TIMEOUT` says otherwise.
/// The slowest page of a 100,000-article site (an unpaginated list of them all)
/// renders in under two seconds.
pub const PAGE_TIME: Duration = Duration::from_secs(60);

/// The limits a build runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest one page may take to render.
    pub page_time: Duration,
    /// The most resident memory the process may use, in bytes; `None` where it cannot
    /// be read (not Linux).
    pub memory: Option<u64>,
}

impl Limits {
    /// The defaults, each overridden by its environment variable:
    /// `BRIEFING_PAGE_TIMEOUT` (seconds) and `BRIEFING_MEMORY_LIMIT` (MiB). Without one,
    /// the memory limit is nine tenths of what the process may use now: its own
    /// resident memory and what the system (or its cgroup) has available.
    pub fn from_env() -> Result<Limits, String> {
        let number = |name: &str| -> Result<Option<u64>, String> {
            match std::env::var(name) {
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|&n| n > 0)
                    .map(Some)
                    .ok_or_else(|| {
                        format!(
                            "{name}={v}: expected a whole number above 0; unset it for the default"
                        )
                    }),
                Err(_) => Ok(None),
            }
        };
        let page_time = number("BRIEFING_PAGE_TIMEOUT")?.map_or(PAGE_TIME, Duration::from_secs);
        let memory = match number("BRIEFING_MEMORY_LIMIT")? {
            Some(mib) => Some(mib.saturating_mul(1 << 20)),
            None => available_memory().map(|a| (resident().unwrap_or(0) + a) / 10 * 9),
        };
        Ok(Limits { page_time, memory })
    }
}

/// What stops the process once a limit is passed: prints the diagnostic, exits.
pub type Stop = fn(Diagnostic) -> !;

static STOPPED: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<(Limits, Stop)> = OnceLock::new();
static RENDERS: Mutex<Vec<Render>> = Mutex::new(Vec::new());
static STAGED: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// How many renders this thread is inside (a card is rendered inside a page).
    static RENDERING: Cell<u32> = const { Cell::new(0) };
}

/// One page being rendered.
struct Render {
    id: u64,
    template: String,
    page: String,
    since: Instant,
}

/// Starts the watchdog, once for the process; later calls change nothing.
pub fn install(limits: Limits, stop: Stop) {
    if INSTALLED.set((limits, stop)).is_ok() {
        // Without a thread to watch, the build runs unwatched, as before.
        let _ = std::thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || watch(limits, stop));
    }
}

/// Whether a watchdog runs: renders are registered only then.
fn installed() -> bool {
    INSTALLED.get().is_some()
}

/// For the binary's allocator: once the watchdog has stopped the build, a thread that
/// is rendering sleeps at its next allocation until the process exits. It holds no
/// lock of ours there, and allocates nothing to sleep.
#[inline]
pub fn hold_if_stopped() {
    if STOPPED.load(Relaxed) && RENDERING.with(Cell::get) > 0 {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

/// Registers a render of `page` with the template `template()` names, for as long as
/// the value lives.
pub fn rendering(template: impl FnOnce() -> String, page: &str) -> Rendering {
    if !installed() {
        return Rendering(None);
    }
    let id = NEXT_ID.fetch_add(1, Relaxed);
    let render = Render {
        id,
        template: template(),
        page: page.to_string(),
        since: Instant::now(),
    };
    lock(&RENDERS).push(render);
    // Counted after the push: a thread held at an allocation holds no lock of ours.
    RENDERING.with(|r| r.set(r.get() + 1));
    Rendering(Some(id))
}

/// A registered render; see [`rendering`].
pub struct Rendering(Option<u64>);

impl Drop for Rendering {
    fn drop(&mut self) {
        if let Some(id) = self.0 {
            RENDERING.with(|r| r.set(r.get() - 1));
            lock(&RENDERS).retain(|r| r.id != id);
        }
    }
}

/// A folder the watchdog removes if it stops the build (a staging folder, the
/// preview's), for as long as the value lives.
pub struct Scratch(u64);

impl Scratch {
    /// Registers `dir`.
    pub fn new(dir: &Path) -> Scratch {
        let id = NEXT_ID.fetch_add(1, Relaxed);
        lock(&STAGED).push((id, dir.to_path_buf()));
        Scratch(id)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        lock(&STAGED).retain(|(id, _)| *id != self.0);
    }
}

/// A lock of ours, taken even if a thread panicked holding it (the lists stay valid).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The watchdog's loop: looks every [`POLL`] until a limit is passed.
fn watch(limits: Limits, stop: Stop) {
    loop {
        // A poll, not a synchronisation: nothing signals that a loop ran too long.
        std::thread::sleep(POLL);
        if let Some(d) = over_limit(&limits) {
            STOPPED.store(true, Relaxed);
            let staged: Vec<PathBuf> = lock(&STAGED).drain(..).map(|(_, d)| d).collect();
            for dir in staged {
                let _ = std::fs::remove_dir_all(dir);
            }
            stop(d);
        }
    }
}

/// The diagnostic for the first limit passed, if any.
fn over_limit(limits: &Limits) -> Option<Diagnostic> {
    let renders = lock(&RENDERS);
    let oldest = renders.iter().min_by_key(|r| r.since);
    if let Some(r) = oldest.filter(|r| r.since.elapsed() > limits.page_time) {
        return Some(
            Diagnostic::general(format!(
                "cannot render {}: {} was still rendering it after {} s; the build is stopped",
                r.page,
                r.template,
                limits.page_time.as_secs()
            ))
            .help("a loop runs far longer than a page needs: look for loops inside loops over long lists (a `split` of a long text, a list of every article); BRIEFING_PAGE_TIMEOUT sets the limit in seconds"),
        );
    }
    let (limit, used) = (limits.memory?, resident()?);
    if used <= limit {
        return None;
    }
    let during = match oldest {
        Some(r) => format!(" rendering {} with {}", r.page, r.template),
        None => String::new(),
    };
    Some(
        Diagnostic::general(format!(
            "the build used more than {} MiB of memory{during}; it is stopped",
            limit >> 20
        ))
        .help("a template is making a value grow without end (a `set` in a loop that adds to itself), or the site is larger than this machine's memory; BRIEFING_MEMORY_LIMIT sets the limit in MiB"),
    )
}

/// The process's resident memory now, in bytes (Linux only).
pub fn resident() -> Option<u64> {
    status_kib("VmRSS:").map(|k| k * 1024)
}

/// A field of `/proc/self/status` given in kB, such as `VmHWM:` (Linux only).
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Bytes of memory this process could still take: the system's available memory, or
/// what is left under its cgroup's limit if that is less (Linux only).
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let system: u64 = line["MemAvailable:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()?
        * 1024;
    let read = |name: &str| -> Option<u64> {
        std::fs::read_to_string(Path::new("/sys/fs/cgroup").join(name))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    let cgroup = read("memory.max").zip(read("memory.current"));
    Some(match cgroup {
        Some((max, current)) => system.min(max.saturating_sub(current)),
        None => system,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_processes_memory() {
        if cfg!(target_os = "linux") {
            assert!(resident().unwrap() > 1 << 20);
            assert!(status_kib("VmHWM:").unwrap() > 1024);
            assert!(available_memory().unwrap() > 1 << 20);
        }
    }
}
