//! Secrets typed or passed in by the operator (passphrases, shares, PINs): from a file, an
//! environment variable, or a prompt that does not echo. Held in zeroizing memory.

use std::io::IsTerminal;
use std::path::Path;

use keyhaven_core::SecretBytes;

use super::error::CliError;

/// Reads a secret: `file` first (trailing newline removed), then the environment variable
/// `env`, then a hidden prompt when stdin is a terminal. `None` when none is available.
pub fn read(
    what: &str,
    file: Option<&Path>,
    env: Option<&str>,
    prompt: bool,
) -> Result<Option<SecretBytes>, CliError> {
    if let Some(path) = file {
        let mut bytes = std::fs::read(path).map_err(|e| {
            CliError::Usage(format!(
                "cannot read the {what} file {}: {e}",
                path.display()
            ))
        })?;
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        return non_empty(what, SecretBytes::new(bytes)).map(Some);
    }
    if let Some(var) = env {
        if let Some(v) = std::env::var_os(var) {
            let v = v
                .into_string()
                .map_err(|_| CliError::Usage(format!("{var} is not valid UTF-8")))?;
            return non_empty(what, SecretBytes::new(v.into_bytes())).map(Some);
        }
    }
    if prompt && std::io::stdin().is_terminal() {
        let typed = rpassword::prompt_password(format!("{what}: "))
            .map_err(|e| CliError::io(format!("cannot read the {what}"), &e))?;
        return non_empty(what, SecretBytes::new(typed.into_bytes())).map(Some);
    }
    Ok(None)
}

/// Like [`read`], but a missing secret is a usage error.
pub fn require(
    what: &str,
    file: Option<&Path>,
    env: Option<&str>,
    hint: &str,
) -> Result<SecretBytes, CliError> {
    read(what, file, env, true)?.ok_or_else(|| CliError::Usage(format!("no {what}: {hint}")))
}

fn non_empty(what: &str, s: SecretBytes) -> Result<SecretBytes, CliError> {
    if s.is_empty() {
        return Err(CliError::Usage(format!("the {what} is empty")));
    }
    Ok(s)
}

/// The secret as text (shares, PINs and passphrases travel as JSON strings).
pub fn text(s: &SecretBytes, what: &str) -> Result<String, CliError> {
    String::from_utf8(s.expose().to_vec())
        .map_err(|_| CliError::Usage(format!("the {what} is not valid UTF-8")))
}
