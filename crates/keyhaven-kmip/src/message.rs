//! KMIP request and response messages.
