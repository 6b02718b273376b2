//! Which files a discovery reads: the paths given, and everything under the directories given,
//! recursively. Symbolic links inside directories are not followed (a link loop cannot trap
//! the walk and a linked file is not counted twice); a link named on the command line is.
//! The same file reached twice (hard links, overlapping arguments) is read once. Files over
//! [`MAX_FILE_SIZE`] and anything but regular files are skipped.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::report::Warning;

/// Files larger than this are skipped (keys and certificates are a few KiB).
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Directories nested deeper than this are not entered.
const MAX_DEPTH: usize = 64;

/// The files to read, and what was left out.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files of at most [`MAX_FILE_SIZE`] bytes, in a stable order.
    pub files: Vec<PathBuf>,
    /// Files skipped for their size.
    pub too_large: usize,
    /// Symbolic links met inside directories.
    pub links: usize,
    /// Paths that could not be read.
    pub warnings: Vec<Warning>,
}

/// Collects the files under `roots`.
pub fn collect(roots: &[PathBuf]) -> Walk {
    let mut walk = Walk::default();
    let mut seen = HashSet::new();
    for root in roots {
        match std::fs::metadata(root) {
            Err(e) => walk.warn(root, format!("cannot read: {e}")),
            Ok(meta) if meta.is_dir() => walk.directory(root, 0, &mut seen),
            Ok(meta) if meta.is_file() => walk.file(root, &meta, &mut seen),
            Ok(_) => walk.warn(root, "not a regular file or directory".to_owned()),
        }
    }
    walk
}

impl Walk {
    fn warn(&mut self, path: &Path, message: String) {
        self.warnings.push(Warning {
            path: path.display().to_string(),
            message,
        });
    }

    fn file(&mut self, path: &Path, meta: &std::fs::Metadata, seen: &mut HashSet<FileId>) {
        if meta.len() > MAX_FILE_SIZE {
            self.too_large += 1;
            return;
        }
        if seen.insert(FileId::of(path, meta)) {
            self.files.push(path.to_path_buf());
        }
    }

    fn directory(&mut self, dir: &Path, depth: usize, seen: &mut HashSet<FileId>) {
        if depth >= MAX_DEPTH {
            self.warn(
                dir,
                format!("nested deeper than {MAX_DEPTH} directories; not entered"),
            );
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.warn(dir, format!("cannot list the directory: {e}")),
        };
        let mut paths: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
        for entry in entries {
            match entry.and_then(|e| Ok((e.path(), e.file_type()?))) {
                Ok(pair) => paths.push(pair),
                Err(e) => self.warn(dir, format!("cannot read a directory entry: {e}")),
            }
        }
        paths.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, kind) in paths {
            if kind.is_symlink() {
                self.links += 1;
            } else if kind.is_dir() {
                self.directory(&path, depth + 1, seen);
            } else if kind.is_file() {
                match std::fs::symlink_metadata(&path) {
                    Ok(meta) => self.file(&path, &meta, seen),
                    Err(e) => self.warn(&path, format!("cannot read: {e}")),
                }
            }
        }
    }
}

/// Reads a file of at most [`MAX_FILE_SIZE`] bytes into a zeroizing buffer (it may hold
/// private keys). `Ok(None)` when it grew over the limit since the walk.
pub fn read(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let len = file
        .metadata()
        .map(|m| m.len())
        .unwrap_or(0)
        .min(MAX_FILE_SIZE);
    let capacity = usize::try_from(len).unwrap_or(0) + 1;
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity));
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > MAX_FILE_SIZE {
        return Ok(None);
    }
    Ok(Some(buf))
}

/// Identifies a file independently of the path it was reached by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[allow(dead_code)]
    Path(PathBuf),
}

impl FileId {
    #[cfg(unix)]
    fn of(_path: &Path, meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId::Inode(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _meta: &std::fs::Metadata) -> FileId {
        FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn walks_recursively_skipping_links_big_files_and_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/one.pem"), "x").unwrap();
        std::fs::write(root.join("a/b/two.pem"), "y").unwrap();
        std::fs::write(root.join("big.bin"), vec![0u8; MAX_FILE_SIZE as usize + 1]).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root, root.join("a/b/loop")).unwrap();
            std::os::unix::fs::symlink(root.join("a/one.pem"), root.join("link.pem")).unwrap();
            std::fs::hard_link(root.join("a/one.pem"), root.join("hard.pem")).unwrap();
        }
        let walk = collect(&[
            root.to_path_buf(),
            root.join("a/one.pem"),
            root.join("nope"),
        ]);
        let names: Vec<String> = walk
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/b/two.pem", "a/one.pem"]);
        assert_eq!(walk.too_large, 1);
        #[cfg(unix)]
        assert_eq!(walk.links, 2);
        assert_eq!(walk.warnings.len(), 1);
        assert!(walk.warnings[0].path.ends_with("nope"));
        assert_eq!(
            read(&root.join("a/one.pem")).unwrap().unwrap().as_slice(),
            b"x"
        );
    }
}
