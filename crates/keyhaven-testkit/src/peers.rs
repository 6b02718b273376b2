//! Real keystore peers for the keystore tests: PyKMIP's KMIP server and moto's AWS server, each
//! started on a free loopback port for one test, and SoftHSM2 tokens (see [`crate::softhsm`]).
//! Without the peer installed a test is skipped with a printed reason, except under `CI=true`,
//! where it fails.

pub mod moto;
pub mod pykmip_server;
