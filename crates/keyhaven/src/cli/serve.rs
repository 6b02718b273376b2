//! `keyhaven serve`: runs the server in this process.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use keyhaven_server::ServeOptions;
use tracing_subscriber::EnvFilter;

use super::error::CliError;

/// `keyhaven serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Development mode: on first start, generate a root key, a root token
    /// (DATA_DIR/root-token) and a TLS CA (DATA_DIR/tls/ca.pem) in the data directory. Not
    /// for production. Required in this version.
    #[arg(long)]
    pub dev: bool,
    /// Data directory (database, dev root key, TLS material, root token).
    #[arg(
        long,
        env = "KEYHAVEN_DATA_DIR",
        value_name = "DIR",
        default_value = "./keyhaven-data"
    )]
    pub data_dir: PathBuf,
    /// HTTPS listen address.
    #[arg(
        long,
        env = "KEYHAVEN_LISTEN",
        value_name = "ADDR",
        default_value = "127.0.0.1:8443"
    )]
    pub listen: SocketAddr,
}

/// Runs the server until SIGINT/SIGTERM. Logs go to stderr, filtered by `RUST_LOG`
/// (default `info`).
pub async fn run(args: ServeArgs) -> Result<(), CliError> {
    if !args.dev {
        return Err(CliError::Usage(
            "only development mode is available in this version: run `keyhaven serve --dev` \
             (it generates a root key, a root token and a TLS CA under the data directory; \
             do not use it for production keys)"
                .to_owned(),
        ));
    }
    init_logging();
    let options = ServeOptions {
        data_dir: args.data_dir,
        listen: args.listen,
        dev: args.dev,
    };
    keyhaven_server::run(options)
        .await
        .map_err(|e| CliError::Local(format!("the server stopped: {e}")))
}

fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Fails only if a subscriber is already installed, which then keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["keyhaven", "serve", "--dev"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert!(args.dev);
        if std::env::var_os("KEYHAVEN_DATA_DIR").is_none() {
            assert_eq!(args.data_dir, PathBuf::from("./keyhaven-data"));
        }
        if std::env::var_os("KEYHAVEN_LISTEN").is_none() {
            assert_eq!(args.listen, "127.0.0.1:8443".parse::<SocketAddr>().unwrap());
        }
    }

    #[test]
    fn bad_listen_address_is_a_usage_error() {
        let err =
            Cli::try_parse_from(["keyhaven", "serve", "--dev", "--listen", "nowhere"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[tokio::test]
    async fn without_dev_it_refuses_with_exit_2() {
        let args = ServeArgs {
            dev: false,
            data_dir: PathBuf::from("unused"),
            listen: "127.0.0.1:0".parse().unwrap(),
        };
        let err = run(args).await.unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("serve --dev"));
    }
}
