//! Usage masks: which operations a key may be used for. Bit values follow KMIP's
//! Cryptographic Usage Mask so the KMIP interface can map them one to one.

use std::fmt;
use std::str::FromStr;

/// A set of permitted uses. Only the named flags can be set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UsageMask(u32);

const NAMES: [(UsageMask, &str); 9] = [
    (UsageMask::ENCRYPT, "encrypt"),
    (UsageMask::DECRYPT, "decrypt"),
    (UsageMask::SIGN, "sign"),
    (UsageMask::VERIFY, "verify"),
    (UsageMask::WRAP, "wrap"),
    (UsageMask::UNWRAP, "unwrap"),
    (UsageMask::MAC_GENERATE, "mac-generate"),
    (UsageMask::MAC_VERIFY, "mac-verify"),
    (UsageMask::DERIVE_KEY, "derive-key"),
];

impl UsageMask {
    /// Sign (KMIP 0x1).
    pub const SIGN: UsageMask = UsageMask(0x1);
    /// Verify (KMIP 0x2).
    pub const VERIFY: UsageMask = UsageMask(0x2);
    /// Encrypt (KMIP 0x4).
    pub const ENCRYPT: UsageMask = UsageMask(0x4);
    /// Decrypt (KMIP 0x8).
    pub const DECRYPT: UsageMask = UsageMask(0x8);
    /// Wrap key (KMIP 0x10); also ML-KEM encapsulation.
    pub const WRAP: UsageMask = UsageMask(0x10);
    /// Unwrap key (KMIP 0x20); also ML-KEM decapsulation.
    pub const UNWRAP: UsageMask = UsageMask(0x20);
    /// MAC generate (KMIP 0x80).
    pub const MAC_GENERATE: UsageMask = UsageMask(0x80);
    /// MAC verify (KMIP 0x100).
    pub const MAC_VERIFY: UsageMask = UsageMask(0x100);
    /// Derive key (KMIP 0x200).
    pub const DERIVE_KEY: UsageMask = UsageMask(0x200);
    const KNOWN: u32 = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x80 | 0x100 | 0x200;
    /// Every bit a mask can hold.
    pub const KNOWN_BITS: u32 = Self::KNOWN;

    /// The empty mask.
    pub const fn empty() -> UsageMask {
        UsageMask(0)
    }
    /// The raw KMIP bits.
    pub const fn bits(self) -> u32 {
        self.0
    }
    /// Builds a mask from KMIP bits; `None` if an unknown bit is set.
    pub const fn from_bits(bits: u32) -> Option<UsageMask> {
        if bits & !Self::KNOWN == 0 {
            Some(UsageMask(bits))
        } else {
            None
        }
    }
    /// Both sets.
    pub const fn union(self, other: UsageMask) -> UsageMask {
        UsageMask(self.0 | other.0)
    }
    /// Flags of `self` that are not in `other`.
    pub const fn difference(self, other: UsageMask) -> UsageMask {
        UsageMask(self.0 & !other.0)
    }
    /// Whether every flag of `other` is in `self`.
    pub const fn contains(self, other: UsageMask) -> bool {
        self.0 & other.0 == other.0
    }
    /// Whether the sets share a flag.
    pub const fn intersects(self, other: UsageMask) -> bool {
        self.0 & other.0 != 0
    }
    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The flag names, in a stable order.
    pub fn names(self) -> Vec<&'static str> {
        NAMES
            .iter()
            .filter(|(flag, _)| self.contains(*flag))
            .map(|(_, name)| *name)
            .collect()
    }
    /// Parses a list of flag names.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<UsageMask, String> {
        names
            .into_iter()
            .try_fold(UsageMask::empty(), |acc, n| Ok(acc.union(n.parse()?)))
    }
}

impl FromStr for UsageMask {
    type Err = String;
    /// Parses one flag name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NAMES
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(flag, _)| *flag)
            .ok_or_else(|| {
                let all: Vec<&str> = NAMES.iter().map(|(_, n)| *n).collect();
                format!(
                    "unknown usage {:?}; known: {}",
                    s.chars().take(64).collect::<String>(),
                    all.join(", ")
                )
            })
    }
}

impl fmt::Display for UsageMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(", "))
    }
}

impl fmt::Debug for UsageMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UsageMask[{self}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let m = UsageMask::from_names(["encrypt", "mac-verify"]).unwrap_or_default();
        assert_eq!(m, UsageMask::ENCRYPT.union(UsageMask::MAC_VERIFY));
        assert_eq!(m.names(), vec!["encrypt", "mac-verify"]);
        assert!(UsageMask::from_names(["launch"]).is_err());
        assert_eq!(UsageMask::from_bits(0x40), None);
    }
}
