/*
 * eip8025_mock.h - the built-in MOCK proof backends.
 *
 *   ###################################################################################
 *   ##  THESE ARE NOT ZERO-KNOWLEDGE PROOFS AND NOT PROOFS OF ANYTHING.               ##
 *   ##  A mock "proof" only shows that whoever made it knew the program vk and chose   ##
 *   ##  the public values. Anyone can forge one. Use them for tests and devnets only;  ##
 *   ##  never accept mock kinds on a network where proofs must mean something.        ##
 *   ###################################################################################
 *
 * The mock kinds are numbered from 0x100 so they can never collide with a real ere zkVM kind
 * (ere kinds are a u8: an ere library rejects 0x100 and up with ERE_ERR_BAD_KIND), and a mock
 * verifier is only ever created by asking for a mock kind explicitly.
 *
 * ---- EIP8025_KIND_MOCK: the eip8025 mock (format version 1) --------------------------------
 * Prover input: the 43-byte SSZ `PublicInput`
 *     new_payload_request_root[32] || successful_validation[1] (0 or 1) || chain_id u64 LE
 *     || schema_id u16 LE.
 * Public values: the same 43 bytes.
 * Program vk: any non-empty byte string (empty -> DECODE_PROGRAM_VK); the prover's "program" is
 * the vk its proofs are bound to.
 * Proof (all integers little-endian):
 *     offset  size  field
 *          0    16  magic "EIP8025MOCK!NOZK"
 *         16     2  format version = 1
 *         18     2  reserved = 0
 *         20     4  kind = EIP8025_KIND_MOCK
 *         24     4  public values length = 43
 *         28     4  total proof length (header + public values + tag + padding)
 *         32    43  public values
 *         75    32  binding tag = SHA-256(EIP8025_MOCK_DOMAIN_TAG || proof[16..32]
 *                                         || SHA-256(program_vk) || public values)
 *        107     *  zero padding up to the total length (default total 131072 = 128 KiB)
 * The tag binds the kind, the header and the program vk, so a proof made for one vk does not
 * verify under another, and every byte of the proof is checked: a wrong magic/version/length or a
 * truncated proof is ERE_ERR_DECODE_PROOF; a wrong kind, tag, vk or non-zero padding is
 * ERE_ERR_VERIFY.
 *
 * ---- EIP8025_KIND_ZKBOOST_MOCK: zkboost v0.7.0's mock zkVM, reproduced --------------------
 * Read in eth-act/zkboost tag v0.7.0 (commit 1986954), crates/server/src/proof/zkvm.rs
 * (`MockzkVM::prove`, `MockzkVM::verify`, `expected_public_values`), with the guest output type
 * from eth-act/ere-guests v0.10.0 `StatelessValidatorOutput` (serialize = root[32] || bool[1]):
 *   public values (32 bytes) = SHA-256(new_payload_request_root || successful_validation)
 *                              (zkboost's verify side expects successful_validation = 0x01);
 *   proof = public values || RANDOM bytes up to the configured size (zkboost: rand::fill;
 *           default mock_proof_size 128 KiB, minimum 32);
 *   verify = accept ANY proof of >= 32 bytes and return its first 32 bytes as the public values
 *            (zkboost then compares them with SHA-256(root || 0x01) - the caller's job here).
 * The vk is ignored and chain_id / schema_id are not committed to (that guest output predates
 * them). Our prover takes the same 43-byte PublicInput as EIP8025_KIND_MOCK and uses its first
 * 33 bytes. This mode exists only to interoperate with zkboost mock deployments.
 */
#ifndef EIP8025_MOCK_H
#define EIP8025_MOCK_H

#define EIP8025_KIND_MOCK 0x100u
#define EIP8025_KIND_ZKBOOST_MOCK 0x101u

#define EIP8025_MOCK_MAGIC "EIP8025MOCK!NOZK" /* 16 bytes, no terminator in the proof */
#define EIP8025_MOCK_MAGIC_LEN 16u
#define EIP8025_MOCK_FORMAT_VERSION 1u
#define EIP8025_MOCK_DOMAIN_TAG "eip8025/mock-proof/v1/NOT-ZERO-KNOWLEDGE"
#define EIP8025_MOCK_HEADER_LEN 32u
#define EIP8025_MOCK_PUBLIC_VALUES_LEN 43u /* SSZ PublicInput */
#define EIP8025_MOCK_TAG_LEN 32u
#define EIP8025_MOCK_MIN_PROOF_LEN \
    (EIP8025_MOCK_HEADER_LEN + EIP8025_MOCK_PUBLIC_VALUES_LEN + EIP8025_MOCK_TAG_LEN) /* 107 */
#define EIP8025_MOCK_DEFAULT_PROOF_LEN 131072u
#define EIP8025_MOCK_MAX_PROOF_LEN (1u << 30) /* 1 GiB: sanity bound for the prover */

#define EIP8025_ZKBOOST_MOCK_PUBLIC_VALUES_LEN 32u
#define EIP8025_ZKBOOST_MOCK_MIN_PROOF_LEN 32u
#define EIP8025_ZKBOOST_MOCK_DEFAULT_PROOF_LEN 131072u

#endif /* EIP8025_MOCK_H */
