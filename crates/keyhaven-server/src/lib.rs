//! keyhaven server: REST API over HTTPS, authentication, background jobs.

use std::net::SocketAddr;
use std::path::PathBuf;

/// How `keyhaven serve` runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Data directory (database, dev root key, dev TLS material, root token).
    pub data_dir: PathBuf,
    /// HTTPS listen address.
    pub listen: SocketAddr,
    /// Development mode: generate root key, root token and a development CA on first start.
    pub dev: bool,
}

/// Errors that stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Anything that prevented start-up.
    #[error("{0}")]
    Startup(String),
}

/// Runs the server until SIGINT/SIGTERM.
pub async fn run(opts: ServeOptions) -> Result<(), ServerError> {
    Err(ServerError::Startup(format!(
        "not implemented yet ({})",
        opts.data_dir.display()
    )))
}
