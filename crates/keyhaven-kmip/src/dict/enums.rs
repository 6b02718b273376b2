// Transcribed from the KMIP 1.0-2.1 specification tables (generated once, now maintained by
// hand). Keep every table sorted: the unit tests in dict/tests.rs check order and consistency.
//! Enumeration tables of KMIP 1.0-2.1 (section 9.1.3.2 of the 1.x specifications, 11 in 2.x).
//!
//! Values keep their 1.x names where 2.x marks them "(Reserved)"; extensions (0x8XXXXXXX)
//! are not listed.

use super::tags;

/// One enumeration: its values (sorted, unique) and extra names accepted when parsing.
#[derive(Debug)]
pub struct EnumDef {
    /// The enumeration's name in the specification.
    pub name: &'static str,
    /// (value, XML name), sorted by value.
    pub values: &'static [(u32, &'static str)],
    /// (alternative XML name, value) accepted by [`enum_by_name`](super::enum_by_name).
    pub aliases: &'static [(&'static str, u32)],
}

/// Adjustment Type.
pub static ADJUSTMENT_TYPE: EnumDef = EnumDef {
    name: "Adjustment Type",
    values: &[
        (0x00000001, "Increment"),
        (0x00000002, "Decrement"),
        (0x00000003, "Negate"),
    ],
    aliases: &[],
};

/// Alternative Name Type.
pub static ALTERNATIVE_NAME_TYPE: EnumDef = EnumDef {
    name: "Alternative Name Type",
    values: &[
        (0x00000001, "UninterpretedTextString"),
        (0x00000002, "URI"),
        (0x00000003, "ObjectSerialNumber"),
        (0x00000004, "EmailAddress"),
        (0x00000005, "DNSName"),
        (0x00000006, "X_500DistinguishedName"),
        (0x00000007, "IPAddress"),
    ],
    aliases: &[],
};

/// Asynchronous Indicator.
pub static ASYNCHRONOUS_INDICATOR: EnumDef = EnumDef {
    name: "Asynchronous Indicator",
    values: &[
        (0x00000001, "Mandatory"),
        (0x00000002, "Optional"),
        (0x00000003, "Prohibited"),
    ],
    aliases: &[],
};

/// Attestation Type.
pub static ATTESTATION_TYPE: EnumDef = EnumDef {
    name: "Attestation Type",
    values: &[
        (0x00000001, "TPMQuote"),
        (0x00000002, "TCGIntegrityReport"),
        (0x00000003, "SAMLAssertion"),
    ],
    aliases: &[],
};

/// Batch Error Continuation Option.
pub static BATCH_ERROR_CONTINUATION_OPTION: EnumDef = EnumDef {
    name: "Batch Error Continuation Option",
    values: &[
        (0x00000001, "Continue"),
        (0x00000002, "Stop"),
        (0x00000003, "Undo"),
    ],
    aliases: &[],
};

/// Block Cipher Mode.
pub static BLOCK_CIPHER_MODE: EnumDef = EnumDef {
    name: "Block Cipher Mode",
    values: &[
        (0x00000001, "CBC"),
        (0x00000002, "ECB"),
        (0x00000003, "PCBC"),
        (0x00000004, "CFB"),
        (0x00000005, "OFB"),
        (0x00000006, "CTR"),
        (0x00000007, "CMAC"),
        (0x00000008, "CCM"),
        (0x00000009, "GCM"),
        (0x0000000A, "CBC_MAC"),
        (0x0000000B, "XTS"),
        (0x0000000C, "AESKeyWrapPadding"),
        (0x0000000D, "NISTKeyWrap"),
        (0x0000000E, "X9_102AESKW"),
        (0x0000000F, "X9_102TDKW"),
        (0x00000010, "X9_102AKW1"),
        (0x00000011, "X9_102AKW2"),
        (0x00000012, "AEAD"),
    ],
    aliases: &[],
};

/// Cancellation Result.
pub static CANCELLATION_RESULT: EnumDef = EnumDef {
    name: "Cancellation Result",
    values: &[
        (0x00000001, "Canceled"),
        (0x00000002, "UnableToCancel"),
        (0x00000003, "Completed"),
        (0x00000004, "Failed"),
        (0x00000005, "Unavailable"),
    ],
    aliases: &[],
};

/// Certificate Request Type.
pub static CERTIFICATE_REQUEST_TYPE: EnumDef = EnumDef {
    name: "Certificate Request Type",
    values: &[
        (0x00000001, "CRMF"),
        (0x00000002, "PKCS_10"),
        (0x00000003, "PEM"),
        (0x00000004, "PGP"),
    ],
    aliases: &[],
};

/// Certificate Type.
pub static CERTIFICATE_TYPE: EnumDef = EnumDef {
    name: "Certificate Type",
    values: &[(0x00000001, "X_509"), (0x00000002, "PGP")],
    aliases: &[],
};

/// Client Registration Method.
pub static CLIENT_REGISTRATION_METHOD: EnumDef = EnumDef {
    name: "Client Registration Method",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "ServerPreGenerated"),
        (0x00000003, "ServerOnDemand"),
        (0x00000004, "ClientGenerated"),
        (0x00000005, "ClientRegistered"),
    ],
    aliases: &[],
};

/// Credential Type.
pub static CREDENTIAL_TYPE: EnumDef = EnumDef {
    name: "Credential Type",
    values: &[
        (0x00000001, "UsernameAndPassword"),
        (0x00000002, "Device"),
        (0x00000003, "Attestation"),
        (0x00000004, "OneTimePassword"),
        (0x00000005, "HashedPassword"),
        (0x00000006, "Ticket"),
    ],
    aliases: &[],
};

/// Cryptographic Algorithm.
pub static CRYPTOGRAPHIC_ALGORITHM: EnumDef = EnumDef {
    name: "Cryptographic Algorithm",
    values: &[
        (0x00000001, "DES"),
        (0x00000002, "DES3"),
        (0x00000003, "AES"),
        (0x00000004, "RSA"),
        (0x00000005, "DSA"),
        (0x00000006, "ECDSA"),
        (0x00000007, "HMAC_SHA1"),
        (0x00000008, "HMAC_SHA224"),
        (0x00000009, "HMAC_SHA256"),
        (0x0000000A, "HMAC_SHA384"),
        (0x0000000B, "HMAC_SHA512"),
        (0x0000000C, "HMAC_MD5"),
        (0x0000000D, "DH"),
        (0x0000000E, "ECDH"),
        (0x0000000F, "ECMQV"),
        (0x00000010, "Blowfish"),
        (0x00000011, "Camellia"),
        (0x00000012, "CAST5"),
        (0x00000013, "IDEA"),
        (0x00000014, "MARS"),
        (0x00000015, "RC2"),
        (0x00000016, "RC4"),
        (0x00000017, "RC5"),
        (0x00000018, "SKIPJACK"),
        (0x00000019, "Twofish"),
        (0x0000001A, "EC"),
        (0x0000001B, "OneTimePad"),
        (0x0000001C, "ChaCha20"),
        (0x0000001D, "Poly1305"),
        (0x0000001E, "ChaCha20Poly1305"),
        (0x0000001F, "SHA3_224"),
        (0x00000020, "SHA3_256"),
        (0x00000021, "SHA3_384"),
        (0x00000022, "SHA3_512"),
        (0x00000023, "HMAC_SHA3_224"),
        (0x00000024, "HMAC_SHA3_256"),
        (0x00000025, "HMAC_SHA3_384"),
        (0x00000026, "HMAC_SHA3_512"),
        (0x00000027, "SHAKE_128"),
        (0x00000028, "SHAKE_256"),
        (0x00000029, "ARIA"),
        (0x0000002A, "SEED"),
        (0x0000002B, "SM2"),
        (0x0000002C, "SM3"),
        (0x0000002D, "SM4"),
        (0x0000002E, "GOSTR34_10_2012"),
        (0x0000002F, "GOSTR34_11_2012"),
        (0x00000030, "GOSTR34_13_2015"),
        (0x00000031, "GOST28147_89"),
        (0x00000032, "XMSS"),
        (0x00000033, "SPHINCS_256"),
        (0x00000034, "McEliece"),
        (0x00000035, "McEliece_6960119"),
        (0x00000036, "McEliece_8192128"),
        (0x00000037, "Ed25519"),
        (0x00000038, "Ed448"),
    ],
    aliases: &[],
};

/// Data.
pub static DATA: EnumDef = EnumDef {
    name: "Data",
    values: &[
        (0x00000001, "Decrypt"),
        (0x00000002, "Encrypt"),
        (0x00000003, "Hash"),
        (0x00000004, "MACMACData"),
        (0x00000005, "RNGRetrieve"),
        (0x00000006, "SignSignatureData"),
        (0x00000007, "SignatureVerify"),
    ],
    aliases: &[],
};

/// Derivation Method.
pub static DERIVATION_METHOD: EnumDef = EnumDef {
    name: "Derivation Method",
    values: &[
        (0x00000001, "PBKDF2"),
        (0x00000002, "HASH"),
        (0x00000003, "HMAC"),
        (0x00000004, "ENCRYPT"),
        (0x00000005, "NIST800_108_C"),
        (0x00000006, "NIST800_108_F"),
        (0x00000007, "NIST800_108_DPI"),
        (0x00000008, "AsymmetricKey"),
        (0x00000009, "AWSSignatureVersion4"),
        (0x0000000A, "HKDF"),
    ],
    aliases: &[],
};

/// Destroy Action.
pub static DESTROY_ACTION: EnumDef = EnumDef {
    name: "Destroy Action",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "KeyMaterialDeleted"),
        (0x00000003, "KeyMaterialShredded"),
        (0x00000004, "MetaDataDeleted"),
        (0x00000005, "MetaDataShredded"),
        (0x00000006, "Deleted"),
        (0x00000007, "Shredded"),
    ],
    aliases: &[],
};

/// Digital Signature Algorithm.
pub static DIGITAL_SIGNATURE_ALGORITHM: EnumDef = EnumDef {
    name: "Digital Signature Algorithm",
    values: &[
        (0x00000001, "MD2WithRSAEncryption"),
        (0x00000002, "MD5WithRSAEncryption"),
        (0x00000003, "SHA_1WithRSAEncryption"),
        (0x00000004, "SHA_224WithRSAEncryption"),
        (0x00000005, "SHA_256WithRSAEncryption"),
        (0x00000006, "SHA_384WithRSAEncryption"),
        (0x00000007, "SHA_512WithRSAEncryption"),
        (0x00000008, "RSASSA_PSS"),
        (0x00000009, "DSAWithSHA_1"),
        (0x0000000A, "DSAWithSHA224"),
        (0x0000000B, "DSAWithSHA256"),
        (0x0000000C, "ECDSAWithSHA_1"),
        (0x0000000D, "ECDSAWithSHA224"),
        (0x0000000E, "ECDSAWithSHA256"),
        (0x0000000F, "ECDSAWithSHA384"),
        (0x00000010, "ECDSAWithSHA512"),
        (0x00000011, "SHA3_256WithRSAEncryption"),
        (0x00000012, "SHA3_384WithRSAEncryption"),
        (0x00000013, "SHA3_512WithRSAEncryption"),
    ],
    aliases: &[],
};

/// DRBG Algorithm.
pub static DRBG_ALGORITHM: EnumDef = EnumDef {
    name: "DRBG Algorithm",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "Dual_EC"),
        (0x00000003, "Hash"),
        (0x00000004, "HMAC"),
        (0x00000005, "CTR"),
    ],
    aliases: &[],
};

/// Encoding Option.
pub static ENCODING_OPTION: EnumDef = EnumDef {
    name: "Encoding Option",
    values: &[(0x00000001, "NoEncoding"), (0x00000002, "TTLVEncoding")],
    aliases: &[],
};

/// Endpoint Role.
pub static ENDPOINT_ROLE: EnumDef = EnumDef {
    name: "Endpoint Role",
    values: &[(0x00000001, "Client"), (0x00000002, "Server")],
    aliases: &[],
};

/// FIPS186 Variation.
pub static FIPS186_VARIATION: EnumDef = EnumDef {
    name: "FIPS186 Variation",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "GPXOriginal"),
        (0x00000003, "GPXChangeNotice"),
        (0x00000004, "XOriginal"),
        (0x00000005, "XChangeNotice"),
        (0x00000006, "KOriginal"),
        (0x00000007, "KChangeNotice"),
    ],
    aliases: &[],
};

/// Hashing Algorithm.
pub static HASHING_ALGORITHM: EnumDef = EnumDef {
    name: "Hashing Algorithm",
    values: &[
        (0x00000001, "MD2"),
        (0x00000002, "MD4"),
        (0x00000003, "MD5"),
        (0x00000004, "SHA_1"),
        (0x00000005, "SHA_224"),
        (0x00000006, "SHA_256"),
        (0x00000007, "SHA_384"),
        (0x00000008, "SHA_512"),
        (0x00000009, "RIPEMD_160"),
        (0x0000000A, "Tiger"),
        (0x0000000B, "Whirlpool"),
        (0x0000000C, "SHA_512_224"),
        (0x0000000D, "SHA_512_256"),
        (0x0000000E, "SHA3_224"),
        (0x0000000F, "SHA3_256"),
        (0x00000010, "SHA3_384"),
        (0x00000011, "SHA3_512"),
    ],
    aliases: &[
        ("SHA_3_224", 0x0000000E),
        ("SHA_3_256", 0x0000000F),
        ("SHA_3_384", 0x00000010),
        ("SHA_3_512", 0x00000011),
    ],
};

/// Interop Function.
pub static INTEROP_FUNCTION: EnumDef = EnumDef {
    name: "Interop Function",
    values: &[
        (0x00000001, "Begin"),
        (0x00000002, "End"),
        (0x00000003, "Reset"),
    ],
    aliases: &[],
};

/// Item Type.
pub static ITEM_TYPE: EnumDef = EnumDef {
    name: "Item Type",
    values: &[
        (0x00000001, "Structure"),
        (0x00000002, "Integer"),
        (0x00000003, "LongInteger"),
        (0x00000004, "BigInteger"),
        (0x00000005, "Enumeration"),
        (0x00000006, "Boolean"),
        (0x00000007, "TextString"),
        (0x00000008, "ByteString"),
        (0x00000009, "DateTime"),
        (0x0000000A, "Interval"),
        (0x0000000B, "DateTimeExtended"),
    ],
    aliases: &[],
};

/// Key Compression Type.
pub static KEY_COMPRESSION_TYPE: EnumDef = EnumDef {
    name: "Key Compression Type",
    values: &[
        (0x00000001, "ECPublicKeyTypeUncompressed"),
        (0x00000002, "ECPublicKeyTypeX9_62CompressedPrime"),
        (0x00000003, "ECPublicKeyTypeX9_62CompressedChar2"),
        (0x00000004, "ECPublicKeyTypeX9_62Hybrid"),
    ],
    aliases: &[],
};

/// Key Format Type.
pub static KEY_FORMAT_TYPE: EnumDef = EnumDef {
    name: "Key Format Type",
    values: &[
        (0x00000001, "Raw"),
        (0x00000002, "Opaque"),
        (0x00000003, "PKCS_1"),
        (0x00000004, "PKCS_8"),
        (0x00000005, "X_509"),
        (0x00000006, "ECPrivateKey"),
        (0x00000007, "TransparentSymmetricKey"),
        (0x00000008, "TransparentDSAPrivateKey"),
        (0x00000009, "TransparentDSAPublicKey"),
        (0x0000000A, "TransparentRSAPrivateKey"),
        (0x0000000B, "TransparentRSAPublicKey"),
        (0x0000000C, "TransparentDHPrivateKey"),
        (0x0000000D, "TransparentDHPublicKey"),
        (0x0000000E, "TransparentECDSAPrivateKey"),
        (0x0000000F, "TransparentECDSAPublicKey"),
        (0x00000010, "TransparentECDHPrivateKey"),
        (0x00000011, "TransparentECDHPublicKey"),
        (0x00000012, "TransparentECMQVPrivateKey"),
        (0x00000013, "TransparentECMQVPublicKey"),
        (0x00000014, "TransparentECPrivateKey"),
        (0x00000015, "TransparentECPublicKey"),
        (0x00000016, "PKCS_12"),
        (0x00000017, "PKCS_10"),
    ],
    aliases: &[],
};

/// Key Role Type.
pub static KEY_ROLE_TYPE: EnumDef = EnumDef {
    name: "Key Role Type",
    values: &[
        (0x00000001, "BDK"),
        (0x00000002, "CVK"),
        (0x00000003, "DEK"),
        (0x00000004, "MKAC"),
        (0x00000005, "MKSMC"),
        (0x00000006, "MKSMI"),
        (0x00000007, "MKDAC"),
        (0x00000008, "MKDN"),
        (0x00000009, "MKCP"),
        (0x0000000A, "MKOTH"),
        (0x0000000B, "KEK"),
        (0x0000000C, "MAC16609"),
        (0x0000000D, "MAC97971"),
        (0x0000000E, "MAC97972"),
        (0x0000000F, "MAC97973"),
        (0x00000010, "MAC97974"),
        (0x00000011, "MAC97975"),
        (0x00000012, "ZPK"),
        (0x00000013, "PVKIBM"),
        (0x00000014, "PVKPVV"),
        (0x00000015, "PVKOTH"),
        (0x00000016, "DUKPT"),
        (0x00000017, "IV"),
        (0x00000018, "TRKBK"),
    ],
    aliases: &[],
};

/// Key Value Location Type.
pub static KEY_VALUE_LOCATION_TYPE: EnumDef = EnumDef {
    name: "Key Value Location Type",
    values: &[(0x00000001, "UninterpretedTextString"), (0x00000002, "URI")],
    aliases: &[],
};

/// Key Wrap Type.
pub static KEY_WRAP_TYPE: EnumDef = EnumDef {
    name: "Key Wrap Type",
    values: &[(0x00000001, "NotWrapped"), (0x00000002, "AsRegistered")],
    aliases: &[],
};

/// Link Type.
pub static LINK_TYPE: EnumDef = EnumDef {
    name: "Link Type",
    values: &[
        (0x00000101, "CertificateLink"),
        (0x00000102, "PublicKeyLink"),
        (0x00000103, "PrivateKeyLink"),
        (0x00000104, "DerivationBaseObjectLink"),
        (0x00000105, "DerivedKeyLink"),
        (0x00000106, "ReplacementObjectLink"),
        (0x00000107, "ReplacedObjectLink"),
        (0x00000108, "ParentLink"),
        (0x00000109, "ChildLink"),
        (0x0000010A, "PreviousLink"),
        (0x0000010B, "NextLink"),
        (0x0000010C, "PKCS_12CertificateLink"),
        (0x0000010D, "PKCS_12PasswordLink"),
        (0x0000010E, "WrappingKeyLink"),
    ],
    aliases: &[],
};

/// Mask Generator.
pub static MASK_GENERATOR: EnumDef = EnumDef {
    name: "Mask Generator",
    values: &[(0x00000001, "MGF1")],
    aliases: &[],
};

/// Name Type.
pub static NAME_TYPE: EnumDef = EnumDef {
    name: "Name Type",
    values: &[(0x00000001, "UninterpretedTextString"), (0x00000002, "URI")],
    aliases: &[],
};

/// NIST Key Type.
pub static NIST_KEY_TYPE: EnumDef = EnumDef {
    name: "NIST Key Type",
    values: &[
        (0x00000001, "PrivateSignatureKey"),
        (0x00000002, "PublicSignatureVerificationKey"),
        (0x00000003, "SymmetricAuthenticationKey"),
        (0x00000004, "PrivateAuthenticationKey"),
        (0x00000005, "PublicAuthenticationKey"),
        (0x00000006, "SymmetricDataEncryptionKey"),
        (0x00000007, "SymmetricKeyWrappingKey"),
        (0x00000008, "SymmetricRandomNumberGenerationKey"),
        (0x00000009, "SymmetricMasterKey"),
        (0x0000000A, "PrivateKeyTransportKey"),
        (0x0000000B, "PublicKeyTransportKey"),
        (0x0000000C, "SymmetricKeyAgreementKey"),
        (0x0000000D, "PrivateStaticKeyAgreementKey"),
        (0x0000000E, "PublicStaticKeyAgreementKey"),
        (0x0000000F, "PrivateEphemeralKeyAgreementKey"),
        (0x00000010, "PublicEphemeralKeyAgreementKey"),
        (0x00000011, "SymmetricAuthorizationKey"),
        (0x00000012, "PrivateAuthorizationKey"),
        (0x00000013, "PublicAuthorizationKey"),
    ],
    aliases: &[],
};

/// Object Group Member.
pub static OBJECT_GROUP_MEMBER: EnumDef = EnumDef {
    name: "Object Group Member",
    values: &[
        (0x00000001, "GroupMemberFresh"),
        (0x00000002, "GroupMemberDefault"),
    ],
    aliases: &[],
};

/// Object Type.
pub static OBJECT_TYPE: EnumDef = EnumDef {
    name: "Object Type",
    values: &[
        (0x00000001, "Certificate"),
        (0x00000002, "SymmetricKey"),
        (0x00000003, "PublicKey"),
        (0x00000004, "PrivateKey"),
        (0x00000005, "SplitKey"),
        (0x00000006, "Template"),
        (0x00000007, "SecretData"),
        (0x00000008, "OpaqueObject"),
        (0x00000009, "PGPKey"),
        (0x0000000A, "CertificateRequest"),
    ],
    aliases: &[],
};

/// Opaque Data Type.
pub static OPAQUE_DATA_TYPE: EnumDef = EnumDef {
    name: "Opaque Data Type",
    values: &[],
    aliases: &[],
};

/// Operation.
pub static OPERATION: EnumDef = EnumDef {
    name: "Operation",
    values: &[
        (0x00000001, "Create"),
        (0x00000002, "CreateKeyPair"),
        (0x00000003, "Register"),
        (0x00000004, "ReKey"),
        (0x00000005, "DeriveKey"),
        (0x00000006, "Certify"),
        (0x00000007, "ReCertify"),
        (0x00000008, "Locate"),
        (0x00000009, "Check"),
        (0x0000000A, "Get"),
        (0x0000000B, "GetAttributes"),
        (0x0000000C, "GetAttributeList"),
        (0x0000000D, "AddAttribute"),
        (0x0000000E, "ModifyAttribute"),
        (0x0000000F, "DeleteAttribute"),
        (0x00000010, "ObtainLease"),
        (0x00000011, "GetUsageAllocation"),
        (0x00000012, "Activate"),
        (0x00000013, "Revoke"),
        (0x00000014, "Destroy"),
        (0x00000015, "Archive"),
        (0x00000016, "Recover"),
        (0x00000017, "Validate"),
        (0x00000018, "Query"),
        (0x00000019, "Cancel"),
        (0x0000001A, "Poll"),
        (0x0000001B, "Notify"),
        (0x0000001C, "Put"),
        (0x0000001D, "ReKeyKeyPair"),
        (0x0000001E, "DiscoverVersions"),
        (0x0000001F, "Encrypt"),
        (0x00000020, "Decrypt"),
        (0x00000021, "Sign"),
        (0x00000022, "SignatureVerify"),
        (0x00000023, "MAC"),
        (0x00000024, "MACVerify"),
        (0x00000025, "RNGRetrieve"),
        (0x00000026, "RNGSeed"),
        (0x00000027, "Hash"),
        (0x00000028, "CreateSplitKey"),
        (0x00000029, "JoinSplitKey"),
        (0x0000002A, "Import"),
        (0x0000002B, "Export"),
        (0x0000002C, "Log"),
        (0x0000002D, "Login"),
        (0x0000002E, "Logout"),
        (0x0000002F, "DelegatedLogin"),
        (0x00000030, "AdjustAttribute"),
        (0x00000031, "SetAttribute"),
        (0x00000032, "SetEndpointRole"),
        (0x00000033, "PKCS_11"),
        (0x00000034, "Interop"),
        (0x00000035, "ReProvision"),
        (0x00000036, "SetDefaults"),
        (0x00000037, "SetConstraints"),
        (0x00000038, "GetConstraints"),
        (0x00000039, "QueryAsynchronousRequests"),
        (0x0000003A, "Process"),
        (0x0000003B, "Ping"),
    ],
    aliases: &[],
};

/// Padding Method.
pub static PADDING_METHOD: EnumDef = EnumDef {
    name: "Padding Method",
    values: &[
        (0x00000001, "None"),
        (0x00000002, "OAEP"),
        (0x00000003, "PKCS5"),
        (0x00000004, "SSL3"),
        (0x00000005, "Zeros"),
        (0x00000006, "ANSIX9_23"),
        (0x00000007, "ISO10126"),
        (0x00000008, "PKCS1V1_5"),
        (0x00000009, "X9_31"),
        (0x0000000A, "PSS"),
    ],
    aliases: &[],
};

/// PKCS#11 Function.
pub static PKCS_11_FUNCTION: EnumDef = EnumDef {
    name: "PKCS#11 Function",
    values: &[],
    aliases: &[],
};

/// PKCS#11 Return Code.
pub static PKCS_11_RETURN_CODE: EnumDef = EnumDef {
    name: "PKCS#11 Return Code",
    values: &[],
    aliases: &[],
};

/// Processing Stage.
pub static PROCESSING_STAGE: EnumDef = EnumDef {
    name: "Processing Stage",
    values: &[
        (0x00000001, "Submitted"),
        (0x00000002, "InProcess"),
        (0x00000003, "Completed"),
    ],
    aliases: &[],
};

/// Profile Name.
pub static PROFILE_NAME: EnumDef = EnumDef {
    name: "Profile Name",
    values: &[
        (0x00000001, "BaselineServerBasicKMIPV1_2"),
        (0x00000002, "BaselineServerTLSV1_2KMIPV1_2"),
        (0x00000003, "BaselineClientBasicKMIPV1_2"),
        (0x00000004, "BaselineClientTLSV1_2KMIPV1_2"),
        (0x00000005, "CompleteServerBasicKMIPV1_2"),
        (0x00000006, "CompleteServerTLSV1_2KMIPV1_2"),
        (0x00000007, "TapeLibraryClientKMIPV1_0"),
        (0x00000008, "TapeLibraryClientKMIPV1_1"),
        (0x00000009, "TapeLibraryClientKMIPV1_2"),
        (0x0000000A, "TapeLibraryServerKMIPV1_0"),
        (0x0000000B, "TapeLibraryServerKMIPV1_1"),
        (0x0000000C, "TapeLibraryServerKMIPV1_2"),
        (0x0000000D, "SymmetricKeyLifecycleClientKMIPV1_0"),
        (0x0000000E, "SymmetricKeyLifecycleClientKMIPV1_1"),
        (0x0000000F, "SymmetricKeyLifecycleClientKMIPV1_2"),
        (0x00000010, "SymmetricKeyLifecycleServerKMIPV1_0"),
        (0x00000011, "SymmetricKeyLifecycleServerKMIPV1_1"),
        (0x00000012, "SymmetricKeyLifecycleServerKMIPV1_2"),
        (0x00000013, "AsymmetricKeyLifecycleClientKMIPV1_0"),
        (0x00000014, "AsymmetricKeyLifecycleClientKMIPV1_1"),
        (0x00000015, "AsymmetricKeyLifecycleClientKMIPV1_2"),
        (0x00000016, "AsymmetricKeyLifecycleServerKMIPV1_0"),
        (0x00000017, "AsymmetricKeyLifecycleServerKMIPV1_1"),
        (0x00000018, "AsymmetricKeyLifecycleServerKMIPV1_2"),
        (0x00000019, "BasicCryptographicClientKMIPV1_2"),
        (0x0000001A, "BasicCryptographicServerKMIPV1_2"),
        (0x0000001B, "AdvancedCryptographicClientKMIPV1_2"),
        (0x0000001C, "AdvancedCryptographicServerKMIPV1_2"),
        (0x0000001D, "RNGCryptographicClientKMIPV1_2"),
        (0x0000001E, "RNGCryptographicServerKMIPV1_2"),
        (0x0000001F, "BasicSymmetricKeyFoundryClientKMIPV1_0"),
        (0x00000020, "IntermediateSymmetricKeyFoundryClientKMIPV1_0"),
        (0x00000021, "AdvancedSymmetricKeyFoundryClientKMIPV1_0"),
        (0x00000022, "BasicSymmetricKeyFoundryClientKMIPV1_1"),
        (0x00000023, "IntermediateSymmetricKeyFoundryClientKMIPV1_1"),
        (0x00000024, "AdvancedSymmetricKeyFoundryClientKMIPV1_1"),
        (0x00000025, "BasicSymmetricKeyFoundryClientKMIPV1_2"),
        (0x00000026, "IntermediateSymmetricKeyFoundryClientKMIPV1_2"),
        (0x00000027, "AdvancedSymmetricKeyFoundryClientKMIPV1_2"),
        (0x00000028, "SymmetricKeyFoundryServerKMIPV1_0"),
        (0x00000029, "SymmetricKeyFoundryServerKMIPV1_1"),
        (0x0000002A, "SymmetricKeyFoundryServerKMIPV1_2"),
        (0x0000002B, "OpaqueManagedObjectStoreClientKMIPV1_0"),
        (0x0000002C, "OpaqueManagedObjectStoreClientKMIPV1_1"),
        (0x0000002D, "OpaqueManagedObjectStoreClientKMIPV1_2"),
        (0x0000002E, "OpaqueManagedObjectStoreServerKMIPV1_0"),
        (0x0000002F, "OpaqueManagedObjectStoreServerKMIPV1_1"),
        (0x00000030, "OpaqueManagedObjectStoreServerKMIPV1_2"),
        (0x00000031, "SuiteBMinLOS_128ClientKMIPV1_0"),
        (0x00000032, "SuiteBMinLOS_128ClientKMIPV1_1"),
        (0x00000033, "SuiteBMinLOS_128ClientKMIPV1_2"),
        (0x00000034, "SuiteBMinLOS_128ServerKMIPV1_0"),
        (0x00000035, "SuiteBMinLOS_128ServerKMIPV1_1"),
        (0x00000036, "SuiteBMinLOS_128ServerKMIPV1_2"),
        (0x00000037, "SuiteBMinLOS_192ClientKMIPV1_0"),
        (0x00000038, "SuiteBMinLOS_192ClientKMIPV1_1"),
        (0x00000039, "SuiteBMinLOS_192ClientKMIPV1_2"),
        (0x0000003A, "SuiteBMinLOS_192ServerKMIPV1_0"),
        (0x0000003B, "SuiteBMinLOS_192ServerKMIPV1_1"),
        (0x0000003C, "SuiteBMinLOS_192ServerKMIPV1_2"),
        (
            0x0000003D,
            "StorageArrayWithSelfEncryptingDriveClientKMIPV1_0",
        ),
        (
            0x0000003E,
            "StorageArrayWithSelfEncryptingDriveClientKMIPV1_1",
        ),
        (
            0x0000003F,
            "StorageArrayWithSelfEncryptingDriveClientKMIPV1_2",
        ),
        (
            0x00000040,
            "StorageArrayWithSelfEncryptingDriveServerKMIPV1_0",
        ),
        (
            0x00000041,
            "StorageArrayWithSelfEncryptingDriveServerKMIPV1_1",
        ),
        (
            0x00000042,
            "StorageArrayWithSelfEncryptingDriveServerKMIPV1_2",
        ),
        (0x00000043, "HTTPSClientKMIPV1_0"),
        (0x00000044, "HTTPSClientKMIPV1_1"),
        (0x00000045, "HTTPSClientKMIPV1_2"),
        (0x00000046, "HTTPSServerKMIPV1_0"),
        (0x00000047, "HTTPSServerKMIPV1_1"),
        (0x00000048, "HTTPSServerKMIPV1_2"),
        (0x00000049, "JSONClientKMIPV1_0"),
        (0x0000004A, "JSONClientKMIPV1_1"),
        (0x0000004B, "JSONClientKMIPV1_2"),
        (0x0000004C, "JSONServerKMIPV1_0"),
        (0x0000004D, "JSONServerKMIPV1_1"),
        (0x0000004E, "JSONServerKMIPV1_2"),
        (0x0000004F, "XMLClientKMIPV1_0"),
        (0x00000050, "XMLClientKMIPV1_1"),
        (0x00000051, "XMLClientKMIPV1_2"),
        (0x00000052, "XMLServerKMIPV1_0"),
        (0x00000053, "XMLServerKMIPV1_1"),
        (0x00000054, "XMLServerKMIPV1_2"),
        (0x00000055, "BaselineServerBasicKMIPV1_3"),
        (0x00000056, "BaselineServerTLSV1_2KMIPV1_3"),
        (0x00000057, "BaselineClientBasicKMIPV1_3"),
        (0x00000058, "BaselineClientTLSV1_2KMIPV1_3"),
        (0x00000059, "CompleteServerBasicKMIPV1_3"),
        (0x0000005A, "CompleteServerTLSV1_2KMIPV1_3"),
        (0x0000005B, "TapeLibraryClientKMIPV1_3"),
        (0x0000005C, "TapeLibraryServerKMIPV1_3"),
        (0x0000005D, "SymmetricKeyLifecycleClientKMIPV1_3"),
        (0x0000005E, "SymmetricKeyLifecycleServerKMIPV1_3"),
        (0x0000005F, "AsymmetricKeyLifecycleClientKMIPV1_3"),
        (0x00000060, "AsymmetricKeyLifecycleServerKMIPV1_3"),
        (0x00000061, "BasicCryptographicClientKMIPV1_3"),
        (0x00000062, "BasicCryptographicServerKMIPV1_3"),
        (0x00000063, "AdvancedCryptographicClientKMIPV1_3"),
        (0x00000064, "AdvancedCryptographicServerKMIPV1_3"),
        (0x00000065, "RNGCryptographicClientKMIPV1_3"),
        (0x00000066, "RNGCryptographicServerKMIPV1_3"),
        (0x00000067, "BasicSymmetricKeyFoundryClientKMIPV1_3"),
        (0x00000068, "IntermediateSymmetricKeyFoundryClientKMIPV1_3"),
        (0x00000069, "AdvancedSymmetricKeyFoundryClientKMIPV1_3"),
        (0x0000006A, "SymmetricKeyFoundryServerKMIPV1_3"),
        (0x0000006B, "OpaqueManagedObjectStoreClientKMIPV1_3"),
        (0x0000006C, "OpaqueManagedObjectStoreServerKMIPV1_3"),
        (0x0000006D, "SuiteBMinLOS_128ClientKMIPV1_3"),
        (0x0000006E, "SuiteBMinLOS_128ServerKMIPV1_3"),
        (0x0000006F, "SuiteBMinLOS_192ClientKMIPV1_3"),
        (0x00000070, "SuiteBMinLOS_192ServerKMIPV1_3"),
        (
            0x00000071,
            "StorageArrayWithSelfEncryptingDriveClientKMIPV1_3",
        ),
        (
            0x00000072,
            "StorageArrayWithSelfEncryptingDriveServerKMIPV1_3",
        ),
        (0x00000073, "HTTPSClientKMIPV1_3"),
        (0x00000074, "HTTPSServerKMIPV1_3"),
        (0x00000075, "JSONClientKMIPV1_3"),
        (0x00000076, "JSONServerKMIPV1_3"),
        (0x00000077, "XMLClientKMIPV1_3"),
        (0x00000078, "XMLServerKMIPV1_3"),
        (0x00000079, "BaselineServerBasicKMIPV1_4"),
        (0x0000007A, "BaselineServerTLSV1_2KMIPV1_4"),
        (0x0000007B, "BaselineClientBasicKMIPV1_4"),
        (0x0000007C, "BaselineClientTLSV1_2KMIPV1_4"),
        (0x0000007D, "CompleteServerBasicKMIPV1_4"),
        (0x0000007E, "CompleteServerTLSV1_2KMIPV1_4"),
        (0x0000007F, "TapeLibraryClientKMIPV1_4"),
        (0x00000080, "TapeLibraryServerKMIPV1_4"),
        (0x00000081, "SymmetricKeyLifecycleClientKMIPV1_4"),
        (0x00000082, "SymmetricKeyLifecycleServerKMIPV1_4"),
        (0x00000083, "AsymmetricKeyLifecycleClientKMIPV1_4"),
        (0x00000084, "AsymmetricKeyLifecycleServerKMIPV1_4"),
        (0x00000085, "BasicCryptographicClientKMIPV1_4"),
        (0x00000086, "BasicCryptographicServerKMIPV1_4"),
        (0x00000087, "AdvancedCryptographicClientKMIPV1_4"),
        (0x00000088, "AdvancedCryptographicServerKMIPV1_4"),
        (0x00000089, "RNGCryptographicClientKMIPV1_4"),
        (0x0000008A, "RNGCryptographicServerKMIPV1_4"),
        (0x0000008B, "BasicSymmetricKeyFoundryClientKMIPV1_4"),
        (0x0000008C, "IntermediateSymmetricKeyFoundryClientKMIPV1_4"),
        (0x0000008D, "AdvancedSymmetricKeyFoundryClientKMIPV1_4"),
        (0x0000008E, "SymmetricKeyFoundryServerKMIPV1_4"),
        (0x0000008F, "OpaqueManagedObjectStoreClientKMIPV1_4"),
        (0x00000090, "OpaqueManagedObjectStoreServerKMIPV1_4"),
        (0x00000091, "SuiteBMinLOS_128ClientKMIPV1_4"),
        (0x00000092, "SuiteBMinLOS_128ServerKMIPV1_4"),
        (0x00000093, "SuiteBMinLOS_192ClientKMIPV1_4"),
        (0x00000094, "SuiteBMinLOS_192ServerKMIPV1_4"),
        (
            0x00000095,
            "StorageArrayWithSelfEncryptingDriveClientKMIPV1_4",
        ),
        (
            0x00000096,
            "StorageArrayWithSelfEncryptingDriveServerKMIPV1_4",
        ),
        (0x00000097, "HTTPSClientKMIPV1_4"),
        (0x00000098, "HTTPSServerKMIPV1_4"),
        (0x00000099, "JSONClientKMIPV1_4"),
        (0x0000009A, "JSONServerKMIPV1_4"),
        (0x0000009B, "XMLClientKMIPV1_4"),
        (0x0000009C, "XMLServerKMIPV1_4"),
        (0x00000104, "CompleteServerBasic"),
        (0x00000105, "CompleteServerTLSV1_2"),
        (0x00000106, "TapeLibraryClient"),
        (0x00000107, "TapeLibraryServer"),
        (0x00000108, "SymmetricKeyLifecycleClient"),
        (0x00000109, "SymmetricKeyLifecycleServer"),
        (0x0000010A, "AsymmetricKeyLifecycleClient"),
        (0x0000010B, "AsymmetricKeyLifecycleServer"),
        (0x0000010C, "BasicCryptographicClient"),
        (0x0000010D, "BasicCryptographicServer"),
        (0x0000010E, "AdvancedCryptographicClient"),
        (0x0000010F, "AdvancedCryptographicServer"),
        (0x00000110, "RNGCryptographicClient"),
        (0x00000111, "RNGCryptographicServer"),
        (0x00000112, "BasicSymmetricKeyFoundryClient"),
        (0x00000113, "IntermediateSymmetricKeyFoundryClient"),
        (0x00000114, "AdvancedSymmetricKeyFoundryClient"),
        (0x00000115, "SymmetricKeyFoundryServer"),
        (0x00000116, "OpaqueManagedObjectStoreClient"),
        (0x00000117, "OpaqueManagedObjectStoreServer"),
        (0x00000118, "SuiteBMinLOS_128Client"),
        (0x00000119, "SuiteBMinLOS_128Server"),
        (0x0000011A, "SuiteBMinLOS_192Client"),
        (0x0000011B, "SuiteBMinLOS_192Server"),
        (0x0000011C, "StorageArrayWithSelfEncryptingDriveClient"),
        (0x0000011D, "StorageArrayWithSelfEncryptingDriveServer"),
        (0x0000011E, "HTTPSClient"),
        (0x0000011F, "HTTPSServer"),
        (0x00000120, "JSONClient"),
        (0x00000121, "JSONServer"),
        (0x00000122, "XMLClient"),
        (0x00000123, "XMLServer"),
        (0x00000124, "AESXTSClient"),
        (0x00000125, "AESXTSServer"),
        (0x00000126, "QuantumSafeClient"),
        (0x00000127, "QuantumSafeServer"),
        (0x00000128, "PKCS_11Client"),
        (0x00000129, "PKCS_11Server"),
        (0x0000012A, "BaselineClient"),
        (0x0000012B, "BaselineServer"),
        (0x0000012C, "CompleteServer"),
    ],
    aliases: &[],
};

/// Protection Level.
pub static PROTECTION_LEVEL: EnumDef = EnumDef {
    name: "Protection Level",
    values: &[(0x00000001, "High"), (0x00000002, "Low")],
    aliases: &[],
};

/// Put Function.
pub static PUT_FUNCTION: EnumDef = EnumDef {
    name: "Put Function",
    values: &[(0x00000001, "New"), (0x00000002, "Replace")],
    aliases: &[],
};

/// Query Function.
pub static QUERY_FUNCTION: EnumDef = EnumDef {
    name: "Query Function",
    values: &[
        (0x00000001, "QueryOperations"),
        (0x00000002, "QueryObjects"),
        (0x00000003, "QueryServerInformation"),
        (0x00000004, "QueryApplicationNamespaces"),
        (0x00000005, "QueryExtensionList"),
        (0x00000006, "QueryExtensionMap"),
        (0x00000007, "QueryAttestationTypes"),
        (0x00000008, "QueryRNGs"),
        (0x00000009, "QueryValidations"),
        (0x0000000A, "QueryProfiles"),
        (0x0000000B, "QueryCapabilities"),
        (0x0000000C, "QueryClientRegistrationMethods"),
        (0x0000000D, "QueryDefaultsInformation"),
        (0x0000000E, "QueryStorageProtectionMasks"),
    ],
    aliases: &[],
};

/// Recommended Curve.
pub static RECOMMENDED_CURVE: EnumDef = EnumDef {
    name: "Recommended Curve",
    values: &[
        (0x00000001, "P_192"),
        (0x00000002, "K_163"),
        (0x00000003, "B_163"),
        (0x00000004, "P_224"),
        (0x00000005, "K_233"),
        (0x00000006, "B_233"),
        (0x00000007, "P_256"),
        (0x00000008, "K_283"),
        (0x00000009, "B_283"),
        (0x0000000A, "P_384"),
        (0x0000000B, "K_409"),
        (0x0000000C, "B_409"),
        (0x0000000D, "P_521"),
        (0x0000000E, "K_571"),
        (0x0000000F, "B_571"),
        (0x00000010, "SECP112R1"),
        (0x00000011, "SECP112R2"),
        (0x00000012, "SECP128R1"),
        (0x00000013, "SECP128R2"),
        (0x00000014, "SECP160K1"),
        (0x00000015, "SECP160R1"),
        (0x00000016, "SECP160R2"),
        (0x00000017, "SECP192K1"),
        (0x00000018, "SECP224K1"),
        (0x00000019, "SECP256K1"),
        (0x0000001A, "SECT113R1"),
        (0x0000001B, "SECT113R2"),
        (0x0000001C, "SECT131R1"),
        (0x0000001D, "SECT131R2"),
        (0x0000001E, "SECT163R1"),
        (0x0000001F, "SECT193R1"),
        (0x00000020, "SECT193R2"),
        (0x00000021, "SECT239K1"),
        (0x00000022, "ANSIX9P192V2"),
        (0x00000023, "ANSIX9P192V3"),
        (0x00000024, "ANSIX9P239V1"),
        (0x00000025, "ANSIX9P239V2"),
        (0x00000026, "ANSIX9P239V3"),
        (0x00000027, "ANSIX9C2PNB163V1"),
        (0x00000028, "ANSIX9C2PNB163V2"),
        (0x00000029, "ANSIX9C2PNB163V3"),
        (0x0000002A, "ANSIX9C2PNB176V1"),
        (0x0000002B, "ANSIX9C2TNB191V1"),
        (0x0000002C, "ANSIX9C2TNB191V2"),
        (0x0000002D, "ANSIX9C2TNB191V3"),
        (0x0000002E, "ANSIX9C2PNB208W1"),
        (0x0000002F, "ANSIX9C2TNB239V1"),
        (0x00000030, "ANSIX9C2TNB239V2"),
        (0x00000031, "ANSIX9C2TNB239V3"),
        (0x00000032, "ANSIX9C2PNB272W1"),
        (0x00000033, "ANSIX9C2PNB304W1"),
        (0x00000034, "ANSIX9C2TNB359V1"),
        (0x00000035, "ANSIX9C2PNB368W1"),
        (0x00000036, "ANSIX9C2TNB431R1"),
        (0x00000037, "BRAINPOOLP160R1"),
        (0x00000038, "BRAINPOOLP160T1"),
        (0x00000039, "BRAINPOOLP192R1"),
        (0x0000003A, "BRAINPOOLP192T1"),
        (0x0000003B, "BRAINPOOLP224R1"),
        (0x0000003C, "BRAINPOOLP224T1"),
        (0x0000003D, "BRAINPOOLP256R1"),
        (0x0000003E, "BRAINPOOLP256T1"),
        (0x0000003F, "BRAINPOOLP320R1"),
        (0x00000040, "BRAINPOOLP320T1"),
        (0x00000041, "BRAINPOOLP384R1"),
        (0x00000042, "BRAINPOOLP384T1"),
        (0x00000043, "BRAINPOOLP512R1"),
        (0x00000044, "BRAINPOOLP512T1"),
        (0x00000045, "CURVE25519"),
        (0x00000046, "CURVE448"),
    ],
    aliases: &[],
};

/// Result Reason.
pub static RESULT_REASON: EnumDef = EnumDef {
    name: "Result Reason",
    values: &[
        (0x00000001, "ItemNotFound"),
        (0x00000002, "ResponseTooLarge"),
        (0x00000003, "AuthenticationNotSuccessful"),
        (0x00000004, "InvalidMessage"),
        (0x00000005, "OperationNotSupported"),
        (0x00000006, "MissingData"),
        (0x00000007, "InvalidField"),
        (0x00000008, "FeatureNotSupported"),
        (0x00000009, "OperationCanceledByRequester"),
        (0x0000000A, "CryptographicFailure"),
        (0x0000000B, "IllegalOperation"),
        (0x0000000C, "PermissionDenied"),
        (0x0000000D, "ObjectArchived"),
        (0x0000000E, "IndexOutOfBounds"),
        (0x0000000F, "ApplicationNamespaceNotSupported"),
        (0x00000010, "KeyFormatTypeNotSupported"),
        (0x00000011, "KeyCompressionTypeNotSupported"),
        (0x00000012, "EncodingOptionError"),
        (0x00000013, "KeyValueNotPresent"),
        (0x00000014, "AttestationRequired"),
        (0x00000015, "AttestationFailed"),
        (0x00000016, "Sensitive"),
        (0x00000017, "NotExtractable"),
        (0x00000018, "ObjectAlreadyExists"),
        (0x00000019, "InvalidTicket"),
        (0x0000001A, "UsageLimitExceeded"),
        (0x0000001B, "NumericRange"),
        (0x0000001C, "InvalidDataType"),
        (0x0000001D, "ReadOnlyAttribute"),
        (0x0000001E, "MultiValuedAttribute"),
        (0x0000001F, "UnsupportedAttribute"),
        (0x00000020, "AttributeInstanceNotFound"),
        (0x00000021, "AttributeNotFound"),
        (0x00000022, "AttributeReadOnly"),
        (0x00000023, "AttributeSingleValued"),
        (0x00000024, "BadCryptographicParameters"),
        (0x00000025, "BadPassword"),
        (0x00000026, "CodecError"),
        (0x00000028, "IllegalObjectType"),
        (0x00000029, "IncompatibleCryptographicUsageMask"),
        (0x0000002A, "InternalServerError"),
        (0x0000002B, "InvalidAsynchronousCorrelationValue"),
        (0x0000002C, "InvalidAttribute"),
        (0x0000002D, "InvalidAttributeValue"),
        (0x0000002E, "InvalidCorrelationValue"),
        (0x0000002F, "InvalidCSR"),
        (0x00000030, "InvalidObjectType"),
        (0x00000032, "KeyWrapTypeNotSupported"),
        (0x00000034, "MissingInitializationVector"),
        (0x00000035, "NonUniqueNameAttribute"),
        (0x00000036, "ObjectDestroyed"),
        (0x00000037, "ObjectNotFound"),
        (0x00000039, "NotAuthorised"),
        (0x0000003A, "ServerLimitExceeded"),
        (0x0000003B, "UnknownEnumeration"),
        (0x0000003C, "UnknownMessageExtension"),
        (0x0000003D, "UnknownTag"),
        (0x0000003E, "UnsupportedCryptographicParameters"),
        (0x0000003F, "UnsupportedProtocolVersion"),
        (0x00000040, "WrappingObjectArchived"),
        (0x00000041, "WrappingObjectDestroyed"),
        (0x00000042, "WrappingObjectNotFound"),
        (0x00000043, "WrongKeyLifecycleState"),
        (0x00000044, "ProtectionStorageUnavailable"),
        (0x00000045, "PKCS_11CodecError"),
        (0x00000046, "PKCS_11InvalidFunction"),
        (0x00000047, "PKCS_11InvalidInterface"),
        (0x00000048, "PrivateProtectionStorageUnavailable"),
        (0x00000049, "PublicProtectionStorageUnavailable"),
        (0x0000004A, "UnknownObjectGroup"),
        (0x0000004B, "ConstraintViolation"),
        (0x0000004C, "DuplicateProcessRequest"),
        (0x00000100, "GeneralFailure"),
    ],
    aliases: &[("NotAuthorized", 0x00000039)],
};

/// Result Status.
pub static RESULT_STATUS: EnumDef = EnumDef {
    name: "Result Status",
    values: &[
        (0x00000000, "Success"),
        (0x00000001, "OperationFailed"),
        (0x00000002, "OperationPending"),
        (0x00000003, "OperationUndone"),
    ],
    aliases: &[],
};

/// Revocation Reason Code.
pub static REVOCATION_REASON_CODE: EnumDef = EnumDef {
    name: "Revocation Reason Code",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "KeyCompromise"),
        (0x00000003, "CACompromise"),
        (0x00000004, "AffiliationChanged"),
        (0x00000005, "Superseded"),
        (0x00000006, "CessationOfOperation"),
        (0x00000007, "PrivilegeWithdrawn"),
    ],
    aliases: &[],
};

/// RNG Algorithm.
pub static RNG_ALGORITHM: EnumDef = EnumDef {
    name: "RNG Algorithm",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "FIPS186_2"),
        (0x00000003, "DRBG"),
        (0x00000004, "NRBG"),
        (0x00000005, "ANSIX9_31"),
        (0x00000006, "ANSIX9_62"),
    ],
    aliases: &[],
};

/// RNG Mode.
pub static RNG_MODE: EnumDef = EnumDef {
    name: "RNG Mode",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "SharedInstantiation"),
        (0x00000003, "NonSharedInstantiation"),
    ],
    aliases: &[],
};

/// Rotate Name Type.
pub static ROTATE_NAME_TYPE: EnumDef = EnumDef {
    name: "Rotate Name Type",
    values: &[(0x00000001, "UninterpretedTextString"), (0x00000002, "URI")],
    aliases: &[],
};

/// Secret Data Type.
pub static SECRET_DATA_TYPE: EnumDef = EnumDef {
    name: "Secret Data Type",
    values: &[(0x00000001, "Password"), (0x00000002, "Seed")],
    aliases: &[],
};

/// Shredding Algorithm.
pub static SHREDDING_ALGORITHM: EnumDef = EnumDef {
    name: "Shredding Algorithm",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "Cryptographic"),
        (0x00000003, "Unsupported"),
    ],
    aliases: &[],
};

/// Split Key Method.
pub static SPLIT_KEY_METHOD: EnumDef = EnumDef {
    name: "Split Key Method",
    values: &[
        (0x00000001, "XOR"),
        (0x00000002, "PolynomialSharingGF2_16"),
        (0x00000003, "PolynomialSharingPrimeField"),
        (0x00000004, "PolynomialSharingGF2_8"),
    ],
    aliases: &[
        ("PolynomialSharingGF216", 0x00000002),
        ("PolynomialSharingGF28", 0x00000004),
    ],
};

/// State.
pub static STATE: EnumDef = EnumDef {
    name: "State",
    values: &[
        (0x00000001, "PreActive"),
        (0x00000002, "Active"),
        (0x00000003, "Deactivated"),
        (0x00000004, "Compromised"),
        (0x00000005, "Destroyed"),
        (0x00000006, "DestroyedCompromised"),
    ],
    aliases: &[],
};

/// Ticket Type.
pub static TICKET_TYPE: EnumDef = EnumDef {
    name: "Ticket Type",
    values: &[(0x00000001, "Login")],
    aliases: &[],
};

/// Unique Identifier.
pub static UNIQUE_IDENTIFIER: EnumDef = EnumDef {
    name: "Unique Identifier",
    values: &[
        (0x00000001, "IDPlaceholder"),
        (0x00000002, "Certify"),
        (0x00000003, "Create"),
        (0x00000004, "CreateKeyPair"),
        (0x00000005, "CreateKeyPairPrivateKey"),
        (0x00000006, "CreateKeyPairPublicKey"),
        (0x00000007, "CreateSplitKey"),
        (0x00000008, "DeriveKey"),
        (0x00000009, "Import"),
        (0x0000000A, "JoinSplitKey"),
        (0x0000000B, "Locate"),
        (0x0000000C, "Register"),
        (0x0000000D, "ReKey"),
        (0x0000000E, "ReCertify"),
        (0x0000000F, "ReKeyKeyPair"),
        (0x00000010, "ReKeyKeyPairPrivateKey"),
        (0x00000011, "ReKeyKeyPairPublicKey"),
    ],
    aliases: &[],
};

/// Unwrap Mode.
pub static UNWRAP_MODE: EnumDef = EnumDef {
    name: "Unwrap Mode",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "Processed"),
        (0x00000003, "NotProcessed"),
    ],
    aliases: &[],
};

/// Usage Limits Unit.
pub static USAGE_LIMITS_UNIT: EnumDef = EnumDef {
    name: "Usage Limits Unit",
    values: &[(0x00000001, "Byte"), (0x00000002, "Object")],
    aliases: &[],
};

/// Validation Authority Type.
pub static VALIDATION_AUTHORITY_TYPE: EnumDef = EnumDef {
    name: "Validation Authority Type",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "NISTCMVP"),
        (0x00000003, "CommonCriteria"),
    ],
    aliases: &[],
};

/// Validation Type.
pub static VALIDATION_TYPE: EnumDef = EnumDef {
    name: "Validation Type",
    values: &[
        (0x00000001, "Unspecified"),
        (0x00000002, "Hardware"),
        (0x00000003, "Software"),
        (0x00000004, "Firmware"),
        (0x00000005, "Hybrid"),
    ],
    aliases: &[],
};

/// Validity Indicator.
pub static VALIDITY_INDICATOR: EnumDef = EnumDef {
    name: "Validity Indicator",
    values: &[
        (0x00000001, "Valid"),
        (0x00000002, "Invalid"),
        (0x00000003, "Unknown"),
    ],
    aliases: &[],
};

/// Wrapping Method.
pub static WRAPPING_METHOD: EnumDef = EnumDef {
    name: "Wrapping Method",
    values: &[
        (0x00000001, "Encrypt"),
        (0x00000002, "MACSign"),
        (0x00000003, "EncryptThenMACSign"),
        (0x00000004, "MACSignThenEncrypt"),
        (0x00000005, "TR_31"),
    ],
    aliases: &[],
};

/// (tag, enumeration) for every Enumeration-typed tag with a value table, sorted by tag.
/// Tags whose values are tags (Attribute Reference, Tag) are handled separately.
pub(super) static BY_TAG: &[(u32, &EnumDef)] = &[
    (tags::ASYNCHRONOUS_INDICATOR, &ASYNCHRONOUS_INDICATOR),
    (
        tags::BATCH_ERROR_CONTINUATION_OPTION,
        &BATCH_ERROR_CONTINUATION_OPTION,
    ),
    (tags::BLOCK_CIPHER_MODE, &BLOCK_CIPHER_MODE),
    (tags::CANCELLATION_RESULT, &CANCELLATION_RESULT),
    (tags::CERTIFICATE_REQUEST_TYPE, &CERTIFICATE_REQUEST_TYPE),
    (tags::CERTIFICATE_TYPE, &CERTIFICATE_TYPE),
    (tags::CREDENTIAL_TYPE, &CREDENTIAL_TYPE),
    (tags::CRYPTOGRAPHIC_ALGORITHM, &CRYPTOGRAPHIC_ALGORITHM),
    (tags::DERIVATION_METHOD, &DERIVATION_METHOD),
    (tags::HASHING_ALGORITHM, &HASHING_ALGORITHM),
    (tags::KEY_COMPRESSION_TYPE, &KEY_COMPRESSION_TYPE),
    (tags::KEY_FORMAT_TYPE, &KEY_FORMAT_TYPE),
    (tags::LINK_TYPE, &LINK_TYPE),
    (tags::LINKED_OBJECT_IDENTIFIER, &UNIQUE_IDENTIFIER),
    (tags::NAME_TYPE, &NAME_TYPE),
    (tags::OBJECT_TYPE, &OBJECT_TYPE),
    (tags::OPAQUE_DATA_TYPE, &OPAQUE_DATA_TYPE),
    (tags::OPERATION, &OPERATION),
    (tags::PADDING_METHOD, &PADDING_METHOD),
    (tags::PUT_FUNCTION, &PUT_FUNCTION),
    (tags::QUERY_FUNCTION, &QUERY_FUNCTION),
    (tags::RECOMMENDED_CURVE, &RECOMMENDED_CURVE),
    (tags::RESULT_REASON, &RESULT_REASON),
    (tags::RESULT_STATUS, &RESULT_STATUS),
    (tags::REVOCATION_REASON_CODE, &REVOCATION_REASON_CODE),
    (tags::KEY_ROLE_TYPE, &KEY_ROLE_TYPE),
    (tags::SECRET_DATA_TYPE, &SECRET_DATA_TYPE),
    (tags::SPLIT_KEY_METHOD, &SPLIT_KEY_METHOD),
    (tags::STATE, &STATE),
    (tags::UNIQUE_IDENTIFIER, &UNIQUE_IDENTIFIER),
    (tags::USAGE_LIMITS_UNIT, &USAGE_LIMITS_UNIT),
    (tags::VALIDITY_INDICATOR, &VALIDITY_INDICATOR),
    (tags::WRAPPING_METHOD, &WRAPPING_METHOD),
    (tags::ENCODING_OPTION, &ENCODING_OPTION),
    (tags::EXTENSION_TYPE, &ITEM_TYPE),
    (tags::OBJECT_GROUP_MEMBER, &OBJECT_GROUP_MEMBER),
    (
        tags::DIGITAL_SIGNATURE_ALGORITHM,
        &DIGITAL_SIGNATURE_ALGORITHM,
    ),
    (tags::KEY_VALUE_LOCATION_TYPE, &KEY_VALUE_LOCATION_TYPE),
    (tags::ALTERNATIVE_NAME_TYPE, &ALTERNATIVE_NAME_TYPE),
    (tags::DATA, &DATA),
    (tags::ATTESTATION_TYPE, &ATTESTATION_TYPE),
    (tags::RNG_ALGORITHM, &RNG_ALGORITHM),
    (tags::DRBG_ALGORITHM, &DRBG_ALGORITHM),
    (tags::FIPS186_VARIATION, &FIPS186_VARIATION),
    (tags::VALIDATION_AUTHORITY_TYPE, &VALIDATION_AUTHORITY_TYPE),
    (tags::VALIDATION_TYPE, &VALIDATION_TYPE),
    (tags::PROFILE_NAME, &PROFILE_NAME),
    (tags::UNWRAP_MODE, &UNWRAP_MODE),
    (tags::DESTROY_ACTION, &DESTROY_ACTION),
    (tags::SHREDDING_ALGORITHM, &SHREDDING_ALGORITHM),
    (tags::RNG_MODE, &RNG_MODE),
    (
        tags::CLIENT_REGISTRATION_METHOD,
        &CLIENT_REGISTRATION_METHOD,
    ),
    (tags::KEY_WRAP_TYPE, &KEY_WRAP_TYPE),
    (tags::MASK_GENERATOR, &MASK_GENERATOR),
    (tags::MASK_GENERATOR_HASHING_ALGORITHM, &HASHING_ALGORITHM),
    (tags::NIST_KEY_TYPE, &NIST_KEY_TYPE),
    (tags::PROTECTION_LEVEL, &PROTECTION_LEVEL),
    (tags::TICKET_TYPE, &TICKET_TYPE),
    (tags::ENDPOINT_ROLE, &ENDPOINT_ROLE),
    (tags::ADJUSTMENT_TYPE, &ADJUSTMENT_TYPE),
    (tags::PKCS_11_FUNCTION, &PKCS_11_FUNCTION),
    (tags::PKCS_11_RETURN_CODE, &PKCS_11_RETURN_CODE),
    (tags::INTEROP_FUNCTION, &INTEROP_FUNCTION),
    (tags::ROTATE_NAME_TYPE, &ROTATE_NAME_TYPE),
    (tags::PROCESSING_STAGE, &PROCESSING_STAGE),
];
