// Transcribed from the KMIP 1.0-2.1 specification tables (generated once, now maintained by
// hand). Keep every table sorted: the unit tests in dict/tests.rs check order and consistency.
//! Named constants for enumeration values and mask bits, one module per enumeration
//! (`values::object_type::SYMMETRIC_KEY` = 2, `values::cryptographic_usage_mask::ENCRYPT` = 4).

/// Adjustment Type values.
pub mod adjustment_type {
    /// Increment
    pub const INCREMENT: u32 = 0x00000001;
    /// Decrement
    pub const DECREMENT: u32 = 0x00000002;
    /// Negate
    pub const NEGATE: u32 = 0x00000003;
}

/// Alternative Name Type values.
pub mod alternative_name_type {
    /// Uninterpreted Text String
    pub const UNINTERPRETED_TEXT_STRING: u32 = 0x00000001;
    /// URI
    pub const URI: u32 = 0x00000002;
    /// Object Serial Number
    pub const OBJECT_SERIAL_NUMBER: u32 = 0x00000003;
    /// Email Address
    pub const EMAIL_ADDRESS: u32 = 0x00000004;
    /// DNS Name
    pub const DNS_NAME: u32 = 0x00000005;
    /// X.500 Distinguished Name
    pub const X_500_DISTINGUISHED_NAME: u32 = 0x00000006;
    /// IP Address
    pub const IP_ADDRESS: u32 = 0x00000007;
}

/// Asynchronous Indicator values.
pub mod asynchronous_indicator {
    /// Mandatory
    pub const MANDATORY: u32 = 0x00000001;
    /// Optional
    pub const OPTIONAL: u32 = 0x00000002;
    /// Prohibited
    pub const PROHIBITED: u32 = 0x00000003;
}

/// Attestation Type values.
pub mod attestation_type {
    /// TPM Quote
    pub const TPM_QUOTE: u32 = 0x00000001;
    /// TCG Integrity Report
    pub const TCG_INTEGRITY_REPORT: u32 = 0x00000002;
    /// SAML Assertion
    pub const SAML_ASSERTION: u32 = 0x00000003;
}

/// Batch Error Continuation Option values.
pub mod batch_error_continuation_option {
    /// Continue
    pub const CONTINUE: u32 = 0x00000001;
    /// Stop
    pub const STOP: u32 = 0x00000002;
    /// Undo
    pub const UNDO: u32 = 0x00000003;
}

/// Block Cipher Mode values.
pub mod block_cipher_mode {
    /// CBC
    pub const CBC: u32 = 0x00000001;
    /// ECB
    pub const ECB: u32 = 0x00000002;
    /// PCBC
    pub const PCBC: u32 = 0x00000003;
    /// CFB
    pub const CFB: u32 = 0x00000004;
    /// OFB
    pub const OFB: u32 = 0x00000005;
    /// CTR
    pub const CTR: u32 = 0x00000006;
    /// CMAC
    pub const CMAC: u32 = 0x00000007;
    /// CCM
    pub const CCM: u32 = 0x00000008;
    /// GCM
    pub const GCM: u32 = 0x00000009;
    /// CBC-MAC
    pub const CBC_MAC: u32 = 0x0000000A;
    /// XTS
    pub const XTS: u32 = 0x0000000B;
    /// AESKeyWrapPadding
    pub const AESKEYWRAPPADDING: u32 = 0x0000000C;
    /// NISTKeyWrap
    pub const NISTKEYWRAP: u32 = 0x0000000D;
    /// X9.102 AESKW
    pub const X9_102_AESKW: u32 = 0x0000000E;
    /// X9.102 TDKW
    pub const X9_102_TDKW: u32 = 0x0000000F;
    /// X9.102 AKW1
    pub const X9_102_AKW1: u32 = 0x00000010;
    /// X9.102 AKW2
    pub const X9_102_AKW2: u32 = 0x00000011;
    /// AEAD
    pub const AEAD: u32 = 0x00000012;
}

/// Cancellation Result values.
pub mod cancellation_result {
    /// Canceled
    pub const CANCELED: u32 = 0x00000001;
    /// Unable to Cancel
    pub const UNABLE_TO_CANCEL: u32 = 0x00000002;
    /// Completed
    pub const COMPLETED: u32 = 0x00000003;
    /// Failed
    pub const FAILED: u32 = 0x00000004;
    /// Unavailable
    pub const UNAVAILABLE: u32 = 0x00000005;
}

/// Certificate Request Type values.
pub mod certificate_request_type {
    /// CRMF
    pub const CRMF: u32 = 0x00000001;
    /// PKCS#10
    pub const PKCS_10: u32 = 0x00000002;
    /// PEM
    pub const PEM: u32 = 0x00000003;
    /// PGP
    pub const PGP: u32 = 0x00000004;
}

/// Certificate Type values.
pub mod certificate_type {
    /// X.509
    pub const X_509: u32 = 0x00000001;
    /// PGP
    pub const PGP: u32 = 0x00000002;
}

/// Client Registration Method values.
pub mod client_registration_method {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Server Pre-Generated
    pub const SERVER_PRE_GENERATED: u32 = 0x00000002;
    /// Server On-Demand
    pub const SERVER_ON_DEMAND: u32 = 0x00000003;
    /// Client Generated
    pub const CLIENT_GENERATED: u32 = 0x00000004;
    /// Client Registered
    pub const CLIENT_REGISTERED: u32 = 0x00000005;
}

/// Credential Type values.
pub mod credential_type {
    /// Username and Password
    pub const USERNAME_AND_PASSWORD: u32 = 0x00000001;
    /// Device
    pub const DEVICE: u32 = 0x00000002;
    /// Attestation
    pub const ATTESTATION: u32 = 0x00000003;
    /// One Time Password
    pub const ONE_TIME_PASSWORD: u32 = 0x00000004;
    /// Hashed Password
    pub const HASHED_PASSWORD: u32 = 0x00000005;
    /// Ticket
    pub const TICKET: u32 = 0x00000006;
}

/// Cryptographic Algorithm values.
pub mod cryptographic_algorithm {
    /// DES
    pub const DES: u32 = 0x00000001;
    /// 3DES
    pub const DES3: u32 = 0x00000002;
    /// AES
    pub const AES: u32 = 0x00000003;
    /// RSA
    pub const RSA: u32 = 0x00000004;
    /// DSA
    pub const DSA: u32 = 0x00000005;
    /// ECDSA
    pub const ECDSA: u32 = 0x00000006;
    /// HMAC-SHA1
    pub const HMAC_SHA1: u32 = 0x00000007;
    /// HMAC-SHA224
    pub const HMAC_SHA224: u32 = 0x00000008;
    /// HMAC-SHA256
    pub const HMAC_SHA256: u32 = 0x00000009;
    /// HMAC-SHA384
    pub const HMAC_SHA384: u32 = 0x0000000A;
    /// HMAC-SHA512
    pub const HMAC_SHA512: u32 = 0x0000000B;
    /// HMAC-MD5
    pub const HMAC_MD5: u32 = 0x0000000C;
    /// DH
    pub const DH: u32 = 0x0000000D;
    /// ECDH
    pub const ECDH: u32 = 0x0000000E;
    /// ECMQV
    pub const ECMQV: u32 = 0x0000000F;
    /// Blowfish
    pub const BLOWFISH: u32 = 0x00000010;
    /// Camellia
    pub const CAMELLIA: u32 = 0x00000011;
    /// CAST5
    pub const CAST5: u32 = 0x00000012;
    /// IDEA
    pub const IDEA: u32 = 0x00000013;
    /// MARS
    pub const MARS: u32 = 0x00000014;
    /// RC2
    pub const RC2: u32 = 0x00000015;
    /// RC4
    pub const RC4: u32 = 0x00000016;
    /// RC5
    pub const RC5: u32 = 0x00000017;
    /// SKIPJACK
    pub const SKIPJACK: u32 = 0x00000018;
    /// Twofish
    pub const TWOFISH: u32 = 0x00000019;
    /// EC
    pub const EC: u32 = 0x0000001A;
    /// One Time Pad
    pub const ONE_TIME_PAD: u32 = 0x0000001B;
    /// ChaCha20
    pub const CHACHA20: u32 = 0x0000001C;
    /// Poly1305
    pub const POLY1305: u32 = 0x0000001D;
    /// ChaCha20Poly1305
    pub const CHACHA20POLY1305: u32 = 0x0000001E;
    /// SHA3-224
    pub const SHA3_224: u32 = 0x0000001F;
    /// SHA3-256
    pub const SHA3_256: u32 = 0x00000020;
    /// SHA3-384
    pub const SHA3_384: u32 = 0x00000021;
    /// SHA3-512
    pub const SHA3_512: u32 = 0x00000022;
    /// HMAC-SHA3-224
    pub const HMAC_SHA3_224: u32 = 0x00000023;
    /// HMAC-SHA3-256
    pub const HMAC_SHA3_256: u32 = 0x00000024;
    /// HMAC-SHA3-384
    pub const HMAC_SHA3_384: u32 = 0x00000025;
    /// HMAC-SHA3-512
    pub const HMAC_SHA3_512: u32 = 0x00000026;
    /// SHAKE-128
    pub const SHAKE_128: u32 = 0x00000027;
    /// SHAKE-256
    pub const SHAKE_256: u32 = 0x00000028;
    /// ARIA
    pub const ARIA: u32 = 0x00000029;
    /// SEED
    pub const SEED: u32 = 0x0000002A;
    /// SM2
    pub const SM2: u32 = 0x0000002B;
    /// SM3
    pub const SM3: u32 = 0x0000002C;
    /// SM4
    pub const SM4: u32 = 0x0000002D;
    /// GOST R 34.10-2012
    pub const GOST_R_34_10_2012: u32 = 0x0000002E;
    /// GOST R 34.11-2012
    pub const GOST_R_34_11_2012: u32 = 0x0000002F;
    /// GOST R 34.13-2015
    pub const GOST_R_34_13_2015: u32 = 0x00000030;
    /// GOST 28147-89
    pub const GOST_28147_89: u32 = 0x00000031;
    /// XMSS
    pub const XMSS: u32 = 0x00000032;
    /// SPHINCS-256
    pub const SPHINCS_256: u32 = 0x00000033;
    /// McEliece
    pub const MCELIECE: u32 = 0x00000034;
    /// McEliece-6960119
    pub const MCELIECE_6960119: u32 = 0x00000035;
    /// McEliece-8192128
    pub const MCELIECE_8192128: u32 = 0x00000036;
    /// Ed25519
    pub const ED25519: u32 = 0x00000037;
    /// Ed448
    pub const ED448: u32 = 0x00000038;
}

/// Data values.
pub mod data {
    /// Decrypt
    pub const DECRYPT: u32 = 0x00000001;
    /// Encrypt
    pub const ENCRYPT: u32 = 0x00000002;
    /// Hash
    pub const HASH: u32 = 0x00000003;
    /// MAC MAC Data
    pub const MAC_MAC_DATA: u32 = 0x00000004;
    /// RNG Retrieve
    pub const RNG_RETRIEVE: u32 = 0x00000005;
    /// Sign Signature Data
    pub const SIGN_SIGNATURE_DATA: u32 = 0x00000006;
    /// Signature Verify
    pub const SIGNATURE_VERIFY: u32 = 0x00000007;
}

/// Derivation Method values.
pub mod derivation_method {
    /// PBKDF2
    pub const PBKDF2: u32 = 0x00000001;
    /// HASH
    pub const HASH: u32 = 0x00000002;
    /// HMAC
    pub const HMAC: u32 = 0x00000003;
    /// ENCRYPT
    pub const ENCRYPT: u32 = 0x00000004;
    /// NIST800-108-C
    pub const NIST800_108_C: u32 = 0x00000005;
    /// NIST800-108-F
    pub const NIST800_108_F: u32 = 0x00000006;
    /// NIST800-108-DPI
    pub const NIST800_108_DPI: u32 = 0x00000007;
    /// Asymmetric Key
    pub const ASYMMETRIC_KEY: u32 = 0x00000008;
    /// AWS Signature Version 4
    pub const AWS_SIGNATURE_VERSION_4: u32 = 0x00000009;
    /// HKDF
    pub const HKDF: u32 = 0x0000000A;
}

/// Destroy Action values.
pub mod destroy_action {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Key Material Deleted
    pub const KEY_MATERIAL_DELETED: u32 = 0x00000002;
    /// Key Material Shredded
    pub const KEY_MATERIAL_SHREDDED: u32 = 0x00000003;
    /// Meta Data Deleted
    pub const META_DATA_DELETED: u32 = 0x00000004;
    /// Meta Data Shredded
    pub const META_DATA_SHREDDED: u32 = 0x00000005;
    /// Deleted
    pub const DELETED: u32 = 0x00000006;
    /// Shredded
    pub const SHREDDED: u32 = 0x00000007;
}

/// Digital Signature Algorithm values.
pub mod digital_signature_algorithm {
    /// MD2 with RSA Encryption
    pub const MD2_WITH_RSA_ENCRYPTION: u32 = 0x00000001;
    /// MD5 with RSA Encryption
    pub const MD5_WITH_RSA_ENCRYPTION: u32 = 0x00000002;
    /// SHA-1 with RSA Encryption
    pub const SHA_1_WITH_RSA_ENCRYPTION: u32 = 0x00000003;
    /// SHA-224 with RSA Encryption
    pub const SHA_224_WITH_RSA_ENCRYPTION: u32 = 0x00000004;
    /// SHA-256 with RSA Encryption
    pub const SHA_256_WITH_RSA_ENCRYPTION: u32 = 0x00000005;
    /// SHA-384 with RSA Encryption
    pub const SHA_384_WITH_RSA_ENCRYPTION: u32 = 0x00000006;
    /// SHA-512 with RSA Encryption
    pub const SHA_512_WITH_RSA_ENCRYPTION: u32 = 0x00000007;
    /// RSASSA-PSS
    pub const RSASSA_PSS: u32 = 0x00000008;
    /// DSA with SHA-1
    pub const DSA_WITH_SHA_1: u32 = 0x00000009;
    /// DSA with SHA224
    pub const DSA_WITH_SHA224: u32 = 0x0000000A;
    /// DSA with SHA256
    pub const DSA_WITH_SHA256: u32 = 0x0000000B;
    /// ECDSA with SHA-1
    pub const ECDSA_WITH_SHA_1: u32 = 0x0000000C;
    /// ECDSA with SHA224
    pub const ECDSA_WITH_SHA224: u32 = 0x0000000D;
    /// ECDSA with SHA256
    pub const ECDSA_WITH_SHA256: u32 = 0x0000000E;
    /// ECDSA with SHA384
    pub const ECDSA_WITH_SHA384: u32 = 0x0000000F;
    /// ECDSA with SHA512
    pub const ECDSA_WITH_SHA512: u32 = 0x00000010;
    /// SHA3-256 with RSA Encryption
    pub const SHA3_256_WITH_RSA_ENCRYPTION: u32 = 0x00000011;
    /// SHA3-384 with RSA Encryption
    pub const SHA3_384_WITH_RSA_ENCRYPTION: u32 = 0x00000012;
    /// SHA3-512 with RSA Encryption
    pub const SHA3_512_WITH_RSA_ENCRYPTION: u32 = 0x00000013;
}

/// DRBG Algorithm values.
pub mod drbg_algorithm {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Dual-EC
    pub const DUAL_EC: u32 = 0x00000002;
    /// Hash
    pub const HASH: u32 = 0x00000003;
    /// HMAC
    pub const HMAC: u32 = 0x00000004;
    /// CTR
    pub const CTR: u32 = 0x00000005;
}

/// Encoding Option values.
pub mod encoding_option {
    /// No Encoding
    pub const NO_ENCODING: u32 = 0x00000001;
    /// TTLV Encoding
    pub const TTLV_ENCODING: u32 = 0x00000002;
}

/// Endpoint Role values.
pub mod endpoint_role {
    /// Client
    pub const CLIENT: u32 = 0x00000001;
    /// Server
    pub const SERVER: u32 = 0x00000002;
}

/// FIPS186 Variation values.
pub mod fips186_variation {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// GP x-Original
    pub const GP_X_ORIGINAL: u32 = 0x00000002;
    /// GP x-Change Notice
    pub const GP_X_CHANGE_NOTICE: u32 = 0x00000003;
    /// x-Original
    pub const X_ORIGINAL: u32 = 0x00000004;
    /// x-Change Notice
    pub const X_CHANGE_NOTICE: u32 = 0x00000005;
    /// k-Original
    pub const K_ORIGINAL: u32 = 0x00000006;
    /// k-Change Notice
    pub const K_CHANGE_NOTICE: u32 = 0x00000007;
}

/// Hashing Algorithm values.
pub mod hashing_algorithm {
    /// MD2
    pub const MD2: u32 = 0x00000001;
    /// MD4
    pub const MD4: u32 = 0x00000002;
    /// MD5
    pub const MD5: u32 = 0x00000003;
    /// SHA-1
    pub const SHA_1: u32 = 0x00000004;
    /// SHA-224
    pub const SHA_224: u32 = 0x00000005;
    /// SHA-256
    pub const SHA_256: u32 = 0x00000006;
    /// SHA-384
    pub const SHA_384: u32 = 0x00000007;
    /// SHA-512
    pub const SHA_512: u32 = 0x00000008;
    /// RIPEMD-160
    pub const RIPEMD_160: u32 = 0x00000009;
    /// Tiger
    pub const TIGER: u32 = 0x0000000A;
    /// Whirlpool
    pub const WHIRLPOOL: u32 = 0x0000000B;
    /// SHA-512/224
    pub const SHA_512_224: u32 = 0x0000000C;
    /// SHA-512/256
    pub const SHA_512_256: u32 = 0x0000000D;
    /// SHA3-224
    pub const SHA3_224: u32 = 0x0000000E;
    /// SHA3-256
    pub const SHA3_256: u32 = 0x0000000F;
    /// SHA3-384
    pub const SHA3_384: u32 = 0x00000010;
    /// SHA3-512
    pub const SHA3_512: u32 = 0x00000011;
}

/// Interop Function values.
pub mod interop_function {
    /// Begin
    pub const BEGIN: u32 = 0x00000001;
    /// End
    pub const END: u32 = 0x00000002;
    /// Reset
    pub const RESET: u32 = 0x00000003;
}

/// Item Type values.
pub mod item_type {
    /// Structure
    pub const STRUCTURE: u32 = 0x00000001;
    /// Integer
    pub const INTEGER: u32 = 0x00000002;
    /// Long Integer
    pub const LONG_INTEGER: u32 = 0x00000003;
    /// Big Integer
    pub const BIG_INTEGER: u32 = 0x00000004;
    /// Enumeration
    pub const ENUMERATION: u32 = 0x00000005;
    /// Boolean
    pub const BOOLEAN: u32 = 0x00000006;
    /// Text String
    pub const TEXT_STRING: u32 = 0x00000007;
    /// Byte String
    pub const BYTE_STRING: u32 = 0x00000008;
    /// Date Time
    pub const DATE_TIME: u32 = 0x00000009;
    /// Interval
    pub const INTERVAL: u32 = 0x0000000A;
    /// Date Time Extended
    pub const DATE_TIME_EXTENDED: u32 = 0x0000000B;
}

/// Key Compression Type values.
pub mod key_compression_type {
    /// EC Public Key Type Uncompressed
    pub const EC_PUBLIC_KEY_TYPE_UNCOMPRESSED: u32 = 0x00000001;
    /// EC Public Key Type X9.62 Compressed Prime
    pub const EC_PUBLIC_KEY_TYPE_X9_62_COMPRESSED_PRIME: u32 = 0x00000002;
    /// EC Public Key Type X9.62 Compressed Char2
    pub const EC_PUBLIC_KEY_TYPE_X9_62_COMPRESSED_CHAR2: u32 = 0x00000003;
    /// EC Public Key Type X9.62 Hybrid
    pub const EC_PUBLIC_KEY_TYPE_X9_62_HYBRID: u32 = 0x00000004;
}

/// Key Format Type values.
pub mod key_format_type {
    /// Raw
    pub const RAW: u32 = 0x00000001;
    /// Opaque
    pub const OPAQUE: u32 = 0x00000002;
    /// PKCS#1
    pub const PKCS_1: u32 = 0x00000003;
    /// PKCS#8
    pub const PKCS_8: u32 = 0x00000004;
    /// X.509
    pub const X_509: u32 = 0x00000005;
    /// ECPrivateKey
    pub const ECPRIVATEKEY: u32 = 0x00000006;
    /// Transparent Symmetric Key
    pub const TRANSPARENT_SYMMETRIC_KEY: u32 = 0x00000007;
    /// Transparent DSA Private Key
    pub const TRANSPARENT_DSA_PRIVATE_KEY: u32 = 0x00000008;
    /// Transparent DSA Public Key
    pub const TRANSPARENT_DSA_PUBLIC_KEY: u32 = 0x00000009;
    /// Transparent RSA Private Key
    pub const TRANSPARENT_RSA_PRIVATE_KEY: u32 = 0x0000000A;
    /// Transparent RSA Public Key
    pub const TRANSPARENT_RSA_PUBLIC_KEY: u32 = 0x0000000B;
    /// Transparent DH Private Key
    pub const TRANSPARENT_DH_PRIVATE_KEY: u32 = 0x0000000C;
    /// Transparent DH Public Key
    pub const TRANSPARENT_DH_PUBLIC_KEY: u32 = 0x0000000D;
    /// Transparent ECDSA Private Key
    pub const TRANSPARENT_ECDSA_PRIVATE_KEY: u32 = 0x0000000E;
    /// Transparent ECDSA Public Key
    pub const TRANSPARENT_ECDSA_PUBLIC_KEY: u32 = 0x0000000F;
    /// Transparent ECDH Private Key
    pub const TRANSPARENT_ECDH_PRIVATE_KEY: u32 = 0x00000010;
    /// Transparent ECDH Public Key
    pub const TRANSPARENT_ECDH_PUBLIC_KEY: u32 = 0x00000011;
    /// Transparent ECMQV Private Key
    pub const TRANSPARENT_ECMQV_PRIVATE_KEY: u32 = 0x00000012;
    /// Transparent ECMQV Public Key
    pub const TRANSPARENT_ECMQV_PUBLIC_KEY: u32 = 0x00000013;
    /// Transparent EC Private Key
    pub const TRANSPARENT_EC_PRIVATE_KEY: u32 = 0x00000014;
    /// Transparent EC Public Key
    pub const TRANSPARENT_EC_PUBLIC_KEY: u32 = 0x00000015;
    /// PKCS#12
    pub const PKCS_12: u32 = 0x00000016;
    /// PKCS#10
    pub const PKCS_10: u32 = 0x00000017;
}

/// Key Role Type values.
pub mod key_role_type {
    /// BDK
    pub const BDK: u32 = 0x00000001;
    /// CVK
    pub const CVK: u32 = 0x00000002;
    /// DEK
    pub const DEK: u32 = 0x00000003;
    /// MKAC
    pub const MKAC: u32 = 0x00000004;
    /// MKSMC
    pub const MKSMC: u32 = 0x00000005;
    /// MKSMI
    pub const MKSMI: u32 = 0x00000006;
    /// MKDAC
    pub const MKDAC: u32 = 0x00000007;
    /// MKDN
    pub const MKDN: u32 = 0x00000008;
    /// MKCP
    pub const MKCP: u32 = 0x00000009;
    /// MKOTH
    pub const MKOTH: u32 = 0x0000000A;
    /// KEK
    pub const KEK: u32 = 0x0000000B;
    /// MAC16609
    pub const MAC16609: u32 = 0x0000000C;
    /// MAC97971
    pub const MAC97971: u32 = 0x0000000D;
    /// MAC97972
    pub const MAC97972: u32 = 0x0000000E;
    /// MAC97973
    pub const MAC97973: u32 = 0x0000000F;
    /// MAC97974
    pub const MAC97974: u32 = 0x00000010;
    /// MAC97975
    pub const MAC97975: u32 = 0x00000011;
    /// ZPK
    pub const ZPK: u32 = 0x00000012;
    /// PVKIBM
    pub const PVKIBM: u32 = 0x00000013;
    /// PVKPVV
    pub const PVKPVV: u32 = 0x00000014;
    /// PVKOTH
    pub const PVKOTH: u32 = 0x00000015;
    /// DUKPT
    pub const DUKPT: u32 = 0x00000016;
    /// IV
    pub const IV: u32 = 0x00000017;
    /// TRKBK
    pub const TRKBK: u32 = 0x00000018;
}

/// Key Value Location Type values.
pub mod key_value_location_type {
    /// Uninterpreted Text String
    pub const UNINTERPRETED_TEXT_STRING: u32 = 0x00000001;
    /// URI
    pub const URI: u32 = 0x00000002;
}

/// Key Wrap Type values.
pub mod key_wrap_type {
    /// Not Wrapped
    pub const NOT_WRAPPED: u32 = 0x00000001;
    /// As Registered
    pub const AS_REGISTERED: u32 = 0x00000002;
}

/// Link Type values.
pub mod link_type {
    /// Certificate Link
    pub const CERTIFICATE_LINK: u32 = 0x00000101;
    /// Public Key Link
    pub const PUBLIC_KEY_LINK: u32 = 0x00000102;
    /// Private Key Link
    pub const PRIVATE_KEY_LINK: u32 = 0x00000103;
    /// Derivation Base Object Link
    pub const DERIVATION_BASE_OBJECT_LINK: u32 = 0x00000104;
    /// Derived Key Link
    pub const DERIVED_KEY_LINK: u32 = 0x00000105;
    /// Replacement Object Link
    pub const REPLACEMENT_OBJECT_LINK: u32 = 0x00000106;
    /// Replaced Object Link
    pub const REPLACED_OBJECT_LINK: u32 = 0x00000107;
    /// Parent Link
    pub const PARENT_LINK: u32 = 0x00000108;
    /// Child Link
    pub const CHILD_LINK: u32 = 0x00000109;
    /// Previous Link
    pub const PREVIOUS_LINK: u32 = 0x0000010A;
    /// Next Link
    pub const NEXT_LINK: u32 = 0x0000010B;
    /// PKCS#12 Certificate Link
    pub const PKCS_12_CERTIFICATE_LINK: u32 = 0x0000010C;
    /// PKCS#12 Password Link
    pub const PKCS_12_PASSWORD_LINK: u32 = 0x0000010D;
    /// Wrapping Key Link
    pub const WRAPPING_KEY_LINK: u32 = 0x0000010E;
}

/// Mask Generator values.
pub mod mask_generator {
    /// MGF1
    pub const MGF1: u32 = 0x00000001;
}

/// Name Type values.
pub mod name_type {
    /// Uninterpreted Text String
    pub const UNINTERPRETED_TEXT_STRING: u32 = 0x00000001;
    /// URI
    pub const URI: u32 = 0x00000002;
}

/// NIST Key Type values.
pub mod nist_key_type {
    /// Private signature key
    pub const PRIVATE_SIGNATURE_KEY: u32 = 0x00000001;
    /// Public signature verification key
    pub const PUBLIC_SIGNATURE_VERIFICATION_KEY: u32 = 0x00000002;
    /// Symmetric authentication key
    pub const SYMMETRIC_AUTHENTICATION_KEY: u32 = 0x00000003;
    /// Private authentication key
    pub const PRIVATE_AUTHENTICATION_KEY: u32 = 0x00000004;
    /// Public authentication key
    pub const PUBLIC_AUTHENTICATION_KEY: u32 = 0x00000005;
    /// Symmetric data encryption key
    pub const SYMMETRIC_DATA_ENCRYPTION_KEY: u32 = 0x00000006;
    /// Symmetric key wrapping key
    pub const SYMMETRIC_KEY_WRAPPING_KEY: u32 = 0x00000007;
    /// Symmetric random number generation key
    pub const SYMMETRIC_RANDOM_NUMBER_GENERATION_KEY: u32 = 0x00000008;
    /// Symmetric master key
    pub const SYMMETRIC_MASTER_KEY: u32 = 0x00000009;
    /// Private key transport key
    pub const PRIVATE_KEY_TRANSPORT_KEY: u32 = 0x0000000A;
    /// Public key transport key
    pub const PUBLIC_KEY_TRANSPORT_KEY: u32 = 0x0000000B;
    /// Symmetric key agreement key
    pub const SYMMETRIC_KEY_AGREEMENT_KEY: u32 = 0x0000000C;
    /// Private static key agreement key
    pub const PRIVATE_STATIC_KEY_AGREEMENT_KEY: u32 = 0x0000000D;
    /// Public static key agreement key
    pub const PUBLIC_STATIC_KEY_AGREEMENT_KEY: u32 = 0x0000000E;
    /// Private ephemeral key agreement key
    pub const PRIVATE_EPHEMERAL_KEY_AGREEMENT_KEY: u32 = 0x0000000F;
    /// Public ephemeral key agreement key
    pub const PUBLIC_EPHEMERAL_KEY_AGREEMENT_KEY: u32 = 0x00000010;
    /// Symmetric authorization key
    pub const SYMMETRIC_AUTHORIZATION_KEY: u32 = 0x00000011;
    /// Private authorization key
    pub const PRIVATE_AUTHORIZATION_KEY: u32 = 0x00000012;
    /// Public authorization key
    pub const PUBLIC_AUTHORIZATION_KEY: u32 = 0x00000013;
}

/// Object Group Member values.
pub mod object_group_member {
    /// Group Member Fresh
    pub const GROUP_MEMBER_FRESH: u32 = 0x00000001;
    /// Group Member Default
    pub const GROUP_MEMBER_DEFAULT: u32 = 0x00000002;
}

/// Object Type values.
pub mod object_type {
    /// Certificate
    pub const CERTIFICATE: u32 = 0x00000001;
    /// Symmetric Key
    pub const SYMMETRIC_KEY: u32 = 0x00000002;
    /// Public Key
    pub const PUBLIC_KEY: u32 = 0x00000003;
    /// Private Key
    pub const PRIVATE_KEY: u32 = 0x00000004;
    /// Split Key
    pub const SPLIT_KEY: u32 = 0x00000005;
    /// Template
    pub const TEMPLATE: u32 = 0x00000006;
    /// Secret Data
    pub const SECRET_DATA: u32 = 0x00000007;
    /// Opaque Object
    pub const OPAQUE_OBJECT: u32 = 0x00000008;
    /// PGP Key
    pub const PGP_KEY: u32 = 0x00000009;
    /// Certificate Request
    pub const CERTIFICATE_REQUEST: u32 = 0x0000000A;
}

/// Operation values.
pub mod operation {
    /// Create
    pub const CREATE: u32 = 0x00000001;
    /// Create Key Pair
    pub const CREATE_KEY_PAIR: u32 = 0x00000002;
    /// Register
    pub const REGISTER: u32 = 0x00000003;
    /// Re-key
    pub const RE_KEY: u32 = 0x00000004;
    /// Derive Key
    pub const DERIVE_KEY: u32 = 0x00000005;
    /// Certify
    pub const CERTIFY: u32 = 0x00000006;
    /// Re-certify
    pub const RE_CERTIFY: u32 = 0x00000007;
    /// Locate
    pub const LOCATE: u32 = 0x00000008;
    /// Check
    pub const CHECK: u32 = 0x00000009;
    /// Get
    pub const GET: u32 = 0x0000000A;
    /// Get Attributes
    pub const GET_ATTRIBUTES: u32 = 0x0000000B;
    /// Get Attribute List
    pub const GET_ATTRIBUTE_LIST: u32 = 0x0000000C;
    /// Add Attribute
    pub const ADD_ATTRIBUTE: u32 = 0x0000000D;
    /// Modify Attribute
    pub const MODIFY_ATTRIBUTE: u32 = 0x0000000E;
    /// Delete Attribute
    pub const DELETE_ATTRIBUTE: u32 = 0x0000000F;
    /// Obtain Lease
    pub const OBTAIN_LEASE: u32 = 0x00000010;
    /// Get Usage Allocation
    pub const GET_USAGE_ALLOCATION: u32 = 0x00000011;
    /// Activate
    pub const ACTIVATE: u32 = 0x00000012;
    /// Revoke
    pub const REVOKE: u32 = 0x00000013;
    /// Destroy
    pub const DESTROY: u32 = 0x00000014;
    /// Archive
    pub const ARCHIVE: u32 = 0x00000015;
    /// Recover
    pub const RECOVER: u32 = 0x00000016;
    /// Validate
    pub const VALIDATE: u32 = 0x00000017;
    /// Query
    pub const QUERY: u32 = 0x00000018;
    /// Cancel
    pub const CANCEL: u32 = 0x00000019;
    /// Poll
    pub const POLL: u32 = 0x0000001A;
    /// Notify
    pub const NOTIFY: u32 = 0x0000001B;
    /// Put
    pub const PUT: u32 = 0x0000001C;
    /// Re-key Key Pair
    pub const RE_KEY_KEY_PAIR: u32 = 0x0000001D;
    /// Discover Versions
    pub const DISCOVER_VERSIONS: u32 = 0x0000001E;
    /// Encrypt
    pub const ENCRYPT: u32 = 0x0000001F;
    /// Decrypt
    pub const DECRYPT: u32 = 0x00000020;
    /// Sign
    pub const SIGN: u32 = 0x00000021;
    /// Signature Verify
    pub const SIGNATURE_VERIFY: u32 = 0x00000022;
    /// MAC
    pub const MAC: u32 = 0x00000023;
    /// MAC Verify
    pub const MAC_VERIFY: u32 = 0x00000024;
    /// RNG Retrieve
    pub const RNG_RETRIEVE: u32 = 0x00000025;
    /// RNG Seed
    pub const RNG_SEED: u32 = 0x00000026;
    /// Hash
    pub const HASH: u32 = 0x00000027;
    /// Create Split Key
    pub const CREATE_SPLIT_KEY: u32 = 0x00000028;
    /// Join Split Key
    pub const JOIN_SPLIT_KEY: u32 = 0x00000029;
    /// Import
    pub const IMPORT: u32 = 0x0000002A;
    /// Export
    pub const EXPORT: u32 = 0x0000002B;
    /// Log
    pub const LOG: u32 = 0x0000002C;
    /// Login
    pub const LOGIN: u32 = 0x0000002D;
    /// Logout
    pub const LOGOUT: u32 = 0x0000002E;
    /// Delegated Login
    pub const DELEGATED_LOGIN: u32 = 0x0000002F;
    /// Adjust Attribute
    pub const ADJUST_ATTRIBUTE: u32 = 0x00000030;
    /// Set Attribute
    pub const SET_ATTRIBUTE: u32 = 0x00000031;
    /// Set Endpoint Role
    pub const SET_ENDPOINT_ROLE: u32 = 0x00000032;
    /// PKCS#11
    pub const PKCS_11: u32 = 0x00000033;
    /// Interop
    pub const INTEROP: u32 = 0x00000034;
    /// Re-Provision
    pub const RE_PROVISION: u32 = 0x00000035;
    /// Set Defaults
    pub const SET_DEFAULTS: u32 = 0x00000036;
    /// Set Constraints
    pub const SET_CONSTRAINTS: u32 = 0x00000037;
    /// Get Constraints
    pub const GET_CONSTRAINTS: u32 = 0x00000038;
    /// Query Asynchronous Requests
    pub const QUERY_ASYNCHRONOUS_REQUESTS: u32 = 0x00000039;
    /// Process
    pub const PROCESS: u32 = 0x0000003A;
    /// Ping
    pub const PING: u32 = 0x0000003B;
}

/// Padding Method values.
pub mod padding_method {
    /// None
    pub const NONE: u32 = 0x00000001;
    /// OAEP
    pub const OAEP: u32 = 0x00000002;
    /// PKCS5
    pub const PKCS5: u32 = 0x00000003;
    /// SSL3
    pub const SSL3: u32 = 0x00000004;
    /// Zeros
    pub const ZEROS: u32 = 0x00000005;
    /// ANSI X9.23
    pub const ANSI_X9_23: u32 = 0x00000006;
    /// ISO 10126
    pub const ISO_10126: u32 = 0x00000007;
    /// PKCS1 v1.5
    pub const PKCS1_V1_5: u32 = 0x00000008;
    /// X9.31
    pub const X9_31: u32 = 0x00000009;
    /// PSS
    pub const PSS: u32 = 0x0000000A;
}

/// Processing Stage values.
pub mod processing_stage {
    /// Submitted
    pub const SUBMITTED: u32 = 0x00000001;
    /// In Process
    pub const IN_PROCESS: u32 = 0x00000002;
    /// Completed
    pub const COMPLETED: u32 = 0x00000003;
}

/// Profile Name values.
pub mod profile_name {
    /// Baseline Server Basic KMIP v1.2
    pub const BASELINE_SERVER_BASIC_KMIP_V1_2: u32 = 0x00000001;
    /// Baseline Server TLS v1.2 KMIP v1.2
    pub const BASELINE_SERVER_TLS_V1_2_KMIP_V1_2: u32 = 0x00000002;
    /// Baseline Client Basic KMIP v1.2
    pub const BASELINE_CLIENT_BASIC_KMIP_V1_2: u32 = 0x00000003;
    /// Baseline Client TLS v1.2 KMIP v1.2
    pub const BASELINE_CLIENT_TLS_V1_2_KMIP_V1_2: u32 = 0x00000004;
    /// Complete Server Basic KMIP v1.2
    pub const COMPLETE_SERVER_BASIC_KMIP_V1_2: u32 = 0x00000005;
    /// Complete Server TLS v1.2 KMIP v1.2
    pub const COMPLETE_SERVER_TLS_V1_2_KMIP_V1_2: u32 = 0x00000006;
    /// Tape Library Client KMIP v1.0
    pub const TAPE_LIBRARY_CLIENT_KMIP_V1_0: u32 = 0x00000007;
    /// Tape Library Client KMIP v1.1
    pub const TAPE_LIBRARY_CLIENT_KMIP_V1_1: u32 = 0x00000008;
    /// Tape Library Client KMIP v1.2
    pub const TAPE_LIBRARY_CLIENT_KMIP_V1_2: u32 = 0x00000009;
    /// Tape Library Server KMIP v1.0
    pub const TAPE_LIBRARY_SERVER_KMIP_V1_0: u32 = 0x0000000A;
    /// Tape Library Server KMIP v1.1
    pub const TAPE_LIBRARY_SERVER_KMIP_V1_1: u32 = 0x0000000B;
    /// Tape Library Server KMIP v1.2
    pub const TAPE_LIBRARY_SERVER_KMIP_V1_2: u32 = 0x0000000C;
    /// Symmetric Key Lifecycle Client KMIP v1.0
    pub const SYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_0: u32 = 0x0000000D;
    /// Symmetric Key Lifecycle Client KMIP v1.1
    pub const SYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_1: u32 = 0x0000000E;
    /// Symmetric Key Lifecycle Client KMIP v1.2
    pub const SYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_2: u32 = 0x0000000F;
    /// Symmetric Key Lifecycle Server KMIP v1.0
    pub const SYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_0: u32 = 0x00000010;
    /// Symmetric Key Lifecycle Server KMIP v1.1
    pub const SYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_1: u32 = 0x00000011;
    /// Symmetric Key Lifecycle Server KMIP v1.2
    pub const SYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_2: u32 = 0x00000012;
    /// Asymmetric Key Lifecycle Client KMIP v1.0
    pub const ASYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_0: u32 = 0x00000013;
    /// Asymmetric Key Lifecycle Client KMIP v1.1
    pub const ASYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_1: u32 = 0x00000014;
    /// Asymmetric Key Lifecycle Client KMIP v1.2
    pub const ASYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_2: u32 = 0x00000015;
    /// Asymmetric Key Lifecycle Server KMIP v1.0
    pub const ASYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_0: u32 = 0x00000016;
    /// Asymmetric Key Lifecycle Server KMIP v1.1
    pub const ASYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_1: u32 = 0x00000017;
    /// Asymmetric Key Lifecycle Server KMIP v1.2
    pub const ASYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_2: u32 = 0x00000018;
    /// Basic Cryptographic Client KMIP v1.2
    pub const BASIC_CRYPTOGRAPHIC_CLIENT_KMIP_V1_2: u32 = 0x00000019;
    /// Basic Cryptographic Server KMIP v1.2
    pub const BASIC_CRYPTOGRAPHIC_SERVER_KMIP_V1_2: u32 = 0x0000001A;
    /// Advanced Cryptographic Client KMIP v1.2
    pub const ADVANCED_CRYPTOGRAPHIC_CLIENT_KMIP_V1_2: u32 = 0x0000001B;
    /// Advanced Cryptographic Server KMIP v1.2
    pub const ADVANCED_CRYPTOGRAPHIC_SERVER_KMIP_V1_2: u32 = 0x0000001C;
    /// RNG Cryptographic Client KMIP v1.2
    pub const RNG_CRYPTOGRAPHIC_CLIENT_KMIP_V1_2: u32 = 0x0000001D;
    /// RNG Cryptographic Server KMIP v1.2
    pub const RNG_CRYPTOGRAPHIC_SERVER_KMIP_V1_2: u32 = 0x0000001E;
    /// Basic Symmetric Key Foundry Client KMIP v1.0
    pub const BASIC_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_0: u32 = 0x0000001F;
    /// Intermediate Symmetric Key Foundry Client KMIP v1.0
    pub const INTERMEDIATE_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_0: u32 = 0x00000020;
    /// Advanced Symmetric Key Foundry Client KMIP v1.0
    pub const ADVANCED_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_0: u32 = 0x00000021;
    /// Basic Symmetric Key Foundry Client KMIP v1.1
    pub const BASIC_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_1: u32 = 0x00000022;
    /// Intermediate Symmetric Key Foundry Client KMIP v1.1
    pub const INTERMEDIATE_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_1: u32 = 0x00000023;
    /// Advanced Symmetric Key Foundry Client KMIP v1.1
    pub const ADVANCED_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_1: u32 = 0x00000024;
    /// Basic Symmetric Key Foundry Client KMIP v1.2
    pub const BASIC_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_2: u32 = 0x00000025;
    /// Intermediate Symmetric Key Foundry Client KMIP v1.2
    pub const INTERMEDIATE_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_2: u32 = 0x00000026;
    /// Advanced Symmetric Key Foundry Client KMIP v1.2
    pub const ADVANCED_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_2: u32 = 0x00000027;
    /// Symmetric Key Foundry Server KMIP v1.0
    pub const SYMMETRIC_KEY_FOUNDRY_SERVER_KMIP_V1_0: u32 = 0x00000028;
    /// Symmetric Key Foundry Server KMIP v1.1
    pub const SYMMETRIC_KEY_FOUNDRY_SERVER_KMIP_V1_1: u32 = 0x00000029;
    /// Symmetric Key Foundry Server KMIP v1.2
    pub const SYMMETRIC_KEY_FOUNDRY_SERVER_KMIP_V1_2: u32 = 0x0000002A;
    /// Opaque Managed Object Store Client KMIP v1.0
    pub const OPAQUE_MANAGED_OBJECT_STORE_CLIENT_KMIP_V1_0: u32 = 0x0000002B;
    /// Opaque Managed Object Store Client KMIP v1.1
    pub const OPAQUE_MANAGED_OBJECT_STORE_CLIENT_KMIP_V1_1: u32 = 0x0000002C;
    /// Opaque Managed Object Store Client KMIP v1.2
    pub const OPAQUE_MANAGED_OBJECT_STORE_CLIENT_KMIP_V1_2: u32 = 0x0000002D;
    /// Opaque Managed Object Store Server KMIP v1.0
    pub const OPAQUE_MANAGED_OBJECT_STORE_SERVER_KMIP_V1_0: u32 = 0x0000002E;
    /// Opaque Managed Object Store Server KMIP v1.1
    pub const OPAQUE_MANAGED_OBJECT_STORE_SERVER_KMIP_V1_1: u32 = 0x0000002F;
    /// Opaque Managed Object Store Server KMIP v1.2
    pub const OPAQUE_MANAGED_OBJECT_STORE_SERVER_KMIP_V1_2: u32 = 0x00000030;
    /// Suite B minLOS_128 Client KMIP v1.0
    pub const SUITE_B_MINLOS_128_CLIENT_KMIP_V1_0: u32 = 0x00000031;
    /// Suite B minLOS_128 Client KMIP v1.1
    pub const SUITE_B_MINLOS_128_CLIENT_KMIP_V1_1: u32 = 0x00000032;
    /// Suite B minLOS_128 Client KMIP v1.2
    pub const SUITE_B_MINLOS_128_CLIENT_KMIP_V1_2: u32 = 0x00000033;
    /// Suite B minLOS_128 Server KMIP v1.0
    pub const SUITE_B_MINLOS_128_SERVER_KMIP_V1_0: u32 = 0x00000034;
    /// Suite B minLOS_128 Server KMIP v1.1
    pub const SUITE_B_MINLOS_128_SERVER_KMIP_V1_1: u32 = 0x00000035;
    /// Suite B minLOS_128 Server KMIP v1.2
    pub const SUITE_B_MINLOS_128_SERVER_KMIP_V1_2: u32 = 0x00000036;
    /// Suite B minLOS_192 Client KMIP v1.0
    pub const SUITE_B_MINLOS_192_CLIENT_KMIP_V1_0: u32 = 0x00000037;
    /// Suite B minLOS_192 Client KMIP v1.1
    pub const SUITE_B_MINLOS_192_CLIENT_KMIP_V1_1: u32 = 0x00000038;
    /// Suite B minLOS_192 Client KMIP v1.2
    pub const SUITE_B_MINLOS_192_CLIENT_KMIP_V1_2: u32 = 0x00000039;
    /// Suite B minLOS_192 Server KMIP v1.0
    pub const SUITE_B_MINLOS_192_SERVER_KMIP_V1_0: u32 = 0x0000003A;
    /// Suite B minLOS_192 Server KMIP v1.1
    pub const SUITE_B_MINLOS_192_SERVER_KMIP_V1_1: u32 = 0x0000003B;
    /// Suite B minLOS_192 Server KMIP v1.2
    pub const SUITE_B_MINLOS_192_SERVER_KMIP_V1_2: u32 = 0x0000003C;
    /// Storage Array with Self Encrypting Drive Client KMIP v1.0
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_CLIENT_KMIP_V1_0: u32 = 0x0000003D;
    /// Storage Array with Self Encrypting Drive Client KMIP v1.1
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_CLIENT_KMIP_V1_1: u32 = 0x0000003E;
    /// Storage Array with Self Encrypting Drive Client KMIP v1.2
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_CLIENT_KMIP_V1_2: u32 = 0x0000003F;
    /// Storage Array with Self Encrypting Drive Server KMIP v1.0
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_SERVER_KMIP_V1_0: u32 = 0x00000040;
    /// Storage Array with Self Encrypting Drive Server KMIP v1.1
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_SERVER_KMIP_V1_1: u32 = 0x00000041;
    /// Storage Array with Self Encrypting Drive Server KMIP v1.2
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_SERVER_KMIP_V1_2: u32 = 0x00000042;
    /// HTTPS Client KMIP v1.0
    pub const HTTPS_CLIENT_KMIP_V1_0: u32 = 0x00000043;
    /// HTTPS Client KMIP v1.1
    pub const HTTPS_CLIENT_KMIP_V1_1: u32 = 0x00000044;
    /// HTTPS Client KMIP v1.2
    pub const HTTPS_CLIENT_KMIP_V1_2: u32 = 0x00000045;
    /// HTTPS Server KMIP v1.0
    pub const HTTPS_SERVER_KMIP_V1_0: u32 = 0x00000046;
    /// HTTPS Server KMIP v1.1
    pub const HTTPS_SERVER_KMIP_V1_1: u32 = 0x00000047;
    /// HTTPS Server KMIP v1.2
    pub const HTTPS_SERVER_KMIP_V1_2: u32 = 0x00000048;
    /// JSON Client KMIP v1.0
    pub const JSON_CLIENT_KMIP_V1_0: u32 = 0x00000049;
    /// JSON Client KMIP v1.1
    pub const JSON_CLIENT_KMIP_V1_1: u32 = 0x0000004A;
    /// JSON Client KMIP v1.2
    pub const JSON_CLIENT_KMIP_V1_2: u32 = 0x0000004B;
    /// JSON Server KMIP v1.0
    pub const JSON_SERVER_KMIP_V1_0: u32 = 0x0000004C;
    /// JSON Server KMIP v1.1
    pub const JSON_SERVER_KMIP_V1_1: u32 = 0x0000004D;
    /// JSON Server KMIP v1.2
    pub const JSON_SERVER_KMIP_V1_2: u32 = 0x0000004E;
    /// XML Client KMIP v1.0
    pub const XML_CLIENT_KMIP_V1_0: u32 = 0x0000004F;
    /// XML Client KMIP v1.1
    pub const XML_CLIENT_KMIP_V1_1: u32 = 0x00000050;
    /// XML Client KMIP v1.2
    pub const XML_CLIENT_KMIP_V1_2: u32 = 0x00000051;
    /// XML Server KMIP v1.0
    pub const XML_SERVER_KMIP_V1_0: u32 = 0x00000052;
    /// XML Server KMIP v1.1
    pub const XML_SERVER_KMIP_V1_1: u32 = 0x00000053;
    /// XML Server KMIP v1.2
    pub const XML_SERVER_KMIP_V1_2: u32 = 0x00000054;
    /// Baseline Server Basic KMIP v1.3
    pub const BASELINE_SERVER_BASIC_KMIP_V1_3: u32 = 0x00000055;
    /// Baseline Server TLS v1.2 KMIP v1.3
    pub const BASELINE_SERVER_TLS_V1_2_KMIP_V1_3: u32 = 0x00000056;
    /// Baseline Client Basic KMIP v1.3
    pub const BASELINE_CLIENT_BASIC_KMIP_V1_3: u32 = 0x00000057;
    /// Baseline Client TLS v1.2 KMIP v1.3
    pub const BASELINE_CLIENT_TLS_V1_2_KMIP_V1_3: u32 = 0x00000058;
    /// Complete Server Basic KMIP v1.3
    pub const COMPLETE_SERVER_BASIC_KMIP_V1_3: u32 = 0x00000059;
    /// Complete Server TLS v1.2 KMIP v1.3
    pub const COMPLETE_SERVER_TLS_V1_2_KMIP_V1_3: u32 = 0x0000005A;
    /// Tape Library Client KMIP v1.3
    pub const TAPE_LIBRARY_CLIENT_KMIP_V1_3: u32 = 0x0000005B;
    /// Tape Library Server KMIP v1.3
    pub const TAPE_LIBRARY_SERVER_KMIP_V1_3: u32 = 0x0000005C;
    /// Symmetric Key Lifecycle Client KMIP v1.3
    pub const SYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_3: u32 = 0x0000005D;
    /// Symmetric Key Lifecycle Server KMIP v1.3
    pub const SYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_3: u32 = 0x0000005E;
    /// Asymmetric Key Lifecycle Client KMIP v1.3
    pub const ASYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_3: u32 = 0x0000005F;
    /// Asymmetric Key Lifecycle Server KMIP v1.3
    pub const ASYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_3: u32 = 0x00000060;
    /// Basic Cryptographic Client KMIP v1.3
    pub const BASIC_CRYPTOGRAPHIC_CLIENT_KMIP_V1_3: u32 = 0x00000061;
    /// Basic Cryptographic Server KMIP v1.3
    pub const BASIC_CRYPTOGRAPHIC_SERVER_KMIP_V1_3: u32 = 0x00000062;
    /// Advanced Cryptographic Client KMIP v1.3
    pub const ADVANCED_CRYPTOGRAPHIC_CLIENT_KMIP_V1_3: u32 = 0x00000063;
    /// Advanced Cryptographic Server KMIP v1.3
    pub const ADVANCED_CRYPTOGRAPHIC_SERVER_KMIP_V1_3: u32 = 0x00000064;
    /// RNG Cryptographic Client KMIP v1.3
    pub const RNG_CRYPTOGRAPHIC_CLIENT_KMIP_V1_3: u32 = 0x00000065;
    /// RNG Cryptographic Server KMIP v1.3
    pub const RNG_CRYPTOGRAPHIC_SERVER_KMIP_V1_3: u32 = 0x00000066;
    /// Basic Symmetric Key Foundry Client KMIP v1.3
    pub const BASIC_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_3: u32 = 0x00000067;
    /// Intermediate Symmetric Key Foundry Client KMIP v1.3
    pub const INTERMEDIATE_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_3: u32 = 0x00000068;
    /// Advanced Symmetric Key Foundry Client KMIP v1.3
    pub const ADVANCED_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_3: u32 = 0x00000069;
    /// Symmetric Key Foundry Server KMIP v1.3
    pub const SYMMETRIC_KEY_FOUNDRY_SERVER_KMIP_V1_3: u32 = 0x0000006A;
    /// Opaque Managed Object Store Client KMIP v1.3
    pub const OPAQUE_MANAGED_OBJECT_STORE_CLIENT_KMIP_V1_3: u32 = 0x0000006B;
    /// Opaque Managed Object Store Server KMIP v1.3
    pub const OPAQUE_MANAGED_OBJECT_STORE_SERVER_KMIP_V1_3: u32 = 0x0000006C;
    /// Suite B minLOS_128 Client KMIP v1.3
    pub const SUITE_B_MINLOS_128_CLIENT_KMIP_V1_3: u32 = 0x0000006D;
    /// Suite B minLOS_128 Server KMIP v1.3
    pub const SUITE_B_MINLOS_128_SERVER_KMIP_V1_3: u32 = 0x0000006E;
    /// Suite B minLOS_192 Client KMIP v1.3
    pub const SUITE_B_MINLOS_192_CLIENT_KMIP_V1_3: u32 = 0x0000006F;
    /// Suite B minLOS_192 Server KMIP v1.3
    pub const SUITE_B_MINLOS_192_SERVER_KMIP_V1_3: u32 = 0x00000070;
    /// Storage Array with Self Encrypting Drive Client KMIP v1.3
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_CLIENT_KMIP_V1_3: u32 = 0x00000071;
    /// Storage Array with Self Encrypting Drive Server KMIP v1.3
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_SERVER_KMIP_V1_3: u32 = 0x00000072;
    /// HTTPS Client KMIP v1.3
    pub const HTTPS_CLIENT_KMIP_V1_3: u32 = 0x00000073;
    /// HTTPS Server KMIP v1.3
    pub const HTTPS_SERVER_KMIP_V1_3: u32 = 0x00000074;
    /// JSON Client KMIP v1.3
    pub const JSON_CLIENT_KMIP_V1_3: u32 = 0x00000075;
    /// JSON Server KMIP v1.3
    pub const JSON_SERVER_KMIP_V1_3: u32 = 0x00000076;
    /// XML Client KMIP v1.3
    pub const XML_CLIENT_KMIP_V1_3: u32 = 0x00000077;
    /// XML Server KMIP v1.3
    pub const XML_SERVER_KMIP_V1_3: u32 = 0x00000078;
    /// Baseline Server Basic KMIP v1.4
    pub const BASELINE_SERVER_BASIC_KMIP_V1_4: u32 = 0x00000079;
    /// Baseline Server TLS v1.2 KMIP v1.4
    pub const BASELINE_SERVER_TLS_V1_2_KMIP_V1_4: u32 = 0x0000007A;
    /// Baseline Client Basic KMIP v1.4
    pub const BASELINE_CLIENT_BASIC_KMIP_V1_4: u32 = 0x0000007B;
    /// Baseline Client TLS v1.2 KMIP v1.4
    pub const BASELINE_CLIENT_TLS_V1_2_KMIP_V1_4: u32 = 0x0000007C;
    /// Complete Server Basic KMIP v1.4
    pub const COMPLETE_SERVER_BASIC_KMIP_V1_4: u32 = 0x0000007D;
    /// Complete Server TLS v1.2 KMIP v1.4
    pub const COMPLETE_SERVER_TLS_V1_2_KMIP_V1_4: u32 = 0x0000007E;
    /// Tape Library Client KMIP v1.4
    pub const TAPE_LIBRARY_CLIENT_KMIP_V1_4: u32 = 0x0000007F;
    /// Tape Library Server KMIP v1.4
    pub const TAPE_LIBRARY_SERVER_KMIP_V1_4: u32 = 0x00000080;
    /// Symmetric Key Lifecycle Client KMIP v1.4
    pub const SYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_4: u32 = 0x00000081;
    /// Symmetric Key Lifecycle Server KMIP v1.4
    pub const SYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_4: u32 = 0x00000082;
    /// Asymmetric Key Lifecycle Client KMIP v1.4
    pub const ASYMMETRIC_KEY_LIFECYCLE_CLIENT_KMIP_V1_4: u32 = 0x00000083;
    /// Asymmetric Key Lifecycle Server KMIP v1.4
    pub const ASYMMETRIC_KEY_LIFECYCLE_SERVER_KMIP_V1_4: u32 = 0x00000084;
    /// Basic Cryptographic Client KMIP v1.4
    pub const BASIC_CRYPTOGRAPHIC_CLIENT_KMIP_V1_4: u32 = 0x00000085;
    /// Basic Cryptographic Server KMIP v1.4
    pub const BASIC_CRYPTOGRAPHIC_SERVER_KMIP_V1_4: u32 = 0x00000086;
    /// Advanced Cryptographic Client KMIP v1.4
    pub const ADVANCED_CRYPTOGRAPHIC_CLIENT_KMIP_V1_4: u32 = 0x00000087;
    /// Advanced Cryptographic Server KMIP v1.4
    pub const ADVANCED_CRYPTOGRAPHIC_SERVER_KMIP_V1_4: u32 = 0x00000088;
    /// RNG Cryptographic Client KMIP v1.4
    pub const RNG_CRYPTOGRAPHIC_CLIENT_KMIP_V1_4: u32 = 0x00000089;
    /// RNG Cryptographic Server KMIP v1.4
    pub const RNG_CRYPTOGRAPHIC_SERVER_KMIP_V1_4: u32 = 0x0000008A;
    /// Basic Symmetric Key Foundry Client KMIP v1.4
    pub const BASIC_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_4: u32 = 0x0000008B;
    /// Intermediate Symmetric Key Foundry Client KMIP v1.4
    pub const INTERMEDIATE_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_4: u32 = 0x0000008C;
    /// Advanced Symmetric Key Foundry Client KMIP v1.4
    pub const ADVANCED_SYMMETRIC_KEY_FOUNDRY_CLIENT_KMIP_V1_4: u32 = 0x0000008D;
    /// Symmetric Key Foundry Server KMIP v1.4
    pub const SYMMETRIC_KEY_FOUNDRY_SERVER_KMIP_V1_4: u32 = 0x0000008E;
    /// Opaque Managed Object Store Client KMIP v1.4
    pub const OPAQUE_MANAGED_OBJECT_STORE_CLIENT_KMIP_V1_4: u32 = 0x0000008F;
    /// Opaque Managed Object Store Server KMIP v1.4
    pub const OPAQUE_MANAGED_OBJECT_STORE_SERVER_KMIP_V1_4: u32 = 0x00000090;
    /// Suite B minLOS_128 Client KMIP v1.4
    pub const SUITE_B_MINLOS_128_CLIENT_KMIP_V1_4: u32 = 0x00000091;
    /// Suite B minLOS_128 Server KMIP v1.4
    pub const SUITE_B_MINLOS_128_SERVER_KMIP_V1_4: u32 = 0x00000092;
    /// Suite B minLOS_192 Client KMIP v1.4
    pub const SUITE_B_MINLOS_192_CLIENT_KMIP_V1_4: u32 = 0x00000093;
    /// Suite B minLOS_192 Server KMIP v1.4
    pub const SUITE_B_MINLOS_192_SERVER_KMIP_V1_4: u32 = 0x00000094;
    /// Storage Array with Self Encrypting Drive Client KMIP v1.4
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_CLIENT_KMIP_V1_4: u32 = 0x00000095;
    /// Storage Array with Self Encrypting Drive Server KMIP v1.4
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_SERVER_KMIP_V1_4: u32 = 0x00000096;
    /// HTTPS Client KMIP v1.4
    pub const HTTPS_CLIENT_KMIP_V1_4: u32 = 0x00000097;
    /// HTTPS Server KMIP v1.4
    pub const HTTPS_SERVER_KMIP_V1_4: u32 = 0x00000098;
    /// JSON Client KMIP v1.4
    pub const JSON_CLIENT_KMIP_V1_4: u32 = 0x00000099;
    /// JSON Server KMIP v1.4
    pub const JSON_SERVER_KMIP_V1_4: u32 = 0x0000009A;
    /// XML Client KMIP v1.4
    pub const XML_CLIENT_KMIP_V1_4: u32 = 0x0000009B;
    /// XML Server KMIP v1.4
    pub const XML_SERVER_KMIP_V1_4: u32 = 0x0000009C;
    /// Complete Server Basic
    pub const COMPLETE_SERVER_BASIC: u32 = 0x00000104;
    /// Complete Server TLS v1.2
    pub const COMPLETE_SERVER_TLS_V1_2: u32 = 0x00000105;
    /// Tape Library Client
    pub const TAPE_LIBRARY_CLIENT: u32 = 0x00000106;
    /// Tape Library Server
    pub const TAPE_LIBRARY_SERVER: u32 = 0x00000107;
    /// Symmetric Key Lifecycle Client
    pub const SYMMETRIC_KEY_LIFECYCLE_CLIENT: u32 = 0x00000108;
    /// Symmetric Key Lifecycle Server
    pub const SYMMETRIC_KEY_LIFECYCLE_SERVER: u32 = 0x00000109;
    /// Asymmetric Key Lifecycle Client
    pub const ASYMMETRIC_KEY_LIFECYCLE_CLIENT: u32 = 0x0000010A;
    /// Asymmetric Key Lifecycle Server
    pub const ASYMMETRIC_KEY_LIFECYCLE_SERVER: u32 = 0x0000010B;
    /// Basic Cryptographic Client
    pub const BASIC_CRYPTOGRAPHIC_CLIENT: u32 = 0x0000010C;
    /// Basic Cryptographic Server
    pub const BASIC_CRYPTOGRAPHIC_SERVER: u32 = 0x0000010D;
    /// Advanced Cryptographic Client
    pub const ADVANCED_CRYPTOGRAPHIC_CLIENT: u32 = 0x0000010E;
    /// Advanced Cryptographic Server
    pub const ADVANCED_CRYPTOGRAPHIC_SERVER: u32 = 0x0000010F;
    /// RNG Cryptographic Client
    pub const RNG_CRYPTOGRAPHIC_CLIENT: u32 = 0x00000110;
    /// RNG Cryptographic Server
    pub const RNG_CRYPTOGRAPHIC_SERVER: u32 = 0x00000111;
    /// Basic Symmetric Key Foundry Client
    pub const BASIC_SYMMETRIC_KEY_FOUNDRY_CLIENT: u32 = 0x00000112;
    /// Intermediate Symmetric Key Foundry Client
    pub const INTERMEDIATE_SYMMETRIC_KEY_FOUNDRY_CLIENT: u32 = 0x00000113;
    /// Advanced Symmetric Key Foundry Client
    pub const ADVANCED_SYMMETRIC_KEY_FOUNDRY_CLIENT: u32 = 0x00000114;
    /// Symmetric Key Foundry Server
    pub const SYMMETRIC_KEY_FOUNDRY_SERVER: u32 = 0x00000115;
    /// Opaque Managed Object Store Client
    pub const OPAQUE_MANAGED_OBJECT_STORE_CLIENT: u32 = 0x00000116;
    /// Opaque Managed Object Store Server
    pub const OPAQUE_MANAGED_OBJECT_STORE_SERVER: u32 = 0x00000117;
    /// Suite B minLOS_128 Client
    pub const SUITE_B_MINLOS_128_CLIENT: u32 = 0x00000118;
    /// Suite B minLOS_128 Server
    pub const SUITE_B_MINLOS_128_SERVER: u32 = 0x00000119;
    /// Suite B minLOS_192 Client
    pub const SUITE_B_MINLOS_192_CLIENT: u32 = 0x0000011A;
    /// Suite B minLOS_192 Server
    pub const SUITE_B_MINLOS_192_SERVER: u32 = 0x0000011B;
    /// Storage Array with Self Encrypting Drive Client
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_CLIENT: u32 = 0x0000011C;
    /// Storage Array with Self Encrypting Drive Server
    pub const STORAGE_ARRAY_WITH_SELF_ENCRYPTING_DRIVE_SERVER: u32 = 0x0000011D;
    /// HTTPS Client
    pub const HTTPS_CLIENT: u32 = 0x0000011E;
    /// HTTPS Server
    pub const HTTPS_SERVER: u32 = 0x0000011F;
    /// JSON Client
    pub const JSON_CLIENT: u32 = 0x00000120;
    /// JSON Server
    pub const JSON_SERVER: u32 = 0x00000121;
    /// XML Client
    pub const XML_CLIENT: u32 = 0x00000122;
    /// XML Server
    pub const XML_SERVER: u32 = 0x00000123;
    /// AES XTS Client
    pub const AES_XTS_CLIENT: u32 = 0x00000124;
    /// AES XTS Server
    pub const AES_XTS_SERVER: u32 = 0x00000125;
    /// Quantum Safe Client
    pub const QUANTUM_SAFE_CLIENT: u32 = 0x00000126;
    /// Quantum Safe Server
    pub const QUANTUM_SAFE_SERVER: u32 = 0x00000127;
    /// PKCS#11 Client
    pub const PKCS_11_CLIENT: u32 = 0x00000128;
    /// PKCS#11 Server
    pub const PKCS_11_SERVER: u32 = 0x00000129;
    /// Baseline Client
    pub const BASELINE_CLIENT: u32 = 0x0000012A;
    /// Baseline Server
    pub const BASELINE_SERVER: u32 = 0x0000012B;
    /// Complete Server
    pub const COMPLETE_SERVER: u32 = 0x0000012C;
}

/// Protection Level values.
pub mod protection_level {
    /// High
    pub const HIGH: u32 = 0x00000001;
    /// Low
    pub const LOW: u32 = 0x00000002;
}

/// Put Function values.
pub mod put_function {
    /// New
    pub const NEW: u32 = 0x00000001;
    /// Replace
    pub const REPLACE: u32 = 0x00000002;
}

/// Query Function values.
pub mod query_function {
    /// Query Operations
    pub const QUERY_OPERATIONS: u32 = 0x00000001;
    /// Query Objects
    pub const QUERY_OBJECTS: u32 = 0x00000002;
    /// Query Server Information
    pub const QUERY_SERVER_INFORMATION: u32 = 0x00000003;
    /// Query Application Namespaces
    pub const QUERY_APPLICATION_NAMESPACES: u32 = 0x00000004;
    /// Query Extension List
    pub const QUERY_EXTENSION_LIST: u32 = 0x00000005;
    /// Query Extension Map
    pub const QUERY_EXTENSION_MAP: u32 = 0x00000006;
    /// Query Attestation Types
    pub const QUERY_ATTESTATION_TYPES: u32 = 0x00000007;
    /// Query RNGs
    pub const QUERY_RNGS: u32 = 0x00000008;
    /// Query Validations
    pub const QUERY_VALIDATIONS: u32 = 0x00000009;
    /// Query Profiles
    pub const QUERY_PROFILES: u32 = 0x0000000A;
    /// Query Capabilities
    pub const QUERY_CAPABILITIES: u32 = 0x0000000B;
    /// Query Client Registration Methods
    pub const QUERY_CLIENT_REGISTRATION_METHODS: u32 = 0x0000000C;
    /// Query Defaults Information
    pub const QUERY_DEFAULTS_INFORMATION: u32 = 0x0000000D;
    /// Query Storage Protection Masks
    pub const QUERY_STORAGE_PROTECTION_MASKS: u32 = 0x0000000E;
}

/// Recommended Curve values.
pub mod recommended_curve {
    /// P-192
    pub const P_192: u32 = 0x00000001;
    /// K-163
    pub const K_163: u32 = 0x00000002;
    /// B-163
    pub const B_163: u32 = 0x00000003;
    /// P-224
    pub const P_224: u32 = 0x00000004;
    /// K-233
    pub const K_233: u32 = 0x00000005;
    /// B-233
    pub const B_233: u32 = 0x00000006;
    /// P-256
    pub const P_256: u32 = 0x00000007;
    /// K-283
    pub const K_283: u32 = 0x00000008;
    /// B-283
    pub const B_283: u32 = 0x00000009;
    /// P-384
    pub const P_384: u32 = 0x0000000A;
    /// K-409
    pub const K_409: u32 = 0x0000000B;
    /// B-409
    pub const B_409: u32 = 0x0000000C;
    /// P-521
    pub const P_521: u32 = 0x0000000D;
    /// K-571
    pub const K_571: u32 = 0x0000000E;
    /// B-571
    pub const B_571: u32 = 0x0000000F;
    /// SECP112R1
    pub const SECP112R1: u32 = 0x00000010;
    /// SECP112R2
    pub const SECP112R2: u32 = 0x00000011;
    /// SECP128R1
    pub const SECP128R1: u32 = 0x00000012;
    /// SECP128R2
    pub const SECP128R2: u32 = 0x00000013;
    /// SECP160K1
    pub const SECP160K1: u32 = 0x00000014;
    /// SECP160R1
    pub const SECP160R1: u32 = 0x00000015;
    /// SECP160R2
    pub const SECP160R2: u32 = 0x00000016;
    /// SECP192K1
    pub const SECP192K1: u32 = 0x00000017;
    /// SECP224K1
    pub const SECP224K1: u32 = 0x00000018;
    /// SECP256K1
    pub const SECP256K1: u32 = 0x00000019;
    /// SECT113R1
    pub const SECT113R1: u32 = 0x0000001A;
    /// SECT113R2
    pub const SECT113R2: u32 = 0x0000001B;
    /// SECT131R1
    pub const SECT131R1: u32 = 0x0000001C;
    /// SECT131R2
    pub const SECT131R2: u32 = 0x0000001D;
    /// SECT163R1
    pub const SECT163R1: u32 = 0x0000001E;
    /// SECT193R1
    pub const SECT193R1: u32 = 0x0000001F;
    /// SECT193R2
    pub const SECT193R2: u32 = 0x00000020;
    /// SECT239K1
    pub const SECT239K1: u32 = 0x00000021;
    /// ANSIX9P192V2
    pub const ANSIX9P192V2: u32 = 0x00000022;
    /// ANSIX9P192V3
    pub const ANSIX9P192V3: u32 = 0x00000023;
    /// ANSIX9P239V1
    pub const ANSIX9P239V1: u32 = 0x00000024;
    /// ANSIX9P239V2
    pub const ANSIX9P239V2: u32 = 0x00000025;
    /// ANSIX9P239V3
    pub const ANSIX9P239V3: u32 = 0x00000026;
    /// ANSIX9C2PNB163V1
    pub const ANSIX9C2PNB163V1: u32 = 0x00000027;
    /// ANSIX9C2PNB163V2
    pub const ANSIX9C2PNB163V2: u32 = 0x00000028;
    /// ANSIX9C2PNB163V3
    pub const ANSIX9C2PNB163V3: u32 = 0x00000029;
    /// ANSIX9C2PNB176V1
    pub const ANSIX9C2PNB176V1: u32 = 0x0000002A;
    /// ANSIX9C2TNB191V1
    pub const ANSIX9C2TNB191V1: u32 = 0x0000002B;
    /// ANSIX9C2TNB191V2
    pub const ANSIX9C2TNB191V2: u32 = 0x0000002C;
    /// ANSIX9C2TNB191V3
    pub const ANSIX9C2TNB191V3: u32 = 0x0000002D;
    /// ANSIX9C2PNB208W1
    pub const ANSIX9C2PNB208W1: u32 = 0x0000002E;
    /// ANSIX9C2TNB239V1
    pub const ANSIX9C2TNB239V1: u32 = 0x0000002F;
    /// ANSIX9C2TNB239V2
    pub const ANSIX9C2TNB239V2: u32 = 0x00000030;
    /// ANSIX9C2TNB239V3
    pub const ANSIX9C2TNB239V3: u32 = 0x00000031;
    /// ANSIX9C2PNB272W1
    pub const ANSIX9C2PNB272W1: u32 = 0x00000032;
    /// ANSIX9C2PNB304W1
    pub const ANSIX9C2PNB304W1: u32 = 0x00000033;
    /// ANSIX9C2TNB359V1
    pub const ANSIX9C2TNB359V1: u32 = 0x00000034;
    /// ANSIX9C2PNB368W1
    pub const ANSIX9C2PNB368W1: u32 = 0x00000035;
    /// ANSIX9C2TNB431R1
    pub const ANSIX9C2TNB431R1: u32 = 0x00000036;
    /// BRAINPOOLP160R1
    pub const BRAINPOOLP160R1: u32 = 0x00000037;
    /// BRAINPOOLP160T1
    pub const BRAINPOOLP160T1: u32 = 0x00000038;
    /// BRAINPOOLP192R1
    pub const BRAINPOOLP192R1: u32 = 0x00000039;
    /// BRAINPOOLP192T1
    pub const BRAINPOOLP192T1: u32 = 0x0000003A;
    /// BRAINPOOLP224R1
    pub const BRAINPOOLP224R1: u32 = 0x0000003B;
    /// BRAINPOOLP224T1
    pub const BRAINPOOLP224T1: u32 = 0x0000003C;
    /// BRAINPOOLP256R1
    pub const BRAINPOOLP256R1: u32 = 0x0000003D;
    /// BRAINPOOLP256T1
    pub const BRAINPOOLP256T1: u32 = 0x0000003E;
    /// BRAINPOOLP320R1
    pub const BRAINPOOLP320R1: u32 = 0x0000003F;
    /// BRAINPOOLP320T1
    pub const BRAINPOOLP320T1: u32 = 0x00000040;
    /// BRAINPOOLP384R1
    pub const BRAINPOOLP384R1: u32 = 0x00000041;
    /// BRAINPOOLP384T1
    pub const BRAINPOOLP384T1: u32 = 0x00000042;
    /// BRAINPOOLP512R1
    pub const BRAINPOOLP512R1: u32 = 0x00000043;
    /// BRAINPOOLP512T1
    pub const BRAINPOOLP512T1: u32 = 0x00000044;
    /// CURVE25519
    pub const CURVE25519: u32 = 0x00000045;
    /// CURVE448
    pub const CURVE448: u32 = 0x00000046;
}

/// Result Reason values.
pub mod result_reason {
    /// Item Not Found
    pub const ITEM_NOT_FOUND: u32 = 0x00000001;
    /// Response Too Large
    pub const RESPONSE_TOO_LARGE: u32 = 0x00000002;
    /// Authentication Not Successful
    pub const AUTHENTICATION_NOT_SUCCESSFUL: u32 = 0x00000003;
    /// Invalid Message
    pub const INVALID_MESSAGE: u32 = 0x00000004;
    /// Operation Not Supported
    pub const OPERATION_NOT_SUPPORTED: u32 = 0x00000005;
    /// Missing Data
    pub const MISSING_DATA: u32 = 0x00000006;
    /// Invalid Field
    pub const INVALID_FIELD: u32 = 0x00000007;
    /// Feature Not Supported
    pub const FEATURE_NOT_SUPPORTED: u32 = 0x00000008;
    /// Operation Canceled By Requester
    pub const OPERATION_CANCELED_BY_REQUESTER: u32 = 0x00000009;
    /// Cryptographic Failure
    pub const CRYPTOGRAPHIC_FAILURE: u32 = 0x0000000A;
    /// Illegal Operation
    pub const ILLEGAL_OPERATION: u32 = 0x0000000B;
    /// Permission Denied
    pub const PERMISSION_DENIED: u32 = 0x0000000C;
    /// Object Archived
    pub const OBJECT_ARCHIVED: u32 = 0x0000000D;
    /// Index Out of Bounds
    pub const INDEX_OUT_OF_BOUNDS: u32 = 0x0000000E;
    /// Application Namespace Not Supported
    pub const APPLICATION_NAMESPACE_NOT_SUPPORTED: u32 = 0x0000000F;
    /// Key Format Type Not Supported
    pub const KEY_FORMAT_TYPE_NOT_SUPPORTED: u32 = 0x00000010;
    /// Key Compression Type Not Supported
    pub const KEY_COMPRESSION_TYPE_NOT_SUPPORTED: u32 = 0x00000011;
    /// Encoding Option Error
    pub const ENCODING_OPTION_ERROR: u32 = 0x00000012;
    /// Key Value Not Present
    pub const KEY_VALUE_NOT_PRESENT: u32 = 0x00000013;
    /// Attestation Required
    pub const ATTESTATION_REQUIRED: u32 = 0x00000014;
    /// Attestation Failed
    pub const ATTESTATION_FAILED: u32 = 0x00000015;
    /// Sensitive
    pub const SENSITIVE: u32 = 0x00000016;
    /// Not Extractable
    pub const NOT_EXTRACTABLE: u32 = 0x00000017;
    /// Object Already Exists
    pub const OBJECT_ALREADY_EXISTS: u32 = 0x00000018;
    /// Invalid Ticket
    pub const INVALID_TICKET: u32 = 0x00000019;
    /// Usage Limit Exceeded
    pub const USAGE_LIMIT_EXCEEDED: u32 = 0x0000001A;
    /// Numeric Range
    pub const NUMERIC_RANGE: u32 = 0x0000001B;
    /// Invalid Data Type
    pub const INVALID_DATA_TYPE: u32 = 0x0000001C;
    /// Read Only Attribute
    pub const READ_ONLY_ATTRIBUTE: u32 = 0x0000001D;
    /// Multi Valued Attribute
    pub const MULTI_VALUED_ATTRIBUTE: u32 = 0x0000001E;
    /// Unsupported Attribute
    pub const UNSUPPORTED_ATTRIBUTE: u32 = 0x0000001F;
    /// Attribute Instance Not Found
    pub const ATTRIBUTE_INSTANCE_NOT_FOUND: u32 = 0x00000020;
    /// Attribute Not Found
    pub const ATTRIBUTE_NOT_FOUND: u32 = 0x00000021;
    /// Attribute Read Only
    pub const ATTRIBUTE_READ_ONLY: u32 = 0x00000022;
    /// Attribute Single Valued
    pub const ATTRIBUTE_SINGLE_VALUED: u32 = 0x00000023;
    /// Bad Cryptographic Parameters
    pub const BAD_CRYPTOGRAPHIC_PARAMETERS: u32 = 0x00000024;
    /// Bad Password
    pub const BAD_PASSWORD: u32 = 0x00000025;
    /// Codec Error
    pub const CODEC_ERROR: u32 = 0x00000026;
    /// Illegal Object Type
    pub const ILLEGAL_OBJECT_TYPE: u32 = 0x00000028;
    /// Incompatible Cryptographic Usage Mask
    pub const INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK: u32 = 0x00000029;
    /// Internal Server Error
    pub const INTERNAL_SERVER_ERROR: u32 = 0x0000002A;
    /// Invalid Asynchronous Correlation Value
    pub const INVALID_ASYNCHRONOUS_CORRELATION_VALUE: u32 = 0x0000002B;
    /// Invalid Attribute
    pub const INVALID_ATTRIBUTE: u32 = 0x0000002C;
    /// Invalid Attribute Value
    pub const INVALID_ATTRIBUTE_VALUE: u32 = 0x0000002D;
    /// Invalid Correlation Value
    pub const INVALID_CORRELATION_VALUE: u32 = 0x0000002E;
    /// Invalid CSR
    pub const INVALID_CSR: u32 = 0x0000002F;
    /// Invalid Object Type
    pub const INVALID_OBJECT_TYPE: u32 = 0x00000030;
    /// Key Wrap Type Not Supported
    pub const KEY_WRAP_TYPE_NOT_SUPPORTED: u32 = 0x00000032;
    /// Missing Initialization Vector
    pub const MISSING_INITIALIZATION_VECTOR: u32 = 0x00000034;
    /// Non Unique Name Attribute
    pub const NON_UNIQUE_NAME_ATTRIBUTE: u32 = 0x00000035;
    /// Object Destroyed
    pub const OBJECT_DESTROYED: u32 = 0x00000036;
    /// Object Not Found
    pub const OBJECT_NOT_FOUND: u32 = 0x00000037;
    /// Not Authorised
    pub const NOT_AUTHORISED: u32 = 0x00000039;
    /// Server Limit Exceeded
    pub const SERVER_LIMIT_EXCEEDED: u32 = 0x0000003A;
    /// Unknown Enumeration
    pub const UNKNOWN_ENUMERATION: u32 = 0x0000003B;
    /// Unknown Message Extension
    pub const UNKNOWN_MESSAGE_EXTENSION: u32 = 0x0000003C;
    /// Unknown Tag
    pub const UNKNOWN_TAG: u32 = 0x0000003D;
    /// Unsupported Cryptographic Parameters
    pub const UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS: u32 = 0x0000003E;
    /// Unsupported Protocol Version
    pub const UNSUPPORTED_PROTOCOL_VERSION: u32 = 0x0000003F;
    /// Wrapping Object Archived
    pub const WRAPPING_OBJECT_ARCHIVED: u32 = 0x00000040;
    /// Wrapping Object Destroyed
    pub const WRAPPING_OBJECT_DESTROYED: u32 = 0x00000041;
    /// Wrapping Object Not Found
    pub const WRAPPING_OBJECT_NOT_FOUND: u32 = 0x00000042;
    /// Wrong Key Lifecycle State
    pub const WRONG_KEY_LIFECYCLE_STATE: u32 = 0x00000043;
    /// Protection Storage Unavailable
    pub const PROTECTION_STORAGE_UNAVAILABLE: u32 = 0x00000044;
    /// PKCS#11 Codec Error
    pub const PKCS_11_CODEC_ERROR: u32 = 0x00000045;
    /// PKCS#11 Invalid Function
    pub const PKCS_11_INVALID_FUNCTION: u32 = 0x00000046;
    /// PKCS#11 Invalid Interface
    pub const PKCS_11_INVALID_INTERFACE: u32 = 0x00000047;
    /// Private Protection Storage Unavailable
    pub const PRIVATE_PROTECTION_STORAGE_UNAVAILABLE: u32 = 0x00000048;
    /// Public Protection Storage Unavailable
    pub const PUBLIC_PROTECTION_STORAGE_UNAVAILABLE: u32 = 0x00000049;
    /// Unknown Object Group
    pub const UNKNOWN_OBJECT_GROUP: u32 = 0x0000004A;
    /// Constraint Violation
    pub const CONSTRAINT_VIOLATION: u32 = 0x0000004B;
    /// Duplicate Process Request
    pub const DUPLICATE_PROCESS_REQUEST: u32 = 0x0000004C;
    /// General Failure
    pub const GENERAL_FAILURE: u32 = 0x00000100;
}

/// Result Status values.
pub mod result_status {
    /// Success
    pub const SUCCESS: u32 = 0x00000000;
    /// Operation Failed
    pub const OPERATION_FAILED: u32 = 0x00000001;
    /// Operation Pending
    pub const OPERATION_PENDING: u32 = 0x00000002;
    /// Operation Undone
    pub const OPERATION_UNDONE: u32 = 0x00000003;
}

/// Revocation Reason Code values.
pub mod revocation_reason_code {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Key Compromise
    pub const KEY_COMPROMISE: u32 = 0x00000002;
    /// CA Compromise
    pub const CA_COMPROMISE: u32 = 0x00000003;
    /// Affiliation Changed
    pub const AFFILIATION_CHANGED: u32 = 0x00000004;
    /// Superseded
    pub const SUPERSEDED: u32 = 0x00000005;
    /// Cessation of Operation
    pub const CESSATION_OF_OPERATION: u32 = 0x00000006;
    /// Privilege Withdrawn
    pub const PRIVILEGE_WITHDRAWN: u32 = 0x00000007;
}

/// RNG Algorithm values.
pub mod rng_algorithm {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// FIPS 186-2
    pub const FIPS_186_2: u32 = 0x00000002;
    /// DRBG
    pub const DRBG: u32 = 0x00000003;
    /// NRBG
    pub const NRBG: u32 = 0x00000004;
    /// ANSI X9.31
    pub const ANSI_X9_31: u32 = 0x00000005;
    /// ANSI X9.62
    pub const ANSI_X9_62: u32 = 0x00000006;
}

/// RNG Mode values.
pub mod rng_mode {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Shared Instantiation
    pub const SHARED_INSTANTIATION: u32 = 0x00000002;
    /// Non-Shared Instantiation
    pub const NON_SHARED_INSTANTIATION: u32 = 0x00000003;
}

/// Rotate Name Type values.
pub mod rotate_name_type {
    /// Uninterpreted Text String
    pub const UNINTERPRETED_TEXT_STRING: u32 = 0x00000001;
    /// URI
    pub const URI: u32 = 0x00000002;
}

/// Secret Data Type values.
pub mod secret_data_type {
    /// Password
    pub const PASSWORD: u32 = 0x00000001;
    /// Seed
    pub const SEED: u32 = 0x00000002;
}

/// Shredding Algorithm values.
pub mod shredding_algorithm {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Cryptographic
    pub const CRYPTOGRAPHIC: u32 = 0x00000002;
    /// Unsupported
    pub const UNSUPPORTED: u32 = 0x00000003;
}

/// Split Key Method values.
pub mod split_key_method {
    /// XOR
    pub const XOR: u32 = 0x00000001;
    /// Polynomial Sharing GF (2\^16)
    pub const POLYNOMIAL_SHARING_GF_2_16: u32 = 0x00000002;
    /// Polynomial Sharing Prime Field
    pub const POLYNOMIAL_SHARING_PRIME_FIELD: u32 = 0x00000003;
    /// Polynomial Sharing GF (2\^8)
    pub const POLYNOMIAL_SHARING_GF_2_8: u32 = 0x00000004;
}

/// State values.
pub mod state {
    /// Pre-Active
    pub const PRE_ACTIVE: u32 = 0x00000001;
    /// Active
    pub const ACTIVE: u32 = 0x00000002;
    /// Deactivated
    pub const DEACTIVATED: u32 = 0x00000003;
    /// Compromised
    pub const COMPROMISED: u32 = 0x00000004;
    /// Destroyed
    pub const DESTROYED: u32 = 0x00000005;
    /// Destroyed Compromised
    pub const DESTROYED_COMPROMISED: u32 = 0x00000006;
}

/// Ticket Type values.
pub mod ticket_type {
    /// Login
    pub const LOGIN: u32 = 0x00000001;
}

/// Unique Identifier values.
pub mod unique_identifier {
    /// ID Placeholder
    pub const ID_PLACEHOLDER: u32 = 0x00000001;
    /// Certify
    pub const CERTIFY: u32 = 0x00000002;
    /// Create
    pub const CREATE: u32 = 0x00000003;
    /// Create Key Pair
    pub const CREATE_KEY_PAIR: u32 = 0x00000004;
    /// Create Key Pair Private Key
    pub const CREATE_KEY_PAIR_PRIVATE_KEY: u32 = 0x00000005;
    /// Create Key Pair Public Key
    pub const CREATE_KEY_PAIR_PUBLIC_KEY: u32 = 0x00000006;
    /// Create Split Key
    pub const CREATE_SPLIT_KEY: u32 = 0x00000007;
    /// Derive Key
    pub const DERIVE_KEY: u32 = 0x00000008;
    /// Import
    pub const IMPORT: u32 = 0x00000009;
    /// Join Split Key
    pub const JOIN_SPLIT_KEY: u32 = 0x0000000A;
    /// Locate
    pub const LOCATE: u32 = 0x0000000B;
    /// Register
    pub const REGISTER: u32 = 0x0000000C;
    /// Re-key
    pub const RE_KEY: u32 = 0x0000000D;
    /// Re-certify
    pub const RE_CERTIFY: u32 = 0x0000000E;
    /// Re-key Key Pair
    pub const RE_KEY_KEY_PAIR: u32 = 0x0000000F;
    /// Re-key Key Pair Private Key
    pub const RE_KEY_KEY_PAIR_PRIVATE_KEY: u32 = 0x00000010;
    /// Re-key Key Pair Public Key
    pub const RE_KEY_KEY_PAIR_PUBLIC_KEY: u32 = 0x00000011;
}

/// Unwrap Mode values.
pub mod unwrap_mode {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Processed
    pub const PROCESSED: u32 = 0x00000002;
    /// Not Processed
    pub const NOT_PROCESSED: u32 = 0x00000003;
}

/// Usage Limits Unit values.
pub mod usage_limits_unit {
    /// Byte
    pub const BYTE: u32 = 0x00000001;
    /// Object
    pub const OBJECT: u32 = 0x00000002;
}

/// Validation Authority Type values.
pub mod validation_authority_type {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// NIST CMVP
    pub const NIST_CMVP: u32 = 0x00000002;
    /// Common Criteria
    pub const COMMON_CRITERIA: u32 = 0x00000003;
}

/// Validation Type values.
pub mod validation_type {
    /// Unspecified
    pub const UNSPECIFIED: u32 = 0x00000001;
    /// Hardware
    pub const HARDWARE: u32 = 0x00000002;
    /// Software
    pub const SOFTWARE: u32 = 0x00000003;
    /// Firmware
    pub const FIRMWARE: u32 = 0x00000004;
    /// Hybrid
    pub const HYBRID: u32 = 0x00000005;
}

/// Validity Indicator values.
pub mod validity_indicator {
    /// Valid
    pub const VALID: u32 = 0x00000001;
    /// Invalid
    pub const INVALID: u32 = 0x00000002;
    /// Unknown
    pub const UNKNOWN: u32 = 0x00000003;
}

/// Wrapping Method values.
pub mod wrapping_method {
    /// Encrypt
    pub const ENCRYPT: u32 = 0x00000001;
    /// MAC/sign
    pub const MAC_SIGN: u32 = 0x00000002;
    /// Encrypt then MAC/sign
    pub const ENCRYPT_THEN_MAC_SIGN: u32 = 0x00000003;
    /// MAC/sign then encrypt
    pub const MAC_SIGN_THEN_ENCRYPT: u32 = 0x00000004;
    /// TR-31
    pub const TR_31: u32 = 0x00000005;
}

/// Cryptographic Usage Mask bits.
pub mod cryptographic_usage_mask {
    /// Sign
    pub const SIGN: u32 = 0x00000001;
    /// Verify
    pub const VERIFY: u32 = 0x00000002;
    /// Encrypt
    pub const ENCRYPT: u32 = 0x00000004;
    /// Decrypt
    pub const DECRYPT: u32 = 0x00000008;
    /// Wrap Key
    pub const WRAP_KEY: u32 = 0x00000010;
    /// Unwrap Key
    pub const UNWRAP_KEY: u32 = 0x00000020;
    /// Export
    pub const EXPORT: u32 = 0x00000040;
    /// MAC Generate
    pub const MAC_GENERATE: u32 = 0x00000080;
    /// MAC Verify
    pub const MAC_VERIFY: u32 = 0x00000100;
    /// Derive Key
    pub const DERIVE_KEY: u32 = 0x00000200;
    /// Content Commitment
    pub const CONTENT_COMMITMENT: u32 = 0x00000400;
    /// Key Agreement
    pub const KEY_AGREEMENT: u32 = 0x00000800;
    /// Certificate Sign
    pub const CERTIFICATE_SIGN: u32 = 0x00001000;
    /// CRL Sign
    pub const CRL_SIGN: u32 = 0x00002000;
    /// Generate Cryptogram
    pub const GENERATE_CRYPTOGRAM: u32 = 0x00004000;
    /// Validate Cryptogram
    pub const VALIDATE_CRYPTOGRAM: u32 = 0x00008000;
    /// Translate Encrypt
    pub const TRANSLATE_ENCRYPT: u32 = 0x00010000;
    /// Translate Decrypt
    pub const TRANSLATE_DECRYPT: u32 = 0x00020000;
    /// Translate Wrap
    pub const TRANSLATE_WRAP: u32 = 0x00040000;
    /// Translate Unwrap
    pub const TRANSLATE_UNWRAP: u32 = 0x00080000;
    /// Authenticate
    pub const AUTHENTICATE: u32 = 0x00100000;
    /// Unrestricted
    pub const UNRESTRICTED: u32 = 0x00200000;
    /// FPE Encrypt
    pub const FPE_ENCRYPT: u32 = 0x00400000;
    /// FPE Decrypt
    pub const FPE_DECRYPT: u32 = 0x00800000;
}

/// Storage Status Mask bits.
pub mod storage_status_mask {
    /// On-line storage
    pub const ON_LINE_STORAGE: u32 = 0x00000001;
    /// Archival storage
    pub const ARCHIVAL_STORAGE: u32 = 0x00000002;
    /// Destroyed storage
    pub const DESTROYED_STORAGE: u32 = 0x00000004;
}

/// Protection Storage Mask bits.
pub mod protection_storage_mask {
    /// Software
    pub const SOFTWARE: u32 = 0x00000001;
    /// Hardware
    pub const HARDWARE: u32 = 0x00000002;
    /// On Processor
    pub const ON_PROCESSOR: u32 = 0x00000004;
    /// On System
    pub const ON_SYSTEM: u32 = 0x00000008;
    /// Off System
    pub const OFF_SYSTEM: u32 = 0x00000010;
    /// Hypervisor
    pub const HYPERVISOR: u32 = 0x00000020;
    /// Operating System
    pub const OPERATING_SYSTEM: u32 = 0x00000040;
    /// Container
    pub const CONTAINER: u32 = 0x00000080;
    /// On Premises
    pub const ON_PREMISES: u32 = 0x00000100;
    /// Off Premises
    pub const OFF_PREMISES: u32 = 0x00000200;
    /// Self Managed
    pub const SELF_MANAGED: u32 = 0x00000400;
    /// Outsourced
    pub const OUTSOURCED: u32 = 0x00000800;
    /// Validated
    pub const VALIDATED: u32 = 0x00001000;
    /// Same Jurisdiction
    pub const SAME_JURISDICTION: u32 = 0x00002000;
}
