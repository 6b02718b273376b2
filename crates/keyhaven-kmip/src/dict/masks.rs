// Transcribed from the KMIP 1.0-2.1 specification tables (generated once, now maintained by
// hand). Keep every table sorted: the unit tests in dict/tests.rs check order and consistency.
//! Bit masks sent as Integers (written as space-separated flag names in XML).

use super::tags;

/// Cryptographic Usage Mask flags: (XML name, bit).
pub(super) static CRYPTOGRAPHIC_USAGE_MASK: &[(&str, u32)] = &[
    ("Sign", 0x00000001),
    ("Verify", 0x00000002),
    ("Encrypt", 0x00000004),
    ("Decrypt", 0x00000008),
    ("WrapKey", 0x00000010),
    ("UnwrapKey", 0x00000020),
    ("Export", 0x00000040),
    ("MACGenerate", 0x00000080),
    ("MACVerify", 0x00000100),
    ("DeriveKey", 0x00000200),
    ("ContentCommitment", 0x00000400),
    ("KeyAgreement", 0x00000800),
    ("CertificateSign", 0x00001000),
    ("CRLSign", 0x00002000),
    ("GenerateCryptogram", 0x00004000),
    ("ValidateCryptogram", 0x00008000),
    ("TranslateEncrypt", 0x00010000),
    ("TranslateDecrypt", 0x00020000),
    ("TranslateWrap", 0x00040000),
    ("TranslateUnwrap", 0x00080000),
    ("Authenticate", 0x00100000),
    ("Unrestricted", 0x00200000),
    ("FPEEncrypt", 0x00400000),
    ("FPEDecrypt", 0x00800000),
];

/// Storage Status Mask flags: (XML name, bit).
pub(super) static STORAGE_STATUS_MASK: &[(&str, u32)] = &[
    ("OnLineStorage", 0x00000001),
    ("ArchivalStorage", 0x00000002),
    ("DestroyedStorage", 0x00000004),
];

/// Protection Storage Mask flags: (XML name, bit).
pub(super) static PROTECTION_STORAGE_MASK: &[(&str, u32)] = &[
    ("Software", 0x00000001),
    ("Hardware", 0x00000002),
    ("OnProcessor", 0x00000004),
    ("OnSystem", 0x00000008),
    ("OffSystem", 0x00000010),
    ("Hypervisor", 0x00000020),
    ("OperatingSystem", 0x00000040),
    ("Container", 0x00000080),
    ("OnPremises", 0x00000100),
    ("OffPremises", 0x00000200),
    ("SelfManaged", 0x00000400),
    ("Outsourced", 0x00000800),
    ("Validated", 0x00001000),
    ("SameJurisdiction", 0x00002000),
];

/// (tag, flags) sorted by tag.
pub(super) static BY_TAG: &[(u32, &[(&str, u32)])] = &[
    (tags::CRYPTOGRAPHIC_USAGE_MASK, CRYPTOGRAPHIC_USAGE_MASK),
    (tags::STORAGE_STATUS_MASK, STORAGE_STATUS_MASK),
    (tags::PROTECTION_STORAGE_MASK, PROTECTION_STORAGE_MASK),
];
