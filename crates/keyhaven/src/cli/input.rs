//! Where the crypto verbs read their data from and write their results to.
//!
//! Data: `--data STRING`, `--data-b64 B64`, `--in FILE` (`-` = stdin), or stdin when none is
//! given and stdin is not a terminal. Binary values that are already base64 (ciphertext,
//! signature, MAC tag) come inline as base64 or from a file holding either the base64 text or
//! the raw bytes.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use clap::Args;

use super::error::CliError;

/// Largest input read from a file or stdin (the server's limits are far lower).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The data a verb works on.
#[derive(Debug, Args, Default)]
pub struct DataInput {
    /// The data, as a UTF-8 string.
    #[arg(long, value_name = "STRING", conflicts_with_all = ["data_b64", "input"])]
    pub data: Option<String>,
    /// The data, as base64.
    #[arg(long, value_name = "B64", conflicts_with = "input")]
    pub data_b64: Option<String>,
    /// Read the data from FILE (`-` for stdin). Without --data, --data-b64 or --in, stdin is
    /// read when it is not a terminal.
    #[arg(long = "in", value_name = "FILE")]
    pub input: Option<PathBuf>,
}

impl DataInput {
    /// Whether the data will come from stdin.
    pub fn uses_stdin(&self) -> bool {
        match (&self.data, &self.data_b64, &self.input) {
            (None, None, None) => true,
            (_, _, Some(path)) => is_stdin(path),
            _ => false,
        }
    }

    /// The data's bytes.
    pub fn read(&self) -> Result<Vec<u8>, CliError> {
        if let Some(text) = &self.data {
            return Ok(text.as_bytes().to_vec());
        }
        if let Some(b64) = &self.data_b64 {
            return decode_b64(b64, "--data-b64");
        }
        if let Some(path) = &self.input {
            return read_path(path);
        }
        read_stdin_if_piped("the data: give --data, --data-b64 or --in FILE")
    }

    /// The data as base64, ready for a request.
    pub fn read_b64(&self) -> Result<String, CliError> {
        self.read().map(|bytes| B64.encode(bytes))
    }
}

/// A base64 value (ciphertext, signature, tag): inline, from a file, or (when
/// `stdin_fallback`) from piped stdin. Returned as normalized base64.
pub fn blob_b64(
    inline: Option<&str>,
    file: Option<&Path>,
    what: &str,
    flags: &str,
    stdin_fallback: bool,
) -> Result<String, CliError> {
    if let Some(text) = inline {
        let bytes = decode_b64(text, what)?;
        return Ok(B64.encode(bytes));
    }
    let raw = match file {
        Some(path) => read_path(path)?,
        None if stdin_fallback => read_stdin_if_piped(&format!("the {what}: give {flags}"))?,
        None => return Err(CliError::Usage(format!("missing the {what}: give {flags}"))),
    };
    blob_from_file_bytes(&raw, what)
}

/// Optional associated data from `--aad STRING` or `--aad-file FILE`, as base64.
pub fn aad_b64(aad: Option<&str>, aad_file: Option<&Path>) -> Result<Option<String>, CliError> {
    match (aad, aad_file) {
        (Some(text), _) => Ok(Some(B64.encode(text.as_bytes()))),
        (None, Some(path)) => read_path(path).map(|b| Some(B64.encode(b))),
        (None, None) => Ok(None),
    }
}

/// Decodes base64 from the server or the user.
pub fn decode_b64(text: &str, what: &str) -> Result<Vec<u8>, CliError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    B64.decode(compact.as_bytes())
        .map_err(|e| CliError::Usage(format!("{what} is not valid base64: {e}")))
}

/// Writes `bytes` to `path` (`-` = stdout). With `secret`, a new or existing file is made
/// readable by its owner only (0600) before anything is written.
pub fn write_output(path: &Path, bytes: &[u8], secret: bool) -> Result<(), CliError> {
    if is_stdin(path) {
        return super::output::write_stdout(bytes);
    }
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let context = || format!("cannot write {}", path.display());
    let mut file = options
        .open(path)
        .map_err(|e| CliError::io(context(), &e))?;
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io(context(), &e))?;
    }
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| CliError::io(context(), &e))
}

/// A file's bytes as a base64 value: used as-is if the file holds base64 text, encoded if
/// it holds raw bytes.
fn blob_from_file_bytes(raw: &[u8], what: &str) -> Result<String, CliError> {
    let compact: Vec<u8> = raw
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return Err(CliError::Usage(format!("the {what} is empty")));
    }
    match B64.decode(&compact) {
        Ok(bytes) => Ok(B64.encode(bytes)),
        Err(_) => Ok(B64.encode(raw)),
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn read_path(path: &Path) -> Result<Vec<u8>, CliError> {
    if is_stdin(path) {
        return read_limited(std::io::stdin().lock(), "stdin");
    }
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::io(format!("cannot read {}", path.display()), &e))?;
    read_limited(file, &path.display().to_string())
}

fn read_stdin_if_piped(missing: &str) -> Result<Vec<u8>, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(CliError::Usage(format!(
            "missing {missing}, or pipe it on stdin"
        )));
    }
    read_limited(stdin.lock(), "stdin")
}

fn read_limited(reader: impl Read, name: &str) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io(format!("cannot read {name}"), &e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(CliError::Usage(format!(
            "{name} is larger than {} MiB",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    Ok(bytes)
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
    fn inline_data() {
        let input = DataInput {
            data: Some("hello".into()),
            ..DataInput::default()
        };
        assert_eq!(input.read_b64().unwrap(), "aGVsbG8=");
        assert!(!input.uses_stdin());
        let input = DataInput {
            data_b64: Some("aGVs\nbG8=".into()),
            ..DataInput::default()
        };
        assert_eq!(input.read().unwrap(), b"hello");
        let bad = DataInput {
            data_b64: Some("@@@".into()),
            ..DataInput::default()
        };
        assert_eq!(bad.read().unwrap_err().exit_code(), 2);
    }

    #[test]
    fn stdin_is_used_when_nothing_else_is_given() {
        assert!(DataInput::default().uses_stdin());
        let dash = DataInput {
            input: Some(PathBuf::from("-")),
            ..DataInput::default()
        };
        assert!(dash.uses_stdin());
        let file = DataInput {
            input: Some(PathBuf::from("f.bin")),
            ..DataInput::default()
        };
        assert!(!file.uses_stdin());
    }

    #[test]
    fn files_and_blobs() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("ct.b64");
        std::fs::write(&text, "aGVs\nbG8=\n").unwrap();
        let raw = dir.path().join("ct.bin");
        std::fs::write(&raw, [0xff, 0x00, 0x10]).unwrap();
        assert_eq!(
            blob_b64(None, Some(&text), "ciphertext", "--ciphertext", false).unwrap(),
            "aGVsbG8="
        );
        assert_eq!(
            blob_b64(None, Some(&raw), "ciphertext", "--ciphertext", false).unwrap(),
            "/wAQ"
        );
        assert_eq!(
            blob_b64(Some(" aGVsbG8= "), None, "signature", "--signature", false).unwrap(),
            "aGVsbG8="
        );
        let missing = blob_b64(None, None, "signature", "--signature", false).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
        assert!(missing.to_string().contains("--signature"));
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        assert!(blob_b64(None, Some(&empty), "mac", "--mac", false).is_err());
        let gone = blob_b64(None, Some(&dir.path().join("nope")), "mac", "--mac", false);
        assert_eq!(gone.unwrap_err().exit_code(), 1);
    }

    #[test]
    fn aad_sources() {
        assert_eq!(aad_b64(None, None).unwrap(), None);
        assert_eq!(aad_b64(Some("ctx"), None).unwrap(), Some("Y3R4".into()));
    }

    #[cfg(unix)]
    #[test]
    fn secret_outputs_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_output(&path, b"secret", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
