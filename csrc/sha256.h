/*
 * sha256.h - internal SHA-256 for the eip8025 native extension (FIPS 180-4, written for eip8025).
 *
 * Two specialised entry points serve SSZ merkleization, where every message is exactly 64 bytes
 * (two 32-byte chunks): the second compression of such a message always processes the same
 * padding block (0x80, zeros, bit length 512), so its message schedule plus round constants
 * (W[t] + K[t]) is computed once and reused.
 *
 *   e8_sha256_x64_portable - plain C, any CPU.
 *   e8_sha256_x64_shani    - x86-64 SHA extensions (two messages interleaved); only call when
 *                            e8_sha256_have_shani() is true.
 *
 * Call e8_sha256_setup() once before anything else (the module init does).
 */
#ifndef EIP8025_NATIVE_SHA256_H
#define EIP8025_NATIVE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define E8_SHA256_DIGEST_LEN 32u

extern const uint32_t e8_sha256_k[64];
extern const uint32_t e8_sha256_iv[8];
/* W[t] + K[t] of the constant padding block of a 64-byte message (filled by e8_sha256_setup). */
extern uint32_t e8_sha256_pad64_wk[64];

void e8_sha256_setup(void);
int e8_sha256_have_shani(void);

/* out[32*i .. 32*i+32] = SHA-256(in[64*i .. 64*i+64]) for i < n. */
void e8_sha256_x64_portable(uint8_t *out, const uint8_t *in, size_t n);
void e8_sha256_x64_shani(uint8_t *out, const uint8_t *in, size_t n);
/* Whatever is fastest on this CPU (SHA-NI when present). */
void e8_sha256_x64_best(uint8_t *out, const uint8_t *in, size_t n);

/* Raw compression of whole 64-byte blocks into a state (used by the streaming hasher). */
void e8_sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t nblocks);
void e8_sha256_blocks_shani(uint32_t state[8], const uint8_t *data, size_t nblocks);

/* Streaming SHA-256 of arbitrary data. */
typedef struct {
    uint32_t state[8];
    uint64_t total;
    uint8_t buf[64];
    size_t buflen;
} e8_sha256_ctx;

void e8_sha256_init(e8_sha256_ctx *ctx);
void e8_sha256_update(e8_sha256_ctx *ctx, const void *data, size_t len);
void e8_sha256_final(e8_sha256_ctx *ctx, uint8_t out[32]);
void e8_sha256(const void *data, size_t len, uint8_t out[32]);

#endif /* EIP8025_NATIVE_SHA256_H */
