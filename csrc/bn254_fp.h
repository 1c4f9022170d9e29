/*
 * bn254_fp.h - the hot Fp and Fp2 operations, inline so the tower above them compiles into
 * straight-line code (included by bn254.h; not a standalone header).
 *
 * Fp: 4 x 64-bit little-endian limbs in Montgomery form, R = 2^256. Multiplication is CIOS with
 * the "no final carry" shortcut: the top limb of p is below (2^64 - 1)/2 - 1, so the running
 * value never needs a fifth limb and stays < 2p until one final conditional subtraction. All
 * selections are mask-based (no secret-dependent branches).
 */
#ifndef EIP8025_BN254_FP_H
#define EIP8025_BN254_FP_H

#include <stdint.h>

#include "bn254_constants.h"

typedef unsigned __int128 bn_u128;

typedef struct {
    uint64_t l[4];
} fp;
typedef struct {
    fp c0, c1;
} fp2;

static const fp BN254_P = BN254_P_INIT;

#define BN_INLINE static inline __attribute__((always_inline))

/* Add / subtract with carry: x86-64 ADC / SBB through the intrinsics, portable C elsewhere. */
#if defined(__x86_64__)
#include <x86intrin.h>
BN_INLINE uint64_t bn_adc_(uint64_t a, uint64_t b, unsigned char *carry) {
    unsigned long long out;
    *carry = _addcarry_u64(*carry, a, b, &out);
    return (uint64_t)out;
}
BN_INLINE uint64_t bn_sbb_(uint64_t a, uint64_t b, unsigned char *borrow) {
    unsigned long long out;
    *borrow = _subborrow_u64(*borrow, a, b, &out);
    return (uint64_t)out;
}
#else
BN_INLINE uint64_t bn_adc_(uint64_t a, uint64_t b, unsigned char *carry) {
    bn_u128 s = (bn_u128)a + b + *carry;
    *carry = (unsigned char)(s >> 64);
    return (uint64_t)s;
}
BN_INLINE uint64_t bn_sbb_(uint64_t a, uint64_t b, unsigned char *borrow) {
    bn_u128 d = (bn_u128)a - b - *borrow;
    *borrow = (unsigned char)((d >> 64) & 1);
    return (uint64_t)d;
}
#endif

/* r = t - p if t >= p else t (t < 2p). */
BN_INLINE void fp_reduce_once_(fp *r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3) {
    unsigned char borrow = 0;
    uint64_t s0 = bn_sbb_(t0, BN254_P.l[0], &borrow);
    uint64_t s1 = bn_sbb_(t1, BN254_P.l[1], &borrow);
    uint64_t s2 = bn_sbb_(t2, BN254_P.l[2], &borrow);
    uint64_t s3 = bn_sbb_(t3, BN254_P.l[3], &borrow);
    uint64_t keep = (uint64_t)0 - borrow; /* borrowed: t < p, keep t */
    r->l[0] = (t0 & keep) | (s0 & ~keep);
    r->l[1] = (t1 & keep) | (s1 & ~keep);
    r->l[2] = (t2 & keep) | (s2 & ~keep);
    r->l[3] = (t3 & keep) | (s3 & ~keep);
}

BN_INLINE void fp_add(fp *r, const fp *a, const fp *b) {
    /* a + b < 2p < 2^255: no carry out of the top limb */
    unsigned char carry = 0;
    uint64_t t0 = bn_adc_(a->l[0], b->l[0], &carry);
    uint64_t t1 = bn_adc_(a->l[1], b->l[1], &carry);
    uint64_t t2 = bn_adc_(a->l[2], b->l[2], &carry);
    uint64_t t3 = bn_adc_(a->l[3], b->l[3], &carry);
    fp_reduce_once_(r, t0, t1, t2, t3);
}

BN_INLINE void fp_sub(fp *r, const fp *a, const fp *b) {
    unsigned char borrow = 0, carry = 0;
    uint64_t t0 = bn_sbb_(a->l[0], b->l[0], &borrow);
    uint64_t t1 = bn_sbb_(a->l[1], b->l[1], &borrow);
    uint64_t t2 = bn_sbb_(a->l[2], b->l[2], &borrow);
    uint64_t t3 = bn_sbb_(a->l[3], b->l[3], &borrow);
    uint64_t mask = (uint64_t)0 - borrow; /* add p back iff it borrowed */
    r->l[0] = bn_adc_(t0, BN254_P.l[0] & mask, &carry);
    r->l[1] = bn_adc_(t1, BN254_P.l[1] & mask, &carry);
    r->l[2] = bn_adc_(t2, BN254_P.l[2] & mask, &carry);
    r->l[3] = bn_adc_(t3, BN254_P.l[3] & mask, &carry);
}

BN_INLINE void fp_neg(fp *r, const fp *a) {
    static const fp zero = {{0, 0, 0, 0}};
    fp_sub(r, &zero, a);
}

/* One CIOS round: t = (t + a * bi + m * p) / 2^64 with m chosen to clear the low limb. */
#define BN_CIOS_ROUND(bi)                                                                          \
    do {                                                                                           \
        bn_u128 z_ = (bn_u128)a->l[0] * (bi) + t0;                                                 \
        uint64_t ca_ = (uint64_t)(z_ >> 64);                                                       \
        t0 = (uint64_t)z_;                                                                         \
        uint64_t m_ = t0 * BN254_INV;                                                              \
        bn_u128 y_ = (bn_u128)m_ * BN254_P.l[0] + t0;                                              \
        uint64_t cm_ = (uint64_t)(y_ >> 64);                                                       \
        z_ = (bn_u128)a->l[1] * (bi) + t1 + ca_;                                                   \
        ca_ = (uint64_t)(z_ >> 64);                                                                \
        y_ = (bn_u128)m_ * BN254_P.l[1] + (uint64_t)z_ + cm_;                                      \
        cm_ = (uint64_t)(y_ >> 64);                                                                \
        t0 = (uint64_t)y_;                                                                         \
        z_ = (bn_u128)a->l[2] * (bi) + t2 + ca_;                                                   \
        ca_ = (uint64_t)(z_ >> 64);                                                                \
        y_ = (bn_u128)m_ * BN254_P.l[2] + (uint64_t)z_ + cm_;                                      \
        cm_ = (uint64_t)(y_ >> 64);                                                                \
        t1 = (uint64_t)y_;                                                                         \
        z_ = (bn_u128)a->l[3] * (bi) + t3 + ca_;                                                   \
        ca_ = (uint64_t)(z_ >> 64);                                                                \
        y_ = (bn_u128)m_ * BN254_P.l[3] + (uint64_t)z_ + cm_;                                      \
        cm_ = (uint64_t)(y_ >> 64);                                                                \
        t2 = (uint64_t)y_;                                                                         \
        t3 = cm_ + ca_;                                                                            \
    } while (0)

BN_INLINE void fp_mul(fp *r, const fp *a, const fp *b) {
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    const uint64_t b0 = b->l[0], b1 = b->l[1], b2 = b->l[2], b3 = b->l[3];
    BN_CIOS_ROUND(b0);
    BN_CIOS_ROUND(b1);
    BN_CIOS_ROUND(b2);
    BN_CIOS_ROUND(b3);
    fp_reduce_once_(r, t0, t1, t2, t3);
}

BN_INLINE void fp_sqr(fp *r, const fp *a) { fp_mul(r, a, a); }

BN_INLINE int fp_is_zero(const fp *a) { return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0; }

BN_INLINE int fp_eq(const fp *a, const fp *b) {
    return ((a->l[0] ^ b->l[0]) | (a->l[1] ^ b->l[1]) | (a->l[2] ^ b->l[2]) |
            (a->l[3] ^ b->l[3])) == 0;
}

/* ---- Fp2 = Fp[i] / (i^2 + 1) ------------------------------------------------------------------ */

BN_INLINE void fp2_add(fp2 *r, const fp2 *a, const fp2 *b) {
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}

BN_INLINE void fp2_sub(fp2 *r, const fp2 *a, const fp2 *b) {
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}

BN_INLINE void fp2_neg(fp2 *r, const fp2 *a) {
    fp_neg(&r->c0, &a->c0);
    fp_neg(&r->c1, &a->c1);
}

BN_INLINE void fp2_dbl(fp2 *r, const fp2 *a) { fp2_add(r, a, a); }

/* Karatsuba: 3 Fp multiplications. */
BN_INLINE void fp2_mul(fp2 *r, const fp2 *a, const fp2 *b) {
    fp t0, t1, sa, sb, s;
    fp_mul(&t0, &a->c0, &b->c0);
    fp_mul(&t1, &a->c1, &b->c1);
    fp_add(&sa, &a->c0, &a->c1);
    fp_add(&sb, &b->c0, &b->c1);
    fp_mul(&s, &sa, &sb);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&s, &s, &t0);
    fp_sub(&r->c1, &s, &t1);
}

BN_INLINE void fp2_mul_fp(fp2 *r, const fp2 *a, const fp *b) {
    fp_mul(&r->c0, &a->c0, b);
    fp_mul(&r->c1, &a->c1, b);
}

/* (a0 + a1 i)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 i */
BN_INLINE void fp2_sqr(fp2 *r, const fp2 *a) {
    fp s, d, m;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_add(&r->c1, &m, &m);
}

/* (a0 + a1 i)(9 + i) = (9 a0 - a1) + (a0 + 9 a1) i */
BN_INLINE void fp2_mul_xi(fp2 *r, const fp2 *a) {
    fp2 t;
    fp2_dbl(&t, a);
    fp2_dbl(&t, &t);
    fp2_dbl(&t, &t);
    fp2_add(&t, &t, a);
    fp c0, c1;
    fp_sub(&c0, &t.c0, &a->c1);
    fp_add(&c1, &t.c1, &a->c0);
    r->c0 = c0;
    r->c1 = c1;
}

BN_INLINE void fp2_conj(fp2 *r, const fp2 *a) {
    r->c0 = a->c0;
    fp_neg(&r->c1, &a->c1);
}

BN_INLINE int fp2_is_zero(const fp2 *a) { return fp_is_zero(&a->c0) && fp_is_zero(&a->c1); }

BN_INLINE int fp2_eq(const fp2 *a, const fp2 *b) {
    return fp_eq(&a->c0, &b->c0) && fp_eq(&a->c1, &b->c1);
}

#endif /* EIP8025_BN254_FP_H */
