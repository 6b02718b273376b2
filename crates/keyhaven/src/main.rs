//! keyhaven: the key lifecycle management server, its CLI and a load generator in one binary.
//!
//! `keyhaven serve --dev` runs the server; every other subcommand is a client of the REST API.
//! See docs/CLI.md.

mod bench;
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
