//! Key algorithms as discovery names them: the algorithm OIDs of SubjectPublicKeyInfo and
//! PKCS#8, named curves, key sizes, what the crypto policy assesses, and the keyhaven algorithm
//! a private key can be imported as.

use keyhaven_core::policy::{AlgorithmSpec, Primitive};

/// rsaEncryption.
pub const RSA: &str = "1.2.840.113549.1.1.1";
/// id-RSASSA-PSS.
pub const RSA_PSS: &str = "1.2.840.113549.1.1.10";
/// id-ecPublicKey.
pub const EC: &str = "1.2.840.10045.2.1";
/// id-dsa.
pub const DSA: &str = "1.2.840.10040.4.1";
/// id-Ed25519.
pub const ED25519: &str = "1.3.101.112";
/// id-Ed448.
pub const ED448: &str = "1.3.101.113";
/// id-X25519.
pub const X25519: &str = "1.3.101.110";
/// id-X448.
pub const X448: &str = "1.3.101.111";
const DH_X942: &str = "1.2.840.10046.2.1";
const DH_PKCS3: &str = "1.2.840.113549.1.3.1";

/// A named elliptic curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Curve {
    /// NIST P-192 (secp192r1).
    P192,
    /// NIST P-224 (secp224r1).
    P224,
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// secp256k1.
    Secp256k1,
    /// Another curve, by OID, or `explicit` for explicit parameters.
    Other(String),
}

impl Curve {
    /// The curve of a namedCurve OID.
    pub fn from_oid(oid: &str) -> Curve {
        match oid {
            "1.2.840.10045.3.1.1" => Curve::P192,
            "1.3.132.0.33" => Curve::P224,
            "1.2.840.10045.3.1.7" => Curve::P256,
            "1.3.132.0.34" => Curve::P384,
            "1.3.132.0.35" => Curve::P521,
            "1.3.132.0.10" => Curve::Secp256k1,
            other => Curve::Other(other.to_owned()),
        }
    }

    /// The namedCurve OID, when known.
    pub fn oid(&self) -> Option<&str> {
        Some(match self {
            Curve::P192 => "1.2.840.10045.3.1.1",
            Curve::P224 => "1.3.132.0.33",
            Curve::P256 => "1.2.840.10045.3.1.7",
            Curve::P384 => "1.3.132.0.34",
            Curve::P521 => "1.3.132.0.35",
            Curve::Secp256k1 => "1.3.132.0.10",
            Curve::Other(_) => return None,
        })
    }

    /// Field size in bits.
    pub fn bits(&self) -> Option<u32> {
        Some(match self {
            Curve::P192 => 192,
            Curve::P224 => 224,
            Curve::P256 | Curve::Secp256k1 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
            Curve::Other(_) => return None,
        })
    }

    fn name(&self) -> String {
        match self {
            Curve::P192 => "P-192".to_owned(),
            Curve::P224 => "P-224".to_owned(),
            Curve::P256 => "P-256".to_owned(),
            Curve::P384 => "P-384".to_owned(),
            Curve::P521 => "P-521".to_owned(),
            Curve::Secp256k1 => "secp256k1".to_owned(),
            Curve::Other(oid) => oid.clone(),
        }
    }
}

/// A key's algorithm and, where it has one, its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAlg {
    /// RSA, modulus size in bits when known.
    Rsa(Option<u32>),
    /// RSA restricted to PSS signatures (id-RSASSA-PSS).
    RsaPss(Option<u32>),
    /// DSA, size of p in bits when known.
    Dsa(Option<u32>),
    /// Finite-field Diffie-Hellman, size of p in bits when known.
    Dh(Option<u32>),
    /// ECDSA / ECDH over a curve; `None` when the curve is not known (legacy encrypted PEM).
    Ec(Option<Curve>),
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
    /// X25519.
    X25519,
    /// X448.
    X448,
    /// ML-DSA (FIPS 204) parameter set 44, 65 or 87.
    MlDsa(u32),
    /// ML-KEM (FIPS 203) parameter set 512, 768 or 1024.
    MlKem(u32),
    /// SLH-DSA (FIPS 205) at this security category in bits (128, 192, 256).
    SlhDsa(u32),
    /// Anything else, by algorithm OID.
    Unknown(String),
}

impl KeyAlg {
    /// The algorithm of an AlgorithmIdentifier OID; sizes are filled in by the caller.
    pub fn from_oid(oid: &str) -> KeyAlg {
        match oid {
            RSA => KeyAlg::Rsa(None),
            RSA_PSS => KeyAlg::RsaPss(None),
            DSA => KeyAlg::Dsa(None),
            DH_X942 | DH_PKCS3 => KeyAlg::Dh(None),
            EC => KeyAlg::Ec(None),
            ED25519 => KeyAlg::Ed25519,
            ED448 => KeyAlg::Ed448,
            X25519 => KeyAlg::X25519,
            X448 => KeyAlg::X448,
            "2.16.840.1.101.3.4.3.17" => KeyAlg::MlDsa(44),
            "2.16.840.1.101.3.4.3.18" => KeyAlg::MlDsa(65),
            "2.16.840.1.101.3.4.3.19" => KeyAlg::MlDsa(87),
            "2.16.840.1.101.3.4.4.1" => KeyAlg::MlKem(512),
            "2.16.840.1.101.3.4.4.2" => KeyAlg::MlKem(768),
            "2.16.840.1.101.3.4.4.3" => KeyAlg::MlKem(1024),
            other => match other.strip_prefix("2.16.840.1.101.3.4.3.") {
                Some(n) => match n.parse::<u32>() {
                    Ok(20 | 21 | 26 | 27) => KeyAlg::SlhDsa(128),
                    Ok(22 | 23 | 28 | 29) => KeyAlg::SlhDsa(192),
                    Ok(24 | 25 | 30 | 31) => KeyAlg::SlhDsa(256),
                    _ => KeyAlg::Unknown(other.to_owned()),
                },
                None => KeyAlg::Unknown(other.to_owned()),
            },
        }
    }

    /// Short name for people: `RSA`, `EC P-256`, `Ed25519`, `ML-DSA-65`.
    pub fn name(&self) -> String {
        match self {
            KeyAlg::Rsa(_) => "RSA".to_owned(),
            KeyAlg::RsaPss(_) => "RSA-PSS".to_owned(),
            KeyAlg::Dsa(_) => "DSA".to_owned(),
            KeyAlg::Dh(_) => "DH".to_owned(),
            KeyAlg::Ec(Some(curve)) => format!("EC {}", curve.name()),
            KeyAlg::Ec(None) => "EC".to_owned(),
            KeyAlg::Ed25519 => "Ed25519".to_owned(),
            KeyAlg::Ed448 => "Ed448".to_owned(),
            KeyAlg::X25519 => "X25519".to_owned(),
            KeyAlg::X448 => "X448".to_owned(),
            KeyAlg::MlDsa(n) => format!("ML-DSA-{n}"),
            KeyAlg::MlKem(n) => format!("ML-KEM-{n}"),
            KeyAlg::SlhDsa(n) => format!("SLH-DSA-{n}"),
            KeyAlg::Unknown(oid) => format!("unknown ({oid})"),
        }
    }

    /// The key size in the policy's sense (modulus, field size, parameter set).
    pub fn bits(&self) -> Option<u32> {
        match self {
            KeyAlg::Rsa(b) | KeyAlg::RsaPss(b) | KeyAlg::Dsa(b) | KeyAlg::Dh(b) => *b,
            KeyAlg::Ec(curve) => curve.as_ref().and_then(Curve::bits),
            KeyAlg::Ed25519 | KeyAlg::X25519 => Some(256),
            KeyAlg::Ed448 | KeyAlg::X448 => Some(448),
            KeyAlg::MlDsa(n) | KeyAlg::MlKem(n) | KeyAlg::SlhDsa(n) => Some(*n),
            KeyAlg::Unknown(_) => None,
        }
    }

    /// What the crypto policy assesses; `None` when the size or the algorithm is unknown.
    pub fn spec(&self) -> Option<AlgorithmSpec> {
        let primitive = match self {
            KeyAlg::Rsa(_) | KeyAlg::RsaPss(_) => Primitive::Rsa,
            KeyAlg::Dsa(_) => Primitive::Dsa,
            KeyAlg::Dh(_) => Primitive::Dh,
            KeyAlg::Ec(_) => Primitive::Ecdsa,
            KeyAlg::Ed25519 | KeyAlg::Ed448 => Primitive::EdDsa,
            KeyAlg::X25519 | KeyAlg::X448 => Primitive::Ecdh,
            KeyAlg::MlDsa(_) => Primitive::MlDsa,
            KeyAlg::MlKem(_) => Primitive::MlKem,
            KeyAlg::SlhDsa(_) => Primitive::SlhDsa,
            KeyAlg::Unknown(_) => return None,
        };
        let bits = self.bits()?;
        let label = match self {
            KeyAlg::Rsa(_) | KeyAlg::RsaPss(_) | KeyAlg::Dsa(_) | KeyAlg::Dh(_) => {
                format!("{}-{bits}", self.name())
            }
            KeyAlg::Ec(Some(curve)) => curve.name(),
            _ => self.name(),
        };
        Some(AlgorithmSpec {
            primitive,
            bits,
            label,
        })
    }

    /// The keyhaven algorithm name to import a private key of this kind as, if keyhaven can
    /// hold such keys. RSA of any size is offered: the server's policy decides (RSA-1024 is
    /// refused with `policy_violation`).
    pub fn import_name(&self) -> Option<String> {
        match self {
            KeyAlg::Rsa(Some(bits)) => Some(format!("rsa-{bits}")),
            KeyAlg::Ec(Some(Curve::P256)) => Some("ec-p256".to_owned()),
            KeyAlg::Ec(Some(Curve::P384)) => Some("ec-p384".to_owned()),
            KeyAlg::Ec(Some(Curve::P521)) => Some("ec-p521".to_owned()),
            KeyAlg::Ed25519 => Some("ed25519".to_owned()),
            _ => None,
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn policy_specs() {
        let spec = KeyAlg::Rsa(Some(2048)).spec().unwrap();
        assert_eq!(spec.primitive, Primitive::Rsa);
        assert_eq!(spec.bits, 2048);
        assert_eq!(spec.label, "RSA-2048");
        assert_eq!(KeyAlg::Ec(Some(Curve::P256)).spec().unwrap().bits, 256);
        assert_eq!(
            KeyAlg::MlKem(768).spec().unwrap().primitive,
            Primitive::MlKem
        );
        assert!(KeyAlg::Rsa(None).spec().is_none());
        assert!(KeyAlg::Unknown("1.2.3".into()).spec().is_none());
        assert_eq!(
            KeyAlg::from_oid("2.16.840.1.101.3.4.3.18").name(),
            "ML-DSA-65"
        );
        assert_eq!(
            KeyAlg::Rsa(Some(1024)).import_name().as_deref(),
            Some("rsa-1024")
        );
        assert!(KeyAlg::Ec(Some(Curve::Secp256k1)).import_name().is_none());
    }
}
