//! The one bounded reader: a user's file read whole, never more than the
//! limit for its kind, however it arrives (a regular file, a pipe, a device,
//! standard input). Large session exports are mapped into memory instead.

use std::io::Read;
use std::path::Path;

use super::Problem;

/// How much of one kind of file is read at most, and what the kind is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    /// The kind in the plural, e.g. "answer files".
    pub what: &'static str,
}

const MIB: u64 = 1024 * 1024;

/// Bank files: studies, vignettes, rubrics (2 MiB).
pub const BANK_FILE: Limit = Limit {
    bytes: 2 * MIB,
    what: "bank files",
};
/// Answer files, answer streams, paper transcriptions and group lists (16 MiB).
pub const ANSWER_FILE: Limit = Limit {
    bytes: 16 * MIB,
    what: "answer files",
};
/// Ratings CSVs (64 MiB).
pub const RATINGS_FILE: Limit = Limit {
    bytes: 64 * MIB,
    what: "ratings files",
};
/// Power analyses saved as JSON (64 MiB).
pub const POWER_FILE: Limit = Limit {
    bytes: 64 * MIB,
    what: "power files",
};
/// Scores CSVs (1 GiB).
pub const SCORES_FILE: Limit = Limit {
    bytes: 1024 * MIB,
    what: "scores files",
};
/// Session exports to score (4 GiB; scoring needs about 1.3 times the file
/// size in memory, mapped file included, a little more for the table).
pub const EXPORT_FILE: Limit = Limit {
    bytes: 4096 * MIB,
    what: "exports to score",
};
/// Session exports to score that arrive through a pipe or a device (1 GiB):
/// they are read into memory whole, where a file is mapped.
pub const EXPORT_STREAM: Limit = Limit {
    bytes: 1024 * MIB,
    what: "exports to score read from a pipe or a device (save a larger one to a file, which may have 4096 MiB)",
};

/// A file that could not be read as asked: missing, unreadable or too large.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub Problem);

impl Limit {
    fn exceeded(self, name: &str, size: Option<u64>) -> Unreadable {
        let size = match size {
            Some(size) => format!("{size} bytes"),
            None => format!("more than {} bytes", self.bytes),
        };
        let mib = match self.bytes / MIB {
            0 => String::new(),
            n => format!(" ({n} MiB)"),
        };
        Unreadable(Problem::in_file(
            name,
            format!(
                "the file is {size}; {} are limited to {} bytes{mib}",
                self.what, self.bytes
            ),
        ))
    }
}

fn cannot_read(name: &str, error: &std::io::Error) -> Unreadable {
    Unreadable(Problem::in_file(
        name,
        format!("cannot read the file: {error}"),
    ))
}

/// Reads a file whole, refusing one over `limit` (a regular file unread).
pub fn read_file(path: &Path, limit: Limit) -> Result<Vec<u8>, Unreadable> {
    read_named(path, &path.display().to_string(), limit)
}

/// Reads a file as [`read_file`] does, naming it `name` in problems.
pub fn read_named(path: &Path, name: &str, limit: Limit) -> Result<Vec<u8>, Unreadable> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(name, &e))?;
    let metadata = file.metadata().map_err(|e| cannot_read(name, &e))?;
    if metadata.is_file() && metadata.len() > limit.bytes {
        return Err(limit.exceeded(name, Some(metadata.len())));
    }
    let size = metadata.is_file().then_some(metadata.len());
    read_sized(file, name, limit, size)
}

/// Reads everything a reader gives, up to `limit`; `name` is for messages.
pub fn read_from(reader: impl Read, name: &str, limit: Limit) -> Result<Vec<u8>, Unreadable> {
    read_sized(reader, name, limit, None)
}

/// Reads up to `limit` into one buffer sized once, for the `size` expected
/// (or the limit when it is unknown: a pipe, a device), so that reading
/// never holds more than the limit and a little: a buffer that grew by
/// doubling would hold up to three times the limit while it moved.
fn read_sized(
    reader: impl Read,
    name: &str,
    limit: Limit,
    size: Option<u64>,
) -> Result<Vec<u8>, Unreadable> {
    let capacity = size.map_or(limit.bytes, |s| s.min(limit.bytes)) + 1;
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(usize::try_from(capacity).unwrap_or(usize::MAX))
        .map_err(|_| {
            let error = std::io::Error::new(std::io::ErrorKind::OutOfMemory, "out of memory");
            cannot_read(name, &error)
        })?;
    reader
        .take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(name, &e))?;
    if bytes.len() as u64 > limit.bytes {
        return Err(limit.exceeded(name, None));
    }
    Ok(bytes)
}

/// A file's bytes: mapped into memory, or read.
#[derive(Debug)]
pub struct Bytes(Content);

#[derive(Debug)]
enum Content {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Content::Mapped(map) => map,
            Content::Read(bytes) => bytes,
        }
    }
}

/// Reads a large file for one pass, refusing one over `limit`.
///
/// A regular file is mapped into memory (nothing is copied: the pages come
/// from the page cache as they are read); anything else, or a file that
/// cannot be mapped, is read (in pieces on all cores where its size is
/// known). Either way the bytes are what [`std::fs::read`] would return.
/// What is not a file (a pipe, a device) is read whole into memory, up to
/// `stream_limit`.
pub fn map_file(path: &Path, limit: Limit, stream_limit: Limit) -> Result<Bytes, Unreadable> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| cannot_read(&name, &e))?;
    let metadata = file.metadata().map_err(|e| cannot_read(&name, &e))?;
    if !metadata.is_file() {
        return read_from(file, &name, stream_limit).map(|bytes| Bytes(Content::Read(bytes)));
    }
    if metadata.len() > limit.bytes {
        return Err(limit.exceeded(&name, Some(metadata.len())));
    }
    if metadata.len() > 0
        && let Some(map) = map(&file)
    {
        return Ok(Bytes(Content::Mapped(map)));
    }
    let bytes = read_in_pieces(path, metadata.len()).map_err(|e| cannot_read(&name, &e))?;
    if bytes.len() as u64 > limit.bytes {
        return Err(limit.exceeded(&name, Some(bytes.len() as u64)));
    }
    Ok(Bytes(Content::Read(bytes)))
}

/// The whole file mapped read-only, or `None` where it cannot be mapped.
fn map(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: the map is read-only and this process never writes the file,
    // which is held for the process's lifetime (until scoring is done).
    // Another process could still change it meanwhile: the bytes would then
    // change under the parsed text (after its UTF-8 check), and a truncated
    // file ends the process with SIGBUS when the lost pages are read. An
    // export is written once and then only read, as `session export` does.
    // This is the crate's only `unsafe`.
    let map = unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()?;
    Some(map)
}

/// Reads a file of about `size` bytes in pieces of 8 MiB, in parallel.
#[cfg(unix)]
fn read_in_pieces(path: &Path, size: u64) -> std::io::Result<Vec<u8>> {
    use rayon::prelude::*;
    use std::io::Seek;
    use std::os::unix::fs::FileExt;
    /// Bytes per piece read by one task.
    const PIECE: usize = 8 << 20;
    let Ok(length) = usize::try_from(size) else {
        return std::fs::read(path);
    };
    if length <= PIECE {
        return std::fs::read(path);
    }
    let mut file = std::fs::File::open(path)?;
    let mut bytes = vec![0; length];
    let read = bytes
        .par_chunks_mut(PIECE)
        .enumerate()
        .try_for_each(|(i, piece)| file.read_exact_at(piece, (i * PIECE) as u64));
    match read {
        // Read whatever was added since, as fs::read would.
        Ok(()) => {
            file.seek(std::io::SeekFrom::Start(size))?;
            file.read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        // It shrank since: read it again the plain way.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => std::fs::read(path),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn read_in_pieces(path: &Path, _size: u64) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: Limit = Limit {
        bytes: 4,
        what: "tiny files",
    };

    #[test]
    fn a_stream_is_cut_at_its_limit_and_refused() {
        let endless = std::io::repeat(b'x');
        let error = read_from(endless, "stdin", TINY).unwrap_err();
        assert_eq!(
            error.to_string(),
            "stdin: the file is more than 4 bytes; tiny files are limited to 4 bytes"
        );
        assert_eq!(read_from(&b"abcd"[..], "stdin", TINY).unwrap(), b"abcd");
    }

    #[test]
    fn an_export_reads_the_same_mapped_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.jsonl");
        let text = "{\"a\": 1}\n".repeat(1000);
        std::fs::write(&path, &text).unwrap();
        let mapped = map_file(&path, EXPORT_FILE, EXPORT_STREAM).unwrap();
        assert!(matches!(mapped.0, Content::Mapped(_)));
        assert_eq!(&*mapped, text.as_bytes());
        assert_eq!(read_in_pieces(&path, 0).unwrap(), text.as_bytes());
        // Empty and special files are read, not mapped.
        std::fs::write(&path, "").unwrap();
        assert!(
            map_file(&path, EXPORT_FILE, EXPORT_STREAM)
                .unwrap()
                .is_empty()
        );
        #[cfg(unix)]
        assert!(matches!(
            map_file(Path::new("/dev/null"), EXPORT_FILE, EXPORT_STREAM)
                .unwrap()
                .0,
            Content::Read(_)
        ));
    }

    #[test]
    fn a_regular_file_over_the_limit_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, b"12345").unwrap();
        let error = read_file(&path, TINY).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("big.json: the file is 5 bytes; tiny files are limited to 4 bytes")
        );
        assert!(map_file(&path, TINY, TINY).is_err());
        std::fs::write(&path, b"1234").unwrap();
        assert_eq!(&*map_file(&path, TINY, TINY).unwrap(), b"1234");
    }
}
