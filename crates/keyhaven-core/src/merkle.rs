//! The Merkle tree of the audit log, as defined by RFC 6962 §2.1 (and RFC 9162 §2.1).
//!
//! Every audit record is a leaf; the log publishes the tree root for its current size, and anyone
//! holding an older root can check that the log only grew (a consistency proof) and that a record
//! is in the log (an inclusion proof). Hashes are SHA-256 with the RFC 6962 domain separation:
//! `0x00` before leaf data, `0x01` before a pair of child hashes.
//!
//! - [`root`] is the literal RFC definition (reference implementation, O(n)).
//! - [`Frontier`] grows one leaf at a time in O(log n) memory and yields the current root; it is
//!   what the log keeps between appends.
//! - [`Tree`] holds every level of a tree, so roots and proofs for any earlier size are cheap.
//! - [`verify_inclusion`] and [`verify_consistency`] are the RFC 9162 verification algorithms;
//!   they return `false` (never panic) for any malformed input.

use aws_lc_rs::digest;

/// A SHA-256 hash: leaf hash, interior node hash or tree root.
pub type Hash = [u8; 32];

/// Length of a [`Hash`] in bytes.
const HASH_LEN: usize = 32;
/// RFC 6962 domain separation prefix of leaf hashes.
const LEAF_PREFIX: u8 = 0x00;
/// RFC 6962 domain separation prefix of interior node hashes.
const NODE_PREFIX: u8 = 0x01;

/// The hash of a leaf: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    sha256(&[&[LEAF_PREFIX], data])
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    sha256(&[&[NODE_PREFIX], left, right])
}

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    sha256(&[])
}

/// The Merkle Tree Hash (RFC 6962 §2.1) of a list of leaf hashes (not leaf data: hash each
/// entry with [`leaf_hash`] first).
///
/// For n > 1 leaves the tree splits at k, the largest power of two smaller than n:
/// `MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))`.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            // For len >= 2 the split point k satisfies 1 <= k < len.
            match leaves.split_at_checked(split_point_usize(leaves.len())) {
                Some((left, right)) => node_hash(&root(left), &root(right)),
                None => empty_root(),
            }
        }
    }
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2): that `leaf` (a leaf hash) is entry `index` of
/// the tree of `size` leaves whose root is `root`.
///
/// Returns `false` for any invalid input (`index >= size`, `size == 0`, a proof of the wrong
/// length). The size is bound to the proof only through the root: verify against the root
/// published for that size.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    // `node` walks up from the leaf, `last` from the last leaf of the tree (RFC: fn and sn).
    let mut node = index;
    let mut last = size - 1;
    let mut hash = *leaf;
    for sibling in proof {
        if last == 0 {
            return false;
        }
        if node & 1 == 1 || node == last {
            hash = node_hash(sibling, &hash);
            // Skip the levels where this node has no right sibling (the right edge of the tree).
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            hash = node_hash(&hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    last == 0 && hash == *root
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2): that the tree of `new_size` leaves with root
/// `new_root` extends the tree of `old_size` leaves with root `old_root` (it is append-only).
///
/// Trivial cases, whose proof is empty: equal sizes (the roots must be equal) and an empty old
/// tree (its root must be [`empty_root`]; every tree extends it). Returns `false` for any invalid
/// input (`old_size > new_size`, a proof of the wrong length).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty() && *old_root == empty_root();
    }
    // RFC 9162 step 1: from here on a proof is needed.
    let Some((first, rest)) = proof.split_first() else {
        return false;
    };
    // Step 2: when the old tree is a perfect subtree of the new one, its root is the first
    // element of the path and the proof omits it.
    let (start, rest) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        (first, rest)
    };
    // Steps 3 and 4 (RFC: fn and sn).
    let mut node = old_size - 1;
    let mut last = new_size - 1;
    while node & 1 == 1 {
        node >>= 1;
        last >>= 1;
    }
    // Step 5: `old_hash` rebuilds the old root, `new_hash` the new one.
    let mut old_hash = *start;
    let mut new_hash = *start;
    // Step 6.
    for sibling in rest {
        if last == 0 {
            return false;
        }
        if node & 1 == 1 || node == last {
            old_hash = node_hash(sibling, &old_hash);
            new_hash = node_hash(sibling, &new_hash);
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            new_hash = node_hash(&new_hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    // Step 7.
    last == 0 && old_hash == *old_root && new_hash == *new_root
}

/// An append-only Merkle tree kept as its compact range: the roots of the perfect subtrees that
/// make up the tree, largest (leftmost) first, one per set bit of the size. O(log n) memory.
///
/// [`Frontier::root`] equals [`root`] over all leaves pushed so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Roots of the perfect subtrees, left to right; `peaks.len() == size.count_ones()`.
    peaks: Vec<Hash>,
}

impl Frontier {
    /// The empty tree.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// Appends a leaf hash (see [`leaf_hash`]).
    ///
    /// A frontier of `u64::MAX` leaves cannot grow: the leaf is ignored. That size is out of reach
    /// of any real log; only [`Frontier::decode`] of such a size could get there.
    pub fn push(&mut self, leaf: Hash) {
        let Some(new_size) = self.size.checked_add(1) else {
            return;
        };
        // Every trailing 1 bit of the old size is a perfect subtree of the same height as the
        // subtree being carried: merge them, smallest first.
        let mut carry = leaf;
        let mut bits = self.size;
        while bits & 1 == 1 {
            match self.peaks.pop() {
                Some(left) => carry = node_hash(&left, &carry),
                None => break,
            }
            bits >>= 1;
        }
        self.peaks.push(carry);
        self.size = new_size;
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The tree root (RFC 6962 Merkle Tree Hash) of all leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        match peaks.next() {
            None => empty_root(),
            Some(smallest) => peaks.fold(*smallest, |right, left| node_hash(left, &right)),
        }
    }

    /// Stable binary form: the size as a big-endian u64, then the subtree roots left to right
    /// (32 bytes each, as many as set bits in the size).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + HASH_LEN * self.peaks.len());
        out.extend_from_slice(&self.size.to_be_bytes());
        for peak in &self.peaks {
            out.extend_from_slice(peak);
        }
        out
    }

    /// Parses [`Frontier::encode`]'s output. `None` when the bytes are truncated, have trailing
    /// data, or hold a number of hashes other than the number of set bits in the size.
    pub fn decode(bytes: &[u8]) -> Option<Frontier> {
        let (size_bytes, hashes) = bytes.split_at_checked(8)?;
        let size = u64::from_be_bytes(size_bytes.try_into().ok()?);
        let expected = usize::try_from(size.count_ones())
            .ok()?
            .checked_mul(HASH_LEN)?;
        if hashes.len() != expected {
            return None;
        }
        let peaks = hashes
            .chunks_exact(HASH_LEN)
            .map(|chunk| Hash::try_from(chunk).ok())
            .collect::<Option<Vec<Hash>>>()?;
        Some(Frontier { size, peaks })
    }
}

/// A whole Merkle tree with every level stored (about 2n hashes), so that the root of any prefix
/// and inclusion and consistency proofs for any sizes up to [`Tree::size`] cost O(log² n) hashes
/// at most.
///
/// Level h holds the roots of the perfect subtrees of 2^h leaves, left to right. Subtrees that are
/// not perfect (the right edge of a tree whose size is not a power of two) are computed from them
/// on demand, so results are right for every size, not only the full one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    /// `levels[0]` are the leaf hashes; `levels[h][i]` is the root of leaves
    /// `i * 2^h .. (i + 1) * 2^h`.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// Builds the tree over these leaf hashes (see [`leaf_hash`]).
    pub fn new(leaves: Vec<Hash>) -> Tree {
        let mut levels = vec![leaves];
        while let Some(below) = levels.last().filter(|level| level.len() >= 2) {
            let above: Vec<Hash> = below
                .iter()
                .step_by(2)
                .zip(below.iter().skip(1).step_by(2))
                .map(|(left, right)| node_hash(left, right))
                .collect();
            levels.push(above);
        }
        Tree { levels }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// The root of the tree made of the first `size` leaves; `None` when `size` exceeds
    /// [`Tree::size`].
    pub fn root_at(&self, size: u64) -> Option<Hash> {
        if size > self.size() {
            return None;
        }
        if size == 0 {
            return Some(empty_root());
        }
        self.subtree(0, size)
    }

    /// The inclusion proof (RFC 6962 §2.1.1 `PATH(index, D[size])`) of leaf `index` in the tree of
    /// the first `size` leaves, ordered from the leaf up. `None` unless
    /// `index < size <= self.size()`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Option<Vec<Hash>> {
        if index >= size || size > self.size() {
            return None;
        }
        // Walk down from the root, collecting the sibling of each subtree holding the leaf.
        let mut path = Vec::new();
        let mut start = 0u64;
        let mut len = size;
        let mut offset = index;
        while len > 1 {
            let k = split_point(len);
            if offset < k {
                path.push(self.subtree(start.checked_add(k)?, len - k)?);
                len = k;
            } else {
                path.push(self.subtree(start, k)?);
                start = start.checked_add(k)?;
                offset -= k;
                len -= k;
            }
        }
        path.reverse();
        Some(path)
    }

    /// The consistency proof (RFC 6962 §2.1.2 `PROOF(old, D[new])`) between the trees of the
    /// first `old` and the first `new` leaves. Empty when `old == new` or `old == 0`; `None`
    /// unless `old <= new <= self.size()`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Option<Vec<Hash>> {
        if old > new || new > self.size() {
            return None;
        }
        if old == 0 || old == new {
            return Some(Vec::new());
        }
        // SUBPROOF(m, D[start..start + n], complete), unrolled from the root down.
        let mut path = Vec::new();
        let mut start = 0u64;
        let mut m = old;
        let mut n = new;
        // Whether the current subtree's left edge is the old tree's root path; when it is, the
        // verifier already knows MTH(D[m]) (the old root) and the proof omits it.
        let mut complete = true;
        loop {
            if m == n {
                if !complete {
                    path.push(self.subtree(start, m)?);
                }
                break;
            }
            let k = split_point(n);
            if m <= k {
                path.push(self.subtree(start.checked_add(k)?, n - k)?);
                n = k;
            } else {
                path.push(self.subtree(start, k)?);
                start = start.checked_add(k)?;
                m -= k;
                n -= k;
                complete = false;
            }
        }
        path.reverse();
        Some(path)
    }

    /// The Merkle Tree Hash of leaves `start .. start + len` for a `len >= 1` that occurs in the
    /// RFC recursion: a perfect aligned subtree is a stored node, any other splits at the largest
    /// power of two below `len` (whose left part is again perfect and aligned).
    fn subtree(&self, start: u64, len: u64) -> Option<Hash> {
        if len == 0 {
            return None;
        }
        if len.is_power_of_two() && start & (len - 1) == 0 {
            let height = len.trailing_zeros();
            let level = self.levels.get(usize::try_from(height).ok()?)?;
            return level.get(usize::try_from(start >> height).ok()?).copied();
        }
        let k = split_point(len);
        let left = self.subtree(start, k)?;
        let right = self.subtree(start.checked_add(k)?, len - k)?;
        Some(node_hash(&left, &right))
    }
}

/// The largest power of two strictly smaller than `n`, for `n >= 2` (RFC 6962's k); 0 otherwise.
fn split_point(n: u64) -> u64 {
    n.checked_sub(1)
        .and_then(u64::checked_ilog2)
        .map_or(0, |log| 1 << log)
}

/// [`split_point`] for slice lengths.
fn split_point_usize(n: usize) -> usize {
    n.checked_sub(1)
        .and_then(usize::checked_ilog2)
        .map_or(0, |log| 1 << log)
}

/// SHA-256 over the concatenation of `parts`.
fn sha256(parts: &[&[u8]]) -> Hash {
    let mut context = digest::Context::new(&digest::SHA256);
    for part in parts {
        context.update(part);
    }
    let digest = context.finish();
    let mut out = [0u8; HASH_LEN];
    for (dst, src) in out.iter_mut().zip(digest.as_ref()) {
        *dst = *src;
    }
    out
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

    fn hex(s: &str) -> Hash {
        assert_eq!(s.len(), 64, "{s}");
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    fn hexes(list: &[&str]) -> Vec<Hash> {
        list.iter().map(|s| hex(s)).collect()
    }

    /// The RFC 6962 test tree used by the certificate-transparency and transparency-dev/merkle
    /// projects (github.com/transparency-dev/merkle, proof/verify_test.go).
    const CT_LEAF_DATA: [&[u8]; 8] = [
        b"",
        &[0x00],
        &[0x10],
        &[0x20, 0x21],
        &[0x30, 0x31],
        &[0x40, 0x41, 0x42, 0x43],
        &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        &[
            0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
            0x6e, 0x6f,
        ],
    ];

    /// Roots of the CT test tree for sizes 1..=8.
    const CT_ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn ct_leaves() -> Vec<Hash> {
        CT_LEAF_DATA.iter().map(|d| leaf_hash(d)).collect()
    }

    /// Deterministic, distinct leaf hashes.
    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    fn flip(hash: &Hash, byte: usize) -> Hash {
        let mut out = *hash;
        out[byte % HASH_LEN] ^= 0x10;
        out
    }

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        assert_eq!(
            empty_root(),
            hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(root(&[]), empty_root());
        assert_eq!(Frontier::new().root(), empty_root());
        assert_eq!(Tree::new(Vec::new()).root_at(0), Some(empty_root()));
        assert_eq!(Tree::new(Vec::new()).size(), 0);
    }

    #[test]
    fn ct_known_answer_roots() {
        let leaves = ct_leaves();
        let tree = Tree::new(leaves.clone());
        let mut frontier = Frontier::new();
        for (size, expected) in (1..=8u64).zip(CT_ROOTS) {
            let expected = hex(expected);
            frontier.push(leaves[size as usize - 1]);
            assert_eq!(root(&leaves[..size as usize]), expected, "root size {size}");
            assert_eq!(tree.root_at(size), Some(expected), "root_at size {size}");
            assert_eq!(frontier.root(), expected, "frontier size {size}");
        }
        assert_eq!(tree.root_at(9), None);
    }

    #[test]
    fn ct_known_answer_inclusion_proofs() {
        let tree = Tree::new(ct_leaves());
        // (0-based index, size, path) from transparency-dev/merkle proof/verify_test.go.
        let vectors: [(u64, u64, Vec<Hash>); 5] = [
            (0, 1, vec![]),
            (
                0,
                8,
                hexes(&[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]),
            ),
            (
                5,
                8,
                hexes(&[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
            (
                2,
                3,
                hexes(&["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            ),
            (
                1,
                5,
                hexes(&[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]),
            ),
        ];
        let leaves = ct_leaves();
        for (index, size, path) in vectors {
            assert_eq!(
                tree.inclusion_proof(index, size).as_ref(),
                Some(&path),
                "PATH({index}, D[{size}])"
            );
            let root = hex(CT_ROOTS[size as usize - 1]);
            assert!(verify_inclusion(
                &leaves[index as usize],
                index,
                size,
                &path,
                &root
            ));
        }
    }

    #[test]
    fn ct_known_answer_consistency_proofs() {
        let tree = Tree::new(ct_leaves());
        // (old size, new size, proof) from transparency-dev/merkle proof/verify_test.go.
        let vectors: [(u64, u64, Vec<Hash>); 5] = [
            (1, 1, vec![]),
            (
                1,
                8,
                hexes(&[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]),
            ),
            (
                6,
                8,
                hexes(&[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
            (
                2,
                5,
                hexes(&[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]),
            ),
            (
                6,
                7,
                hexes(&[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
        ];
        for (old, new, proof) in vectors {
            assert_eq!(
                tree.consistency_proof(old, new).as_ref(),
                Some(&proof),
                "PROOF({old}, D[{new}])"
            );
            let old_root = hex(CT_ROOTS[old as usize - 1]);
            let new_root = hex(CT_ROOTS[new as usize - 1]);
            assert!(verify_consistency(old, new, &old_root, &new_root, &proof));
        }
    }

    #[test]
    fn all_root_computations_agree_for_every_size() {
        let all = leaves(70);
        let tree = Tree::new(all.clone());
        assert_eq!(tree.size(), 70);
        let mut frontier = Frontier::new();
        for size in 0..=70u64 {
            let reference = root(&all[..size as usize]);
            assert_eq!(frontier.size(), size);
            assert_eq!(frontier.root(), reference, "frontier, size {size}");
            assert_eq!(tree.root_at(size), Some(reference), "tree, size {size}");
            // A tree holding exactly these leaves agrees too.
            assert_eq!(
                Tree::new(all[..size as usize].to_vec()).root_at(size),
                Some(reference)
            );
            if size < 70 {
                frontier.push(all[size as usize]);
            }
        }
        assert_eq!(tree.root_at(71), None);
        // Distinct sizes give distinct roots (otherwise the tamper tests below prove nothing).
        let mut roots: Vec<Hash> = (0..=70).map(|s| tree.root_at(s).unwrap()).collect();
        roots.sort_unstable();
        roots.dedup();
        assert_eq!(roots.len(), 71);
    }

    #[test]
    fn every_inclusion_proof_verifies_and_tampering_fails() {
        let all = leaves(70);
        let tree = Tree::new(all.clone());
        let roots: Vec<Hash> = (0..=70).map(|s| tree.root_at(s).unwrap()).collect();
        // proof_len[index][size]
        let proof_len: Vec<Vec<usize>> = (0..70u64)
            .map(|index| {
                (0..=70u64)
                    .map(|size| tree.inclusion_proof(index, size).map_or(0, |p| p.len()))
                    .collect()
            })
            .collect();
        let mut flips = 0usize;
        for size in 1..=70u64 {
            let root = &roots[size as usize];
            for index in 0..size {
                let leaf = &all[index as usize];
                let proof = tree.inclusion_proof(index, size).unwrap();
                assert!(proof.len() <= 7);
                assert!(
                    verify_inclusion(leaf, index, size, &proof, root),
                    "({index}, {size})"
                );
                // Any changed proof byte (rotating over all 32 positions across the test).
                for i in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[i] = flip(&bad[i], flips);
                    flips += 1;
                    assert!(!verify_inclusion(leaf, index, size, &bad, root));
                }
                // Wrong leaf, wrong root.
                assert!(!verify_inclusion(
                    &flip(leaf, index as usize),
                    index,
                    size,
                    &proof,
                    root
                ));
                assert!(!verify_inclusion(leaf, index, size, &proof, &flip(root, 0)));
                assert!(!verify_inclusion(
                    &all[((index + 1) % 70) as usize],
                    index,
                    size,
                    &proof,
                    root
                ));
                // Any other index of the same tree.
                for other in (0..size).filter(|&o| o != index) {
                    assert!(
                        !verify_inclusion(leaf, other, size, &proof, root),
                        "index {other}"
                    );
                }
                // Indexes outside the tree.
                assert!(!verify_inclusion(leaf, size, size, &proof, root));
                assert!(!verify_inclusion(leaf, u64::MAX, size, &proof, root));
                // Any other size, against the root of that size.
                for other in (index + 1..=70).filter(|&o| o != size) {
                    assert!(
                        !verify_inclusion(leaf, index, other, &proof, &roots[other as usize]),
                        "({index}, {size}) as size {other}"
                    );
                    // Against the original root the size is bound only by the shape of the
                    // path: it must fail whenever the proof for that size has another length.
                    if proof_len[index as usize][other as usize] != proof.len() {
                        assert!(!verify_inclusion(leaf, index, other, &proof, root));
                    }
                }
                assert!(!verify_inclusion(leaf, index, size * 2, &proof, root));
                assert!(!verify_inclusion(leaf, index, 0, &proof, root));
                // Truncated, extended, reordered proofs.
                if let Some((_, shorter)) = proof.split_last() {
                    assert!(!verify_inclusion(leaf, index, size, shorter, root));
                }
                let mut longer = proof.clone();
                longer.push(*root);
                assert!(!verify_inclusion(leaf, index, size, &longer, root));
                let mut prefixed = vec![*leaf];
                prefixed.extend_from_slice(&proof);
                assert!(!verify_inclusion(leaf, index, size, &prefixed, root));
                if proof.len() >= 2 {
                    let mut swapped = proof.clone();
                    swapped.swap(0, 1);
                    assert!(!verify_inclusion(leaf, index, size, &swapped, root));
                }
            }
        }
    }

    #[test]
    fn inclusion_proof_rejects_bad_arguments() {
        let tree = Tree::new(leaves(10));
        assert_eq!(tree.inclusion_proof(0, 0), None);
        assert_eq!(tree.inclusion_proof(5, 5), None);
        assert_eq!(tree.inclusion_proof(0, 11), None);
        assert_eq!(tree.inclusion_proof(u64::MAX, u64::MAX), None);
        assert_eq!(tree.inclusion_proof(0, 1), Some(vec![]));
        // The single-leaf tree: its root is the leaf hash, the proof empty.
        let leaf = leaf_hash(b"data");
        assert!(verify_inclusion(&leaf, 0, 1, &[], &leaf));
        assert!(!verify_inclusion(&leaf, 0, 1, &[leaf], &leaf));
        assert!(!verify_inclusion(&leaf, 1, 1, &[], &leaf));
        assert!(!verify_inclusion(&leaf, 0, 0, &[], &leaf));
        assert!(!verify_inclusion(&leaf, 0, 0, &[], &empty_root()));
        assert!(!verify_inclusion(
            &leaf,
            u64::MAX - 1,
            u64::MAX,
            &[leaf; 70],
            &leaf
        ));
    }

    #[test]
    fn every_consistency_proof_verifies_and_tampering_fails() {
        let all = leaves(40);
        let tree = Tree::new(all);
        let roots: Vec<Hash> = (0..=40).map(|s| tree.root_at(s).unwrap()).collect();
        let mut flips = 0usize;
        for new in 0..=40u64 {
            let new_root = &roots[new as usize];
            for old in 0..=new {
                let old_root = &roots[old as usize];
                let proof = tree.consistency_proof(old, new).unwrap();
                assert!(
                    verify_consistency(old, new, old_root, new_root, &proof),
                    "({old}, {new})"
                );
                assert_eq!(proof.is_empty(), old == 0 || old == new, "({old}, {new})");
                // Wrong roots.
                assert!(!verify_consistency(
                    old,
                    new,
                    &flip(old_root, 3),
                    new_root,
                    &proof
                ));
                if old != 0 {
                    // (Every tree extends the empty tree, whatever its root.)
                    assert!(!verify_consistency(
                        old,
                        new,
                        old_root,
                        &flip(new_root, 3),
                        &proof
                    ));
                }
                if old != new {
                    assert!(!verify_consistency(old, new, new_root, old_root, &proof));
                    // Backwards in time.
                    assert!(!verify_consistency(new, old, new_root, old_root, &proof));
                }
                // Any changed proof byte.
                for i in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[i] = flip(&bad[i], flips);
                    flips += 1;
                    assert!(!verify_consistency(old, new, old_root, new_root, &bad));
                }
                // Truncated, extended, prefixed proofs.
                if let Some((_, shorter)) = proof.split_last() {
                    assert!(!verify_consistency(old, new, old_root, new_root, shorter));
                }
                for extra in [*old_root, *new_root, empty_root()] {
                    let mut longer = proof.clone();
                    longer.push(extra);
                    assert!(!verify_consistency(old, new, old_root, new_root, &longer));
                    let mut prefixed = vec![extra];
                    prefixed.extend_from_slice(&proof);
                    assert!(!verify_consistency(old, new, old_root, new_root, &prefixed));
                }
                // Other sizes, with the roots of those sizes. (Empty proofs are valid for every
                // trivial case, so only non-empty ones are bound to their sizes.)
                if proof.is_empty() {
                    continue;
                }
                for other_old in (0..=new).filter(|&o| o != old) {
                    assert!(
                        !verify_consistency(
                            other_old,
                            new,
                            &roots[other_old as usize],
                            new_root,
                            &proof
                        ),
                        "({old}, {new}) as old {other_old}"
                    );
                }
                for other_new in (old..=40).filter(|&n| n != new) {
                    assert!(
                        !verify_consistency(
                            old,
                            other_new,
                            old_root,
                            &roots[other_new as usize],
                            &proof
                        ),
                        "({old}, {new}) as new {other_new}"
                    );
                }
            }
        }
    }

    #[test]
    fn consistency_edge_cases() {
        let tree = Tree::new(leaves(8));
        assert_eq!(tree.consistency_proof(3, 2), None);
        assert_eq!(tree.consistency_proof(3, 9), None);
        assert_eq!(tree.consistency_proof(0, 0), Some(vec![]));
        assert_eq!(tree.consistency_proof(0, 8), Some(vec![]));
        let some = leaf_hash(b"some");
        let other = leaf_hash(b"other");
        // Equal sizes: equal roots and an empty proof.
        assert!(verify_consistency(0, 0, &some, &some, &[]));
        assert!(!verify_consistency(0, 0, &some, &other, &[]));
        assert!(!verify_consistency(1, 1, &some, &some, &[some]));
        // The empty tree is consistent with every tree, if its root is the empty root.
        assert!(verify_consistency(0, 5, &empty_root(), &other, &[]));
        assert!(!verify_consistency(0, 5, &some, &other, &[]));
        assert!(!verify_consistency(0, 5, &empty_root(), &other, &[some]));
        // Growth needs a proof.
        assert!(!verify_consistency(1, 2, &some, &other, &[]));
        // Absurd sizes do not panic.
        assert!(!verify_consistency(
            u64::MAX,
            u64::MAX - 1,
            &some,
            &other,
            &[some]
        ));
        assert!(!verify_consistency(
            u64::MAX - 1,
            u64::MAX,
            &some,
            &other,
            &[some; 130]
        ));
        assert!(!verify_consistency(1, u64::MAX, &some, &other, &[some; 64]));
        assert!(!verify_consistency(
            (1 << 63) - 1,
            1 << 63,
            &some,
            &other,
            &[some; 64]
        ));
    }

    #[test]
    fn frontier_encoding_round_trips() {
        let all = leaves(70);
        let mut frontier = Frontier::new();
        for size in 0..=70u64 {
            let bytes = frontier.encode();
            assert_eq!(bytes.len(), 8 + 32 * size.count_ones() as usize);
            assert_eq!(&bytes[..8], &size.to_be_bytes());
            let decoded = Frontier::decode(&bytes).unwrap();
            assert_eq!(decoded, frontier);
            assert_eq!(decoded.root(), frontier.root());
            // A decoded frontier keeps growing like the original.
            if size < 70 {
                let mut a = decoded;
                a.push(all[size as usize]);
                frontier.push(all[size as usize]);
                assert_eq!(a, frontier);
            }
        }
    }

    #[test]
    fn frontier_decode_rejects_malformed_input() {
        let mut frontier = Frontier::new();
        for leaf in leaves(13) {
            frontier.push(leaf);
        }
        let good = frontier.encode();
        assert_eq!(good.len(), 8 + 3 * 32);
        assert!(Frontier::decode(&good).is_some());
        assert_eq!(Frontier::decode(&[]), None);
        assert_eq!(Frontier::decode(&good[..7]), None);
        // Missing hash, truncated hash, trailing data, extra hash.
        assert_eq!(Frontier::decode(&good[..8 + 2 * 32]), None);
        assert_eq!(Frontier::decode(&good[..good.len() - 1]), None);
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(Frontier::decode(&trailing), None);
        let mut extra = good.clone();
        extra.extend_from_slice(&[0u8; 32]);
        assert_eq!(Frontier::decode(&extra), None);
        // A size whose popcount does not match the hashes present (13 = 3 bits, 14 = 3 bits ok,
        // 15 = 4 bits).
        let mut wrong_size = good.clone();
        wrong_size[..8].copy_from_slice(&15u64.to_be_bytes());
        assert_eq!(Frontier::decode(&wrong_size), None);
        // The empty frontier is exactly eight zero bytes.
        assert_eq!(Frontier::decode(&[0u8; 8]), Some(Frontier::new()));
        assert_eq!(Frontier::decode(&[0u8; 9]), None);
        // The largest size decodes and refuses to grow instead of overflowing.
        let mut max = u64::MAX.to_be_bytes().to_vec();
        max.extend_from_slice(&[7u8; 64 * 32]);
        let mut full = Frontier::decode(&max).unwrap();
        let before = full.root();
        full.push(leaf_hash(b"one more"));
        assert_eq!(full.size(), u64::MAX);
        assert_eq!(full.root(), before);
    }

    #[test]
    fn leaf_and_node_hashes_are_domain_separated() {
        let a = leaf_hash(b"a");
        let b = leaf_hash(b"b");
        let mut concatenated = Vec::from(a);
        concatenated.extend_from_slice(&b);
        assert_ne!(leaf_hash(&concatenated), node_hash(&a, &b));
        assert_ne!(node_hash(&a, &b), node_hash(&b, &a));
    }
}
