use super::*;
use crate::testutil::{
    assert_unsupported, digest_for, load_shared, schemes_for, shared, unhex, ALL_SCHEMES,
};

const ALGS: [KeyAlgorithm; 3] = [
    KeyAlgorithm::Rsa2048,
    KeyAlgorithm::Rsa3072,
    KeyAlgorithm::Rsa4096,
];

#[test]
fn oaep_round_trip_with_and_without_label() {
    for alg in ALGS {
        let key = load_shared(alg);
        for aad in [&b""[..], b"label"] {
            for plaintext in [&b""[..], b"a data key of 32 bytes, say....."] {
                let ct = key.encrypt(plaintext, aad).unwrap();
                assert_eq!(ct.len() * 8, params(alg).unwrap().1);
                assert_eq!(key.decrypt(&ct, aad).unwrap().expose(), plaintext, "{alg}");
            }
        }
    }
}

#[test]
fn oaep_plaintext_limit() {
    let key = load_shared(KeyAlgorithm::Rsa2048);
    let max = 256 - 2 * 32 - 2;
    let ct = key.encrypt(&vec![1u8; max], b"").unwrap();
    assert_eq!(
        key.decrypt(&ct, b"").unwrap().expose(),
        vec![1u8; max].as_slice()
    );
    assert!(matches!(
        key.encrypt(&vec![1u8; max + 1], b""),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn oaep_negative_cases() {
    let key = load_shared(KeyAlgorithm::Rsa2048);
    let ct = key.encrypt(b"secret", b"label").unwrap();
    let mut tampered = ct.clone();
    tampered[100] ^= 0x40;
    assert_eq!(
        key.decrypt(&tampered, b"label").err(),
        Some(CryptoError::AuthenticationFailed)
    );
    assert_eq!(
        key.decrypt(&ct, b"other").err(),
        Some(CryptoError::AuthenticationFailed)
    );
    assert_eq!(
        key.decrypt(&ct, b"").err(),
        Some(CryptoError::AuthenticationFailed)
    );
    // Another key of the same size.
    let other = load(
        KeyAlgorithm::Rsa2048,
        generate(KeyAlgorithm::Rsa2048).unwrap().material.expose(),
    )
    .unwrap();
    assert_eq!(
        other.decrypt(&ct, b"label").err(),
        Some(CryptoError::AuthenticationFailed)
    );
    // Garbage of the right length, and wrong lengths.
    assert_eq!(
        key.decrypt(&[0xffu8; 256], b"").err(),
        Some(CryptoError::AuthenticationFailed)
    );
    assert_eq!(
        key.decrypt(&[0x00u8; 256], b"").err(),
        Some(CryptoError::AuthenticationFailed)
    );
    for len in [0, 1, 255, 257, 512] {
        assert!(matches!(
            key.decrypt(&vec![1u8; len], b""),
            Err(CryptoError::InvalidInput(_))
        ));
    }
}

#[test]
fn sign_verify_every_scheme_message_and_digest() {
    let message = b"pay Bob 10 coins";
    for alg in ALGS {
        let key = load_shared(alg);
        let schemes = schemes_for(alg);
        assert_eq!(schemes.len(), 6);
        for scheme in schemes {
            let by_message = key.sign(scheme, SignInput::Message(message)).unwrap();
            assert_eq!(by_message.len() * 8, params(alg).unwrap().1);
            let digest = digest_for(scheme, message);
            let by_digest = key.sign(scheme, SignInput::Digest(&digest)).unwrap();
            for signature in [&by_message, &by_digest] {
                // A signature made either way verifies either way.
                assert!(
                    key.verify(scheme, SignInput::Message(message), signature)
                        .unwrap(),
                    "{alg} {scheme:?}"
                );
                assert!(
                    key.verify(scheme, SignInput::Digest(&digest), signature)
                        .unwrap(),
                    "{alg} {scheme:?}"
                );
                assert!(!key
                    .verify(scheme, SignInput::Message(b"pay Bob 99 coins"), signature)
                    .unwrap());
                let other_digest = digest_for(scheme, b"pay Bob 99 coins");
                assert!(!key
                    .verify(scheme, SignInput::Digest(&other_digest), signature)
                    .unwrap());
                let mut flipped = signature.clone();
                flipped[7] ^= 1;
                assert!(!key
                    .verify(scheme, SignInput::Message(message), &flipped)
                    .unwrap());
            }
            if scheme.name().starts_with("rsa-pkcs1") {
                // PKCS#1 v1.5 is deterministic.
                assert_eq!(by_message, by_digest);
            }
        }
    }
}

#[test]
fn schemes_are_not_interchangeable() {
    let key = load_shared(KeyAlgorithm::Rsa2048);
    let pss = key
        .sign(SignatureScheme::RsaPssSha256, SignInput::Message(b"m"))
        .unwrap();
    assert!(!key
        .verify(
            SignatureScheme::RsaPkcs1Sha256,
            SignInput::Message(b"m"),
            &pss
        )
        .unwrap());
    assert!(!key
        .verify(
            SignatureScheme::RsaPssSha384,
            SignInput::Message(b"m"),
            &pss
        )
        .unwrap());
}

#[test]
fn garbage_signatures_verify_false() {
    let key = load_shared(KeyAlgorithm::Rsa2048);
    for signature in [
        &[][..],
        &[0u8; 1],
        &[0u8; 256],
        &[0xffu8; 256],
        &[0u8; 4096],
    ] {
        for scheme in schemes_for(KeyAlgorithm::Rsa2048) {
            assert!(!key
                .verify(scheme, SignInput::Message(b"m"), signature)
                .unwrap());
        }
    }
}

#[test]
fn bad_digest_length_and_unfit_scheme() {
    let key = load_shared(KeyAlgorithm::Rsa2048);
    for (scheme, len) in [
        (SignatureScheme::RsaPssSha256, 31),
        (SignatureScheme::RsaPkcs1Sha384, 32),
        (SignatureScheme::RsaPssSha512, 0),
    ] {
        let digest = vec![1u8; len];
        assert!(matches!(
            key.sign(scheme, SignInput::Digest(&digest)),
            Err(CryptoError::InvalidInput(_))
        ));
        assert!(matches!(
            key.verify(scheme, SignInput::Digest(&digest), &[0u8; 256]),
            Err(CryptoError::InvalidInput(_))
        ));
    }
    for scheme in ALL_SCHEMES
        .into_iter()
        .filter(|s| !s.fits(KeyAlgorithm::Rsa2048))
    {
        assert!(matches!(
            key.sign(scheme, SignInput::Message(b"m")),
            Err(CryptoError::Unsupported(_))
        ));
        assert!(matches!(
            key.verify(scheme, SignInput::Message(b"m"), &[0u8; 256]),
            Err(CryptoError::Unsupported(_))
        ));
    }
}

#[test]
fn other_operations_are_unsupported() {
    let key = load_shared(KeyAlgorithm::Rsa3072);
    assert_unsupported(
        key.as_ref(),
        &[
            Operation::MacGenerate,
            Operation::MacVerify,
            Operation::Encapsulate,
            Operation::Decapsulate,
        ],
    );
}

#[test]
fn import_checks_size_and_normalises() {
    let k2048 = shared(KeyAlgorithm::Rsa2048);
    let imported = import(KeyAlgorithm::Rsa2048, k2048.material.expose()).unwrap();
    assert_eq!(imported.material, k2048.material);
    assert_eq!(imported.public_key, k2048.public_key);
    // A 2048-bit key is not an RSA-3072 or RSA-4096 key, and vice versa.
    for alg in [KeyAlgorithm::Rsa3072, KeyAlgorithm::Rsa4096] {
        assert!(matches!(
            import(alg, k2048.material.expose()),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
    }
    assert!(matches!(
        import(
            KeyAlgorithm::Rsa2048,
            shared(KeyAlgorithm::Rsa4096).material.expose()
        ),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
    // An EC key is not an RSA key.
    assert!(matches!(
        import(
            KeyAlgorithm::Rsa2048,
            shared(KeyAlgorithm::EcP256).material.expose()
        ),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
    // Truncated PKCS#8.
    let truncated = &k2048.material.expose()[..k2048.material.len() - 10];
    assert!(matches!(
        import(KeyAlgorithm::Rsa2048, truncated),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
}

// ---- Caller-framed operations and conversions, on KMIP conformance vectors ----

/// CS-AC-M-OAEP-1: the public key (X.509 SubjectPublicKeyInfo).
const OAEP_PUB_SPKI: &str = concat!(
    "30820122300d06092a864886f70d01010105000382010f003082010a0282010100b8e814a25ca64c8de16f73",
    "849a78c8b13bb086a407301604f674efb588ee7b996b1b6a2968625a2548e9ab01ce6a3699907e303c8a02c9",
    "e40ea36bd6d8b2a74b1ee98fa8835a480dfc751fddc490e5a46707095356316587fc339196e4d7db70c7feae",
    "50a1263dedd589bec009624193c7de4793dcdf830be3256c70de1f02f7a7d3503035fcb9625c40abb7445470",
    "203902ea045f337d31fcd28506e46cd65560949f08cd90fedaabbcb6615b884737d3f5ad01e67cc0c2997af3",
    "328b3c80d5ee0a9aa40a9119bd7594fcfe2324728ea9a8f839e663467a0c44915d0275e34cf1c9605ad317c4",
    "573f57c85fd7e19e82cc6f77314e8db47a908a57e3e4418e450203010001"
);
/// CS-AC-M-OAEP-2: its private key (PKCS#1 RSAPrivateKey).
const OAEP_PRIV_PKCS1: &str = concat!(
    "308204a40201000282010100b8e814a25ca64c8de16f73849a78c8b13bb086a407301604f674efb588ee7b99",
    "6b1b6a2968625a2548e9ab01ce6a3699907e303c8a02c9e40ea36bd6d8b2a74b1ee98fa8835a480dfc751fdd",
    "c490e5a46707095356316587fc339196e4d7db70c7feae50a1263dedd589bec009624193c7de4793dcdf830b",
    "e3256c70de1f02f7a7d3503035fcb9625c40abb7445470203902ea045f337d31fcd28506e46cd65560949f08",
    "cd90fedaabbcb6615b884737d3f5ad01e67cc0c2997af3328b3c80d5ee0a9aa40a9119bd7594fcfe2324728e",
    "a9a8f839e663467a0c44915d0275e34cf1c9605ad317c4573f57c85fd7e19e82cc6f77314e8db47a908a57e3",
    "e4418e450203010001028201004af58aa7e7776341814a7542247d229ef6dbb1397dd0789cba6cdd60728a7b",
    "80ce72e6aeb2aa6c710105f9555a20a4d1cc49dbb42f1ec249b9c5764a3abef222f9fd2547e3380e4ddd327e",
    "20a1373c61518300bcd00c6664a251258c4e6953847d0f3a0b65c8e3022fb70fa53a28a2fd0de18692e2cf99",
    "889024f3b92dd2d49870a5de6f11827feade31bdc8889148968fad08b794007f68524a3bbce886dee240cb18",
    "f0b14e22ebfe5b04a4f1a73c9ed56adc0881b9aca2a02a776a2df2843b3cca528c8dca70db0a72baa978e8e1",
    "1ef833f298403003de5820cf6d54d58de1753aac48aae6911a55f9d393a829fd4169799365b7a4015c591127",
    "7937bb150102818100e7e2f373592c2b9919851f238f1b1b67e9c761bbf252b334d5a12a6ea66974a1cb5f57",
    "dfa0595298f143ef958f7450571c31c682b91ea26a0349383088cbedd87e7edc6cb5287a56d7f73c31d02df6",
    "e3c58b01c27efdac951e279a3318951520c44c3903e5dc793c3cdacc40ad06551bd219bd6ecfd1c3f4f8ea51",
    "3674ab286d02818100cc2279fb888ba03c22c6613bb1466c9e2cd161d99bbec2f75af82cf7f0e43eb1a8a8bc",
    "23c24fc2838bffb94e791811073da55c53e07e1fec63cefd066dc631e25e74dae715ab3cc18b5e56ff2a786d",
    "dee92d32dc5bd4df849cb8246e3f42c1279985c5cb6909b0630424dc8a82d5604387e95fbb248720636b8e72",
    "08ca1f063902818100a103034c3ac4e2d901d15f97cf4c61313c30c77a3b7e9514c0a991cf1719ee7451c4b8",
    "3d7d17c8b48e02401fb7666a4ab23715c1bb4cbc35a46678efaa6cff8fedf5a4948f0db6350aec8f0d7fa20a",
    "e6894a464488ed17a2cb377068be4ef646b446c0e825f97aed0acc5a3b2669593b621da15d8a4bfb26e497bf",
    "2072ce4dd90281806cff07a4efcea5db1632589e97d46390bd9b7b24c70d3f6af5eec78c07dac742f32c4d70",
    "c682f1f86d5b38e596b0ebfeb2c2c59e9fa298870eefe998722abe5e015361c2bb8638259bb5debbd6408161",
    "e19d59a7e17cb3704a81e429ddab56193fd6f6badab5eab1a3f7ceae42978e13e0d112658966813bb4a5556c",
    "2e080cb902818100c42490c242d07fd464f0f628a094a87508f0d9deee3e6bee40e580f78b2e2fbaaba3b2a5",
    "2d7e55aacdf6bef781603238c26bf096aad72d96d691bf1a44d41a17bf0762f980db075ee6405db2e4ce0d8a",
    "976f062d6f35396b9899eb6ca92d0c8e8e97d2c9b31929dcf56fcb8138dc252173b82f66b478313bf73f59df",
    "fe9ac9b0"
);
/// The plaintext of every OAEP case.
const OAEP_PLAINTEXT: &str = "6628194e12073db03ba94cda9ef9532397d50dba79b987004afefe34";
/// CS-AC-M-OAEP-2: OAEP SHA-256 / MGF1-SHA-256 ciphertext.
const OAEP_SHA256_CT: &str = concat!(
    "6afdbc76de74458198a9c890cc5abb52580af01c2096036dca104d67f96a05de682da5c26970a80834352744",
    "0aa80b9d043045d7983f442a3d376e5b039bcfb96c1b5fd0e46b5fff85646273293ced5e7272993850017f24",
    "f6133591d5c9788781a9952873ebfc45ad4d34fff2b4e9ababf49d9f9a3d7726bdce3eb2feb545db5cfef0b1",
    "83bd55735a2d356b4278c5580ce0e4cfd21a0a3ad3b225de388fcfd688394710f97d5a3933e01d434fcff732",
    "542390f8915d5d291780ed63d425c0bea5bb0ad25aae3a70355e3f45a443ea111b80515b743d5bd226d339dc",
    "7516ce6c41414a0aa978198bc6762f443e957c7be5edbd25fcdd226c5d967fa05d7c9079"
);
/// CS-AC-M-OAEP-4: private key (PKCS#1).
const OAEP384_PRIV_PKCS1: &str = concat!(
    "308204a40201000282010100cc26bcf1dbc58031a6ab20b8953f996f0ac3a7c88e9efbdfd5b5036bc1954c2f",
    "205ad2360259ff589a958b9def0c484a2f624ee64743f90d269b51ba4f6288f048a22a28c9cc98bc9101e861",
    "69e2e9880776d05558914e54dba574cf7a5034dedb09ea3e272e875a54443769d0885fbf68970b5340e8b736",
    "87b325c9393d5caef0752e4bc6944c5126faea3b43de107c1727a03c6d2b27e46b798de9dc96d8baaaa5c8f4",
    "f993f7679832747d7b98dfb2cde643b2616654ed5864902572335e1390c3149e5a84fd32b245597bbb84f1c8",
    "0c57ccf669459af90728ee1ee260d517e0cc71f94a1213c9aa73ab561e9614f15973b8c89682239d971bd896",
    "3b93e37b02030100010282010100b0d44508c131db0e26ad47945a4252666a4e7ac02f38ea3641679ee4f132",
    "9e609b87cf58d4c49b7665bf6ec587cf7db63440d4d2859c0cd7253f9794e73a141efceae9d596a5cf0e5613",
    "eef2a1c2d840e92632e219eb128c520c889745fcbf2ee14f3f4442affcb17317fb5f7e2f01b04ba9b9378d9b",
    "85468857d63ceb858906ba4ed756acdd922579629339f28311a9af5982c19bafe32e56d9d4bc4a7001905001",
    "ffaab16a904d1d9d79645ff1e084dead80356c1339149dc25a3555b866d33b3561175b7e4b91e9ced14f909b",
    "86e6f1c25e696f77c2add25d5218f14f86db9e0f30d4e02ce619f25d481aafaaa3a2e4333c2df7041ad038cc",
    "b71593b9e53102818100e849179b5ced98316a86ad6c46572b18a2dd31500b8f04a784bf166d84b051a593bc",
    "1333e79ea9c1ef3190882aa9cab53594125ca7b66e4589d80c2f3546beea1d7c32dd9b9210e166ec940b4c40",
    "07cb0ea1a9e6707a6c3fabda48299688e07ecbf41970e6576964ca9f33555d468a088bed853fd584f4bdd29e",
    "9af875369d3702818100e0fe57e942f72bbea26ec03cf50209cbf7ac13e71807ff6ba62cd83cb6f24c4f5b77",
    "f77c2ca8c3e72b473a97516dc91d8710abd305d1526e165dddea225856c5f02d0a282920ba7059e8f15137f4",
    "f0c27f2985bed54751273ecf3ca9de76519c59f2e08bd937ccf88ea87838353b6eabe76d77d9f36cf65b45e7",
    "d30f0e50addd02818100844e85bcbfbcb1708c3db3f0354c97468c15b36de5778bee230578afdee153501d8b",
    "05e10dafe8ff86cfd3844bd0b49e6cab2f9e4904f760727875d039e756fd20d84a5cc1acfc22772e8fd0b398",
    "d1178ef8f43e4698e4a98ba8646c13cb591bbfee04c3b2dfdd2f44de532def582b6d5cce6894887917b23b92",
    "8db0b18aef1702818012a7c42e4929296d63167fc60e229f215465e638911b88a82a5d2988cf3a83ed488e47",
    "ecf9defc6f5c7d497466820ddceee808f7345248dd6be9588f234de3d401b81a517e27828df246884bcdb1f7",
    "8c88f2ae6e464ce583b58785662855f32a5da2efcf68b161c37240b1c72752c83864b604ec036d137839f1a0",
    "e46cb16fd90281800a860cf858640b9dc4fc2d43d5c3f00b9d64747dfefb55c222547870a87de56a98bd506d",
    "79307d5abddaedd63fe17192eed8eeaee5f33a5f1604f0eb42171032dccfe9355efa202fd1d1e30e65fad63b",
    "3daaf29d3392a1ec4cd08c824dc2ae9bb67b3c81c06c4269f7fbcca3c8a103d0070633addff5a50e5ee737d3",
    "3bc51262"
);
/// CS-AC-M-OAEP-4: OAEP SHA-384 / MGF1-SHA-384 ciphertext.
const OAEP_SHA384_CT: &str = concat!(
    "c7dbfa84e358c2545bdc39afed1a4b9e2ef10802bb9c3988c0195660011a611e410d8929b2b23767b520bb4e",
    "560567b5261b1aca5b8a751ec4874cb120ef5a95a552c6af2732604bb1a3638218a5793fb7f3894bbaa7abcf",
    "7f32196b30a93fd6461493784e4a969f8201617c34d257e7638115ba13bebc7f0e361ed47055ea91a9f1786f",
    "ac9d126ce405b1d214dd7c5ba8d787554ce7eb08dd44b073f8bfd519829dbf159e8d7a777557630a4ef6a788",
    "17d4efedcf2a93d6b0c26bbfc7e087f70d7318c2f63a3358d79a77e8654cacd09e72194d467e7533802b575b",
    "708b97da5fe0a559a775bdca6e1589e65a1a79c9aeed78ded9f0cb55a3ccdbced2415d84"
);
/// CS-AC-M-OAEP-8: private key (PKCS#1).
const OAEP_MIXED_PRIV_PKCS1: &str = concat!(
    "308204a4020100028201010096ed9882e639115e6502348aed486317b6d8cbed47d4250a7261a829b2b1ef9a",
    "0dabc35861b9d599d8d2761364128976425e166a8e7fcc99f4a225b171b6887ce29031d114cd6b3b9b87f044",
    "3f4c327905458f72e326874fd9af16986477b33c43a20f8c9653b2cce47492d9e63cf6713c3a9026d000ebd1",
    "9310168d209ebfa7b58138c580e8c80954d0f5dd65fa24be9f5d0b5d79f8eb65eb84eb4a14ff97851f1c7630",
    "802bd106d8dcc2096989d02c7a67f05552e394827d19929a3ff9adb1d73f26dc3c98ce376f5bf888e82aa586",
    "8c2e0e7fe1cab6d691009da7ee0e483157158c280222acdbec0e1646750614d310929113e2560a108bf1299b",
    "dcd7747d020301000102820100117275e6ebe63cf3c48974b97aa49b8fea3b3597c06dedba3f6eba99d7666a",
    "644ca0467cb90f5a79e66eade79ff1e4a21f19f14d701ba5f3462c585f22de0ef920d7ba6a8915160855fa68",
    "f3fabd3c38713b91519ea09d93c57e50065dd6d88966e81d140b6cb186ae022bd7b49de77f3f8f258ad710c4",
    "31fde626353a481faf7e01c10fedd103ea5e2a20c86067ef323fbc0353d41d63adc51355d8698f34c9d084f3",
    "d93ea5f9461ef66a6401abea4566f5bc11551d11152123917706d78ab95668b673b0c73f3fe480659a047a71",
    "ef63313bc8935ae0bc3959939a0193835024e39b1c816d63de8dbda1a0a728fc1cba8c66fc079c8b07f39559",
    "af6ca42f0102818100c499b8f60d5989746b60939ae5d6466962197aef212a0db5eb618f07fe0e35e21bf6d4",
    "45bd5e571b71c83a3e4cb84f683918a0b87adcd6d7beeb3fca9b87d9437d78f694557bc3d47e96e8ff83c958",
    "018ec70bfec998804d41eb21db99f6bd07cf3621dd6e70f4907a259ea2199208613bc655a804ca9c6ec1c5ff",
    "8918d12b0902818100c4874b4f5aa8538d8af15d945e9be842e4a7c08dfe7a42aee4cc375df415640904451c",
    "fa15d1cdda5d31f34d45e928986ba52c3b373c539fdacfe428d70b52a4eb2419277d50f1466debeab0ca2488",
    "6390fae9d7e611a2b2993a59e2dc6bb874225f8ce3b2fcf6563421cc4ffd0dc119bff1c17d36bbba40c9fd4d",
    "0df4d4f6d50281810081befd8d0cc4616d7e8bcefdf3ded4bb29adad2ef191225943cd2faad3a4a734e0c5a5",
    "d39ca50d11a4a6c2a168da5e356730f4a8ab14e188a28bf89e8ac43dc347a433ff32e72a172bb00676d28f67",
    "5027dcfef29832d7c1a4d63b9304ea0c58820cb48ec11b349bc0b0e11f13870796bbef298a68171ae41167cd",
    "3bba30189902818100aafdc033aa003cba3142b2160e7efe057da6cb2d805565c17fc68301d705e984c2d753",
    "4ff03e1c2a3adde3ffbead0faa16369f166287b586a73e2c18b089e47d232dc4490c8aa9728adf31d261fe89",
    "407ffb200cbddb6840967b238bf4163165b2268a91eec093a00b39c0e773984d039772c3d3ab14890827f6a0",
    "dd5cc112850281805205e5b103124de9aa55980b26c6fbd93b7d3b9ec3ad5df3a7eff2d51f6a14902137ce53",
    "2bb10a2d1b52ea72a51b3c516cec5d8000282b87552f9eab4f18dc6756c4d18caeda4edeb4cb9ce510a0e0d6",
    "36ff43177d768281830c7cd826d242348bfdb982827365a3d8cdb8f58336377e9ff9ce9f7c4d1b8f2c6a8c93",
    "bcbaecd1"
);
/// CS-AC-M-OAEP-8: OAEP SHA-384 / MGF1-SHA-256 ciphertext.
const OAEP_MIXED_CT: &str = concat!(
    "275b67e8a848e1d93bd8f3c9430b57321463a174b7f13e015f446c5c309eabb4eab05f7514496b4b2de302f1",
    "8bbbd46efd956fcb3b0cd5491241ce706a74f1066f2b49ce4038d2bbb0384290d217cba6345e487686824cd1",
    "1d7cbefcdf453f2db1f1a8babc5f82e2160d9b4fea350cb3d81c7cad90ff09a8d7d5e36d737daa5c54915468",
    "431423e860504b35b1d7694d2ff167d2389e9314543fd8738e9a6842a6d34f48cff0251fd5e7e015b038156c",
    "e2fb0b7f9869d027725a847f9f3d63bec0234ba7c7bed0c28b33e39c0b5122fed4ed2aeb7b847ae219506330",
    "646ccb9fdde61da369cddc04fedc0c907e5ea05489dc4401d52922fb18ae607705573675"
);
/// CS-AC-M-1: private key (PKCS#1).
const PSS_PRIV_PKCS1: &str = concat!(
    "308204a50201000282010100ab7f161c0042496ccd6c6d4dadb919973435357776003acf54b7af1e440afb80",
    "b64a8755f8002cfeba6b184540a2d66086d74648346d75b8d71812b205387c0f6583bc4d7dc7ec114f3b176b",
    "7957c422e7d03fc6267fa2a6f89b9bee9e60a1d7c2d833e5a5f4bb0b1434f4e795a41100f8aa214900df8b65",
    "089f98135b1c67b701675abdbc7d5721aac9d14a7f081fcec80b64e8a0ecc8295353c795328abf70e1b42e7b",
    "b8b7f4e8ac8c810cdb66e3d21126eba8da7d0ca34142cb76f91f013da809e9c1b7ae64c54130fbc21d80e9c2",
    "cb06c5c8d7cce8946a9ac99b1c2815c3612a29a82d73a1f99374fe30e54951662a6eda29c6fc411335d5dc74",
    "26b0f6050203010001028201003b12455d53c1816516c518493f6398aafa72b17dfa894db888a7d48c0a47f6",
    "2579a4e644f86da711fec850cdd9dbbd17f69a443d2ec1dd60d3c618fa74cde5fdafabd6baa26eb0a3adb4de",
    "f6480fb1218cd3b083e252e885b6f0729f98b2144d2b72293e1b11d73393bc41f75b15ee3d7569b4995ed1a1",
    "4425da4319b7b26b0e8fef17c37542ae5c6d5849f87209567f3925a47b016d564859717bc57fcb4522d0aa49",
    "ce816e5be7b3088193236ec9efff140858045b73c5d79baf38f7c67f04c5dcf0e3806ad982d1259058c3473e",
    "847179a878f2c6b3bd968fb99ea46e9185892f3676e78965c2aed4877ba3917df07c5e927474f19e764ba61d",
    "c38d63bf2902818100d5c69c8c3cdc2464744a793713dafb9f1dbc799ff96423fecd3cba794286bce920f4b5",
    "c183f99ee9028db6212c6277c4c8297fcfbce7f7c24ca4c51fc7182fb8f4019fb1d5659674c5cbe6d5fa9920",
    "51341760cd00735729a070a9e54d342beba8ef47ee82d3a01b04cec4a00d4ddb41e35116fc221e854b43a696",
    "c0e6419b1b02818100cd5ea7702789064b673540cbff09356ad80bc3d592812eba47610b9fac6aecefe22aca",
    "e438459cda74e59653d88c04189d34399bf5b14b920e34ef38a7d09fe69593396e8fe735e6f0a6ae49904010",
    "41d8a406b6fd86a1161e45f95a3eaa5c1012e6662e44f15f335ac971e1766b2bb9c985109974141b44d37e1e",
    "319820a55f02818100b2871237bf9fad38c3316ab7877a6a868063e542a7186d431e8d27c19ac04145840339",
    "42e9ff6e2973bb7b2d8b0e94ad1ee82158108fbc8664517a5a467fb963014bd5dcc2b4fb087c23039d11920d",
    "be22fd9f16b4d89e23225cd455adbaf32ef43f185864a36d630309d6853f7714b39aae1ebee3938f87c2707e",
    "178c739f9f028181009690bed14b2afaa26d986d592231ee27d71d49065bd2ba1f78157e20229881fd9d2322",
    "7d0f8479eaefa922fd75d5b16b1a561fa6680b040ca0bdce650b23b917a4b1bb7983a74fad70e1c305cbec2b",
    "ff1a85a726a1d90260e4f1084f518234dcd3fe770b9520215bd543bb6a4117718754676a34171666a79f26e7",
    "9c149c5aa102818100a0c985a0a0a791a659f99731134c44f37b2e520a2cea35800ad27241ed360dfde6e8ca",
    "614f12047fd08b76ac4d13c056a0699e2f98a1cac91011294d71208f4abab33ba87aa0517f415baca88d6bac",
    "006088fa601d349417e1f0c9b23affa4d496618dbc024986ed690bbb7b025768ff9df8ac15416f489f8129c3",
    "2341a8b44f"
);
/// CS-AC-M-2: its public key (PKCS#1 RSAPublicKey).
const PSS_PUB_PKCS1: &str = concat!(
    "3082010a0282010100ab7f161c0042496ccd6c6d4dadb919973435357776003acf54b7af1e440afb80b64a87",
    "55f8002cfeba6b184540a2d66086d74648346d75b8d71812b205387c0f6583bc4d7dc7ec114f3b176b7957c4",
    "22e7d03fc6267fa2a6f89b9bee9e60a1d7c2d833e5a5f4bb0b1434f4e795a41100f8aa214900df8b65089f98",
    "135b1c67b701675abdbc7d5721aac9d14a7f081fcec80b64e8a0ecc8295353c795328abf70e1b42e7bb8b7f4",
    "e8ac8c810cdb66e3d21126eba8da7d0ca34142cb76f91f013da809e9c1b7ae64c54130fbc21d80e9c2cb06c5",
    "c8d7cce8946a9ac99b1c2815c3612a29a82d73a1f99374fe30e54951662a6eda29c6fc411335d5dc7426b0f6",
    "050203010001"
);
/// CS-AC-M-2: the signed message.
const PSS_MESSAGE: &str = "01020304050607080910111213141516";
/// CS-AC-M-2: a valid PSS SHA-256 signature.
const PSS_SIGNATURE: &str = concat!(
    "2925ebf8c6c9d0585c36a44491dd28f8ffd1098d2275a505a0eba7af452e9496472fd5c4a515d1c0db16c7c5",
    "9ef76863b571cbf498fb8178ffeb75667e6e51b9b9bbf09d55bba54b42acb947aa5a81dc62751727d7cad461",
    "6c0c0bf1dd666f8266f24262c5fa9cbbdc424ef5f5e345e633d111e66eb4afc4001bb02e158b2d5d4573c614",
    "655f21a688bee0e9dbde6a58324c08f42ae69697e0c51803f9de6b3df242d2915d9b1a8110ad28143ab7855e",
    "f92ede48971b484172de3b0b8957f493a74b3372ee2200f2233607735f90d0b180968ab20d74841fd3dba4fb",
    "1f225ea5c6c87f99c2a238db72a536e68be202a092cd032337d451477e568f9a48b638cb"
);
/// RSASSA-PKCS1-v1_5 SHA-256 signature of PSS_MESSAGE under PSS_PRIV_PKCS1, made
/// with OpenSSL (Python cryptography 48).
const PKCS1_SHA256_SIG: &str = concat!(
    "94257e4ce0445e36860d2ed32ca24052e8eaa7aef1eaf8118d00e29cfe0b95e83d6285b15864469ff545cde5",
    "aa92a810e4b0f5dc7d0144465444f39a5e409e6691299116ecea07907dfead44c7577679ea18901dbc65d169",
    "025658d04a191d7029d9c8038bc06259722d62e8cc8279d7fa5038bc6ea0b08fc00e706368bf4042aae1bd56",
    "4b5ca6fc5d1052d4b1e7138f246a1f80a1da27628c6db185eff06d1519986c7316f7874b17c4619a2faae26f",
    "fd62609c0d13069ed50a93d2f32813e1698825e03c25107b809d1e3dc96b95c1cbb26163469f4e7fc5a8daf4",
    "a4b5c3ba9be7af580f7b6483526985a67108c8de6f1e894e9df5a9ad1387442c1ad6aca1"
);
/// The same with SHA-1 (legacy verification only).
const PKCS1_SHA1_SIG: &str = concat!(
    "1ae0c35e805dd8146f2e5a528729d602b2ebcb4fcada5673010e0ff9021a07a646019b9177b1eb90cf6c6d5a",
    "893fec6035fcef391891a6a93450cf3730be376d24b9625ce40594f916e2132da2d00eb43a4d324dd77e0459",
    "12468fc17ae0516b1e7f99af6ccd964f5e70e4d3cb60f5e732276c07fea0773fb55cef63247ea235681ff163",
    "1c3a229951c8728a7426e6127c6c124c07f5e841b4e254f0f356b3467a18b9311bd69ab539f32c4230c7b9e4",
    "4cfe97492ca18d8eff5f6db22763a26732aa080e34f2fb25d7774013845beb24d61e9218f03bb9039f73304d",
    "ce43ad98e5f1ea857b9463daaa7bb66d7a9625cc3b2518d2cc3c04f17b1ea88c8fa3619d"
);
/// A 1024-bit RSA key (PKCS#8), made with Python cryptography, to be refused.
const SMALL_PKCS8: &str = concat!(
    "30820277020100300d06092a864886f70d0101010500048202613082025d020100028181009893a4acd782b3",
    "208a97bb3e0d0372b0a2475f33df9e249e28e68c483e7448839ef62926e252a24e5157280375421e1c2dbb80",
    "b066791467e70a3824c1d95a9d4f24711f94ef4502e7e13f2696c5e883516208d47e28671eafba9b7e9f2cff",
    "debec5add062be6201805298dc5496e279df54661f4ffa38e4f8669e5db4506aa902030100010281801172f9",
    "2747324c5811618ee966c5992d3831df62685586ac8bd2ea022d1a515cb42644c88ca394aa4e45206f5ccea5",
    "f0e50e0786a5017de2f01a4c17700ff27bd3e7581eed911d1bbac8c7254a8f9f1eaa6c59597d217ff231cb93",
    "6d7dcd2b816cd40df30a533be0c446a11d307da83c50a9e7472fc576d2d6517dfff639751d024100c75f1def",
    "82b63f3ae55111d2928898e8f7d8ec5e2c992b718869b15ddd2cc4a3cf8733a4c12ac20eee8269e2d0c48bdd",
    "783b9aefec8ef798c8fcd504f91a52ab024100c3e9f08062028e004d8d7b2ae712baac2922c989653bdafdab",
    "192149ab43b69dab1ed275f20a00bef4570d7945b26965d320096a19dbd0324a3fa9422e3c17fb02406dfb59",
    "af3ba33fc444a6713781605b42011fa85cd72b73dcc08cd5ac5b0b8c3a758c370007138853e65d08fe777e45",
    "4dda3abf60e55584dec2d93ec5ec8909db024100b52578f7ec27ba8ef3264f6d52ed5167603dc725605260e1",
    "4e33d5409db7e58191b8d516b36ea653e9ef18093af58558de46f00d87cd648b2b760395aad46bc3024100b2",
    "759fa843b316ae36ae1c34fec184b5ccb4fa52dc1035a4b054c6521975c64f7075822984a98b6b5efd11054c",
    "a2bde3e9dff3e6279a123db5b041d2e2972f68"
);
/// Its public key.
const SMALL_SPKI: &str = concat!(
    "30819f300d06092a864886f70d010101050003818d00308189028181009893a4acd782b3208a97bb3e0d0372",
    "b0a2475f33df9e249e28e68c483e7448839ef62926e252a24e5157280375421e1c2dbb80b066791467e70a38",
    "24c1d95a9d4f24711f94ef4502e7e13f2696c5e883516208d47e28671eafba9b7e9f2cffdebec5add062be62",
    "01805298dc5496e279df54661f4ffa38e4f8669e5db4506aa90203010001"
);

use keyhaven_core::cipher::{CipherParams, HashAlgorithm, Padding, SignParams};

fn kmip_private(pkcs1_hex: &str) -> Arc<dyn KeyHandle> {
    let pkcs8 = rsa_pkcs1_to_pkcs8(&unhex(pkcs1_hex)).unwrap();
    load(KeyAlgorithm::Rsa2048, pkcs8.expose()).unwrap()
}

fn oaep(hash: Option<HashAlgorithm>, mgf1: Option<HashAlgorithm>) -> CipherParams<'static> {
    CipherParams {
        padding: Some(Padding::Oaep),
        hash,
        mgf1_hash: mgf1,
        ..Default::default()
    }
}

#[test]
fn kmip_oaep_known_ciphertexts_decrypt() {
    let plaintext = unhex(OAEP_PLAINTEXT);
    // CS-AC-M-OAEP-2: SHA-256 (also the default).
    let key = kmip_private(OAEP_PRIV_PKCS1);
    let ct = unhex(OAEP_SHA256_CT);
    for params in [
        oaep(Some(HashAlgorithm::Sha256), Some(HashAlgorithm::Sha256)),
        CipherParams::default(),
    ] {
        assert_eq!(
            key.decrypt_with(&params, &ct, None).unwrap().expose(),
            plaintext.as_slice()
        );
    }
    // keyhaven's own framing is OAEP-SHA-256 with an empty label: the same ciphertext.
    assert_eq!(
        key.decrypt(&ct, b"").unwrap().expose(),
        plaintext.as_slice()
    );
    // CS-AC-M-OAEP-4: SHA-384; the wrong hash fails like a wrong key.
    let key = kmip_private(OAEP384_PRIV_PKCS1);
    let ct = unhex(OAEP_SHA384_CT);
    let p384 = oaep(Some(HashAlgorithm::Sha384), None);
    assert_eq!(
        key.decrypt_with(&p384, &ct, None).unwrap().expose(),
        plaintext.as_slice()
    );
    assert_eq!(
        key.decrypt_with(&oaep(Some(HashAlgorithm::Sha256), None), &ct, None)
            .err(),
        Some(CryptoError::AuthenticationFailed)
    );
    // CS-AC-M-OAEP-8: SHA-384 with MGF1-SHA-256 is not offered by aws-lc-rs.
    let key = kmip_private(OAEP_MIXED_PRIV_PKCS1);
    let mixed = oaep(Some(HashAlgorithm::Sha384), Some(HashAlgorithm::Sha256));
    assert!(matches!(
        key.decrypt_with(&mixed, &unhex(OAEP_MIXED_CT), None),
        Err(CryptoError::Unsupported(_))
    ));
    assert!(matches!(
        key.encrypt_with(&mixed, b"x"),
        Err(CryptoError::Unsupported(_))
    ));
    assert!(matches!(
        key.encrypt_with(&oaep(Some(HashAlgorithm::Sha224), None), b"x"),
        Err(CryptoError::Unsupported(_))
    ));
}

#[test]
fn public_only_handle_encrypts_for_the_private_key() {
    let private = kmip_private(OAEP_PRIV_PKCS1);
    let public = load_public(KeyAlgorithm::Rsa2048, &unhex(OAEP_PUB_SPKI)).unwrap();
    assert_eq!(public.algorithm(), KeyAlgorithm::Rsa2048);
    let plaintext = unhex(OAEP_PLAINTEXT);
    for hash in [
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ] {
        for label in [None, Some(&b"label"[..])] {
            let params = CipherParams {
                oaep_label: label,
                ..oaep(Some(hash), None)
            };
            let out = public.encrypt_with(&params, &plaintext).unwrap();
            assert_eq!(
                (out.data.len(), out.iv.as_ref(), out.tag.as_ref()),
                (256, None, None)
            );
            assert_eq!(
                private
                    .decrypt_with(&params, &out.data, None)
                    .unwrap()
                    .expose(),
                plaintext.as_slice(),
                "{hash}"
            );
            let other_label = CipherParams {
                oaep_label: Some(b"other"),
                ..params
            };
            assert_eq!(
                private.decrypt_with(&other_label, &out.data, None).err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
    }
    // OAEP-SHA-512 fits 256 - 2*64 - 2 = 126 bytes.
    let p512 = oaep(Some(HashAlgorithm::Sha512), None);
    assert!(public.encrypt_with(&p512, &[1u8; 126]).is_ok());
    assert!(matches!(
        public.encrypt_with(&p512, &[1u8; 127]),
        Err(CryptoError::InvalidInput(_))
    ));
    // PKCS#1 v1.5 encryption round trip; at most k - 11 bytes.
    let pkcs1 = CipherParams {
        padding: Some(Padding::Pkcs1v15),
        ..Default::default()
    };
    let out = public.encrypt_with(&pkcs1, &plaintext).unwrap();
    assert_eq!(
        private
            .decrypt_with(&pkcs1, &out.data, None)
            .unwrap()
            .expose(),
        plaintext.as_slice()
    );
    assert_ne!(
        out.data,
        public.encrypt_with(&pkcs1, &plaintext).unwrap().data,
        "randomized"
    );
    assert!(matches!(
        public.encrypt_with(&pkcs1, &[0u8; 246]),
        Err(CryptoError::InvalidInput(_))
    ));
    let mut bad = out.data.clone();
    bad[10] ^= 1;
    assert_eq!(
        private.decrypt_with(&pkcs1, &bad, None).err(),
        Some(CryptoError::AuthenticationFailed)
    );
    // OAEP ciphertext does not decrypt as PKCS#1 v1.5 and vice versa.
    let oaep_ct = public
        .encrypt_with(&CipherParams::default(), &plaintext)
        .unwrap()
        .data;
    assert_eq!(
        private.decrypt_with(&pkcs1, &oaep_ct, None).err(),
        Some(CryptoError::AuthenticationFailed)
    );
    // keyhaven framing through the public handle.
    let ct = public.encrypt(b"data key", b"ctx").unwrap();
    assert_eq!(private.decrypt(&ct, b"ctx").unwrap().expose(), b"data key");
    // A public handle cannot decrypt or sign.
    for result in [
        public
            .decrypt_with(&CipherParams::default(), &ct, None)
            .map(|_| ()),
        public.decrypt(&ct, b"ctx").map(|_| ()),
        public.sign_with(&SignParams::default(), b"m").map(|_| ()),
        public
            .sign(SignatureScheme::RsaPssSha256, SignInput::Message(b"m"))
            .map(|_| ()),
    ] {
        assert!(
            matches!(result, Err(CryptoError::Unsupported(ref m)) if m.contains("private key")),
            "{result:?}"
        );
    }
    // Parameters that do not apply to RSA.
    let iv = [0u8; 16];
    for params in [
        CipherParams {
            mode: Some(keyhaven_core::cipher::BlockMode::Cbc),
            ..Default::default()
        },
        CipherParams {
            iv: Some(&iv),
            ..Default::default()
        },
        CipherParams {
            aad: b"aad",
            ..Default::default()
        },
        CipherParams {
            padding: Some(Padding::Pss),
            ..Default::default()
        },
        CipherParams {
            hash: Some(HashAlgorithm::Sha256),
            ..pkcs1
        },
    ] {
        assert!(
            matches!(
                public.encrypt_with(&params, b"x"),
                Err(CryptoError::InvalidInput(_))
            ),
            "{params:?}"
        );
    }
    assert!(matches!(
        private.decrypt_with(&CipherParams::default(), &ct, Some(&[0u8; 16])),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn load_public_checks_size_family_and_refuses_small_keys() {
    let spki = unhex(OAEP_PUB_SPKI);
    for alg in [KeyAlgorithm::Rsa3072, KeyAlgorithm::Rsa4096] {
        assert!(matches!(
            load_public(alg, &spki),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
    }
    let ec = shared(KeyAlgorithm::EcP256).public_key.clone().unwrap();
    assert!(matches!(
        load_public(KeyAlgorithm::Rsa2048, &ec),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
    assert!(matches!(
        load_public(KeyAlgorithm::Rsa2048, b"garbage"),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
    // 1024-bit keys are refused, saying why, as public keys and as private keys.
    let err = load_public(KeyAlgorithm::Rsa2048, &unhex(SMALL_SPKI))
        .err()
        .unwrap();
    assert!(
        matches!(&err, CryptoError::InvalidKeyMaterial(m) if m.contains("under 2048 bits") && m.contains("1024 bits")),
        "{err:?}"
    );
    let err = import(KeyAlgorithm::Rsa2048, &unhex(SMALL_PKCS8))
        .err()
        .unwrap();
    assert!(
        matches!(&err, CryptoError::InvalidKeyMaterial(m) if m.contains("under 2048 bits")),
        "{err:?}"
    );
    let small_pkcs1 = der::pkcs8_inner_rsa_key(&unhex(SMALL_PKCS8))
        .unwrap()
        .to_vec();
    let err = rsa_pkcs1_to_pkcs8(&small_pkcs1).err().unwrap();
    assert!(
        matches!(&err, CryptoError::InvalidKeyMaterial(m) if m.contains("under 2048 bits")),
        "{err:?}"
    );
    // Reading a small key's components is harmless; building a key from them is refused.
    let small = rsa_public_components(&unhex(SMALL_SPKI)).unwrap();
    assert_eq!(small.modulus.len(), 128);
    let err = rsa_spki_from_components(&small).err().unwrap();
    assert!(
        matches!(&err, CryptoError::InvalidKeyMaterial(m) if m.contains("under 2048 bits")),
        "{err:?}"
    );
    // The crate-level dispatch reaches the same handles.
    assert!(crate::load_public(KeyAlgorithm::Rsa2048, &spki).is_ok());
    assert!(matches!(
        crate::load_public(KeyAlgorithm::Aes256, &spki),
        Err(CryptoError::Unsupported(_))
    ));
    // The generated SPKI of every size loads as a public handle that verifies.
    for alg in ALGS {
        let public = load_public(alg, shared(alg).public_key.as_ref().unwrap()).unwrap();
        let sig = load_shared(alg)
            .sign(SignatureScheme::RsaPkcs1Sha256, SignInput::Message(b"m"))
            .unwrap();
        assert!(public
            .verify(
                SignatureScheme::RsaPkcs1Sha256,
                SignInput::Message(b"m"),
                &sig
            )
            .unwrap());
    }
}

fn pss(hash: Option<HashAlgorithm>, salt_len: Option<usize>) -> SignParams {
    SignParams {
        padding: Some(Padding::Pss),
        hash,
        salt_len,
        ..Default::default()
    }
}

fn pkcs1_sig(hash: HashAlgorithm) -> SignParams {
    SignParams {
        padding: Some(Padding::Pkcs1v15),
        hash: Some(hash),
        ..Default::default()
    }
}

#[test]
fn kmip_pss_signature_verifies_and_signing_round_trips() {
    let spki = rsa_public_pkcs1_to_spki(&unhex(PSS_PUB_PKCS1)).unwrap();
    let public = load_public(KeyAlgorithm::Rsa2048, &spki).unwrap();
    let message = unhex(PSS_MESSAGE);
    let signature = unhex(PSS_SIGNATURE);
    // CS-AC-M-2: valid; altered message or signature: invalid. The signature's salt is the
    // maximum (222 bytes), found without a stated salt length.
    let default = SignParams::default();
    assert!(public.verify_with(&default, &message, &signature).unwrap());
    assert!(public
        .verify_with(
            &pss(Some(HashAlgorithm::Sha256), Some(222)),
            &message,
            &signature
        )
        .unwrap());
    assert!(!public
        .verify_with(
            &pss(Some(HashAlgorithm::Sha256), Some(32)),
            &message,
            &signature
        )
        .unwrap());
    let mut other = message.clone();
    other[0] = 0xff;
    assert!(!public.verify_with(&default, &other, &signature).unwrap());
    let mut bad = signature.clone();
    bad[0] = 0xff;
    assert!(!public.verify_with(&default, &message, &bad).unwrap());
    // Prehashed.
    let digest = crate::kdf::digest(HashAlgorithm::Sha256, &message).unwrap();
    let pre = SignParams {
        prehashed: true,
        ..default
    };
    assert!(public.verify_with(&pre, &digest, &signature).unwrap());
    assert!(matches!(
        public.verify_with(&pre, &digest[..31], &signature),
        Err(CryptoError::InvalidInput(_))
    ));
    // CS-AC-M-3 verifies with PSS-SHA-1, which aws-lc-rs does not offer.
    assert!(matches!(
        public.verify_with(&pss(Some(HashAlgorithm::Sha1), None), &message, &signature),
        Err(CryptoError::Unsupported(_))
    ));
    // CS-AC-M-1: the private key signs; every hash and salt length round trips.
    let private = kmip_private(PSS_PRIV_PKCS1);
    for hash in [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ] {
        let max = 256 - hash.output_len() - 2;
        for salt in [None, Some(hash.output_len()), Some(0), Some(max)] {
            let params = pss(Some(hash), salt);
            let sig = private.sign_with(&params, &message).unwrap();
            assert!(
                public.verify_with(&params, &message, &sig).unwrap(),
                "{hash} {salt:?}"
            );
            assert!(public
                .verify_with(&pss(Some(hash), None), &message, &sig)
                .unwrap());
            assert!(!public
                .verify_with(&pss(Some(hash), None), &other, &sig)
                .unwrap());
            let pre = SignParams {
                prehashed: true,
                ..params
            };
            let digest = crate::kdf::digest(hash, &message).unwrap();
            let sig = private.sign_with(&pre, &digest).unwrap();
            assert!(public.verify_with(&params, &message, &sig).unwrap());
        }
        // Salt 0 is deterministic; a stated salt length is enforced.
        let zero = pss(Some(hash), Some(0));
        let sig = private.sign_with(&zero, &message).unwrap();
        assert_eq!(sig, private.sign_with(&zero, &message).unwrap());
        assert!(!public
            .verify_with(&pss(Some(hash), Some(hash.output_len())), &message, &sig)
            .unwrap());
        assert!(matches!(
            private.sign_with(&pss(Some(hash), Some(5)), &message),
            Err(CryptoError::Unsupported(_))
        ));
    }
    // Legacy hashes never sign; MGF1 must be the signature hash.
    for hash in [
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha224,
        HashAlgorithm::Sha3_256,
    ] {
        assert!(matches!(
            private.sign_with(&pss(Some(hash), None), &message),
            Err(CryptoError::Unsupported(_))
        ));
        assert!(matches!(
            private.sign_with(&pkcs1_sig(hash), &message),
            Err(CryptoError::Unsupported(_))
        ));
    }
    let mixed = SignParams {
        mgf1_hash: Some(HashAlgorithm::Sha1),
        ..pss(None, None)
    };
    assert!(matches!(
        private.sign_with(&mixed, &message),
        Err(CryptoError::Unsupported(_))
    ));
    let oaep = SignParams {
        padding: Some(Padding::Oaep),
        ..default
    };
    assert!(matches!(
        private.sign_with(&oaep, &message),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn pkcs1_signature_known_answer() {
    let private = kmip_private(PSS_PRIV_PKCS1);
    let public = load_public(
        KeyAlgorithm::Rsa2048,
        &rsa_public_pkcs1_to_spki(&unhex(PSS_PUB_PKCS1)).unwrap(),
    )
    .unwrap();
    let message = unhex(PSS_MESSAGE);
    let params = pkcs1_sig(HashAlgorithm::Sha256);
    let sig = private.sign_with(&params, &message).unwrap();
    assert_eq!(sig, unhex(PKCS1_SHA256_SIG));
    let pre = SignParams {
        prehashed: true,
        ..params
    };
    assert_eq!(
        private
            .sign_with(
                &pre,
                &crate::kdf::digest(HashAlgorithm::Sha256, &message).unwrap()
            )
            .unwrap(),
        sig
    );
    assert!(public.verify_with(&params, &message, &sig).unwrap());
    // The fixed-scheme API agrees.
    assert_eq!(
        private
            .sign(
                SignatureScheme::RsaPkcs1Sha256,
                SignInput::Message(&message)
            )
            .unwrap(),
        sig
    );
    assert!(!public
        .verify_with(&pss(None, None), &message, &sig)
        .unwrap());
    // SHA-1 PKCS#1 v1.5: verification only (legacy).
    let sha1 = pkcs1_sig(HashAlgorithm::Sha1);
    assert!(public
        .verify_with(&sha1, &message, &unhex(PKCS1_SHA1_SIG))
        .unwrap());
    assert!(!public
        .verify_with(&sha1, &unhex("ff"), &unhex(PKCS1_SHA1_SIG))
        .unwrap());
    let pre1 = SignParams {
        prehashed: true,
        ..sha1
    };
    assert!(public
        .verify_with(
            &pre1,
            &crate::kdf::digest(HashAlgorithm::Sha1, &message).unwrap(),
            &unhex(PKCS1_SHA1_SIG)
        )
        .unwrap());
}

#[test]
fn format_conversions_round_trip() {
    let pkcs1 = unhex(PSS_PRIV_PKCS1);
    let pkcs8 = rsa_pkcs1_to_pkcs8(&pkcs1).unwrap();
    assert_eq!(
        pkcs8_to_rsa_pkcs1(pkcs8.expose()).unwrap().expose(),
        pkcs1.as_slice()
    );
    // The imported key is the registered one: its public half is CS-AC-M-2's public key.
    let imported = import(KeyAlgorithm::Rsa2048, pkcs8.expose()).unwrap();
    let spki = rsa_public_pkcs1_to_spki(&unhex(PSS_PUB_PKCS1)).unwrap();
    assert_eq!(imported.public_key.as_deref(), Some(spki.as_slice()));
    assert_eq!(
        spki_to_rsa_pkcs1_public(&spki).unwrap(),
        unhex(PSS_PUB_PKCS1)
    );
    // Components: from PKCS#1 or PKCS#8 alike, and back.
    let components = rsa_private_components(&pkcs1).unwrap();
    assert_eq!(rsa_private_components(pkcs8.expose()).unwrap(), components);
    assert_eq!(components.public.public_exponent, vec![1, 0, 1]);
    assert_eq!(components.public.modulus.len(), 256);
    assert_eq!(
        components.public.modulus,
        rsa_public_components(&spki).unwrap().modulus
    );
    assert_eq!(
        rsa_public_components(&unhex(PSS_PUB_PKCS1)).unwrap(),
        components.public
    );
    assert_eq!(rsa_pkcs8_from_components(&components).unwrap(), pkcs8);
    assert_eq!(rsa_spki_from_components(&components.public).unwrap(), spki);
    let shown = format!("{components:?}");
    assert!(shown.contains("redacted"));
    // Inconsistent components are refused.
    let mut broken = components.clone();
    broken.prime_p.expose_mut()[10] ^= 1;
    assert!(rsa_pkcs8_from_components(&broken).is_err());
    // Generated keys convert both ways.
    let generated = shared(KeyAlgorithm::Rsa3072);
    let pkcs1 = pkcs8_to_rsa_pkcs1(generated.material.expose()).unwrap();
    assert_eq!(
        rsa_pkcs1_to_pkcs8(pkcs1.expose()).unwrap(),
        generated.material
    );
    // Garbage and other families are InvalidKeyMaterial.
    let ec = shared(KeyAlgorithm::EcP256);
    for bad in [&b"junk"[..], ec.material.expose()] {
        assert!(matches!(
            rsa_pkcs1_to_pkcs8(bad),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
        assert!(matches!(
            pkcs8_to_rsa_pkcs1(bad),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
        assert!(matches!(
            rsa_private_components(bad),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
    }
    assert!(matches!(
        spki_to_rsa_pkcs1_public(ec.public_key.as_ref().unwrap()),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
}
