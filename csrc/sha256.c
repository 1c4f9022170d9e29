/*
 * sha256.c - portable SHA-256, the 64-byte-message fast path, CPU dispatch, streaming hasher.
 * Written for eip8025 from FIPS 180-4.
 */
#include "sha256.h"

#include <string.h>

const uint32_t e8_sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

const uint32_t e8_sha256_iv[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

/* 16-byte aligned so the SHA-NI code can use aligned 128-bit loads. */
__attribute__((aligned(16))) uint32_t e8_sha256_pad64_wk[64];

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ROTR((x), 2) ^ ROTR((x), 13) ^ ROTR((x), 22))
#define BSIG1(x) (ROTR((x), 6) ^ ROTR((x), 11) ^ ROTR((x), 25))
#define SSIG0(x) (ROTR((x), 7) ^ ROTR((x), 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR((x), 17) ^ ROTR((x), 19) ^ ((x) >> 10))

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Message schedule of one block, with the round constants already added: wk[t] = W[t] + K[t]. */
static inline void schedule(uint32_t wk[64], const uint8_t *block) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) {
        w[t] = load_be32(block + 4 * t);
    }
    for (int t = 16; t < 64; t++) {
        w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) + w[t - 16];
    }
    for (int t = 0; t < 64; t++) {
        wk[t] = w[t] + e8_sha256_k[t];
    }
}

/* One round, with the working variables renamed instead of moved. */
#define ROUND(a, b, c, d, e, f, g, h, t)                              \
    do {                                                              \
        uint32_t t1_ = (h) + BSIG1(e) + CH((e), (f), (g)) + wk[(t)];  \
        uint32_t t2_ = BSIG0(a) + MAJ((a), (b), (c));                 \
        (d) += t1_;                                                   \
        (h) = t1_ + t2_;                                              \
    } while (0)

/* 64 rounds over precomputed W+K, then the feed-forward add into state. */
static inline void rounds(uint32_t state[8], const uint32_t wk[64]) {
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t += 8) {
        ROUND(a, b, c, d, e, f, g, h, t + 0);
        ROUND(h, a, b, c, d, e, f, g, t + 1);
        ROUND(g, h, a, b, c, d, e, f, t + 2);
        ROUND(f, g, h, a, b, c, d, e, t + 3);
        ROUND(e, f, g, h, a, b, c, d, t + 4);
        ROUND(d, e, f, g, h, a, b, c, t + 5);
        ROUND(c, d, e, f, g, h, a, b, t + 6);
        ROUND(b, c, d, e, f, g, h, a, t + 7);
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

void e8_sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t nblocks) {
    uint32_t wk[64];
    for (size_t i = 0; i < nblocks; i++) {
        schedule(wk, data + 64 * i);
        rounds(state, wk);
    }
}

void e8_sha256_x64_portable(uint8_t *out, const uint8_t *in, size_t n) {
    uint32_t wk[64];
    for (size_t i = 0; i < n; i++) {
        uint32_t state[8];
        memcpy(state, e8_sha256_iv, sizeof state);
        schedule(wk, in + 64 * i);
        rounds(state, wk);
        rounds(state, e8_sha256_pad64_wk); /* the constant second block */
        for (int j = 0; j < 8; j++) {
            store_be32(out + 32 * i + 4 * j, state[j]);
        }
    }
}

/* ---- CPU dispatch ----------------------------------------------------------------------- */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

static int detect_shani(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    const int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    const int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}
#else
static int detect_shani(void) { return 0; }
#endif

static int have_shani;
static void (*blocks_best)(uint32_t state[8], const uint8_t *data, size_t nblocks) =
    e8_sha256_blocks_portable;

void e8_sha256_setup(void) {
    uint8_t pad[64] = {0};
    pad[0] = 0x80;
    pad[62] = 0x02; /* message length 512 bits, big-endian in the last 8 bytes */
    schedule(e8_sha256_pad64_wk, pad);
    have_shani = detect_shani();
    blocks_best = have_shani ? e8_sha256_blocks_shani : e8_sha256_blocks_portable;
}

int e8_sha256_have_shani(void) { return have_shani; }

void e8_sha256_x64_best(uint8_t *out, const uint8_t *in, size_t n) {
    if (have_shani) {
        e8_sha256_x64_shani(out, in, n);
    } else {
        e8_sha256_x64_portable(out, in, n);
    }
}

/* ---- Streaming hasher ------------------------------------------------------------------- */

void e8_sha256_init(e8_sha256_ctx *ctx) {
    memcpy(ctx->state, e8_sha256_iv, sizeof ctx->state);
    ctx->total = 0;
    ctx->buflen = 0;
}

void e8_sha256_update(e8_sha256_ctx *ctx, const void *data, size_t len) {
    const uint8_t *p = data;
    ctx->total += len;
    if (ctx->buflen) {
        size_t take = 64 - ctx->buflen;
        if (take > len) {
            take = len;
        }
        memcpy(ctx->buf + ctx->buflen, p, take);
        ctx->buflen += take;
        p += take;
        len -= take;
        if (ctx->buflen < 64) {
            return;
        }
        blocks_best(ctx->state, ctx->buf, 1);
        ctx->buflen = 0;
    }
    if (len >= 64) {
        blocks_best(ctx->state, p, len / 64);
        p += len & ~(size_t)63;
        len &= 63;
    }
    if (len) {
        memcpy(ctx->buf, p, len);
        ctx->buflen = len;
    }
}

void e8_sha256_final(e8_sha256_ctx *ctx, uint8_t out[32]) {
    const uint64_t bits = ctx->total * 8;
    size_t n = ctx->buflen;
    ctx->buf[n++] = 0x80;
    if (n > 56) {
        memset(ctx->buf + n, 0, 64 - n);
        blocks_best(ctx->state, ctx->buf, 1);
        n = 0;
    }
    memset(ctx->buf + n, 0, 56 - n);
    for (int i = 0; i < 8; i++) {
        ctx->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    blocks_best(ctx->state, ctx->buf, 1);
    for (int j = 0; j < 8; j++) {
        store_be32(out + 4 * j, ctx->state[j]);
    }
}

void e8_sha256(const void *data, size_t len, uint8_t out[32]) {
    e8_sha256_ctx ctx;
    e8_sha256_init(&ctx);
    e8_sha256_update(&ctx, data, len);
    e8_sha256_final(&ctx, out);
}
