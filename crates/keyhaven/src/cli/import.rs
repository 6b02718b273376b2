//! `keyhaven key import-key` and `keyhaven key import`: bringing existing key material (BYOK),
//! plain or wrapped for the vault's import key (docs/IMPORT.md).

use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use clap::Args;
use keyhaven_client::proto::{CreateKey, ImportKey, ImportWrappedKey, Key};
use keyhaven_core::{KeyAlgorithm, SecretBytes};
use uuid::Uuid;

use super::error::CliError;
use super::input;
use super::key::{parse_tag, DateArgs};
use super::output::{self, OutputFormat};
use super::Context;

/// `key import-key`.
#[derive(Debug, Args)]
pub struct ImportKeyArgs {
    /// The vault whose import key to fetch.
    #[arg(long)]
    pub vault: String,
    /// Write the public key (PEM) to FILE instead of printing it; the other fields are
    /// printed.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `key import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Vault of the new key.
    #[arg(long)]
    pub vault: String,
    /// Name of the new key.
    #[arg(long)]
    pub name: String,
    /// Algorithm, e.g. aes-256, hmac-sha256, rsa-2048, ec-p256, ed25519.
    #[arg(long, short = 'a')]
    pub algorithm: String,
    /// Material already wrapped for the vault's import key (raw bytes or base64), e.g. made
    /// with openssl as docs/IMPORT.md shows.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "material",
        conflicts_with = "material",
        requires = "import_key_id"
    )]
    pub wrapped: Option<PathBuf>,
    /// The id of the import key --wrapped was made for.
    #[arg(long, value_name = "ID", requires = "wrapped")]
    pub import_key_id: Option<Uuid>,
    /// The key material itself: raw bytes (AES, HMAC), PKCS#8 DER or PEM (also PKCS#1 and
    /// SEC1) for RSA, EC and Ed25519. `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub material: Option<PathBuf>,
    /// Wrap --material here for the vault's import key before sending it, so the plaintext
    /// material never leaves this machine (not even inside TLS).
    #[arg(long, requires = "material")]
    pub wrap: bool,
    /// Permitted uses, comma-separated (default depends on the algorithm).
    #[arg(long, value_delimiter = ',')]
    pub usage: Vec<String>,
    /// Create the key active.
    #[arg(long)]
    pub active: bool,
    /// Free-text description.
    #[arg(long)]
    pub description: Option<String>,
    /// Tag KEY=VALUE (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
    #[command(flatten)]
    pub dates: DateArgs,
}

/// Runs `key import-key`.
pub async fn import_key(ctx: &Context, args: ImportKeyArgs) -> Result<(), CliError> {
    let key = ctx.client.import_key(&args.vault).await?;
    if let Some(path) = &args.out {
        input::write_output(path, key.public_key_pem.as_bytes(), false)?;
    }
    if ctx.output == OutputFormat::Json {
        return output::print(&output::json(serde_json::to_string_pretty(&key))?);
    }
    let mut text = import_key_fields(&key);
    if args.out.is_none() {
        text.push_str(&output::sanitize_multiline(&key.public_key_pem));
    }
    output::print(&text)
}

/// Runs `key import`.
pub async fn import(ctx: &Context, args: ImportArgs) -> Result<(), CliError> {
    let key = match (&args.wrapped, &args.material) {
        (Some(path), _) => {
            let id = args
                .import_key_id
                .ok_or_else(|| CliError::Usage("--wrapped needs --import-key-id".to_owned()))?;
            let wrapped = input::blob_b64(
                None,
                Some(path),
                "wrapped material",
                "--wrapped FILE",
                false,
            )?;
            ctx.client
                .import_wrapped(&args.wrapped_request(id, wrapped))
                .await?
        }
        (None, Some(path)) => {
            let material = read_material(&args.algorithm, path)?;
            if args.wrap {
                let import_key = ctx.client.import_key(&args.vault).await?;
                let spki = input::decode_b64(
                    &import_key.public_key_der_b64,
                    "the import key from the server",
                )?;
                let blob = keyhaven_crypto::import::wrap_for_import(&spki, material.expose())
                    .map_err(|e| CliError::Local(format!("cannot wrap the material: {e}")))?;
                ctx.client
                    .import_wrapped(&args.wrapped_request(import_key.id, B64.encode(blob)))
                    .await?
            } else {
                let request = args.plain_request(B64.encode(material.expose()));
                ctx.client.create_key(&request).await?
            }
        }
        (None, None) => {
            return Err(CliError::Usage(
                "give --wrapped FILE --import-key-id ID, or --material FILE [--wrap]".to_owned(),
            ))
        }
    };
    print_key(ctx.output, &key)
}

impl ImportArgs {
    fn initial_state(&self) -> Option<String> {
        self.active.then(|| "active".to_owned())
    }

    fn wrapped_request(&self, import_key_id: Uuid, wrapped_material: String) -> ImportWrappedKey {
        ImportWrappedKey {
            vault: self.vault.clone(),
            name: self.name.clone(),
            algorithm: self.algorithm.clone(),
            import_key_id,
            wrapped_material,
            usage: (!self.usage.is_empty()).then(|| self.usage.clone()),
            initial_state: self.initial_state(),
            description: self.description.clone(),
            tags: (!self.tags.is_empty()).then(|| self.tags.iter().cloned().collect()),
            activation_date: self.dates.activation_date,
            deactivation_date: self.dates.deactivation_date,
            protect_stop_date: self.dates.protect_stop_date,
            process_start_date: self.dates.process_start_date,
        }
    }

    fn plain_request(&self, material_b64: String) -> CreateKey {
        CreateKey {
            vault: self.vault.clone(),
            name: self.name.clone(),
            algorithm: self.algorithm.clone(),
            usage: (!self.usage.is_empty()).then(|| self.usage.clone()),
            initial_state: self.initial_state(),
            description: self.description.clone(),
            tags: (!self.tags.is_empty()).then(|| self.tags.iter().cloned().collect()),
            activation_date: self.dates.activation_date,
            deactivation_date: self.dates.deactivation_date,
            protect_stop_date: self.dates.protect_stop_date,
            process_start_date: self.dates.process_start_date,
            import_material: Some(material_b64),
            ..CreateKey::default()
        }
    }
}

/// Reads key material; private keys given as PEM, PKCS#1 or SEC1 become PKCS#8 DER here, so
/// what is wrapped is what docs/IMPORT.md specifies.
fn read_material(algorithm: &str, path: &std::path::Path) -> Result<SecretBytes, CliError> {
    let alg: KeyAlgorithm = algorithm
        .parse()
        .map_err(|e: keyhaven_core::algorithm::UnknownAlgorithm| CliError::Usage(e.to_string()))?;
    let raw = SecretBytes::new(
        input::DataInput {
            input: Some(path.to_path_buf()),
            ..input::DataInput::default()
        }
        .read()?,
    );
    if raw.is_empty() {
        return Err(CliError::Usage(format!("{} is empty", path.display())));
    }
    match keyhaven_crypto::import::private_key_to_pkcs8(alg, raw.expose()) {
        Ok(Some(der)) => Ok(der),
        Ok(None) => Ok(raw),
        Err(e) => Err(CliError::Usage(format!("{}: {e}", path.display()))),
    }
}

fn import_key_fields(key: &ImportKey) -> String {
    output::render_fields(&[
        ("import key id", key.id.to_string()),
        ("vault", output::sanitize(&key.vault)),
        ("algorithm", output::sanitize(&key.algorithm)),
        ("wrapping", output::sanitize(&key.wrapping)),
        ("issued until", output::time(key.expires_at)),
        ("accepted until", output::time(key.accepted_until)),
    ])
}

fn print_key(format: OutputFormat, key: &Key) -> Result<(), CliError> {
    output::print(&match format {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(key))?,
        OutputFormat::Table => output::key_fields(key),
    })
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
    use crate::cli::key::KeyCommand;
    use crate::cli::{Cli, Command};

    fn key(args: &[&str]) -> Result<KeyCommand, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "key"].iter().chain(args))?;
        match cli.command {
            Command::Key(cmd) => Ok(cmd),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn import_needs_wrapped_with_its_key_id_or_material() {
        let base = ["import", "--vault", "v", "--name", "k", "-a", "aes-256"];
        let with = |extra: &[&str]| {
            let mut args = base.to_vec();
            args.extend_from_slice(extra);
            key(&args)
        };
        assert!(with(&[]).is_err());
        assert!(with(&["--wrapped", "b.bin"]).is_err());
        assert!(with(&["--import-key-id", &Uuid::nil().to_string()]).is_err());
        assert!(with(&["--wrap"]).is_err());
        assert!(with(&["--wrapped", "b", "--material", "m"]).is_err());
        let id = Uuid::from_u128(5).to_string();
        let KeyCommand::Import(args) = with(&["--wrapped", "b", "--import-key-id", &id]).unwrap()
        else {
            panic!("not import");
        };
        assert_eq!(args.import_key_id, Some(Uuid::from_u128(5)));
        let KeyCommand::Import(args) = with(&["--material", "m", "--wrap", "--active"]).unwrap()
        else {
            panic!("not import");
        };
        assert!(args.wrap);
        let request = args.wrapped_request(Uuid::nil(), "AAAA".to_owned());
        assert_eq!(request.initial_state.as_deref(), Some("active"));
        assert_eq!(request.algorithm, "aes-256");
        assert!(matches!(
            key(&["import-key", "--vault", "v", "--out", "k.pem"]).unwrap(),
            KeyCommand::ImportKey(_)
        ));
    }

    #[test]
    fn material_is_read_as_pkcs8_and_wrapped_for_the_import_key() {
        let dir = tempfile::tempdir().unwrap();
        let aes = dir.path().join("aes.bin");
        std::fs::write(&aes, [9u8; 32]).unwrap();
        assert_eq!(read_material("aes-256", &aes).unwrap().expose(), &[9u8; 32]);
        assert!(read_material("no-such-alg", &aes).is_err());
        let garbage = dir.path().join("k.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let err = read_material("ec-p256", &garbage).unwrap_err().to_string();
        assert!(err.contains("no private key"), "{err}");
        // A wrapped blob unwraps under the import key it was made for.
        let pair = keyhaven_crypto::import::generate_import_key().unwrap();
        let material = read_material("aes-256", &aes).unwrap();
        let blob = keyhaven_crypto::import::wrap_for_import(
            pair.public_key.as_deref().unwrap(),
            material.expose(),
        )
        .unwrap();
        let back = keyhaven_crypto::import::unwrap_import(pair.material.expose(), &blob).unwrap();
        assert_eq!(back.expose(), &[9u8; 32]);
    }
}
