// Transcribed from the KMIP 1.0-2.1 specification tables (generated once, now maintained by
// hand). Keep every table sorted: the unit tests in dict/tests.rs check order and consistency.
//! Tag constants of KMIP 1.0-2.1 (section 9.1.3.1 of the 1.x specifications, "Tag" in 2.x).
//!
//! Each constant is named after the specification's tag name; the XML name (used by
//! [`tag_name`](super::tag_name)) is given in its documentation.

/// Activation Date (`ActivationDate`), KMIP 1.0.
pub const ACTIVATION_DATE: u32 = 0x420001;
/// Application Data (`ApplicationData`), KMIP 1.0.
pub const APPLICATION_DATA: u32 = 0x420002;
/// Application Namespace (`ApplicationNamespace`), KMIP 1.0.
pub const APPLICATION_NAMESPACE: u32 = 0x420003;
/// Application Specific Information (`ApplicationSpecificInformation`), KMIP 1.0.
pub const APPLICATION_SPECIFIC_INFORMATION: u32 = 0x420004;
/// Archive Date (`ArchiveDate`), KMIP 1.0.
pub const ARCHIVE_DATE: u32 = 0x420005;
/// Asynchronous Correlation Value (`AsynchronousCorrelationValue`), KMIP 1.0.
pub const ASYNCHRONOUS_CORRELATION_VALUE: u32 = 0x420006;
/// Asynchronous Indicator (`AsynchronousIndicator`), KMIP 1.0.
pub const ASYNCHRONOUS_INDICATOR: u32 = 0x420007;
/// Attribute (`Attribute`), KMIP 1.0.
pub const ATTRIBUTE: u32 = 0x420008;
/// Attribute Index (`AttributeIndex`), KMIP 1.0.
pub const ATTRIBUTE_INDEX: u32 = 0x420009;
/// Attribute Name (`AttributeName`), KMIP 1.0.
pub const ATTRIBUTE_NAME: u32 = 0x42000A;
/// Attribute Value (`AttributeValue`), KMIP 1.0.
pub const ATTRIBUTE_VALUE: u32 = 0x42000B;
/// Authentication (`Authentication`), KMIP 1.0.
pub const AUTHENTICATION: u32 = 0x42000C;
/// Batch Count (`BatchCount`), KMIP 1.0.
pub const BATCH_COUNT: u32 = 0x42000D;
/// Batch Error Continuation Option (`BatchErrorContinuationOption`), KMIP 1.0.
pub const BATCH_ERROR_CONTINUATION_OPTION: u32 = 0x42000E;
/// Batch Item (`BatchItem`), KMIP 1.0.
pub const BATCH_ITEM: u32 = 0x42000F;
/// Batch Order Option (`BatchOrderOption`), KMIP 1.0.
pub const BATCH_ORDER_OPTION: u32 = 0x420010;
/// Block Cipher Mode (`BlockCipherMode`), KMIP 1.0.
pub const BLOCK_CIPHER_MODE: u32 = 0x420011;
/// Cancellation Result (`CancellationResult`), KMIP 1.0.
pub const CANCELLATION_RESULT: u32 = 0x420012;
/// Certificate (`Certificate`), KMIP 1.0.
pub const CERTIFICATE: u32 = 0x420013;
/// Certificate Identifier (`CertificateIdentifier`), KMIP 1.0.
pub const CERTIFICATE_IDENTIFIER: u32 = 0x420014;
/// Certificate Issuer (`CertificateIssuer`), KMIP 1.0.
pub const CERTIFICATE_ISSUER: u32 = 0x420015;
/// Certificate Issuer Alternative Name (`CertificateIssuerAlternativeName`), KMIP 1.0.
pub const CERTIFICATE_ISSUER_ALTERNATIVE_NAME: u32 = 0x420016;
/// Certificate Issuer Distinguished Name (`CertificateIssuerDistinguishedName`), KMIP 1.0.
pub const CERTIFICATE_ISSUER_DISTINGUISHED_NAME: u32 = 0x420017;
/// Certificate Request (`CertificateRequest`), KMIP 1.0.
pub const CERTIFICATE_REQUEST: u32 = 0x420018;
/// Certificate Request Type (`CertificateRequestType`), KMIP 1.0.
pub const CERTIFICATE_REQUEST_TYPE: u32 = 0x420019;
/// Certificate Subject (`CertificateSubject`), KMIP 1.0.
pub const CERTIFICATE_SUBJECT: u32 = 0x42001A;
/// Certificate Subject Alternative Name (`CertificateSubjectAlternativeName`), KMIP 1.0.
pub const CERTIFICATE_SUBJECT_ALTERNATIVE_NAME: u32 = 0x42001B;
/// Certificate Subject Distinguished Name (`CertificateSubjectDistinguishedName`), KMIP 1.0.
pub const CERTIFICATE_SUBJECT_DISTINGUISHED_NAME: u32 = 0x42001C;
/// Certificate Type (`CertificateType`), KMIP 1.0.
pub const CERTIFICATE_TYPE: u32 = 0x42001D;
/// Certificate Value (`CertificateValue`), KMIP 1.0.
pub const CERTIFICATE_VALUE: u32 = 0x42001E;
/// Common Template-Attribute (`CommonTemplateAttribute`), KMIP 1.0.
pub const COMMON_TEMPLATE_ATTRIBUTE: u32 = 0x42001F;
/// Compromise Date (`CompromiseDate`), KMIP 1.0.
pub const COMPROMISE_DATE: u32 = 0x420020;
/// Compromise Occurrence Date (`CompromiseOccurrenceDate`), KMIP 1.0.
pub const COMPROMISE_OCCURRENCE_DATE: u32 = 0x420021;
/// Contact Information (`ContactInformation`), KMIP 1.0.
pub const CONTACT_INFORMATION: u32 = 0x420022;
/// Credential (`Credential`), KMIP 1.0.
pub const CREDENTIAL: u32 = 0x420023;
/// Credential Type (`CredentialType`), KMIP 1.0.
pub const CREDENTIAL_TYPE: u32 = 0x420024;
/// Credential Value (`CredentialValue`), KMIP 1.0.
pub const CREDENTIAL_VALUE: u32 = 0x420025;
/// Criticality Indicator (`CriticalityIndicator`), KMIP 1.0.
pub const CRITICALITY_INDICATOR: u32 = 0x420026;
/// CRT Coefficient (`CRTCoefficient`), KMIP 1.0.
pub const CRT_COEFFICIENT: u32 = 0x420027;
/// Cryptographic Algorithm (`CryptographicAlgorithm`), KMIP 1.0.
pub const CRYPTOGRAPHIC_ALGORITHM: u32 = 0x420028;
/// Cryptographic Domain Parameters (`CryptographicDomainParameters`), KMIP 1.0.
pub const CRYPTOGRAPHIC_DOMAIN_PARAMETERS: u32 = 0x420029;
/// Cryptographic Length (`CryptographicLength`), KMIP 1.0.
pub const CRYPTOGRAPHIC_LENGTH: u32 = 0x42002A;
/// Cryptographic Parameters (`CryptographicParameters`), KMIP 1.0.
pub const CRYPTOGRAPHIC_PARAMETERS: u32 = 0x42002B;
/// Cryptographic Usage Mask (`CryptographicUsageMask`), KMIP 1.0.
pub const CRYPTOGRAPHIC_USAGE_MASK: u32 = 0x42002C;
/// Custom Attribute (`CustomAttribute`), KMIP 1.0.
pub const CUSTOM_ATTRIBUTE: u32 = 0x42002D;
/// D (`D`), KMIP 1.0.
pub const D: u32 = 0x42002E;
/// Deactivation Date (`DeactivationDate`), KMIP 1.0.
pub const DEACTIVATION_DATE: u32 = 0x42002F;
/// Derivation Data (`DerivationData`), KMIP 1.0.
pub const DERIVATION_DATA: u32 = 0x420030;
/// Derivation Method (`DerivationMethod`), KMIP 1.0.
pub const DERIVATION_METHOD: u32 = 0x420031;
/// Derivation Parameters (`DerivationParameters`), KMIP 1.0.
pub const DERIVATION_PARAMETERS: u32 = 0x420032;
/// Destroy Date (`DestroyDate`), KMIP 1.0.
pub const DESTROY_DATE: u32 = 0x420033;
/// Digest (`Digest`), KMIP 1.0.
pub const DIGEST: u32 = 0x420034;
/// Digest Value (`DigestValue`), KMIP 1.0.
pub const DIGEST_VALUE: u32 = 0x420035;
/// Encryption Key Information (`EncryptionKeyInformation`), KMIP 1.0.
pub const ENCRYPTION_KEY_INFORMATION: u32 = 0x420036;
/// G (`G`), KMIP 1.0.
pub const G: u32 = 0x420037;
/// Hashing Algorithm (`HashingAlgorithm`), KMIP 1.0.
pub const HASHING_ALGORITHM: u32 = 0x420038;
/// Initial Date (`InitialDate`), KMIP 1.0.
pub const INITIAL_DATE: u32 = 0x420039;
/// Initialization Vector (`InitializationVector`), KMIP 1.0.
pub const INITIALIZATION_VECTOR: u32 = 0x42003A;
/// Issuer (`Issuer`), KMIP 1.0.
pub const ISSUER: u32 = 0x42003B;
/// Iteration Count (`IterationCount`), KMIP 1.0.
pub const ITERATION_COUNT: u32 = 0x42003C;
/// IV/Counter/Nonce (`IVCounterNonce`), KMIP 1.0.
pub const IV_COUNTER_NONCE: u32 = 0x42003D;
/// J (`J`), KMIP 1.0.
pub const J: u32 = 0x42003E;
/// Key (`Key`), KMIP 1.0.
pub const KEY: u32 = 0x42003F;
/// Key Block (`KeyBlock`), KMIP 1.0.
pub const KEY_BLOCK: u32 = 0x420040;
/// Key Compression Type (`KeyCompressionType`), KMIP 1.0.
pub const KEY_COMPRESSION_TYPE: u32 = 0x420041;
/// Key Format Type (`KeyFormatType`), KMIP 1.0.
pub const KEY_FORMAT_TYPE: u32 = 0x420042;
/// Key Material (`KeyMaterial`), KMIP 1.0.
pub const KEY_MATERIAL: u32 = 0x420043;
/// Key Part Identifier (`KeyPartIdentifier`), KMIP 1.0.
pub const KEY_PART_IDENTIFIER: u32 = 0x420044;
/// Key Value (`KeyValue`), KMIP 1.0.
pub const KEY_VALUE: u32 = 0x420045;
/// Key Wrapping Data (`KeyWrappingData`), KMIP 1.0.
pub const KEY_WRAPPING_DATA: u32 = 0x420046;
/// Key Wrapping Specification (`KeyWrappingSpecification`), KMIP 1.0.
pub const KEY_WRAPPING_SPECIFICATION: u32 = 0x420047;
/// Last Change Date (`LastChangeDate`), KMIP 1.0.
pub const LAST_CHANGE_DATE: u32 = 0x420048;
/// Lease Time (`LeaseTime`), KMIP 1.0.
pub const LEASE_TIME: u32 = 0x420049;
/// Link (`Link`), KMIP 1.0.
pub const LINK: u32 = 0x42004A;
/// Link Type (`LinkType`), KMIP 1.0.
pub const LINK_TYPE: u32 = 0x42004B;
/// Linked Object Identifier (`LinkedObjectIdentifier`), KMIP 1.0.
pub const LINKED_OBJECT_IDENTIFIER: u32 = 0x42004C;
/// MAC/Signature (`MACSignature`), KMIP 1.0.
pub const MAC_SIGNATURE: u32 = 0x42004D;
/// MAC/Signature Key Information (`MACSignatureKeyInformation`), KMIP 1.0.
pub const MAC_SIGNATURE_KEY_INFORMATION: u32 = 0x42004E;
/// Maximum Items (`MaximumItems`), KMIP 1.0.
pub const MAXIMUM_ITEMS: u32 = 0x42004F;
/// Maximum Response Size (`MaximumResponseSize`), KMIP 1.0.
pub const MAXIMUM_RESPONSE_SIZE: u32 = 0x420050;
/// Message Extension (`MessageExtension`), KMIP 1.0.
pub const MESSAGE_EXTENSION: u32 = 0x420051;
/// Modulus (`Modulus`), KMIP 1.0.
pub const MODULUS: u32 = 0x420052;
/// Name (`Name`), KMIP 1.0.
pub const NAME: u32 = 0x420053;
/// Name Type (`NameType`), KMIP 1.0.
pub const NAME_TYPE: u32 = 0x420054;
/// Name Value (`NameValue`), KMIP 1.0.
pub const NAME_VALUE: u32 = 0x420055;
/// Object Group (`ObjectGroup`), KMIP 1.0.
pub const OBJECT_GROUP: u32 = 0x420056;
/// Object Type (`ObjectType`), KMIP 1.0.
pub const OBJECT_TYPE: u32 = 0x420057;
/// Offset (`Offset`), KMIP 1.0.
pub const OFFSET: u32 = 0x420058;
/// Opaque Data Type (`OpaqueDataType`), KMIP 1.0.
pub const OPAQUE_DATA_TYPE: u32 = 0x420059;
/// Opaque Data Value (`OpaqueDataValue`), KMIP 1.0.
pub const OPAQUE_DATA_VALUE: u32 = 0x42005A;
/// Opaque Object (`OpaqueObject`), KMIP 1.0.
pub const OPAQUE_OBJECT: u32 = 0x42005B;
/// Operation (`Operation`), KMIP 1.0.
pub const OPERATION: u32 = 0x42005C;
/// Operation Policy Name (`OperationPolicyName`), KMIP 1.0.
pub const OPERATION_POLICY_NAME: u32 = 0x42005D;
/// P (`P`), KMIP 1.0.
pub const P: u32 = 0x42005E;
/// Padding Method (`PaddingMethod`), KMIP 1.0.
pub const PADDING_METHOD: u32 = 0x42005F;
/// Prime Exponent P (`PrimeExponentP`), KMIP 1.0.
pub const PRIME_EXPONENT_P: u32 = 0x420060;
/// Prime Exponent Q (`PrimeExponentQ`), KMIP 1.0.
pub const PRIME_EXPONENT_Q: u32 = 0x420061;
/// Prime Field Size (`PrimeFieldSize`), KMIP 1.0.
pub const PRIME_FIELD_SIZE: u32 = 0x420062;
/// Private Exponent (`PrivateExponent`), KMIP 1.0.
pub const PRIVATE_EXPONENT: u32 = 0x420063;
/// Private Key (`PrivateKey`), KMIP 1.0.
pub const PRIVATE_KEY: u32 = 0x420064;
/// Private Key Template-Attribute (`PrivateKeyTemplateAttribute`), KMIP 1.0.
pub const PRIVATE_KEY_TEMPLATE_ATTRIBUTE: u32 = 0x420065;
/// Private Key Unique Identifier (`PrivateKeyUniqueIdentifier`), KMIP 1.0.
pub const PRIVATE_KEY_UNIQUE_IDENTIFIER: u32 = 0x420066;
/// Process Start Date (`ProcessStartDate`), KMIP 1.0.
pub const PROCESS_START_DATE: u32 = 0x420067;
/// Protect Stop Date (`ProtectStopDate`), KMIP 1.0.
pub const PROTECT_STOP_DATE: u32 = 0x420068;
/// Protocol Version (`ProtocolVersion`), KMIP 1.0.
pub const PROTOCOL_VERSION: u32 = 0x420069;
/// Protocol Version Major (`ProtocolVersionMajor`), KMIP 1.0.
pub const PROTOCOL_VERSION_MAJOR: u32 = 0x42006A;
/// Protocol Version Minor (`ProtocolVersionMinor`), KMIP 1.0.
pub const PROTOCOL_VERSION_MINOR: u32 = 0x42006B;
/// Public Exponent (`PublicExponent`), KMIP 1.0.
pub const PUBLIC_EXPONENT: u32 = 0x42006C;
/// Public Key (`PublicKey`), KMIP 1.0.
pub const PUBLIC_KEY: u32 = 0x42006D;
/// Public Key Template-Attribute (`PublicKeyTemplateAttribute`), KMIP 1.0.
pub const PUBLIC_KEY_TEMPLATE_ATTRIBUTE: u32 = 0x42006E;
/// Public Key Unique Identifier (`PublicKeyUniqueIdentifier`), KMIP 1.0.
pub const PUBLIC_KEY_UNIQUE_IDENTIFIER: u32 = 0x42006F;
/// Put Function (`PutFunction`), KMIP 1.0.
pub const PUT_FUNCTION: u32 = 0x420070;
/// Q (`Q`), KMIP 1.0.
pub const Q: u32 = 0x420071;
/// Q String (`QString`), KMIP 1.0.
pub const Q_STRING: u32 = 0x420072;
/// Qlength (`Qlength`), KMIP 1.0.
pub const QLENGTH: u32 = 0x420073;
/// Query Function (`QueryFunction`), KMIP 1.0.
pub const QUERY_FUNCTION: u32 = 0x420074;
/// Recommended Curve (`RecommendedCurve`), KMIP 1.0.
pub const RECOMMENDED_CURVE: u32 = 0x420075;
/// Replaced Unique Identifier (`ReplacedUniqueIdentifier`), KMIP 1.0.
pub const REPLACED_UNIQUE_IDENTIFIER: u32 = 0x420076;
/// Request Header (`RequestHeader`), KMIP 1.0.
pub const REQUEST_HEADER: u32 = 0x420077;
/// Request Message (`RequestMessage`), KMIP 1.0.
pub const REQUEST_MESSAGE: u32 = 0x420078;
/// Request Payload (`RequestPayload`), KMIP 1.0.
pub const REQUEST_PAYLOAD: u32 = 0x420079;
/// Response Header (`ResponseHeader`), KMIP 1.0.
pub const RESPONSE_HEADER: u32 = 0x42007A;
/// Response Message (`ResponseMessage`), KMIP 1.0.
pub const RESPONSE_MESSAGE: u32 = 0x42007B;
/// Response Payload (`ResponsePayload`), KMIP 1.0.
pub const RESPONSE_PAYLOAD: u32 = 0x42007C;
/// Result Message (`ResultMessage`), KMIP 1.0.
pub const RESULT_MESSAGE: u32 = 0x42007D;
/// Result Reason (`ResultReason`), KMIP 1.0.
pub const RESULT_REASON: u32 = 0x42007E;
/// Result Status (`ResultStatus`), KMIP 1.0.
pub const RESULT_STATUS: u32 = 0x42007F;
/// Revocation Message (`RevocationMessage`), KMIP 1.0.
pub const REVOCATION_MESSAGE: u32 = 0x420080;
/// Revocation Reason (`RevocationReason`), KMIP 1.0.
pub const REVOCATION_REASON: u32 = 0x420081;
/// Revocation Reason Code (`RevocationReasonCode`), KMIP 1.0.
pub const REVOCATION_REASON_CODE: u32 = 0x420082;
/// Key Role Type (`KeyRoleType`), KMIP 1.0.
pub const KEY_ROLE_TYPE: u32 = 0x420083;
/// Salt (`Salt`), KMIP 1.0.
pub const SALT: u32 = 0x420084;
/// Secret Data (`SecretData`), KMIP 1.0.
pub const SECRET_DATA: u32 = 0x420085;
/// Secret Data Type (`SecretDataType`), KMIP 1.0.
pub const SECRET_DATA_TYPE: u32 = 0x420086;
/// Serial Number (`SerialNumber`), KMIP 1.0.
pub const SERIAL_NUMBER: u32 = 0x420087;
/// Server Information (`ServerInformation`), KMIP 1.0.
pub const SERVER_INFORMATION: u32 = 0x420088;
/// Split Key (`SplitKey`), KMIP 1.0.
pub const SPLIT_KEY: u32 = 0x420089;
/// Split Key Method (`SplitKeyMethod`), KMIP 1.0.
pub const SPLIT_KEY_METHOD: u32 = 0x42008A;
/// Split Key Parts (`SplitKeyParts`), KMIP 1.0.
pub const SPLIT_KEY_PARTS: u32 = 0x42008B;
/// Split Key Threshold (`SplitKeyThreshold`), KMIP 1.0.
pub const SPLIT_KEY_THRESHOLD: u32 = 0x42008C;
/// State (`State`), KMIP 1.0.
pub const STATE: u32 = 0x42008D;
/// Storage Status Mask (`StorageStatusMask`), KMIP 1.0.
pub const STORAGE_STATUS_MASK: u32 = 0x42008E;
/// Symmetric Key (`SymmetricKey`), KMIP 1.0.
pub const SYMMETRIC_KEY: u32 = 0x42008F;
/// Template (`Template`), KMIP 1.0.
pub const TEMPLATE: u32 = 0x420090;
/// Template-Attribute (`TemplateAttribute`), KMIP 1.0.
pub const TEMPLATE_ATTRIBUTE: u32 = 0x420091;
/// Time Stamp (`TimeStamp`), KMIP 1.0.
pub const TIME_STAMP: u32 = 0x420092;
/// Unique Batch Item ID (`UniqueBatchItemID`), KMIP 1.0.
pub const UNIQUE_BATCH_ITEM_ID: u32 = 0x420093;
/// Unique Identifier (`UniqueIdentifier`), KMIP 1.0.
pub const UNIQUE_IDENTIFIER: u32 = 0x420094;
/// Usage Limits (`UsageLimits`), KMIP 1.0.
pub const USAGE_LIMITS: u32 = 0x420095;
/// Usage Limits Count (`UsageLimitsCount`), KMIP 1.0.
pub const USAGE_LIMITS_COUNT: u32 = 0x420096;
/// Usage Limits Total (`UsageLimitsTotal`), KMIP 1.0.
pub const USAGE_LIMITS_TOTAL: u32 = 0x420097;
/// Usage Limits Unit (`UsageLimitsUnit`), KMIP 1.0.
pub const USAGE_LIMITS_UNIT: u32 = 0x420098;
/// Username (`Username`), KMIP 1.0.
pub const USERNAME: u32 = 0x420099;
/// Validity Date (`ValidityDate`), KMIP 1.0.
pub const VALIDITY_DATE: u32 = 0x42009A;
/// Validity Indicator (`ValidityIndicator`), KMIP 1.0.
pub const VALIDITY_INDICATOR: u32 = 0x42009B;
/// Vendor Extension (`VendorExtension`), KMIP 1.0.
pub const VENDOR_EXTENSION: u32 = 0x42009C;
/// Vendor Identification (`VendorIdentification`), KMIP 1.0.
pub const VENDOR_IDENTIFICATION: u32 = 0x42009D;
/// Wrapping Method (`WrappingMethod`), KMIP 1.0.
pub const WRAPPING_METHOD: u32 = 0x42009E;
/// X (`X`), KMIP 1.0.
pub const X: u32 = 0x42009F;
/// Y (`Y`), KMIP 1.0.
pub const Y: u32 = 0x4200A0;
/// Password (`Password`), KMIP 1.0.
pub const PASSWORD: u32 = 0x4200A1;
/// Device Identifier (`DeviceIdentifier`), KMIP 1.1.
pub const DEVICE_IDENTIFIER: u32 = 0x4200A2;
/// Encoding Option (`EncodingOption`), KMIP 1.1.
pub const ENCODING_OPTION: u32 = 0x4200A3;
/// Extension Information (`ExtensionInformation`), KMIP 1.1.
pub const EXTENSION_INFORMATION: u32 = 0x4200A4;
/// Extension Name (`ExtensionName`), KMIP 1.1.
pub const EXTENSION_NAME: u32 = 0x4200A5;
/// Extension Tag (`ExtensionTag`), KMIP 1.1.
pub const EXTENSION_TAG: u32 = 0x4200A6;
/// Extension Type (`ExtensionType`), KMIP 1.1.
pub const EXTENSION_TYPE: u32 = 0x4200A7;
/// Fresh (`Fresh`), KMIP 1.1.
pub const FRESH: u32 = 0x4200A8;
/// Machine Identifier (`MachineIdentifier`), KMIP 1.1.
pub const MACHINE_IDENTIFIER: u32 = 0x4200A9;
/// Media Identifier (`MediaIdentifier`), KMIP 1.1.
pub const MEDIA_IDENTIFIER: u32 = 0x4200AA;
/// Network Identifier (`NetworkIdentifier`), KMIP 1.1.
pub const NETWORK_IDENTIFIER: u32 = 0x4200AB;
/// Object Group Member (`ObjectGroupMember`), KMIP 1.1.
pub const OBJECT_GROUP_MEMBER: u32 = 0x4200AC;
/// Certificate Length (`CertificateLength`), KMIP 1.1.
pub const CERTIFICATE_LENGTH: u32 = 0x4200AD;
/// Digital Signature Algorithm (`DigitalSignatureAlgorithm`), KMIP 1.1.
pub const DIGITAL_SIGNATURE_ALGORITHM: u32 = 0x4200AE;
/// Certificate Serial Number (`CertificateSerialNumber`), KMIP 1.1.
pub const CERTIFICATE_SERIAL_NUMBER: u32 = 0x4200AF;
/// Device Serial Number (`DeviceSerialNumber`), KMIP 1.1.
pub const DEVICE_SERIAL_NUMBER: u32 = 0x4200B0;
/// Issuer Alternative Name (`IssuerAlternativeName`), KMIP 1.1.
pub const ISSUER_ALTERNATIVE_NAME: u32 = 0x4200B1;
/// Issuer Distinguished Name (`IssuerDistinguishedName`), KMIP 1.1.
pub const ISSUER_DISTINGUISHED_NAME: u32 = 0x4200B2;
/// Subject Alternative Name (`SubjectAlternativeName`), KMIP 1.1.
pub const SUBJECT_ALTERNATIVE_NAME: u32 = 0x4200B3;
/// Subject Distinguished Name (`SubjectDistinguishedName`), KMIP 1.1.
pub const SUBJECT_DISTINGUISHED_NAME: u32 = 0x4200B4;
/// X.509 Certificate Identifier (`X_509CertificateIdentifier`), KMIP 1.1.
pub const X_509_CERTIFICATE_IDENTIFIER: u32 = 0x4200B5;
/// X.509 Certificate Issuer (`X_509CertificateIssuer`), KMIP 1.1.
pub const X_509_CERTIFICATE_ISSUER: u32 = 0x4200B6;
/// X.509 Certificate Subject (`X_509CertificateSubject`), KMIP 1.1.
pub const X_509_CERTIFICATE_SUBJECT: u32 = 0x4200B7;
/// Key Value Location (`KeyValueLocation`), KMIP 1.2.
pub const KEY_VALUE_LOCATION: u32 = 0x4200B8;
/// Key Value Location Value (`KeyValueLocationValue`), KMIP 1.2.
pub const KEY_VALUE_LOCATION_VALUE: u32 = 0x4200B9;
/// Key Value Location Type (`KeyValueLocationType`), KMIP 1.2.
pub const KEY_VALUE_LOCATION_TYPE: u32 = 0x4200BA;
/// Key Value Present (`KeyValuePresent`), KMIP 1.2.
pub const KEY_VALUE_PRESENT: u32 = 0x4200BB;
/// Original Creation Date (`OriginalCreationDate`), KMIP 1.2.
pub const ORIGINAL_CREATION_DATE: u32 = 0x4200BC;
/// PGP Key (`PGPKey`), KMIP 1.2.
pub const PGP_KEY: u32 = 0x4200BD;
/// PGP Key Version (`PGPKeyVersion`), KMIP 1.2.
pub const PGP_KEY_VERSION: u32 = 0x4200BE;
/// Alternative Name (`AlternativeName`), KMIP 1.2.
pub const ALTERNATIVE_NAME: u32 = 0x4200BF;
/// Alternative Name Value (`AlternativeNameValue`), KMIP 1.2.
pub const ALTERNATIVE_NAME_VALUE: u32 = 0x4200C0;
/// Alternative Name Type (`AlternativeNameType`), KMIP 1.2.
pub const ALTERNATIVE_NAME_TYPE: u32 = 0x4200C1;
/// Data (`Data`), KMIP 1.2.
pub const DATA: u32 = 0x4200C2;
/// Signature Data (`SignatureData`), KMIP 1.2.
pub const SIGNATURE_DATA: u32 = 0x4200C3;
/// Data Length (`DataLength`), KMIP 1.2.
pub const DATA_LENGTH: u32 = 0x4200C4;
/// Random IV (`RandomIV`), KMIP 1.2.
pub const RANDOM_IV: u32 = 0x4200C5;
/// MAC Data (`MACData`), KMIP 1.2.
pub const MAC_DATA: u32 = 0x4200C6;
/// Attestation Type (`AttestationType`), KMIP 1.2.
pub const ATTESTATION_TYPE: u32 = 0x4200C7;
/// Nonce (`Nonce`), KMIP 1.2.
pub const NONCE: u32 = 0x4200C8;
/// Nonce ID (`NonceID`), KMIP 1.2.
pub const NONCE_ID: u32 = 0x4200C9;
/// Nonce Value (`NonceValue`), KMIP 1.2.
pub const NONCE_VALUE: u32 = 0x4200CA;
/// Attestation Measurement (`AttestationMeasurement`), KMIP 1.2.
pub const ATTESTATION_MEASUREMENT: u32 = 0x4200CB;
/// Attestation Assertion (`AttestationAssertion`), KMIP 1.2.
pub const ATTESTATION_ASSERTION: u32 = 0x4200CC;
/// IV Length (`IVLength`), KMIP 1.2.
pub const IV_LENGTH: u32 = 0x4200CD;
/// Tag Length (`TagLength`), KMIP 1.2.
pub const TAG_LENGTH: u32 = 0x4200CE;
/// Fixed Field Length (`FixedFieldLength`), KMIP 1.2.
pub const FIXED_FIELD_LENGTH: u32 = 0x4200CF;
/// Counter Length (`CounterLength`), KMIP 1.2.
pub const COUNTER_LENGTH: u32 = 0x4200D0;
/// Initial Counter Value (`InitialCounterValue`), KMIP 1.2.
pub const INITIAL_COUNTER_VALUE: u32 = 0x4200D1;
/// Invocation Field Length (`InvocationFieldLength`), KMIP 1.2.
pub const INVOCATION_FIELD_LENGTH: u32 = 0x4200D2;
/// Attestation Capable Indicator (`AttestationCapableIndicator`), KMIP 1.2.
pub const ATTESTATION_CAPABLE_INDICATOR: u32 = 0x4200D3;
/// Offset Items (`OffsetItems`), KMIP 1.3.
pub const OFFSET_ITEMS: u32 = 0x4200D4;
/// Located Items (`LocatedItems`), KMIP 1.3.
pub const LOCATED_ITEMS: u32 = 0x4200D5;
/// Correlation Value (`CorrelationValue`), KMIP 1.3.
pub const CORRELATION_VALUE: u32 = 0x4200D6;
/// Init Indicator (`InitIndicator`), KMIP 1.3.
pub const INIT_INDICATOR: u32 = 0x4200D7;
/// Final Indicator (`FinalIndicator`), KMIP 1.3.
pub const FINAL_INDICATOR: u32 = 0x4200D8;
/// RNG Parameters (`RNGParameters`), KMIP 1.3.
pub const RNG_PARAMETERS: u32 = 0x4200D9;
/// RNG Algorithm (`RNGAlgorithm`), KMIP 1.3.
pub const RNG_ALGORITHM: u32 = 0x4200DA;
/// DRBG Algorithm (`DRBGAlgorithm`), KMIP 1.3.
pub const DRBG_ALGORITHM: u32 = 0x4200DB;
/// FIPS186 Variation (`FIPS186Variation`), KMIP 1.3.
pub const FIPS186_VARIATION: u32 = 0x4200DC;
/// Prediction Resistance (`PredictionResistance`), KMIP 1.3.
pub const PREDICTION_RESISTANCE: u32 = 0x4200DD;
/// Random Number Generator (`RandomNumberGenerator`), KMIP 1.3.
pub const RANDOM_NUMBER_GENERATOR: u32 = 0x4200DE;
/// Validation Information (`ValidationInformation`), KMIP 1.3.
pub const VALIDATION_INFORMATION: u32 = 0x4200DF;
/// Validation Authority Type (`ValidationAuthorityType`), KMIP 1.3.
pub const VALIDATION_AUTHORITY_TYPE: u32 = 0x4200E0;
/// Validation Authority Country (`ValidationAuthorityCountry`), KMIP 1.3.
pub const VALIDATION_AUTHORITY_COUNTRY: u32 = 0x4200E1;
/// Validation Authority URI (`ValidationAuthorityURI`), KMIP 1.3.
pub const VALIDATION_AUTHORITY_URI: u32 = 0x4200E2;
/// Validation Version Major (`ValidationVersionMajor`), KMIP 1.3.
pub const VALIDATION_VERSION_MAJOR: u32 = 0x4200E3;
/// Validation Version Minor (`ValidationVersionMinor`), KMIP 1.3.
pub const VALIDATION_VERSION_MINOR: u32 = 0x4200E4;
/// Validation Type (`ValidationType`), KMIP 1.3.
pub const VALIDATION_TYPE: u32 = 0x4200E5;
/// Validation Level (`ValidationLevel`), KMIP 1.3.
pub const VALIDATION_LEVEL: u32 = 0x4200E6;
/// Validation Certificate Identifier (`ValidationCertificateIdentifier`), KMIP 1.3.
pub const VALIDATION_CERTIFICATE_IDENTIFIER: u32 = 0x4200E7;
/// Validation Certificate URI (`ValidationCertificateURI`), KMIP 1.3.
pub const VALIDATION_CERTIFICATE_URI: u32 = 0x4200E8;
/// Validation Vendor URI (`ValidationVendorURI`), KMIP 1.3.
pub const VALIDATION_VENDOR_URI: u32 = 0x4200E9;
/// Validation Profile (`ValidationProfile`), KMIP 1.3.
pub const VALIDATION_PROFILE: u32 = 0x4200EA;
/// Profile Information (`ProfileInformation`), KMIP 1.3.
pub const PROFILE_INFORMATION: u32 = 0x4200EB;
/// Profile Name (`ProfileName`), KMIP 1.3.
pub const PROFILE_NAME: u32 = 0x4200EC;
/// Server URI (`ServerURI`), KMIP 1.3.
pub const SERVER_URI: u32 = 0x4200ED;
/// Server Port (`ServerPort`), KMIP 1.3.
pub const SERVER_PORT: u32 = 0x4200EE;
/// Streaming Capability (`StreamingCapability`), KMIP 1.3.
pub const STREAMING_CAPABILITY: u32 = 0x4200EF;
/// Asynchronous Capability (`AsynchronousCapability`), KMIP 1.3.
pub const ASYNCHRONOUS_CAPABILITY: u32 = 0x4200F0;
/// Attestation Capability (`AttestationCapability`), KMIP 1.3.
pub const ATTESTATION_CAPABILITY: u32 = 0x4200F1;
/// Unwrap Mode (`UnwrapMode`), KMIP 1.3.
pub const UNWRAP_MODE: u32 = 0x4200F2;
/// Destroy Action (`DestroyAction`), KMIP 1.3.
pub const DESTROY_ACTION: u32 = 0x4200F3;
/// Shredding Algorithm (`ShreddingAlgorithm`), KMIP 1.3.
pub const SHREDDING_ALGORITHM: u32 = 0x4200F4;
/// RNG Mode (`RNGMode`), KMIP 1.3.
pub const RNG_MODE: u32 = 0x4200F5;
/// Client Registration Method (`ClientRegistrationMethod`), KMIP 1.3.
pub const CLIENT_REGISTRATION_METHOD: u32 = 0x4200F6;
/// Capability Information (`CapabilityInformation`), KMIP 1.3.
pub const CAPABILITY_INFORMATION: u32 = 0x4200F7;
/// Key Wrap Type (`KeyWrapType`), KMIP 1.4.
pub const KEY_WRAP_TYPE: u32 = 0x4200F8;
/// Batch Undo Capability (`BatchUndoCapability`), KMIP 1.4.
pub const BATCH_UNDO_CAPABILITY: u32 = 0x4200F9;
/// Batch Continue Capability (`BatchContinueCapability`), KMIP 1.4.
pub const BATCH_CONTINUE_CAPABILITY: u32 = 0x4200FA;
/// PKCS#12 Friendly Name (`PKCS_12FriendlyName`), KMIP 1.4.
pub const PKCS_12_FRIENDLY_NAME: u32 = 0x4200FB;
/// Description (`Description`), KMIP 1.4.
pub const DESCRIPTION: u32 = 0x4200FC;
/// Comment (`Comment`), KMIP 1.4.
pub const COMMENT: u32 = 0x4200FD;
/// Authenticated Encryption Additional Data (`AuthenticatedEncryptionAdditionalData`), KMIP 1.4.
pub const AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA: u32 = 0x4200FE;
/// Authenticated Encryption Tag (`AuthenticatedEncryptionTag`), KMIP 1.4.
pub const AUTHENTICATED_ENCRYPTION_TAG: u32 = 0x4200FF;
/// Salt Length (`SaltLength`), KMIP 1.4.
pub const SALT_LENGTH: u32 = 0x420100;
/// Mask Generator (`MaskGenerator`), KMIP 1.4.
pub const MASK_GENERATOR: u32 = 0x420101;
/// Mask Generator Hashing Algorithm (`MaskGeneratorHashingAlgorithm`), KMIP 1.4.
pub const MASK_GENERATOR_HASHING_ALGORITHM: u32 = 0x420102;
/// P Source (`PSource`), KMIP 1.4.
pub const P_SOURCE: u32 = 0x420103;
/// Trailer Field (`TrailerField`), KMIP 1.4.
pub const TRAILER_FIELD: u32 = 0x420104;
/// Client Correlation Value (`ClientCorrelationValue`), KMIP 1.4.
pub const CLIENT_CORRELATION_VALUE: u32 = 0x420105;
/// Server Correlation Value (`ServerCorrelationValue`), KMIP 1.4.
pub const SERVER_CORRELATION_VALUE: u32 = 0x420106;
/// Digested Data (`DigestedData`), KMIP 1.4.
pub const DIGESTED_DATA: u32 = 0x420107;
/// Certificate Subject CN (`CertificateSubjectCN`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_CN: u32 = 0x420108;
/// Certificate Subject O (`CertificateSubjectO`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_O: u32 = 0x420109;
/// Certificate Subject OU (`CertificateSubjectOU`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_OU: u32 = 0x42010A;
/// Certificate Subject Email (`CertificateSubjectEmail`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_EMAIL: u32 = 0x42010B;
/// Certificate Subject C (`CertificateSubjectC`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_C: u32 = 0x42010C;
/// Certificate Subject ST (`CertificateSubjectST`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_ST: u32 = 0x42010D;
/// Certificate Subject L (`CertificateSubjectL`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_L: u32 = 0x42010E;
/// Certificate Subject UID (`CertificateSubjectUID`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_UID: u32 = 0x42010F;
/// Certificate Subject Serial Number (`CertificateSubjectSerialNumber`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_SERIAL_NUMBER: u32 = 0x420110;
/// Certificate Subject Title (`CertificateSubjectTitle`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_TITLE: u32 = 0x420111;
/// Certificate Subject DC (`CertificateSubjectDC`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_DC: u32 = 0x420112;
/// Certificate Subject DN Qualifier (`CertificateSubjectDNQualifier`), KMIP 1.4.
pub const CERTIFICATE_SUBJECT_DN_QUALIFIER: u32 = 0x420113;
/// Certificate Issuer CN (`CertificateIssuerCN`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_CN: u32 = 0x420114;
/// Certificate Issuer O (`CertificateIssuerO`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_O: u32 = 0x420115;
/// Certificate Issuer OU (`CertificateIssuerOU`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_OU: u32 = 0x420116;
/// Certificate Issuer Email (`CertificateIssuerEmail`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_EMAIL: u32 = 0x420117;
/// Certificate Issuer C (`CertificateIssuerC`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_C: u32 = 0x420118;
/// Certificate Issuer ST (`CertificateIssuerST`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_ST: u32 = 0x420119;
/// Certificate Issuer L (`CertificateIssuerL`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_L: u32 = 0x42011A;
/// Certificate Issuer UID (`CertificateIssuerUID`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_UID: u32 = 0x42011B;
/// Certificate Issuer Serial Number (`CertificateIssuerSerialNumber`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_SERIAL_NUMBER: u32 = 0x42011C;
/// Certificate Issuer Title (`CertificateIssuerTitle`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_TITLE: u32 = 0x42011D;
/// Certificate Issuer DC (`CertificateIssuerDC`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_DC: u32 = 0x42011E;
/// Certificate Issuer DN Qualifier (`CertificateIssuerDNQualifier`), KMIP 1.4.
pub const CERTIFICATE_ISSUER_DN_QUALIFIER: u32 = 0x42011F;
/// Sensitive (`Sensitive`), KMIP 1.4.
pub const SENSITIVE: u32 = 0x420120;
/// Always Sensitive (`AlwaysSensitive`), KMIP 1.4.
pub const ALWAYS_SENSITIVE: u32 = 0x420121;
/// Extractable (`Extractable`), KMIP 1.4.
pub const EXTRACTABLE: u32 = 0x420122;
/// Never Extractable (`NeverExtractable`), KMIP 1.4.
pub const NEVER_EXTRACTABLE: u32 = 0x420123;
/// Replace Existing (`ReplaceExisting`), KMIP 1.4.
pub const REPLACE_EXISTING: u32 = 0x420124;
/// Attributes (`Attributes`), KMIP 2.0.
pub const ATTRIBUTES: u32 = 0x420125;
/// Common Attributes (`CommonAttributes`), KMIP 2.0.
pub const COMMON_ATTRIBUTES: u32 = 0x420126;
/// Private Key Attributes (`PrivateKeyAttributes`), KMIP 2.0.
pub const PRIVATE_KEY_ATTRIBUTES: u32 = 0x420127;
/// Public Key Attributes (`PublicKeyAttributes`), KMIP 2.0.
pub const PUBLIC_KEY_ATTRIBUTES: u32 = 0x420128;
/// Extension Enumeration (`ExtensionEnumeration`), KMIP 2.0.
pub const EXTENSION_ENUMERATION: u32 = 0x420129;
/// Extension Attribute (`ExtensionAttribute`), KMIP 2.0.
pub const EXTENSION_ATTRIBUTE: u32 = 0x42012A;
/// Extension Parent Structure Tag (`ExtensionParentStructureTag`), KMIP 2.0.
pub const EXTENSION_PARENT_STRUCTURE_TAG: u32 = 0x42012B;
/// Extension Description (`ExtensionDescription`), KMIP 2.0.
pub const EXTENSION_DESCRIPTION: u32 = 0x42012C;
/// Server Name (`ServerName`), KMIP 2.0.
pub const SERVER_NAME: u32 = 0x42012D;
/// Server Serial Number (`ServerSerialNumber`), KMIP 2.0.
pub const SERVER_SERIAL_NUMBER: u32 = 0x42012E;
/// Server Version (`ServerVersion`), KMIP 2.0.
pub const SERVER_VERSION: u32 = 0x42012F;
/// Server Load (`ServerLoad`), KMIP 2.0.
pub const SERVER_LOAD: u32 = 0x420130;
/// Product Name (`ProductName`), KMIP 2.0.
pub const PRODUCT_NAME: u32 = 0x420131;
/// Build Level (`BuildLevel`), KMIP 2.0.
pub const BUILD_LEVEL: u32 = 0x420132;
/// Build Date (`BuildDate`), KMIP 2.0.
pub const BUILD_DATE: u32 = 0x420133;
/// Cluster Info (`ClusterInfo`), KMIP 2.0.
pub const CLUSTER_INFO: u32 = 0x420134;
/// Alternate Failover Endpoints (`AlternateFailoverEndpoints`), KMIP 2.0.
pub const ALTERNATE_FAILOVER_ENDPOINTS: u32 = 0x420135;
/// Short Unique Identifier (`ShortUniqueIdentifier`), KMIP 2.0.
pub const SHORT_UNIQUE_IDENTIFIER: u32 = 0x420136;
/// Reserved (`Reserved`), KMIP 2.0.
pub const RESERVED: u32 = 0x420137;
/// Tag (`Tag`), KMIP 2.0.
pub const TAG: u32 = 0x420138;
/// Certificate Request Unique Identifier (`CertificateRequestUniqueIdentifier`), KMIP 2.0.
pub const CERTIFICATE_REQUEST_UNIQUE_IDENTIFIER: u32 = 0x420139;
/// NIST Key Type (`NISTKeyType`), KMIP 2.0.
pub const NIST_KEY_TYPE: u32 = 0x42013A;
/// Attribute Reference (`AttributeReference`), KMIP 2.0.
pub const ATTRIBUTE_REFERENCE: u32 = 0x42013B;
/// Current Attribute (`CurrentAttribute`), KMIP 2.0.
pub const CURRENT_ATTRIBUTE: u32 = 0x42013C;
/// New Attribute (`NewAttribute`), KMIP 2.0.
pub const NEW_ATTRIBUTE: u32 = 0x42013D;
/// Certificate Request Value (`CertificateRequestValue`), KMIP 2.0.
pub const CERTIFICATE_REQUEST_VALUE: u32 = 0x420140;
/// Log Message (`LogMessage`), KMIP 2.0.
pub const LOG_MESSAGE: u32 = 0x420141;
/// Profile Version (`ProfileVersion`), KMIP 2.0.
pub const PROFILE_VERSION: u32 = 0x420142;
/// Profile Version Major (`ProfileVersionMajor`), KMIP 2.0.
pub const PROFILE_VERSION_MAJOR: u32 = 0x420143;
/// Profile Version Minor (`ProfileVersionMinor`), KMIP 2.0.
pub const PROFILE_VERSION_MINOR: u32 = 0x420144;
/// Protection Level (`ProtectionLevel`), KMIP 2.0.
pub const PROTECTION_LEVEL: u32 = 0x420145;
/// Protection Period (`ProtectionPeriod`), KMIP 2.0.
pub const PROTECTION_PERIOD: u32 = 0x420146;
/// Quantum Safe (`QuantumSafe`), KMIP 2.0.
pub const QUANTUM_SAFE: u32 = 0x420147;
/// Quantum Safe Capability (`QuantumSafeCapability`), KMIP 2.0.
pub const QUANTUM_SAFE_CAPABILITY: u32 = 0x420148;
/// Ticket (`Ticket`), KMIP 2.0.
pub const TICKET: u32 = 0x420149;
/// Ticket Type (`TicketType`), KMIP 2.0.
pub const TICKET_TYPE: u32 = 0x42014A;
/// Ticket Value (`TicketValue`), KMIP 2.0.
pub const TICKET_VALUE: u32 = 0x42014B;
/// Request Count (`RequestCount`), KMIP 2.0.
pub const REQUEST_COUNT: u32 = 0x42014C;
/// Rights (`Rights`), KMIP 2.0.
pub const RIGHTS: u32 = 0x42014D;
/// Objects (`Objects`), KMIP 2.0.
pub const OBJECTS: u32 = 0x42014E;
/// Operations (`Operations`), KMIP 2.0.
pub const OPERATIONS: u32 = 0x42014F;
/// Right (`Right`), KMIP 2.0.
pub const RIGHT: u32 = 0x420150;
/// Endpoint Role (`EndpointRole`), KMIP 2.0.
pub const ENDPOINT_ROLE: u32 = 0x420151;
/// Defaults Information (`DefaultsInformation`), KMIP 2.0.
pub const DEFAULTS_INFORMATION: u32 = 0x420152;
/// Object Defaults (`ObjectDefaults`), KMIP 2.0.
pub const OBJECT_DEFAULTS: u32 = 0x420153;
/// Ephemeral (`Ephemeral`), KMIP 2.0.
pub const EPHEMERAL: u32 = 0x420154;
/// Server Hashed Password (`ServerHashedPassword`), KMIP 2.0.
pub const SERVER_HASHED_PASSWORD: u32 = 0x420155;
/// One Time Password (`OneTimePassword`), KMIP 2.0.
pub const ONE_TIME_PASSWORD: u32 = 0x420156;
/// Hashed Password (`HashedPassword`), KMIP 2.0.
pub const HASHED_PASSWORD: u32 = 0x420157;
/// Adjustment Type (`AdjustmentType`), KMIP 2.0.
pub const ADJUSTMENT_TYPE: u32 = 0x420158;
/// PKCS#11 Interface (`PKCS_11Interface`), KMIP 2.0.
pub const PKCS_11_INTERFACE: u32 = 0x420159;
/// PKCS#11 Function (`PKCS_11Function`), KMIP 2.0.
pub const PKCS_11_FUNCTION: u32 = 0x42015A;
/// PKCS#11 Input Parameters (`PKCS_11InputParameters`), KMIP 2.0.
pub const PKCS_11_INPUT_PARAMETERS: u32 = 0x42015B;
/// PKCS#11 Output Parameters (`PKCS_11OutputParameters`), KMIP 2.0.
pub const PKCS_11_OUTPUT_PARAMETERS: u32 = 0x42015C;
/// PKCS#11 Return Code (`PKCS_11ReturnCode`), KMIP 2.0.
pub const PKCS_11_RETURN_CODE: u32 = 0x42015D;
/// Protection Storage Mask (`ProtectionStorageMask`), KMIP 2.0.
pub const PROTECTION_STORAGE_MASK: u32 = 0x42015E;
/// Protection Storage Masks (`ProtectionStorageMasks`), KMIP 2.0.
pub const PROTECTION_STORAGE_MASKS: u32 = 0x42015F;
/// Interop Function (`InteropFunction`), KMIP 2.0.
pub const INTEROP_FUNCTION: u32 = 0x420160;
/// Interop Identifier (`InteropIdentifier`), KMIP 2.0.
pub const INTEROP_IDENTIFIER: u32 = 0x420161;
/// Adjustment Value (`AdjustmentValue`), KMIP 2.0.
pub const ADJUSTMENT_VALUE: u32 = 0x420162;
/// Common Protection Storage Masks (`CommonProtectionStorageMasks`), KMIP 2.0.
pub const COMMON_PROTECTION_STORAGE_MASKS: u32 = 0x420163;
/// Private Protection Storage Masks (`PrivateProtectionStorageMasks`), KMIP 2.0.
pub const PRIVATE_PROTECTION_STORAGE_MASKS: u32 = 0x420164;
/// Public Protection Storage Masks (`PublicProtectionStorageMasks`), KMIP 2.0.
pub const PUBLIC_PROTECTION_STORAGE_MASKS: u32 = 0x420165;
/// Object Groups (`ObjectGroups`), KMIP 2.1.
pub const OBJECT_GROUPS: u32 = 0x420166;
/// Object Types (`ObjectTypes`), KMIP 2.1.
pub const OBJECT_TYPES: u32 = 0x420167;
/// Constraints (`Constraints`), KMIP 2.1.
pub const CONSTRAINTS: u32 = 0x420168;
/// Constraint (`Constraint`), KMIP 2.1.
pub const CONSTRAINT: u32 = 0x420169;
/// Rotate Interval (`RotateInterval`), KMIP 2.1.
pub const ROTATE_INTERVAL: u32 = 0x42016A;
/// Rotate Automatic (`RotateAutomatic`), KMIP 2.1.
pub const ROTATE_AUTOMATIC: u32 = 0x42016B;
/// Rotate Offset (`RotateOffset`), KMIP 2.1.
pub const ROTATE_OFFSET: u32 = 0x42016C;
/// Rotate Date (`RotateDate`), KMIP 2.1.
pub const ROTATE_DATE: u32 = 0x42016D;
/// Rotate Generation (`RotateGeneration`), KMIP 2.1.
pub const ROTATE_GENERATION: u32 = 0x42016E;
/// Rotate Name (`RotateName`), KMIP 2.1.
pub const ROTATE_NAME: u32 = 0x42016F;
/// Rotate Name Value (`RotateNameValue`), KMIP 2.1.
pub const ROTATE_NAME_VALUE: u32 = 0x420170;
/// Rotate Name Type (`RotateNameType`), KMIP 2.1.
pub const ROTATE_NAME_TYPE: u32 = 0x420171;
/// Rotate Latest (`RotateLatest`), KMIP 2.1.
pub const ROTATE_LATEST: u32 = 0x420172;
/// Asynchronous Request (`AsynchronousRequest`), KMIP 2.1.
pub const ASYNCHRONOUS_REQUEST: u32 = 0x420173;
/// Submission Date (`SubmissionDate`), KMIP 2.1.
pub const SUBMISSION_DATE: u32 = 0x420174;
/// Processing Stage (`ProcessingStage`), KMIP 2.1.
pub const PROCESSING_STAGE: u32 = 0x420175;
/// Asynchronous Correlation Values (`AsynchronousCorrelationValues`), KMIP 2.1.
pub const ASYNCHRONOUS_CORRELATION_VALUES: u32 = 0x420176;
