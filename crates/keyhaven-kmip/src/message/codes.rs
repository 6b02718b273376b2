//! Operation and Result Reason enumeration values.

/// Operation enumeration values (KMIP 1.0-2.1).
pub mod op {
    /// Create (0x01).
    pub const CREATE: u32 = 0x01;
    /// Create Key Pair (0x02).
    pub const CREATE_KEY_PAIR: u32 = 0x02;
    /// Register (0x03).
    pub const REGISTER: u32 = 0x03;
    /// Re-key (0x04).
    pub const REKEY: u32 = 0x04;
    /// Derive Key (0x05).
    pub const DERIVE_KEY: u32 = 0x05;
    /// Certify (0x06).
    pub const CERTIFY: u32 = 0x06;
    /// Re-certify (0x07).
    pub const RECERTIFY: u32 = 0x07;
    /// Locate (0x08).
    pub const LOCATE: u32 = 0x08;
    /// Check (0x09).
    pub const CHECK: u32 = 0x09;
    /// Get (0x0A).
    pub const GET: u32 = 0x0A;
    /// Get Attributes (0x0B).
    pub const GET_ATTRIBUTES: u32 = 0x0B;
    /// Get Attribute List (0x0C).
    pub const GET_ATTRIBUTE_LIST: u32 = 0x0C;
    /// Add Attribute (0x0D).
    pub const ADD_ATTRIBUTE: u32 = 0x0D;
    /// Modify Attribute (0x0E).
    pub const MODIFY_ATTRIBUTE: u32 = 0x0E;
    /// Delete Attribute (0x0F).
    pub const DELETE_ATTRIBUTE: u32 = 0x0F;
    /// Obtain Lease (0x10).
    pub const OBTAIN_LEASE: u32 = 0x10;
    /// Get Usage Allocation (0x11).
    pub const GET_USAGE_ALLOCATION: u32 = 0x11;
    /// Activate (0x12).
    pub const ACTIVATE: u32 = 0x12;
    /// Revoke (0x13).
    pub const REVOKE: u32 = 0x13;
    /// Destroy (0x14).
    pub const DESTROY: u32 = 0x14;
    /// Archive (0x15).
    pub const ARCHIVE: u32 = 0x15;
    /// Recover (0x16).
    pub const RECOVER: u32 = 0x16;
    /// Validate (0x17).
    pub const VALIDATE: u32 = 0x17;
    /// Query (0x18).
    pub const QUERY: u32 = 0x18;
    /// Cancel (0x19).
    pub const CANCEL: u32 = 0x19;
    /// Poll (0x1A).
    pub const POLL: u32 = 0x1A;
    /// Notify (0x1B).
    pub const NOTIFY: u32 = 0x1B;
    /// Put (0x1C).
    pub const PUT: u32 = 0x1C;
    /// Re-key Key Pair (0x1D).
    pub const REKEY_KEY_PAIR: u32 = 0x1D;
    /// Discover Versions (0x1E).
    pub const DISCOVER_VERSIONS: u32 = 0x1E;
    /// Encrypt (0x1F).
    pub const ENCRYPT: u32 = 0x1F;
    /// Decrypt (0x20).
    pub const DECRYPT: u32 = 0x20;
    /// Sign (0x21).
    pub const SIGN: u32 = 0x21;
    /// Signature Verify (0x22).
    pub const SIGNATURE_VERIFY: u32 = 0x22;
    /// MAC (0x23).
    pub const MAC: u32 = 0x23;
    /// MAC Verify (0x24).
    pub const MAC_VERIFY: u32 = 0x24;
    /// RNG Retrieve (0x25).
    pub const RNG_RETRIEVE: u32 = 0x25;
    /// RNG Seed (0x26).
    pub const RNG_SEED: u32 = 0x26;
    /// Hash (0x27).
    pub const HASH: u32 = 0x27;
    /// Create Split Key (0x28).
    pub const CREATE_SPLIT_KEY: u32 = 0x28;
    /// Join Split Key (0x29).
    pub const JOIN_SPLIT_KEY: u32 = 0x29;
    /// Import (0x2A).
    pub const IMPORT: u32 = 0x2A;
    /// Export (0x2B).
    pub const EXPORT: u32 = 0x2B;
    /// Log (0x2C).
    pub const LOG: u32 = 0x2C;
    /// Login (0x2D).
    pub const LOGIN: u32 = 0x2D;
    /// Logout (0x2E).
    pub const LOGOUT: u32 = 0x2E;
    /// Delegated Login (0x2F).
    pub const DELEGATED_LOGIN: u32 = 0x2F;
    /// Adjust Attribute (0x30).
    pub const ADJUST_ATTRIBUTE: u32 = 0x30;
    /// Set Attribute (0x31).
    pub const SET_ATTRIBUTE: u32 = 0x31;
    /// Set Endpoint Role (0x32).
    pub const SET_ENDPOINT_ROLE: u32 = 0x32;
    /// PKCS#11 (0x33).
    pub const PKCS_11: u32 = 0x33;
    /// Interop (0x34).
    pub const INTEROP: u32 = 0x34;
    /// Re-Provision (0x35).
    pub const REPROVISION: u32 = 0x35;
    /// Set Defaults (0x36).
    pub const SET_DEFAULTS: u32 = 0x36;
    /// Set Constraints (0x37).
    pub const SET_CONSTRAINTS: u32 = 0x37;
    /// Get Constraints (0x38).
    pub const GET_CONSTRAINTS: u32 = 0x38;
    /// Query Asynchronous Requests (0x39).
    pub const QUERY_ASYNCHRONOUS_REQUESTS: u32 = 0x39;
    /// Process (0x3A).
    pub const PROCESS: u32 = 0x3A;
    /// Ping (0x3B).
    pub const PING: u32 = 0x3B;
}

/// Result Reason enumeration values (KMIP 1.0-2.1; some exist only in 1.x or only in 2.x).
pub mod reason {
    /// Item Not Found (0x01).
    pub const ITEM_NOT_FOUND: u32 = 0x01;
    /// Response Too Large (0x02).
    pub const RESPONSE_TOO_LARGE: u32 = 0x02;
    /// Authentication Not Successful (0x03).
    pub const AUTHENTICATION_NOT_SUCCESSFUL: u32 = 0x03;
    /// Invalid Message (0x04).
    pub const INVALID_MESSAGE: u32 = 0x04;
    /// Operation Not Supported (0x05).
    pub const OPERATION_NOT_SUPPORTED: u32 = 0x05;
    /// Missing Data (0x06).
    pub const MISSING_DATA: u32 = 0x06;
    /// Invalid Field (0x07).
    pub const INVALID_FIELD: u32 = 0x07;
    /// Feature Not Supported (0x08).
    pub const FEATURE_NOT_SUPPORTED: u32 = 0x08;
    /// Operation Canceled By Requester (0x09).
    pub const OPERATION_CANCELED_BY_REQUESTER: u32 = 0x09;
    /// Cryptographic Failure (0x0A).
    pub const CRYPTOGRAPHIC_FAILURE: u32 = 0x0A;
    /// KMIP 1.x only.
    pub const ILLEGAL_OPERATION: u32 = 0x0B;
    /// Permission Denied (0x0C).
    pub const PERMISSION_DENIED: u32 = 0x0C;
    /// Object Archived (0x0D).
    pub const OBJECT_ARCHIVED: u32 = 0x0D;
    /// KMIP 1.x only.
    pub const INDEX_OUT_OF_BOUNDS: u32 = 0x0E;
    /// Application Namespace Not Supported (0x0F).
    pub const APPLICATION_NAMESPACE_NOT_SUPPORTED: u32 = 0x0F;
    /// Key Format Type Not Supported (0x10).
    pub const KEY_FORMAT_TYPE_NOT_SUPPORTED: u32 = 0x10;
    /// Key Compression Type Not Supported (0x11).
    pub const KEY_COMPRESSION_TYPE_NOT_SUPPORTED: u32 = 0x11;
    /// Encoding Option Error (0x12).
    pub const ENCODING_OPTION_ERROR: u32 = 0x12;
    /// Key Value Not Present (0x13).
    pub const KEY_VALUE_NOT_PRESENT: u32 = 0x13;
    /// Attestation Required (0x14).
    pub const ATTESTATION_REQUIRED: u32 = 0x14;
    /// Attestation Failed (0x15).
    pub const ATTESTATION_FAILED: u32 = 0x15;
    /// Sensitive (0x16).
    pub const SENSITIVE: u32 = 0x16;
    /// Not Extractable (0x17).
    pub const NOT_EXTRACTABLE: u32 = 0x17;
    /// Object Already Exists (0x18).
    pub const OBJECT_ALREADY_EXISTS: u32 = 0x18;
    /// Invalid Ticket (0x19).
    pub const INVALID_TICKET: u32 = 0x19;
    /// Usage Limit Exceeded (0x1A).
    pub const USAGE_LIMIT_EXCEEDED: u32 = 0x1A;
    /// Numeric Range (0x1B).
    pub const NUMERIC_RANGE: u32 = 0x1B;
    /// Invalid Data Type (0x1C).
    pub const INVALID_DATA_TYPE: u32 = 0x1C;
    /// Read Only Attribute (0x1D).
    pub const READ_ONLY_ATTRIBUTE: u32 = 0x1D;
    /// Multi Valued Attribute (0x1E).
    pub const MULTI_VALUED_ATTRIBUTE: u32 = 0x1E;
    /// Unsupported Attribute (0x1F).
    pub const UNSUPPORTED_ATTRIBUTE: u32 = 0x1F;
    /// Attribute Instance Not Found (0x20).
    pub const ATTRIBUTE_INSTANCE_NOT_FOUND: u32 = 0x20;
    /// Attribute Not Found (0x21).
    pub const ATTRIBUTE_NOT_FOUND: u32 = 0x21;
    /// Attribute Read Only (0x22).
    pub const ATTRIBUTE_READ_ONLY: u32 = 0x22;
    /// Attribute Single Valued (0x23).
    pub const ATTRIBUTE_SINGLE_VALUED: u32 = 0x23;
    /// Bad Cryptographic Parameters (0x24).
    pub const BAD_CRYPTOGRAPHIC_PARAMETERS: u32 = 0x24;
    /// Bad Password (0x25).
    pub const BAD_PASSWORD: u32 = 0x25;
    /// Codec Error (0x26).
    pub const CODEC_ERROR: u32 = 0x26;
    /// Illegal Object Type (0x28).
    pub const ILLEGAL_OBJECT_TYPE: u32 = 0x28;
    /// Incompatible Cryptographic Usage Mask (0x29).
    pub const INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK: u32 = 0x29;
    /// Internal Server Error (0x2A).
    pub const INTERNAL_SERVER_ERROR: u32 = 0x2A;
    /// Invalid Asynchronous Correlation Value (0x2B).
    pub const INVALID_ASYNCHRONOUS_CORRELATION_VALUE: u32 = 0x2B;
    /// Invalid Attribute (0x2C).
    pub const INVALID_ATTRIBUTE: u32 = 0x2C;
    /// Invalid Attribute Value (0x2D).
    pub const INVALID_ATTRIBUTE_VALUE: u32 = 0x2D;
    /// Invalid Correlation Value (0x2E).
    pub const INVALID_CORRELATION_VALUE: u32 = 0x2E;
    /// Invalid CSR (0x2F).
    pub const INVALID_CSR: u32 = 0x2F;
    /// Invalid Object Type (0x30).
    pub const INVALID_OBJECT_TYPE: u32 = 0x30;
    /// Key Wrap Type Not Supported (0x32).
    pub const KEY_WRAP_TYPE_NOT_SUPPORTED: u32 = 0x32;
    /// Missing Initialization Vector (0x34).
    pub const MISSING_INITIALIZATION_VECTOR: u32 = 0x34;
    /// Non Unique Name Attribute (0x35).
    pub const NON_UNIQUE_NAME_ATTRIBUTE: u32 = 0x35;
    /// Object Destroyed (0x36).
    pub const OBJECT_DESTROYED: u32 = 0x36;
    /// Object Not Found (0x37).
    pub const OBJECT_NOT_FOUND: u32 = 0x37;
    /// Not Authorised (0x39).
    pub const NOT_AUTHORISED: u32 = 0x39;
    /// Server Limit Exceeded (0x3A).
    pub const SERVER_LIMIT_EXCEEDED: u32 = 0x3A;
    /// Unknown Enumeration (0x3B).
    pub const UNKNOWN_ENUMERATION: u32 = 0x3B;
    /// Unknown Message Extension (0x3C).
    pub const UNKNOWN_MESSAGE_EXTENSION: u32 = 0x3C;
    /// Unknown Tag (0x3D).
    pub const UNKNOWN_TAG: u32 = 0x3D;
    /// Unsupported Cryptographic Parameters (0x3E).
    pub const UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS: u32 = 0x3E;
    /// Unsupported Protocol Version (0x3F).
    pub const UNSUPPORTED_PROTOCOL_VERSION: u32 = 0x3F;
    /// Wrapping Object Archived (0x40).
    pub const WRAPPING_OBJECT_ARCHIVED: u32 = 0x40;
    /// Wrapping Object Destroyed (0x41).
    pub const WRAPPING_OBJECT_DESTROYED: u32 = 0x41;
    /// Wrapping Object Not Found (0x42).
    pub const WRAPPING_OBJECT_NOT_FOUND: u32 = 0x42;
    /// Wrong Key Lifecycle State (0x43).
    pub const WRONG_KEY_LIFECYCLE_STATE: u32 = 0x43;
    /// Protection Storage Unavailable (0x44).
    pub const PROTECTION_STORAGE_UNAVAILABLE: u32 = 0x44;
    /// Constraint Violation (0x4B).
    pub const CONSTRAINT_VIOLATION: u32 = 0x4B;
    /// Duplicate Process Request (0x4C).
    pub const DUPLICATE_PROCESS_REQUEST: u32 = 0x4C;
    /// General Failure (0x100).
    pub const GENERAL_FAILURE: u32 = 0x100;
}
