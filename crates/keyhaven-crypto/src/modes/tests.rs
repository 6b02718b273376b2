use super::*;
use crate::testutil::unhex;

const KMIP_KEY: &str = "0123456789abcdef0123456789abcdef";

fn params<'a>(mode: BlockMode, padding: Option<Padding>, iv: Option<&'a [u8]>) -> CipherParams<'a> {
    CipherParams {
        mode: Some(mode),
        padding,
        iv,
        ..Default::default()
    }
}

#[test]
fn kmip_ecb_vectors() {
    let key = unhex(KMIP_KEY);
    let pt = unhex("01020304050607080910111213141516");
    // CS-BC-M-4/5/6: ECB, no padding.
    let p = params(BlockMode::Ecb, None, None);
    let out = encrypt(&key, &p, &pt).unwrap();
    assert_eq!(out.data, unhex("d9bcce11b0b437b90239552df3a360c9"));
    assert_eq!((out.iv, out.tag), (None, None));
    assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
    // CS-BC-M-8: ECB with PKCS5 adds a whole padding block.
    let p = params(BlockMode::Ecb, Some(Padding::Pkcs5), None);
    let out = encrypt(&key, &p, &pt).unwrap();
    assert_eq!(
        out.data,
        unhex("d9bcce11b0b437b90239552df3a360c90efb6bfed93b4d1ea2123ba4db075ff6")
    );
    assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
    // CS-BC-M-9: 33 bytes with PKCS5.
    let pt = unhex("010203040506070809101112131415160102030405060708091011121314151601");
    let out = encrypt(&key, &p, &pt).unwrap();
    assert_eq!(
        out.data,
        unhex("d9bcce11b0b437b90239552df3a360c9d9bcce11b0b437b90239552df3a360c9be261a7bd1371bb738fe004d500381d0")
    );
    assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
    // Without padding, 33 bytes do not fit.
    assert!(matches!(
        encrypt(&key, &params(BlockMode::Ecb, None, None), &pt),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn kmip_cbc_vectors() {
    let key = unhex(KMIP_KEY);
    let pt = unhex("010203040506070809101112131415160102030405060708091011121314151601");
    for (iv, ct) in [
        // CS-BC-M-10.
        ("01020304050607080910111213141516", "79abc5c23868ad84d388ce61110a62742bda19d694bbcb757dd06617c0d80fb1df2e71864ad9633d7d797e30860df00d"),
        // CS-BC-M-11.
        ("FF020304050607080910111213141516", "e768203ba72b6e157daaad34b1e791d8e88457dc147942f01bfaff7b28a3cdde2203d4d5a4c7928ba9e9cc78b66a6546"),
    ] {
        let iv = unhex(&iv.to_lowercase());
        let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&iv));
        let out = encrypt(&key, &p, &pt).unwrap();
        assert_eq!(out.data, unhex(ct));
        assert_eq!(out.iv, None, "the caller's IV is not echoed");
        assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
    }
    // CS-BC-M-11: decrypting with a zero IV garbles only the first block.
    let ct = unhex("e768203ba72b6e157daaad34b1e791d8e88457dc147942f01bfaff7b28a3cdde2203d4d5a4c7928ba9e9cc78b66a6546");
    let zero = [0u8; 16];
    let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&zero));
    assert_eq!(
        decrypt(&key, &p, &ct, None).unwrap().expose(),
        unhex("fe0000000000000000000000000000000102030405060708091011121314151601")
    );
    // CS-BC-M-11/12: decryption without the IV fails.
    let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), None);
    let err = decrypt(&key, &p, &ct, None).unwrap_err();
    assert!(
        matches!(&err, CryptoError::InvalidInput(m) if m.contains("needs the IV")),
        "{err:?}"
    );
    // Random IV when none is given (CS-BC-M-13), returned with the ciphertext.
    let out = encrypt(&key, &p, &pt).unwrap();
    let iv = out.iv.clone().unwrap();
    assert_eq!(iv.len(), 16);
    let p2 = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&iv));
    assert_eq!(decrypt(&key, &p2, &out.data, None).unwrap().expose(), pt);
    // Wrong IV lengths; no-padding with a partial block; garbage padding.
    for bad in [&[0u8; 8][..], &[0u8; 17]] {
        let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(bad));
        assert!(matches!(
            encrypt(&key, &p, &pt),
            Err(CryptoError::InvalidInput(_))
        ));
    }
    let iv = [7u8; 16];
    let p = params(BlockMode::Cbc, None, Some(&iv));
    assert!(encrypt(&key, &p, &pt).is_err());
    let out = encrypt(&key, &p, &pt[..32]).unwrap();
    assert_eq!(out.data.len(), 32);
    assert_eq!(
        decrypt(&key, &p, &out.data, None).unwrap().expose(),
        &pt[..32]
    );
    let padded = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&iv));
    // 0x11 is no valid PKCS#5 padding byte for a 16-byte block.
    let bad_padding = encrypt(&key, &p, &[0x11u8; 32]).unwrap().data;
    assert!(matches!(
        decrypt(&key, &padded, &bad_padding, None),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn ctr_known_answer_and_round_trip() {
    // NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt), first two blocks.
    let key = unhex("2b7e151628aed2a6abf7158809cf4f3c");
    let iv = unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    let pt = unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
    let p = params(BlockMode::Ctr, None, Some(&iv));
    let out = encrypt(&key, &p, &pt).unwrap();
    assert_eq!(
        out.data,
        unhex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff")
    );
    assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
    // Any length; random IV returned.
    let p = params(BlockMode::Ctr, None, None);
    let out = encrypt(&key, &p, b"seven b").unwrap();
    assert_eq!(out.data.len(), 7);
    let iv = out.iv.unwrap();
    let p = params(BlockMode::Ctr, None, Some(&iv));
    assert_eq!(
        decrypt(&key, &p, &out.data, None).unwrap().expose(),
        b"seven b"
    );
}

struct GcmCase {
    key: &'static str,
    iv: &'static str,
    aad: &'static str,
    pt: &'static str,
    ct: &'static str,
    tag: &'static str,
}

/// From KMIP CS-BC-M-GCM-1 and -2 (1.4), which are the GCM specification's test cases
/// plus NIST CAVP truncated-tag cases.
const GCM_CASES: &[GcmCase] = &[
    GcmCase { key: "00000000000000000000000000000000", iv: "000000000000000000000000", aad: "", pt: "", ct: "", tag: "58e2fccefa7e3061367f1d57a4e7455a" },
    GcmCase { key: "00000000000000000000000000000000", iv: "000000000000000000000000", aad: "", pt: "00000000000000000000000000000000", ct: "0388dace60b6a392f328c2b971b2fe78", tag: "ab6e47d42cec13bdf53a67b21257bddf" },
    GcmCase { key: "feffe9928665731c6d6a8f9467308308", iv: "cafebabefacedbaddecaf888", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", tag: "5bc94fbc3221a5db94fae95ae7121a47" },
    // 64-bit IV.
    GcmCase { key: "feffe9928665731c6d6a8f9467308308", iv: "cafebabefacedbad", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598", tag: "3612d2e79e3b0785561be14aaca2fccb" },
    // 480-bit IV.
    GcmCase { key: "feffe9928665731c6d6a8f9467308308", iv: "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5", tag: "619cc5aefffe0bfa462af43c1699d050" },
    // AES-192, 64-bit IV.
    GcmCase { key: "feffe9928665731c6d6a8f9467308308feffe9928665731c", iv: "cafebabefacedbad", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "0f10f599ae14a154ed24b36e25324db8c566632ef2bbb34f8347280fc4507057fddc29df9a471f75c66541d4d4dad1c9e93a19a58e8b473fa0f062f7", tag: "65dcc57fcf623a24094fcca40d3533f8" },
    // AES-256, 480-bit IV.
    GcmCase { key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", iv: "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf40fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f", tag: "a44a8266ee1c8eb0c8b5d4cf5ae9f19a" },
    // Truncated tags: 15, 14, 13 and 12 bytes.
    GcmCase { key: "6dfa1a07c14f978020ace450ad663d18", iv: "34edfa462a14c6969a680ec1", aad: "2a35c7f5f8578e919a581c60500c04f6", pt: "", ct: "", tag: "751f3098d59cf4ea1d2fb0853bde1c" },
    GcmCase { key: "ed6cd876ceba555706674445c229c12d", iv: "92ecbf74b765bc486383ca2e", aad: "95bd10d77dbe0e87fb34217f1a2e5efe", pt: "bfaaaea3880d72d4378561e2597a9b35", ct: "bdd2ed6c66fa087dce617d7fd1ff6d93", tag: "ba82e49c55a22ed02ca67da4ec6f" },
    GcmCase { key: "a1412ff6f687787fb404a4a9d18511d1", iv: "7e78061027ac22ddad25c930", aad: "e21cfc627452107d55f34f7d06bca88e", pt: "abef8c37dfc74ad8b5e59e71ae9a9583", ct: "0d378e6a61589c6f49b739ae374e6fc1", tag: "75ea647ff1318e4a53b55ac0d2" },
    GcmCase { key: "5ac0b25cccaaa4bb2375aef5034db959", iv: "65765ef5c5ff39c256af5838", aad: "77d997b514608c0d0b0668cecae21f4a", pt: "53b4f37fcb17ecbf88f47f5aa53bfe96", ct: "506959e2cc4929a7047a5bc986854e0e", tag: "c69d14f2e795336f6eb22171" },
];

#[test]
fn kmip_gcm_vectors_through_both_paths() {
    for (n, case) in GCM_CASES.iter().enumerate() {
        let (key, iv, aad, pt) = (
            unhex(case.key),
            unhex(case.iv),
            unhex(case.aad),
            unhex(case.pt),
        );
        let (ct, tag) = (unhex(case.ct), unhex(case.tag));
        let p = CipherParams {
            mode: Some(BlockMode::Gcm),
            iv: Some(&iv),
            aad: &aad,
            tag_len: Some(tag.len()),
            ..Default::default()
        };
        let out = encrypt(&key, &p, &pt).unwrap();
        assert_eq!(out.data, ct, "case {n}");
        assert_eq!(out.tag.as_deref(), Some(tag.as_slice()), "case {n}");
        assert_eq!(out.iv, None);
        assert_eq!(
            decrypt(&key, &p, &ct, Some(&tag)).unwrap().expose(),
            pt,
            "case {n}"
        );
        // The composed GCM agrees with aws-lc's AEAD on every case.
        let gcm = SoftGcm::new(&key).unwrap();
        let j0 = gcm.j0(&iv).unwrap();
        let mut buf = pt.clone();
        gcm.ctr(j0, &mut buf).unwrap();
        assert_eq!(buf, ct, "case {n}");
        assert_eq!(
            &gcm.tag(j0, &aad, &ct).unwrap()[..tag.len()],
            tag.as_slice(),
            "case {n}"
        );
        // Any altered bit fails authentication (CS-BC-M-GCM-1 negative cases).
        let mut bad_tag = tag.clone();
        bad_tag[0] ^= 0xff;
        assert_eq!(
            decrypt(&key, &p, &ct, Some(&bad_tag)).err(),
            Some(CryptoError::AuthenticationFailed)
        );
        let mut bad_iv = iv.clone();
        bad_iv[0] ^= 0xff;
        let pb = CipherParams {
            iv: Some(&bad_iv),
            ..p
        };
        assert_eq!(
            decrypt(&key, &pb, &ct, Some(&tag)).err(),
            Some(CryptoError::AuthenticationFailed)
        );
        if !ct.is_empty() {
            let mut bad_ct = ct.clone();
            bad_ct[0] ^= 0xff;
            assert_eq!(
                decrypt(&key, &p, &bad_ct, Some(&tag)).err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
        let other_aad = [aad.as_slice(), b"x"].concat();
        let pa = CipherParams {
            aad: &other_aad,
            ..p
        };
        assert_eq!(
            decrypt(&key, &pa, &ct, Some(&tag)).err(),
            Some(CryptoError::AuthenticationFailed)
        );
    }
}

#[test]
fn gcm_tag_lengths_and_defaults() {
    let key = unhex("00000000000000000000000000000000");
    let iv = unhex("000000000000000000000000");
    let pt = unhex("00000000000000000000000000000000");
    // CS-BC-M-GCM-1: the 12-byte prefix of the full tag verifies with tag length 12.
    let p12 = CipherParams {
        mode: Some(BlockMode::Gcm),
        iv: Some(&iv),
        tag_len: Some(12),
        ..Default::default()
    };
    let out = encrypt(&key, &p12, &pt).unwrap();
    assert_eq!(
        out.tag.as_deref(),
        Some(&unhex("ab6e47d42cec13bdf53a67b2")[..])
    );
    assert_eq!(
        decrypt(&key, &p12, &out.data, out.tag.as_deref())
            .unwrap()
            .expose(),
        pt
    );
    // Tag lengths 1 and 32 are refused (CS-BC-M-GCM-1), as are 11 and 17.
    for bad in [0, 1, 11, 17, 32] {
        let p = CipherParams {
            tag_len: Some(bad),
            ..p12
        };
        assert!(
            matches!(encrypt(&key, &p, &pt), Err(CryptoError::InvalidInput(m)) if m.contains("tag length"))
        );
    }
    // A tag whose length differs from the stated one is refused before any check.
    let p16 = CipherParams {
        tag_len: Some(16),
        ..p12
    };
    assert!(matches!(
        decrypt(&key, &p16, &out.data, out.tag.as_deref()),
        Err(CryptoError::InvalidInput(_))
    ));
    // Decrypt needs the IV and the tag.
    let no_iv = CipherParams { iv: None, ..p16 };
    assert!(matches!(
        decrypt(&key, &no_iv, &out.data, Some(&[0u8; 16])),
        Err(CryptoError::InvalidInput(_))
    ));
    assert!(matches!(
        decrypt(&key, &p16, &out.data, None),
        Err(CryptoError::InvalidInput(_))
    ));
    // No mode: GCM with a random 12-byte nonce and a 16-byte tag (CS-BC-M-GCM-2 RandomIV).
    let aad = b"header";
    let p = CipherParams {
        aad,
        ..Default::default()
    };
    let out = encrypt(&key, &p, b"hello").unwrap();
    let nonce = out.iv.clone().unwrap();
    assert_eq!(nonce.len(), 12);
    assert_eq!(out.tag.as_ref().unwrap().len(), 16);
    let pd = CipherParams {
        iv: Some(&nonce),
        ..p
    };
    assert_eq!(
        decrypt(&key, &pd, &out.data, out.tag.as_deref())
            .unwrap()
            .expose(),
        b"hello"
    );
    assert_ne!(encrypt(&key, &p, b"hello").unwrap().iv, Some(nonce));
}

#[test]
fn soft_gcm_counter_wraps_only_the_low_32_bits() {
    // An IV whose J0 has low word 0xffffffff would carry into the high bits under plain
    // 128-bit increments; inc32 must not.
    assert_eq!(inc32(0x0102_0304_ffff_ffff), 0x0102_0304_0000_0000);
    assert_eq!(inc32(5), 6);
    // gf_mul: H * 1 (the element with only x^0 set, i.e. the top bit) is H.
    let h = 0x66e9_4bd4_ef8a_2c3b_884c_fa59_ca34_2b2eu128;
    assert_eq!(gf_mul(1u128 << 127, h), h);
    assert_eq!(gf_mul(h, 1u128 << 127), h);
    assert_eq!(gf_mul(0, h), 0);
}

#[test]
fn aes_params_that_do_not_apply_are_refused() {
    let key = [1u8; 16];
    let iv = [0u8; 16];
    for p in [
        CipherParams {
            mode: Some(BlockMode::Ecb),
            iv: Some(&iv),
            ..Default::default()
        },
        CipherParams {
            mode: Some(BlockMode::Cbc),
            aad: b"x",
            iv: Some(&iv),
            ..Default::default()
        },
        CipherParams {
            mode: Some(BlockMode::Cbc),
            tag_len: Some(16),
            iv: Some(&iv),
            ..Default::default()
        },
        CipherParams {
            mode: Some(BlockMode::Gcm),
            padding: Some(Padding::Pkcs5),
            ..Default::default()
        },
        CipherParams {
            padding: Some(Padding::Oaep),
            ..Default::default()
        },
        CipherParams {
            hash: Some(keyhaven_core::cipher::HashAlgorithm::Sha256),
            ..Default::default()
        },
    ] {
        assert!(
            matches!(
                encrypt(&key, &p, &[0u8; 16]),
                Err(CryptoError::InvalidInput(_))
            ),
            "{p:?}"
        );
    }
    let p = CipherParams {
        mode: Some(BlockMode::Ecb),
        ..Default::default()
    };
    assert!(matches!(
        decrypt(&key, &p, &[0u8; 16], Some(&[0u8; 16])),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn key_wrap_rfc3394_vectors() {
    let data128 = unhex("00112233445566778899aabbccddeeff");
    let data256 = unhex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
    let kek128 = unhex("000102030405060708090a0b0c0d0e0f");
    let kek192 = unhex("000102030405060708090a0b0c0d0e0f1011121314151617");
    let kek256 = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    for (kek, data, expected) in [
        (
            &kek128,
            &data128,
            "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",
        ), // 4.1
        (
            &kek192,
            &data128,
            "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d",
        ), // 4.2
        (
            &kek256,
            &data128,
            "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7",
        ), // 4.3
        (
            &kek256,
            &data256,
            "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21",
        ), // 4.6
    ] {
        let wrapped = aes_key_wrap(kek, data).unwrap();
        assert_eq!(wrapped, unhex(expected), "kek {}", kek.len());
        assert_eq!(
            aes_key_unwrap(kek, &wrapped).unwrap().expose(),
            data.as_slice()
        );
        // Through the handle-level dispatch too.
        let p = CipherParams {
            mode: Some(BlockMode::KeyWrap),
            ..Default::default()
        };
        assert_eq!(encrypt(kek, &p, data).unwrap().data, wrapped);
        assert_eq!(
            decrypt(kek, &p, &wrapped, None).unwrap().expose(),
            data.as_slice()
        );
        let mut bad = wrapped.clone();
        bad[5] ^= 1;
        assert_eq!(
            aes_key_unwrap(kek, &bad).err(),
            Some(CryptoError::AuthenticationFailed)
        );
        let mut other = kek.clone();
        other[0] ^= 1;
        assert_eq!(
            aes_key_unwrap(&other, &wrapped).err(),
            Some(CryptoError::AuthenticationFailed)
        );
    }
    // The composed wrap agrees with aws-lc's for 128- and 256-bit KEKs.
    for kek in [&kek128, &kek256] {
        for len in [16, 24, 40, 64] {
            let data: Vec<u8> = (0..len as u8).collect();
            let lib = aes_key_wrap(kek, &data).unwrap();
            assert_eq!(soft_wrap(kek, KW_IV, &data).unwrap(), lib);
            let (a, plain) = soft_unwrap(kek, &lib).unwrap();
            assert_eq!((a, plain.expose()), (KW_IV, data.as_slice()));
        }
    }
    for bad in [0, 8, 15, 17, 23] {
        assert!(matches!(
            aes_key_wrap(&kek128, &vec![0u8; bad]),
            Err(CryptoError::InvalidInput(_))
        ));
    }
    assert!(matches!(
        aes_key_wrap(&[0u8; 20], &data128),
        Err(CryptoError::InvalidInput(_))
    ));
    assert!(matches!(
        aes_key_unwrap(&kek128, &[0u8; 16]),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn key_wrap_padded_rfc5649_vectors() {
    let kek = unhex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
    for (key, expected) in [
        (
            "c37b7e6492584340bed12207808941155068f738",
            "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a",
        ),
        ("466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"),
    ] {
        let key = unhex(key);
        let wrapped = aes_key_wrap_padded(&kek, &key).unwrap();
        assert_eq!(wrapped, unhex(expected));
        assert_eq!(
            aes_key_unwrap_padded(&kek, &wrapped).unwrap().expose(),
            key.as_slice()
        );
        let mut bad = wrapped.clone();
        bad[3] ^= 0x10;
        assert_eq!(
            aes_key_unwrap_padded(&kek, &bad).err(),
            Some(CryptoError::AuthenticationFailed)
        );
    }
    // aws-lc path (128/256-bit KEKs): every length from 1 to 40 round trips, and RFC 3394
    // output is not accepted as RFC 5649.
    for kek in [[9u8; 16].as_slice(), &[9u8; 32]] {
        for len in 1..=40usize {
            let data: Vec<u8> = (0..len as u8).collect();
            let wrapped = aes_key_wrap_padded(kek, &data).unwrap();
            assert_eq!(wrapped.len(), len.div_ceil(8) * 8 + 8);
            assert_eq!(
                aes_key_unwrap_padded(kek, &wrapped).unwrap().expose(),
                data.as_slice()
            );
            let p = CipherParams {
                mode: Some(BlockMode::KeyWrapPadded),
                ..Default::default()
            };
            assert_eq!(
                decrypt(kek, &p, &wrapped, None).unwrap().expose(),
                data.as_slice()
            );
        }
        let kw = aes_key_wrap(kek, &[1u8; 16]).unwrap();
        assert_eq!(
            aes_key_unwrap_padded(kek, &kw).err(),
            Some(CryptoError::AuthenticationFailed)
        );
    }
    // 192-bit KEK: every length round trips through the composed path.
    for len in 1..=40usize {
        let data: Vec<u8> = (0..len as u8).map(|b| b ^ 0x5a).collect();
        let wrapped = aes_key_wrap_padded(&kek, &data).unwrap();
        assert_eq!(
            aes_key_unwrap_padded(&kek, &wrapped).unwrap().expose(),
            data.as_slice()
        );
    }
    assert!(matches!(
        aes_key_wrap_padded(&kek, &[]),
        Err(CryptoError::InvalidInput(_))
    ));
}
