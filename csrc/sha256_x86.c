/*
 * sha256_x86.c - SHA-256 with the x86-64 SHA extensions (SHA-NI), written for eip8025.
 *
 * Compiled for every x86-64 target; the functions carry __attribute__((target("sha,sse4.1"))) so
 * the rest of the extension needs no special flags, and sha256.c only calls them after CPUID said
 * the CPU has SHA, SSSE3 and SSE4.1. On other architectures the entry points fall back to the
 * portable code so the symbols always exist.
 *
 * State layout: SHA256RNDS2 works on the eight state words packed as ABEF (lanes 3..0 = A,B,E,F)
 * and CDGH. Each SHA256RNDS2 does two rounds; four rounds consume one 128-bit group W+K.
 */
#include "sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>

#define TGT __attribute__((target("sha,sse4.1"), always_inline)) static inline

/* Byte-swaps each 32-bit lane (message words and digests are big-endian). */
TGT __m128i bswap32x4(__m128i v) {
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    return _mm_shuffle_epi8(v, mask);
}

TGT void pack_state(const uint32_t s[8], __m128i *abef, __m128i *cdgh) {
    __m128i abcd = _mm_loadu_si128((const __m128i *)(const void *)&s[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)(const void *)&s[4]);
    abcd = _mm_shuffle_epi32(abcd, 0xB1); /* lanes b a d c */
    efgh = _mm_shuffle_epi32(efgh, 0x1B); /* lanes h g f e */
    *abef = _mm_alignr_epi8(abcd, efgh, 8);
    *cdgh = _mm_blend_epi16(efgh, abcd, 0xF0);
}

TGT void unpack_state(__m128i abef, __m128i cdgh, __m128i *abcd, __m128i *efgh) {
    const __m128i t = _mm_shuffle_epi32(abef, 0x1B); /* lanes a b e f */
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);             /* lanes g h c d */
    *abcd = _mm_blend_epi16(t, cdgh, 0xF0);
    *efgh = _mm_alignr_epi8(cdgh, t, 8);
}

TGT __m128i kgroup(int i) {
    return _mm_loadu_si128((const __m128i *)(const void *)&e8_sha256_k[4 * i]);
}

TGT __m128i padgroup(int i) {
    return _mm_load_si128((const __m128i *)(const void *)&e8_sha256_pad64_wk[4 * i]);
}

/* Four rounds with the W+K group `wk`. */
#define R4(s0, s1, wk)                                                 \
    do {                                                               \
        const __m128i wk_ = (wk);                                      \
        (s1) = _mm_sha256rnds2_epu32((s1), (s0), wk_);                 \
        (s0) = _mm_sha256rnds2_epu32((s0), (s1), _mm_shuffle_epi32(wk_, 0x0E)); \
    } while (0)

/* Next schedule group into m0, given the previous four groups m0 (oldest) .. m3 (newest). */
#define SCHED(m0, m1, m2, m3) \
    ((m0) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((m0), (m1)), \
                                               _mm_alignr_epi8((m3), (m2), 4)), (m3)))

/* 64 rounds of one data block (schedule computed on the fly), on one state. */
#define BLOCK_ROUNDS(s0, s1, a, b, c, d)                                         \
    do {                                                                         \
        R4(s0, s1, _mm_add_epi32(a, kgroup(0)));                                 \
        R4(s0, s1, _mm_add_epi32(b, kgroup(1)));                                 \
        R4(s0, s1, _mm_add_epi32(c, kgroup(2)));                                 \
        R4(s0, s1, _mm_add_epi32(d, kgroup(3)));                                 \
        for (int g_ = 4; g_ < 16; g_ += 4) {                                     \
            SCHED(a, b, c, d);                                                   \
            R4(s0, s1, _mm_add_epi32(a, kgroup(g_ + 0)));                        \
            SCHED(b, c, d, a);                                                   \
            R4(s0, s1, _mm_add_epi32(b, kgroup(g_ + 1)));                        \
            SCHED(c, d, a, b);                                                   \
            R4(s0, s1, _mm_add_epi32(c, kgroup(g_ + 2)));                        \
            SCHED(d, a, b, c);                                                   \
            R4(s0, s1, _mm_add_epi32(d, kgroup(g_ + 3)));                        \
        }                                                                        \
    } while (0)

__attribute__((target("sha,sse4.1"))) void e8_sha256_blocks_shani(uint32_t state[8],
                                                                 const uint8_t *data,
                                                                 size_t nblocks) {
    __m128i s0, s1;
    pack_state(state, &s0, &s1);
    for (size_t i = 0; i < nblocks; i++) {
        const uint8_t *p = data + 64 * i;
        const __m128i save0 = s0, save1 = s1;
        __m128i a = bswap32x4(_mm_loadu_si128((const __m128i *)(const void *)(p + 0)));
        __m128i b = bswap32x4(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
        __m128i c = bswap32x4(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)));
        __m128i d = bswap32x4(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)));
        BLOCK_ROUNDS(s0, s1, a, b, c, d);
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }
    __m128i abcd, efgh;
    unpack_state(s0, s1, &abcd, &efgh);
    _mm_storeu_si128((__m128i *)(void *)&state[0], abcd);
    _mm_storeu_si128((__m128i *)(void *)&state[4], efgh);
}

TGT void store_digest(uint8_t *out, __m128i s0, __m128i s1) {
    __m128i abcd, efgh;
    unpack_state(s0, s1, &abcd, &efgh);
    _mm_storeu_si128((__m128i *)(void *)out, bswap32x4(abcd));
    _mm_storeu_si128((__m128i *)(void *)(out + 16), bswap32x4(efgh));
}

/*
 * `L` independent 64-byte messages hashed in lock-step. SHA256RNDS2 has a multi-cycle latency and
 * one message is a single dependency chain, so several chains in flight keep the SHA unit busy.
 * Measured on the 2-core AMD EPYC this was developed on (4 MiB of messages): 1 lane 3.3 ms,
 * 2 lanes 2.3 ms, 3 lanes 2.0 ms, 4 lanes 1.9 ms, 6 lanes 1.9 ms, 8 lanes 2.0 ms -> 4 lanes.
 * Each message: one data block from the IV, then the constant padding block (precomputed W+K).
 */
#define DEFINE_LANES(NAME, L)                                                                   \
    TGT void NAME(uint8_t *out, const uint8_t *in, __m128i iv0, __m128i iv1) {                 \
        __m128i s0[L], s1[L], h0[L], h1[L], m[L][16];                                           \
        _Pragma("GCC unroll 8") for (int l = 0; l < (L); l++) {                                 \
            for (int j = 0; j < 4; j++) {                                                       \
                m[l][j] = bswap32x4(                                                            \
                    _mm_loadu_si128((const __m128i *)(const void *)(in + 64 * l + 16 * j)));    \
            }                                                                                   \
            s0[l] = iv0;                                                                        \
            s1[l] = iv1;                                                                        \
        }                                                                                       \
        _Pragma("GCC unroll 16") for (int g = 0; g < 16; g++) {                                 \
            const __m128i k = kgroup(g);                                                        \
            _Pragma("GCC unroll 8") for (int l = 0; l < (L); l++) {                             \
                if (g >= 4) {                                                                   \
                    m[l][g] = _mm_sha256msg2_epu32(                                             \
                        _mm_add_epi32(_mm_sha256msg1_epu32(m[l][g - 4], m[l][g - 3]),           \
                                      _mm_alignr_epi8(m[l][g - 1], m[l][g - 2], 4)),            \
                        m[l][g - 1]);                                                           \
                }                                                                               \
                R4(s0[l], s1[l], _mm_add_epi32(m[l][g], k));                                    \
            }                                                                                   \
        }                                                                                       \
        _Pragma("GCC unroll 8") for (int l = 0; l < (L); l++) {                                 \
            s0[l] = h0[l] = _mm_add_epi32(s0[l], iv0);                                          \
            s1[l] = h1[l] = _mm_add_epi32(s1[l], iv1);                                          \
        }                                                                                       \
        _Pragma("GCC unroll 16") for (int g = 0; g < 16; g++) {                                 \
            const __m128i wk = padgroup(g);                                                     \
            _Pragma("GCC unroll 8") for (int l = 0; l < (L); l++) { R4(s0[l], s1[l], wk); }     \
        }                                                                                       \
        _Pragma("GCC unroll 8") for (int l = 0; l < (L); l++) {                                 \
            store_digest(out + 32 * l, _mm_add_epi32(s0[l], h0[l]), _mm_add_epi32(s1[l], h1[l])); \
        }                                                                                       \
    }

DEFINE_LANES(lanes4_x64, 4)
DEFINE_LANES(lanes1_x64, 1)

__attribute__((target("sha,sse4.1"))) void e8_sha256_x64_shani(uint8_t *out, const uint8_t *in,
                                                              size_t n) {
    __m128i iv0, iv1;
    pack_state(e8_sha256_iv, &iv0, &iv1);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        lanes4_x64(out + 32 * i, in + 64 * i, iv0, iv1);
    }
    for (; i < n; i++) {
        lanes1_x64(out + 32 * i, in + 64 * i, iv0, iv1);
    }
}

#else /* not x86-64 GCC/Clang: keep the symbols, never selected by the dispatcher */

void e8_sha256_blocks_shani(uint32_t state[8], const uint8_t *data, size_t nblocks) {
    e8_sha256_blocks_portable(state, data, nblocks);
}

void e8_sha256_x64_shani(uint8_t *out, const uint8_t *in, size_t n) {
    e8_sha256_x64_portable(out, in, n);
}

#endif
