//! The OASIS KMIP test-case XML format.
