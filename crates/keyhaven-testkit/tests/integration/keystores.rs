//! Keystores: each connector against its real peer (SoftHSM2, PyKMIP's server, moto), and the
//! distribution of managed keys through the server (`flows`).

mod aws;
pub mod flows;
mod kmip;
mod pkcs11;
