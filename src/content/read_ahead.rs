//! Reading files ahead of their parsing, many at once.
//!
//! A build from nothing reads every article. With the page cache cold (a machine
//! just started, a large archive, a CI runner's disk), each read waits for the
//! disk, and a thread of rayon's pool (one a core) waits with it: at 100,000
//! articles on this machine's disk, reading took 32 s of a 55 s build. A disk
//! serves many reads at once, so a pool of [`READERS`] threads that do nothing but
//! wait reads each chunk of files into the page cache while the cores parse the
//! chunk before it. Only a chunk ahead is read, so the files are read once from
//! the disk and never held in memory.
//!
//! Written here: the crates that read files in bulk (io-uring bindings, async
//! runtimes' file APIs) either hold every file's bytes or take the runtime with
//! them, where this needs a page cache warmed a chunk at a time.

use rayon::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

/// Files read ahead at once (about 4 MB of articles).
const CHUNK: usize = 1024;
/// Threads reading ahead: they wait for the disk, not for a core.
const READERS: usize = 32;

/// `f` of each of `items`, in order, made in parallel, each chunk's files
/// (`path_of`) read into the page cache while the chunk before is made. Fewer
/// than two chunks' items are made without reading ahead.
pub fn each<T: Sync, R: Send>(
    items: &[T],
    path_of: impl Fn(&T) -> &Path + Sync,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let Some(pool) = pool().filter(|_| items.len() >= 2 * CHUNK) else {
        return items.par_iter().map(&f).collect();
    };
    let warm =
        |chunk: &[T]| pool.install(|| chunk.par_iter().for_each(|item| touch(path_of(item))));
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    let mut made = Vec::with_capacity(items.len());
    warm(chunks[0]);
    for (k, chunk) in chunks.iter().enumerate() {
        let ((), these) = rayon::join(
            || {
                if let Some(next) = chunks.get(k + 1) {
                    warm(next);
                }
            },
            || chunk.par_iter().map(&f).collect::<Vec<R>>(),
        );
        made.extend(these);
    }
    made
}

/// Reads the file at `path` into the page cache, through a buffer on the stack: a
/// reader allocates nothing (each thread that allocates gets a heap of its own).
/// A file that cannot be read is read again, and its error said, when made.
///
/// Never inlined: inlined into rayon's splitting (fat LTO did), its 16 KB buffer was
/// in every level of that recursion and overflowed the readers' stack (256 KB then)
/// at 100,000 files.
#[inline(never)]
fn touch(path: &Path) {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return;
    };
    let mut buffer = [0; 16 * 1024];
    while matches!(file.read(&mut buffer), Ok(n) if n > 0) {}
}

/// The readers' pool, made the first time it is needed; none if no thread could
/// be started (the items are then made as they come).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(READERS)
            .thread_name(|i| format!("briefing-read-{i}"))
            // Reading needs little stack: [`touch`]'s buffer, once, under rayon's
            // splitting of a chunk (a few hundred bytes a level, about ten levels for
            // 1,024 files, more where a thread steals work while it waits).
            // Reserved, not used: the spare room costs nothing.
            .stack_size(1024 * 1024)
            .build()
            .ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_made_once_in_order_whatever_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let items: Vec<std::path::PathBuf> = (0..2 * CHUNK + 7)
            .map(|i| {
                let path = dir.path().join(format!("{i}.md"));
                // Every third file is missing: reading ahead must not stop at it.
                if i % 3 != 0 {
                    std::fs::write(&path, i.to_string()).unwrap();
                }
                path
            })
            .collect();
        let made = each(&items, |p| p.as_path(), |p| std::fs::read_to_string(p).ok());
        assert_eq!(made.len(), items.len());
        for (i, m) in made.iter().enumerate() {
            let want = (i % 3 != 0).then(|| i.to_string());
            assert_eq!(m, &want, "item {i}");
        }
        // Under two chunks, made as they come.
        assert_eq!(
            each(&items[..5], |p| p.as_path(), |p| p.clone()),
            items[..5]
        );
    }
}
