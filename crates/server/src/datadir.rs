//! The data directory is private to the user the service runs as: the directory and every
//! directory in it 0700, every file 0600 (`wharf.db` and its `-wal`/`-shm`, `root-credentials`,
//! the blobs).
//!
//! [`make_private`] sets the process umask to 0o077 first, so that whatever is created from then
//! on (SQLite's database, WAL and shared-memory files, object_store's blob files and their
//! directories) is private from birth, and then takes group and other permissions away from
//! what an older Wharf, or an operator, left looser. `wharf serve` and `wharf admin --data-dir`
//! call it before opening anything. Symbolic links are not followed.

use std::io;
use std::path::Path;

/// What [`make_private`] had to tighten.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tightened {
    /// Directories (the data directory included) that were readable or searchable by others.
    pub directories: usize,
    /// Files that were readable or writable by others.
    pub files: usize,
}

impl Tightened {
    /// Whether anything was tightened.
    pub fn any(&self) -> bool {
        self.directories + self.files > 0
    }
}

/// Makes the process's new files private (umask 0o077), creates `dir` if it is missing, and
/// takes group and other permissions away from it and everything in it. Logs one line when
/// anything was looser.
pub fn make_private(dir: &Path) -> io::Result<Tightened> {
    private_umask();
    std::fs::create_dir_all(dir)?;
    let tightened = tighten(dir)?;
    if tightened.any() {
        tracing::warn!(
            data_dir = %dir.display(),
            directories = tightened.directories,
            files = tightened.files,
            "tightened the data directory, which other users could read: its directories are \
             now 0700 and its files 0600"
        );
    }
    Ok(tightened)
}

/// Sets the process umask to 0o077: files are created 0600 and directories 0700.
pub fn private_umask() {
    #[cfg(unix)]
    {
        use rustix::fs::Mode;
        rustix::process::umask(Mode::from_raw_mode(0o077));
    }
}

/// Takes group and other permissions away from `dir` and everything under it (not following
/// symbolic links), and counts what changed.
pub fn tighten(dir: &Path) -> io::Result<Tightened> {
    let mut done = Tightened::default();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            continue;
        }
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
        }
        if restrict(&path, &meta)? {
            if meta.is_dir() {
                done.directories += 1;
            } else {
                done.files += 1;
            }
        }
    }
    Ok(done)
}

#[cfg(unix)]
fn restrict(path: &Path, meta: &std::fs::Metadata) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
    Ok(true)
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: &std::fs::Metadata) -> io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn takes_group_and_other_permissions_away_and_counts_them() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let blobs = data.join("blobs/ab");
        std::fs::create_dir_all(&blobs).unwrap();
        for (path, m) in [
            (data.join("wharf.db"), 0o644),
            (data.join("root-credentials"), 0o600),
            (blobs.join("abcd"), 0o664),
        ] {
            std::fs::write(&path, b"x").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
        }
        for d in [&data, &data.join("blobs"), &blobs] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // A link out of the data directory is left alone, and so is what it points to.
        let outside = tmp.path().join("outside");
        std::fs::write(&outside, b"y").unwrap();
        std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&outside, data.join("link")).unwrap();

        let done = tighten(&data).unwrap();
        assert_eq!(
            done,
            Tightened {
                directories: 3,
                files: 2
            }
        );
        for d in [&data, &data.join("blobs"), &blobs] {
            assert_eq!(mode(d), 0o700, "{}", d.display());
        }
        for f in ["wharf.db", "root-credentials", "blobs/ab/abcd"] {
            assert_eq!(mode(&data.join(f)), 0o600, "{f}");
        }
        assert_eq!(mode(&outside), 0o644);
        assert_eq!(tighten(&data).unwrap(), Tightened::default(), "idempotent");
    }
}
