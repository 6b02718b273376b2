//! Shamir secret sharing (Shamir 1979) over GF(2^8), for splitting the unseal key among
//! operators.
//!
//! Each byte of the secret is the constant term of its own random polynomial of degree
//! `threshold - 1`; share `x` (1..=255) holds every polynomial evaluated at `x`. Any `threshold`
//! shares give the secret back by Lagrange interpolation at 0; fewer reveal nothing about it.
//!
//! The field is GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B). Its arithmetic
//! runs in constant time: no table lookups indexed by secret data and no secret-dependent
//! branches (multiplication by shift-and-xor under masks, inversion as a^254).
//!
//! Shares travel to and from humans as text ([`encode_share`], [`decode_share`]):
//!
//! ```text
//! khs1-<set id: 8 hex>-<threshold: 2 hex>-<x: 2 hex>-<y: 2 hex per byte>-<checksum: 8 hex>
//! ```
//!
//! The checksum is the first 4 bytes of SHA-256 over the lowercase text before its `-`, so a
//! mistyped character is caught before any interpolation. The alphabet (`0-9 a-f k h s -`) has no
//! characters that shells, terminals or mail clients rewrite.

use std::fmt;

use aws_lc_rs::{constant_time, digest};
use zeroize::Zeroizing;

use crate::crypto::CryptoError;
use crate::secret::SecretBytes;

/// Longest secret [`split`] accepts, in bytes (keys, not bulk data).
pub const MAX_SECRET_LEN: usize = 64;

/// Leading part of a share's text form; the digit is the format version.
const SHARE_PREFIX: &[u8] = b"khs1";
/// Hex digits of the checksum at the end of a share's text form.
const CHECKSUM_HEX_LEN: usize = 8;

/// One share of a split secret: the point (x, y) of every byte's polynomial. `Debug` never shows
/// `y`.
#[derive(Clone)]
pub struct Share {
    /// 1..=255.
    x: u8,
    /// One byte per secret byte, 1..=[`MAX_SECRET_LEN`] bytes.
    y: SecretBytes,
}

impl Share {
    /// A share from its parts: `x` in 1..=255, `y` of 1..=[`MAX_SECRET_LEN`] bytes.
    pub fn new(x: u8, y: SecretBytes) -> Result<Share, ShamirError> {
        if x == 0 {
            return Err(ShamirError::InvalidShareNumber);
        }
        if y.is_empty() || y.len() > MAX_SECRET_LEN {
            return Err(ShamirError::InvalidShareLength { len: y.len() });
        }
        Ok(Share { x, y })
    }

    /// The share number, 1..=255 (the x coordinate; not secret).
    pub fn x(&self) -> u8 {
        self.x
    }

    /// The share value (the y coordinates; secret).
    pub fn y(&self) -> &SecretBytes {
        &self.y
    }
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Share")
            .field("x", &self.x)
            .field("y", &self.y)
            .finish()
    }
}

/// Errors from splitting, combining and parsing shares. Messages never contain share bytes or
/// the text that was typed in.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShamirError {
    /// The secret given to [`split`] is empty or longer than [`MAX_SECRET_LEN`].
    #[error(
        "the secret to split is {len} bytes; Shamir splitting takes 1 to 64 bytes \
         (split a key, not bulk data)"
    )]
    InvalidSecretLength {
        /// Length of the secret that was given.
        len: usize,
    },
    /// [`split`] parameters outside 2 <= threshold <= shares <= 255.
    #[error(
        "cannot split into {shares} shares with threshold {threshold}: \
         choose 2 <= threshold <= shares <= 255"
    )]
    InvalidThreshold {
        /// The threshold that was asked for.
        threshold: u8,
        /// The number of shares that was asked for.
        shares: u8,
    },
    /// The random source failed while [`split`] drew polynomial coefficients.
    #[error("the random number generator failed while splitting the secret ({0}); no shares were made, retry")]
    Random(#[source] CryptoError),
    /// [`combine`] was given no shares.
    #[error("no shares given; enter at least as many shares as the threshold printed on them")]
    NoShares,
    /// [`combine`] was given a single share; no split has a threshold below 2.
    #[error("only one share given; enter at least as many shares as the threshold printed on them (never fewer than 2)")]
    TooFewShares,
    /// A share numbered 0 (the number that would hold the secret itself).
    #[error("share number 0 is invalid: shares are numbered 1 to 255")]
    InvalidShareNumber,
    /// A share value that is empty or longer than [`MAX_SECRET_LEN`].
    #[error("a share value of {len} bytes is invalid: share values are 1 to 64 bytes")]
    InvalidShareLength {
        /// Length of the share value that was given.
        len: usize,
    },
    /// Two shares with the same number were given to [`combine`].
    #[error("share number {x} was given twice; enter each share once")]
    DuplicateShare {
        /// The repeated share number.
        x: u8,
    },
    /// Shares of different lengths were given to [`combine`]: they come from different splits.
    #[error("the shares have different lengths, so they come from different splits; use shares of one set only")]
    LengthMismatch,
    /// The text given to [`decode_share`] is not a keyhaven share at all.
    #[error(
        "this is not a keyhaven unseal share (those start with \"khs1-\"); check what was pasted"
    )]
    NotAShare,
    /// The text given to [`decode_share`] is a keyhaven share of a format version this build does
    /// not know.
    #[error("this share uses a format version this keyhaven does not know; use the keyhaven release that printed it, or a newer one")]
    UnsupportedShareVersion,
    /// The text given to [`decode_share`] has the wrong shape: parts missing, of the wrong length,
    /// or with characters outside `0-9 a-f`.
    #[error("the share text is malformed: {problem}; copy it again exactly as printed")]
    MalformedShare {
        /// What is wrong, without quoting the input.
        problem: &'static str,
    },
    /// The checksum at the end of a share's text does not match the rest: a character was
    /// mistyped, swapped, or the text belongs to no share.
    #[error(
        "the share checksum does not match (mistyped?); re-enter the share exactly as printed"
    )]
    ChecksumMismatch,
}

/// Splits `secret` (1..=[`MAX_SECRET_LEN`] bytes) into `shares` shares numbered 1..=`shares`, any
/// `threshold` of which recover it (2 <= `threshold` <= `shares` <= 255).
///
/// `random` fills a buffer with uniformly random bytes (the caller's CSPRNG); it is called once,
/// for the `threshold - 1` coefficients of each byte's polynomial. The coefficients are zeroized
/// before returning.
pub fn split(
    secret: &[u8],
    threshold: u8,
    shares: u8,
    random: &mut dyn FnMut(&mut [u8]) -> Result<(), CryptoError>,
) -> Result<Vec<Share>, ShamirError> {
    if secret.is_empty() || secret.len() > MAX_SECRET_LEN {
        return Err(ShamirError::InvalidSecretLength { len: secret.len() });
    }
    if threshold < 2 || threshold > shares {
        return Err(ShamirError::InvalidThreshold { threshold, shares });
    }
    // At least 1 (threshold >= 2), so chunks_exact(degree) below is well defined.
    let degree = usize::from(threshold - 1);
    // coefficients[j * degree..(j + 1) * degree] are a_1..a_{t-1} of secret byte j's polynomial
    // (a_0 is the byte itself). Uniform, zero included: the secret stays perfectly hidden.
    let mut coefficients = SecretBytes::zeroed(secret.len() * degree);
    random(coefficients.expose_mut()).map_err(ShamirError::Random)?;

    let mut out = Vec::with_capacity(usize::from(shares));
    for x in 1..=shares {
        let mut y = SecretBytes::zeroed(secret.len());
        let polynomials = secret
            .iter()
            .zip(coefficients.expose().chunks_exact(degree));
        for (y_byte, (&constant, higher)) in y.expose_mut().iter_mut().zip(polynomials) {
            *y_byte = evaluate(constant, higher, x);
        }
        out.push(Share { x, y });
    }
    Ok(out)
}

/// Recovers the secret from shares of one split, by Lagrange interpolation at x = 0.
///
/// `combine` cannot know the threshold: given fewer shares than the threshold (but at least two)
/// it returns a wrong secret without error. Callers must check the result, as unsealing does by
/// unwrapping an authenticated value with it. The threshold and set id printed with the shares
/// ([`decode_share`]) let the caller ask for enough shares of one set in the first place.
///
/// Errors: no shares, a single share, a share numbered 0, the same number twice, differing
/// lengths.
pub fn combine(shares: &[Share]) -> Result<SecretBytes, ShamirError> {
    let Some(first) = shares.first() else {
        return Err(ShamirError::NoShares);
    };
    if shares.len() < 2 {
        return Err(ShamirError::TooFewShares);
    }
    let len = first.y.len();
    let mut seen = [false; 256];
    for share in shares {
        if share.x == 0 {
            return Err(ShamirError::InvalidShareNumber);
        }
        if share.y.len() != len {
            return Err(ShamirError::LengthMismatch);
        }
        match seen.get_mut(usize::from(share.x)) {
            Some(seen) if !*seen => *seen = true,
            _ => return Err(ShamirError::DuplicateShare { x: share.x }),
        }
    }

    let mut secret = SecretBytes::zeroed(len);
    for (i, share) in shares.iter().enumerate() {
        // The Lagrange basis polynomial of x_i at 0: prod_{j != i} x_j / (x_j - x_i), where
        // subtraction is xor. Depends only on the (public) share numbers.
        let mut numerator = 1u8;
        let mut denominator = 1u8;
        for (j, other) in shares.iter().enumerate() {
            if j != i {
                numerator = gf_mul(numerator, other.x);
                denominator = gf_mul(denominator, other.x ^ share.x);
            }
        }
        let basis = gf_mul(numerator, gf_inv(denominator));
        for (acc, &y) in secret.expose_mut().iter_mut().zip(share.y.expose()) {
            *acc ^= gf_mul(basis, y);
        }
    }
    Ok(secret)
}

/// The text form of a share, printed once to its holder and typed back to unseal:
/// `khs1-<set id>-<threshold>-<x>-<y>-<checksum>`, all lowercase hex (see the module docs).
///
/// `set_id` names the split the share belongs to (so shares of different splits are not mixed)
/// and `threshold` (the one given to [`split`], so at least 2: [`decode_share`] refuses others)
/// tells the holder how many shares unsealing needs. The returned string holds
/// the secret share: show it once, then drop it; it is built in place without intermediate
/// copies.
pub fn encode_share(share: &Share, set_id: [u8; 4], threshold: u8) -> String {
    let y = share.y.expose();
    // "khs1-" + 8 + "-" + 2 + "-" + 2 + "-" + 2 * len + "-" + 8
    let capacity = SHARE_PREFIX.len() + 1 + 8 + 1 + 2 + 1 + 2 + 1 + 2 * y.len() + 1 + 8;
    let mut text = String::with_capacity(capacity);
    for &c in SHARE_PREFIX {
        text.push(char::from(c));
    }
    text.push('-');
    push_hex(&mut text, &set_id);
    text.push('-');
    push_hex(&mut text, &[threshold]);
    text.push('-');
    push_hex(&mut text, &[share.x]);
    text.push('-');
    push_hex(&mut text, y);
    let sum = checksum(text.as_bytes());
    text.push('-');
    push_hex(&mut text, &sum);
    text
}

/// Parses the text form made by [`encode_share`], returning the share, its set id and the
/// threshold of its split.
///
/// Case-insensitive; ASCII whitespace anywhere (around the text, or a line break from pasting) is
/// ignored. Errors tell a foreign string ([`ShamirError::NotAShare`]), a wrongly shaped one
/// ([`ShamirError::MalformedShare`]) and a mistyped one ([`ShamirError::ChecksumMismatch`])
/// apart, and never quote the input.
pub fn decode_share(text: &str) -> Result<(Share, [u8; 4], u8), ShamirError> {
    // The canonical form holds the share: keep it in a zeroizing buffer, allocated once.
    let mut canonical = Zeroizing::new(Vec::with_capacity(text.len()));
    canonical.extend(
        text.bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| b.to_ascii_lowercase()),
    );

    let mut parts = canonical.split(|&b| b == b'-');
    let prefix = parts.next().unwrap_or_default();
    if prefix != SHARE_PREFIX {
        return Err(match prefix.strip_prefix(b"khs") {
            Some(version) if !version.is_empty() && version.iter().all(u8::is_ascii_digit) => {
                ShamirError::UnsupportedShareVersion
            }
            _ => ShamirError::NotAShare,
        });
    }
    let (Some(set_id_hex), Some(threshold_hex), Some(x_hex), Some(y_hex), Some(sum_hex), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(malformed(
            "it must have six parts separated by '-' (khs1, set id, threshold, number, value, checksum)",
        ));
    };
    if set_id_hex.len() != 8 || threshold_hex.len() != 2 || x_hex.len() != 2 {
        return Err(malformed(
            "the set id, threshold or share number part has the wrong length",
        ));
    }
    if y_hex.is_empty() || y_hex.len() % 2 != 0 || y_hex.len() > 2 * MAX_SECRET_LEN {
        return Err(malformed("the share value part has the wrong length"));
    }
    if sum_hex.len() != CHECKSUM_HEX_LEN {
        return Err(malformed("the checksum part has the wrong length"));
    }

    let mut set_id = [0u8; 4];
    let mut threshold = [0u8; 1];
    let mut x = [0u8; 1];
    let mut sum = [0u8; 4];
    let mut y = SecretBytes::zeroed(y_hex.len() / 2);
    let all_hex = decode_hex(set_id_hex, &mut set_id)
        & decode_hex(threshold_hex, &mut threshold)
        & decode_hex(x_hex, &mut x)
        & decode_hex(y_hex, y.expose_mut())
        & decode_hex(sum_hex, &mut sum);
    if !all_hex {
        return Err(malformed(
            "it contains a character other than 0-9, a-f and '-' (mistyped?)",
        ));
    }

    // The checksum covers everything before its own '-'.
    let covered = canonical
        .len()
        .checked_sub(CHECKSUM_HEX_LEN + 1)
        .and_then(|covered_len| canonical.get(..covered_len))
        .ok_or(malformed("the checksum part has the wrong length"))?;
    if constant_time::verify_slices_are_equal(&checksum(covered), &sum).is_err() {
        return Err(ShamirError::ChecksumMismatch);
    }

    let [threshold] = threshold;
    let [x] = x;
    if threshold < 2 {
        return Err(malformed("its threshold is below 2"));
    }
    if x == 0 {
        return Err(malformed("its share number is 0"));
    }
    let share = Share::new(x, y)?;
    Ok((share, set_id, threshold))
}

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, in constant time.
fn gf_mul(a: u8, b: u8) -> u8 {
    let mut a = a;
    let mut b = b;
    let mut product = 0u8;
    for _ in 0..8 {
        // Add a when the low bit of b is set: the mask is 0xFF or 0x00.
        product ^= a & (b & 1).wrapping_neg();
        // a *= x, reducing by 0x11B when the top bit falls off.
        let overflow = (a >> 7).wrapping_neg();
        a = (a << 1) ^ (0x1B & overflow);
        b >>= 1;
    }
    product
}

/// Multiplicative inverse in GF(2^8) as a^254 (Fermat), in constant time; maps 0 to 0.
fn gf_inv(a: u8) -> u8 {
    // 254 = 2 + 4 + 8 + ... + 128: multiply a^2, a^4, ..., a^128 together.
    let mut power = a;
    let mut result = 1u8;
    for _ in 0..7 {
        power = gf_mul(power, power);
        result = gf_mul(result, power);
    }
    result
}

/// The polynomial `constant + higher[0] x + higher[1] x^2 + ...` at `x` (Horner's rule).
fn evaluate(constant: u8, higher: &[u8], x: u8) -> u8 {
    let top = higher
        .iter()
        .rev()
        .fold(0u8, |acc, &coefficient| gf_mul(acc, x) ^ coefficient);
    gf_mul(top, x) ^ constant
}

/// First 4 bytes of SHA-256 over a share's text before its checksum.
fn checksum(covered: &[u8]) -> [u8; 4] {
    let digest = digest::digest(&digest::SHA256, covered);
    let mut out = [0u8; 4];
    for (dst, src) in out.iter_mut().zip(digest.as_ref()) {
        *dst = *src;
    }
    out
}

fn malformed(problem: &'static str) -> ShamirError {
    ShamirError::MalformedShare { problem }
}

/// Appends lowercase hex, without branching on or indexing by the data.
fn push_hex(text: &mut String, bytes: &[u8]) {
    for &byte in bytes {
        text.push(char::from(hex_digit(byte >> 4)));
        text.push(char::from(hex_digit(byte & 0x0F)));
    }
}

/// The lowercase hex digit of a nibble, in constant time.
fn hex_digit(nibble: u8) -> u8 {
    let nibble = nibble & 0x0F;
    // 0xFF when nibble >= 10: skip from '9' + 1 to 'a'.
    let letter = !less_than(nibble, 10);
    b'0' + nibble + (letter & (b'a' - b'0' - 10))
}

/// Decodes lowercase hex into `out` (whose length fixes how much hex is expected), without
/// branching on the digits. Returns whether every character was a hex digit and the length
/// matched; `out` is garbage otherwise.
fn decode_hex(hex: &[u8], out: &mut [u8]) -> bool {
    if hex.len() != 2 * out.len() {
        return false;
    }
    let mut valid = 0xFFu8;
    let mut digits = hex.iter();
    for byte in out.iter_mut() {
        let (Some(&high), Some(&low)) = (digits.next(), digits.next()) else {
            return false;
        };
        let (high, high_ok) = hex_value(high);
        let (low, low_ok) = hex_value(low);
        valid &= high_ok & low_ok;
        *byte = (high << 4) | low;
    }
    valid == 0xFF
}

/// The value of a lowercase hex digit and 0xFF, or garbage and 0x00 for any other character.
fn hex_value(c: u8) -> (u8, u8) {
    let digit = c.wrapping_sub(b'0');
    let is_digit = less_than(digit, 10);
    let letter = c.wrapping_sub(b'a');
    let is_letter = less_than(letter, 6);
    let value = (digit & is_digit) | (letter.wrapping_add(10) & is_letter);
    (value, is_digit | is_letter)
}

/// 0xFF when `a < b`, else 0x00, without branching.
fn less_than(a: u8, b: u8) -> u8 {
    (u16::from(a).wrapping_sub(u16::from(b)) >> 8) as u8
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

    /// A deterministic random source (SplitMix64), different for each seed.
    fn test_rng(seed: u64) -> impl FnMut(&mut [u8]) -> Result<(), CryptoError> {
        let mut state = seed;
        move |buf: &mut [u8]| {
            for chunk in buf.chunks_mut(8) {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
            }
            Ok(())
        }
    }

    fn system_rng(buf: &mut [u8]) -> Result<(), CryptoError> {
        aws_lc_rs::rand::fill(buf).map_err(|_| CryptoError::Internal("rng".into()))
    }

    fn secret_of(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    /// exp/log tables of the generator 3, built by repeated multiplication by 3 = x + 1
    /// (a * 3 = xtime(a) ^ a), independently of `gf_mul`.
    fn exp_log_tables() -> ([u8; 255], [u8; 256]) {
        let mut exp = [0u8; 255];
        let mut log = [0u8; 256];
        let mut a = 1u8;
        for (i, e) in exp.iter_mut().enumerate() {
            *e = a;
            log[a as usize] = i as u8;
            let xtime = if a & 0x80 != 0 {
                (a << 1) ^ 0x1B
            } else {
                a << 1
            };
            a ^= xtime;
        }
        assert_eq!(a, 1, "3 has order 255");
        let mut seen = exp.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 255, "3 generates the multiplicative group");
        (exp, log)
    }

    #[test]
    fn gf_mul_matches_log_tables_for_all_pairs() {
        let (exp, log) = exp_log_tables();
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let expected = if a == 0 || b == 0 {
                    0
                } else {
                    exp[(usize::from(log[a as usize]) + usize::from(log[b as usize])) % 255]
                };
                assert_eq!(gf_mul(a, b), expected, "{a:#04x} * {b:#04x}");
            }
        }
        // FIPS-197 §4.2 examples.
        assert_eq!(gf_mul(0x57, 0x83), 0xC1);
        assert_eq!(gf_mul(0x57, 0x13), 0xFE);
    }

    #[test]
    fn gf_inv_matches_log_tables_for_all_elements() {
        let (exp, log) = exp_log_tables();
        assert_eq!(gf_inv(0), 0);
        for a in 1..=255u8 {
            let expected = exp[(255 - usize::from(log[a as usize])) % 255];
            assert_eq!(gf_inv(a), expected, "inverse of {a:#04x}");
            assert_eq!(gf_mul(a, gf_inv(a)), 1);
        }
        // FIPS-197 §5.1.1: {53}^-1 = {ca}.
        assert_eq!(gf_inv(0x53), 0xCA);
    }

    #[test]
    fn split_and_combine_round_trip() {
        let cases: [(u8, u8, usize); 9] = [
            (2, 2, 32),
            (2, 3, 1),
            (3, 5, 32),
            (5, 5, 64),
            (2, 255, 16),
            (7, 10, 33),
            (128, 200, 4),
            (254, 255, 8),
            (255, 255, 32),
        ];
        for (seed, (threshold, count, len)) in cases.into_iter().enumerate() {
            let secret = secret_of(len, seed as u8);
            let shares = split(&secret, threshold, count, &mut test_rng(seed as u64)).unwrap();
            assert_eq!(shares.len(), usize::from(count));
            for (i, share) in shares.iter().enumerate() {
                assert_eq!(usize::from(share.x()), i + 1);
                assert_eq!(share.y().len(), len);
            }
            let t = usize::from(threshold);
            // The first t, the last t, and all shares.
            assert_eq!(combine(&shares[..t]).unwrap().expose(), &secret[..]);
            assert_eq!(
                combine(&shares[shares.len() - t..]).unwrap().expose(),
                &secret[..]
            );
            assert_eq!(combine(&shares).unwrap().expose(), &secret[..]);
            // One fewer than the threshold gives something else.
            if t > 2 {
                assert_ne!(combine(&shares[..t - 1]).unwrap().expose(), &secret[..]);
            }
        }
    }

    #[test]
    fn split_with_the_system_rng_round_trips() {
        let secret = secret_of(32, 9);
        let shares = split(&secret, 3, 5, &mut system_rng).unwrap();
        assert_eq!(combine(&shares[1..4]).unwrap().expose(), &secret[..]);
        // Two splits of the same secret differ.
        let again = split(&secret, 3, 5, &mut system_rng).unwrap();
        assert_ne!(shares[0].y(), again[0].y());
    }

    #[test]
    fn every_subset_of_a_three_of_five_split() {
        let secret = secret_of(32, 1);
        let shares = split(&secret, 3, 5, &mut test_rng(42)).unwrap();
        for mask in 0u32..32 {
            let mut subset: Vec<Share> = (0..5)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| shares[i].clone())
                .collect();
            match subset.len() {
                0 => assert_eq!(combine(&subset).unwrap_err(), ShamirError::NoShares),
                1 => assert_eq!(combine(&subset).unwrap_err(), ShamirError::TooFewShares),
                2 => assert_ne!(
                    combine(&subset).unwrap().expose(),
                    &secret[..],
                    "mask {mask:05b}"
                ),
                _ => {
                    assert_eq!(
                        combine(&subset).unwrap().expose(),
                        &secret[..],
                        "mask {mask:05b}"
                    );
                    // Order does not matter.
                    subset.reverse();
                    assert_eq!(combine(&subset).unwrap().expose(), &secret[..]);
                }
            }
        }
    }

    #[test]
    fn below_threshold_shares_do_not_recover_any_secret_byte_pattern() {
        // With threshold - 1 shares the interpolated value is unrelated to the secret: over many
        // splits it matches the secret byte about 1/256 of the time, not always.
        let secret = [0x42u8; 64];
        let mut matches = 0usize;
        for seed in 0..20u64 {
            let shares = split(&secret, 4, 6, &mut test_rng(seed)).unwrap();
            let wrong = combine(&shares[..3]).unwrap();
            matches += wrong.expose().iter().filter(|&&b| b == 0x42).count();
        }
        // 1280 bytes, expected ~5 matches.
        assert!(matches < 40, "{matches}");
    }

    #[test]
    fn split_draws_coefficients_once_and_reports_rng_failure() {
        let mut calls = Vec::new();
        let mut counting = |buf: &mut [u8]| {
            calls.push(buf.len());
            buf.fill(7);
            Ok(())
        };
        split(&[1, 2, 3], 4, 9, &mut counting).unwrap();
        assert_eq!(calls, vec![3 * 3]);

        let mut failing = |_: &mut [u8]| Err(CryptoError::Internal("no entropy".into()));
        let err = split(&[1, 2, 3], 2, 3, &mut failing).unwrap_err();
        assert!(matches!(err, ShamirError::Random(CryptoError::Internal(_))));
    }

    #[test]
    fn split_refuses_invalid_parameters() {
        let mut rng = test_rng(0);
        for (threshold, shares) in [(0, 0), (0, 5), (1, 1), (1, 5), (3, 2), (255, 254), (2, 1)] {
            assert_eq!(
                split(&[1; 16], threshold, shares, &mut rng).unwrap_err(),
                ShamirError::InvalidThreshold { threshold, shares }
            );
        }
        assert_eq!(
            split(&[], 2, 3, &mut rng).unwrap_err(),
            ShamirError::InvalidSecretLength { len: 0 }
        );
        assert_eq!(
            split(&[0; 65], 2, 3, &mut rng).unwrap_err(),
            ShamirError::InvalidSecretLength { len: 65 }
        );
        assert!(split(&[0; 64], 2, 3, &mut rng).is_ok());
        assert!(split(&[0; 1], 2, 2, &mut rng).is_ok());
    }

    #[test]
    fn combine_refuses_inconsistent_shares() {
        let shares = split(&[9; 16], 2, 4, &mut test_rng(3)).unwrap();
        assert_eq!(combine(&[]).unwrap_err(), ShamirError::NoShares);
        assert_eq!(
            combine(&[shares[0].clone(), shares[1].clone(), shares[0].clone()]).unwrap_err(),
            ShamirError::DuplicateShare { x: 1 }
        );
        let other = split(&[9; 17], 2, 4, &mut test_rng(3)).unwrap();
        assert_eq!(
            combine(&[shares[0].clone(), other[1].clone()]).unwrap_err(),
            ShamirError::LengthMismatch
        );
        assert_eq!(
            Share::new(0, SecretBytes::from_slice(&[1])).unwrap_err(),
            ShamirError::InvalidShareNumber
        );
        assert_eq!(
            Share::new(1, SecretBytes::new(Vec::new())).unwrap_err(),
            ShamirError::InvalidShareLength { len: 0 }
        );
        assert_eq!(
            Share::new(1, SecretBytes::zeroed(65)).unwrap_err(),
            ShamirError::InvalidShareLength { len: 65 }
        );
        // Rebuilt from parts, shares still combine.
        let rebuilt: Vec<Share> = shares
            .iter()
            .map(|s| Share::new(s.x(), s.y().clone()).unwrap())
            .collect();
        assert_eq!(combine(&rebuilt[2..]).unwrap().expose(), &[9; 16]);
    }

    #[test]
    fn debug_never_shows_the_share_value() {
        let share = Share::new(3, SecretBytes::from_slice(&[0x5A; 32])).unwrap();
        let shown = format!("{share:?}");
        assert!(shown.contains("x: 3"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
        assert!(!shown.contains("90"), "{shown}");
        assert!(!shown.to_lowercase().contains("5a"), "{shown}");
    }

    #[test]
    fn text_form_round_trips() {
        let secret = secret_of(32, 77);
        let shares = split(&secret, 3, 5, &mut test_rng(5)).unwrap();
        let set_id = [0xDE, 0xAD, 0xBE, 0xEF];
        let mut decoded = Vec::new();
        for share in &shares {
            let text = encode_share(share, set_id, 3);
            assert!(text.starts_with("khs1-deadbeef-03-0"), "{text}");
            assert_eq!(text.len(), 5 + 9 + 3 + 3 + 65 + 8);
            assert!(text.bytes().all(|b| b.is_ascii_digit()
                || (b'a'..=b'f').contains(&b)
                || b == b'-'
                || b"khs".contains(&b)));
            let (back, back_set, back_threshold) = decode_share(&text).unwrap();
            assert_eq!(back.x(), share.x());
            assert_eq!(back.y(), share.y());
            assert_eq!(back_set, set_id);
            assert_eq!(back_threshold, 3);
            // Case, surrounding whitespace and a line break from pasting are ignored.
            let messy = format!("  \t{}\r\n{}\n ", &text[..40].to_uppercase(), &text[40..]);
            let (again, _, _) = decode_share(&messy).unwrap();
            assert_eq!(again.y(), share.y());
            decoded.push(back);
        }
        assert_eq!(combine(&decoded[2..]).unwrap().expose(), &secret[..]);
        // Shortest and longest values.
        for len in [1, 64] {
            let share = Share::new(255, SecretBytes::from_slice(&secret_of(len, 1))).unwrap();
            let (back, _, threshold) = decode_share(&encode_share(&share, [0; 4], 255)).unwrap();
            assert_eq!(back.y(), share.y());
            assert_eq!(back.x(), 255);
            assert_eq!(threshold, 255);
        }
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        let share = split(&secret_of(32, 3), 3, 5, &mut test_rng(8)).unwrap()[1].clone();
        let text = encode_share(&share, [1, 2, 3, 4], 3);
        let y_hex = &text[20..84];
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            // Every other character of the alphabet in this position.
            for replacement in b"0123456789abcdefghijklmnopqrstuvwxyz-".iter().copied() {
                if replacement == bytes[i] {
                    continue;
                }
                let mut typo = bytes.to_vec();
                typo[i] = replacement;
                let typo = String::from_utf8(typo).unwrap();
                let err = decode_share(&typo).unwrap_err();
                if i >= 5 && bytes[i] != b'-' && replacement.is_ascii_hexdigit() {
                    assert_eq!(err, ShamirError::ChecksumMismatch, "position {i}");
                }
                assert!(!err.to_string().contains(y_hex));
            }
            // A dropped character.
            let mut dropped = bytes.to_vec();
            dropped.remove(i);
            assert!(decode_share(std::str::from_utf8(&dropped).unwrap()).is_err());
            // A doubled character.
            let mut doubled = bytes.to_vec();
            doubled.insert(i, bytes[i]);
            assert!(decode_share(std::str::from_utf8(&doubled).unwrap()).is_err());
            // Two neighbours swapped.
            if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] {
                let mut swapped = bytes.to_vec();
                swapped.swap(i, i + 1);
                assert!(decode_share(std::str::from_utf8(&swapped).unwrap()).is_err());
            }
        }
    }

    #[test]
    fn decode_gives_distinct_errors_without_echoing_input() {
        let share = Share::new(2, SecretBytes::from_slice(&[0xAB; 16])).unwrap();
        let text = encode_share(&share, [9; 4], 2);
        let not_share = decode_share("hunter2 correct horse").unwrap_err();
        assert_eq!(not_share, ShamirError::NotAShare);
        assert!(!not_share.to_string().contains("hunter2"));
        assert_eq!(decode_share("").unwrap_err(), ShamirError::NotAShare);
        assert_eq!(decode_share("   \n").unwrap_err(), ShamirError::NotAShare);
        assert_eq!(
            decode_share(&text.replacen("khs1", "khs2", 1)).unwrap_err(),
            ShamirError::UnsupportedShareVersion
        );
        assert_eq!(
            decode_share(&text.replacen("khs1", "khsx", 1)).unwrap_err(),
            ShamirError::NotAShare
        );
        // Truncated: a missing checksum, a shortened value, an extra part.
        let truncated = &text[..text.len() - 9];
        assert!(matches!(
            decode_share(truncated).unwrap_err(),
            ShamirError::MalformedShare { .. }
        ));
        // A value shortened by a whole byte still has a possible length: the checksum catches it.
        let short_value = text.replacen(&"ab".repeat(16), &"ab".repeat(15), 1);
        assert_eq!(
            decode_share(&short_value).unwrap_err(),
            ShamirError::ChecksumMismatch
        );
        let long_value = text.replacen(&"ab".repeat(16), &"ab".repeat(65), 1);
        assert!(matches!(
            decode_share(&long_value).unwrap_err(),
            ShamirError::MalformedShare { .. }
        ));
        let odd_value = text.replacen(&"ab".repeat(16), &"a".repeat(31), 1);
        assert!(matches!(
            decode_share(&odd_value).unwrap_err(),
            ShamirError::MalformedShare { .. }
        ));
        assert!(matches!(
            decode_share(&format!("{text}-00")).unwrap_err(),
            ShamirError::MalformedShare { .. }
        ));
        let bad_char = text.replacen("ab", "ag", 1);
        let err = decode_share(&bad_char).unwrap_err();
        assert!(matches!(err, ShamirError::MalformedShare { .. }));
        assert!(!err.to_string().contains("abab"));
        // Non-ASCII look-alikes are not hex digits.
        assert!(decode_share(&text.replacen('-', "\u{2010}", 2)).is_err());
        // A well-formed text with a valid checksum but impossible contents.
        let zero = "khs1-00000000-02-00-ab".to_owned();
        let zero = format!("{zero}-{}", hex_string(&checksum(zero.as_bytes())));
        assert!(matches!(
            decode_share(&zero).unwrap_err(),
            ShamirError::MalformedShare { .. }
        ));
        let low = "khs1-00000000-01-01-ab".to_owned();
        let low = format!("{low}-{}", hex_string(&checksum(low.as_bytes())));
        assert!(matches!(
            decode_share(&low).unwrap_err(),
            ShamirError::MalformedShare { .. }
        ));
        // Every error message is free of the share value.
        for e in [not_share, ShamirError::ChecksumMismatch] {
            assert!(!e.to_string().contains("abab"));
        }
    }

    fn hex_string(bytes: &[u8]) -> String {
        let mut s = String::new();
        push_hex(&mut s, bytes);
        s
    }

    #[test]
    fn hex_codec_matches_std_formatting() {
        for b in 0..=255u8 {
            assert_eq!(hex_string(&[b]), format!("{b:02x}"));
            let mut out = [0u8; 1];
            assert!(decode_hex(format!("{b:02x}").as_bytes(), &mut out));
            assert_eq!(out[0], b);
        }
        for c in 0..=255u8 {
            let valid = c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
            assert_eq!(hex_value(c).1 == 0xFF, valid, "{c}");
            assert!(hex_value(c).1 == 0xFF || hex_value(c).1 == 0);
        }
        assert!(!decode_hex(b"abc", &mut [0u8; 2]));
    }
}
