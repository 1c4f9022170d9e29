/*
 * double_sha256.h - a small, slow, self-contained SHA-256 for the TEST DOUBLE libraries only
 * (they must not depend on the extension they are loaded by). FIPS 180-4.
 */
#ifndef DOUBLE_SHA256_H
#define DOUBLE_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint32_t h[8];
    uint64_t total;
    uint8_t buf[64];
    size_t used;
} dsha256;

static const uint32_t dsha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t dsha256_rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline void dsha256_block(dsha256 *s, const uint8_t *p) {
    uint32_t w[64], v[8];
    for (int t = 0; t < 16; t++) {
        w[t] = ((uint32_t)p[4 * t] << 24) | ((uint32_t)p[4 * t + 1] << 16) |
               ((uint32_t)p[4 * t + 2] << 8) | (uint32_t)p[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = dsha256_rotr(w[t - 15], 7) ^ dsha256_rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = dsha256_rotr(w[t - 2], 17) ^ dsha256_rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    memcpy(v, s->h, sizeof v);
    for (int t = 0; t < 64; t++) {
        uint32_t e = v[4], a = v[0];
        uint32_t t1 = v[7] + (dsha256_rotr(e, 6) ^ dsha256_rotr(e, 11) ^ dsha256_rotr(e, 25)) +
                      ((e & v[5]) ^ (~e & v[6])) + dsha256_k[t] + w[t];
        uint32_t t2 = (dsha256_rotr(a, 2) ^ dsha256_rotr(a, 13) ^ dsha256_rotr(a, 22)) +
                      ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) {
        s->h[i] += v[i];
    }
}

static inline void dsha256_init(dsha256 *s) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->total = 0;
    s->used = 0;
}

static inline void dsha256_update(dsha256 *s, const uint8_t *p, size_t n) {
    s->total += n;
    while (n--) {
        s->buf[s->used++] = *p++;
        if (s->used == 64) {
            dsha256_block(s, s->buf);
            s->used = 0;
        }
    }
}

static inline void dsha256_final(dsha256 *s, uint8_t out[32]) {
    uint64_t bits = s->total * 8;
    uint8_t pad = 0x80, zero = 0, len[8];
    dsha256_update(s, &pad, 1);
    while (s->used != 56) {
        dsha256_update(s, &zero, 1);
    }
    for (int i = 0; i < 8; i++) {
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    dsha256_update(s, len, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

/* The test double's whole "proof system": tag = SHA-256(public_values || vk). */
static inline void double_tag(const uint8_t *pv, size_t pv_len, const uint8_t *vk, size_t vk_len,
                       uint8_t out[32]) {
    dsha256 s;
    dsha256_init(&s);
    dsha256_update(&s, pv, pv_len);
    dsha256_update(&s, vk, vk_len);
    dsha256_final(&s, out);
}

#endif /* DOUBLE_SHA256_H */
