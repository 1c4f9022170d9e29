/*
 * bn254_field.c - the BN254 field tower Fp -> Fp2 -> Fp6 -> Fp12 (see bn254.h).
 *
 * The hot Fp / Fp2 operations are inline in bn254_fp.h. Fp6 and Fp12 multiplications are
 * Karatsuba; Fp12 squaring is the complex method; cyclotomic squaring is Granger-Scott's.
 */
#include <string.h>

#include "bn254.h"
#include "bn254_constants.h"

static const fp P_MINUS_2 = BN254_P_MINUS_2_INIT;
static const fp R2 = BN254_R2_INIT;
static const fp RAW_ONE = {{1, 0, 0, 0}};
const fp BN_FP_ZERO = {{0, 0, 0, 0}};
const fp BN_FP_ONE = BN254_ONE_INIT;
const fp2 BN_FP2_ZERO = {{{0, 0, 0, 0}}, {{0, 0, 0, 0}}};
const fp2 BN_FP2_ONE = {BN254_ONE_INIT, {{0, 0, 0, 0}}};
static const fp2 FROB[3][6] = {BN254_FROB1_INIT, BN254_FROB2_INIT, BN254_FROB3_INIT};

void fp_inv(fp *r, const fp *a) {
    fp acc = BN_FP_ONE;
    for (int i = 255; i >= 0; i--) {
        fp_sqr(&acc, &acc);
        if ((P_MINUS_2.l[i / 64] >> (i % 64)) & 1) {
            fp_mul(&acc, &acc, a);
        }
    }
    *r = acc;
}

int fp_from_bytes(fp *r, const uint8_t in[32]) {
    fp raw;
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) {
            w = (w << 8) | in[(3 - i) * 8 + j];
        }
        raw.l[i] = w;
    }
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        bn_u128 d = (bn_u128)raw.l[i] - BN254_P.l[i] - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    if (!borrow) {
        return 0; /* >= p: never reduced */
    }
    fp_mul(r, &raw, &R2);
    return 1;
}

void fp_to_bytes(uint8_t out[32], const fp *a) {
    fp raw;
    fp_mul(&raw, a, &RAW_ONE);
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 8; j++) {
            out[(3 - i) * 8 + j] = (uint8_t)(raw.l[i] >> (56 - 8 * j));
        }
    }
}

void fp2_inv(fp2 *r, const fp2 *a) {
    fp n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    fp_inv(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

/* ---- Fp6 = Fp2[v] / (v^3 - xi) ------------------------------------------------------------- */

void fp6_add(fp6 *r, const fp6 *a, const fp6 *b) {
    fp2_add(&r->c0, &a->c0, &b->c0);
    fp2_add(&r->c1, &a->c1, &b->c1);
    fp2_add(&r->c2, &a->c2, &b->c2);
}

void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b) {
    fp2_sub(&r->c0, &a->c0, &b->c0);
    fp2_sub(&r->c1, &a->c1, &b->c1);
    fp2_sub(&r->c2, &a->c2, &b->c2);
}

void fp6_neg(fp6 *r, const fp6 *a) {
    fp2_neg(&r->c0, &a->c0);
    fp2_neg(&r->c1, &a->c1);
    fp2_neg(&r->c2, &a->c2);
}

void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b) {
    fp2 t0, t1, t2, x, y, c0, c1, c2;
    fp2_mul(&t0, &a->c0, &b->c0);
    fp2_mul(&t1, &a->c1, &b->c1);
    fp2_mul(&t2, &a->c2, &b->c2);
    /* c0 = xi ((a1 + a2)(b1 + b2) - t1 - t2) + t0 */
    fp2_add(&x, &a->c1, &a->c2);
    fp2_add(&y, &b->c1, &b->c2);
    fp2_mul(&c0, &x, &y);
    fp2_sub(&c0, &c0, &t1);
    fp2_sub(&c0, &c0, &t2);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
    fp2_add(&x, &a->c0, &a->c1);
    fp2_add(&y, &b->c0, &b->c1);
    fp2_mul(&c1, &x, &y);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    fp2_mul_xi(&x, &t2);
    fp2_add(&c1, &c1, &x);
    /* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    fp2_add(&x, &a->c0, &a->c2);
    fp2_add(&y, &b->c0, &b->c2);
    fp2_mul(&c2, &x, &y);
    fp2_sub(&c2, &c2, &t0);
    fp2_sub(&c2, &c2, &t2);
    fp2_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* a * (b0 + b1 v): the shape of half a line. */
static void fp6_mul_01(fp6 *r, const fp6 *a, const fp2 *b0, const fp2 *b1) {
    fp2 t0, t1, x, y, c0, c1, c2;
    fp2_mul(&t0, &a->c0, b0);
    fp2_mul(&t1, &a->c1, b1);
    fp2_add(&x, &a->c1, &a->c2);
    fp2_mul(&c0, &x, b1);
    fp2_sub(&c0, &c0, &t1);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);
    fp2_add(&x, &a->c0, &a->c1);
    fp2_add(&y, b0, b1);
    fp2_mul(&c1, &x, &y);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    fp2_add(&x, &a->c0, &a->c2);
    fp2_mul(&c2, &x, b0);
    fp2_sub(&c2, &c2, &t0);
    fp2_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

static void fp6_mul_fp2(fp6 *r, const fp6 *a, const fp2 *b) {
    fp2_mul(&r->c0, &a->c0, b);
    fp2_mul(&r->c1, &a->c1, b);
    fp2_mul(&r->c2, &a->c2, b);
}

/* a * v = (xi a2, a0, a1) */
static void fp6_mul_v(fp6 *r, const fp6 *a) {
    fp2 t;
    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

void fp6_sqr(fp6 *r, const fp6 *a) {
    fp2 s0, s1, s2, s3, s4, t, c0, c1, c2;
    fp2_sqr(&s0, &a->c0);
    fp2_mul(&s1, &a->c0, &a->c1);
    fp2_dbl(&s1, &s1);
    fp2_sub(&t, &a->c0, &a->c1);
    fp2_add(&t, &t, &a->c2);
    fp2_sqr(&s2, &t);
    fp2_mul(&s3, &a->c1, &a->c2);
    fp2_dbl(&s3, &s3);
    fp2_sqr(&s4, &a->c2);
    fp2_mul_xi(&c0, &s3);
    fp2_add(&c0, &c0, &s0);
    fp2_mul_xi(&c1, &s4);
    fp2_add(&c1, &c1, &s1);
    fp2_add(&c2, &s1, &s2);
    fp2_add(&c2, &c2, &s3);
    fp2_sub(&c2, &c2, &s0);
    fp2_sub(&c2, &c2, &s4);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

void fp6_inv(fp6 *r, const fp6 *a) {
    fp2 c0, c1, c2, t, n;
    fp2_sqr(&c0, &a->c0); /* c0 = a0^2 - xi a1 a2 */
    fp2_mul(&t, &a->c1, &a->c2);
    fp2_mul_xi(&t, &t);
    fp2_sub(&c0, &c0, &t);
    fp2_sqr(&c1, &a->c2); /* c1 = xi a2^2 - a0 a1 */
    fp2_mul_xi(&c1, &c1);
    fp2_mul(&t, &a->c0, &a->c1);
    fp2_sub(&c1, &c1, &t);
    fp2_sqr(&c2, &a->c1); /* c2 = a1^2 - a0 a2 */
    fp2_mul(&t, &a->c0, &a->c2);
    fp2_sub(&c2, &c2, &t);
    fp2_mul(&n, &a->c2, &c1); /* n = a0 c0 + xi (a2 c1 + a1 c2) */
    fp2_mul(&t, &a->c1, &c2);
    fp2_add(&n, &n, &t);
    fp2_mul_xi(&n, &n);
    fp2_mul(&t, &a->c0, &c0);
    fp2_add(&n, &n, &t);
    fp2_inv(&n, &n);
    fp2_mul(&r->c0, &c0, &n);
    fp2_mul(&r->c1, &c1, &n);
    fp2_mul(&r->c2, &c2, &n);
}

/* ---- Fp12 = Fp6[w] / (w^2 - v) ------------------------------------------------------------- */

void fp12_one(fp12 *r) {
    memset(r, 0, sizeof *r);
    r->c0.c0 = BN_FP2_ONE;
}

void fp12_add(fp12 *r, const fp12 *a, const fp12 *b) {
    fp6_add(&r->c0, &a->c0, &b->c0);
    fp6_add(&r->c1, &a->c1, &b->c1);
}

void fp12_sub(fp12 *r, const fp12 *a, const fp12 *b) {
    fp6_sub(&r->c0, &a->c0, &b->c0);
    fp6_sub(&r->c1, &a->c1, &b->c1);
}

void fp12_neg(fp12 *r, const fp12 *a) {
    fp6_neg(&r->c0, &a->c0);
    fp6_neg(&r->c1, &a->c1);
}

void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b) {
    fp6 t0, t1, x, y;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&x, &a->c0, &a->c1);
    fp6_add(&y, &b->c0, &b->c1);
    fp6_mul(&x, &x, &y);
    fp6_sub(&x, &x, &t0);
    fp6_sub(&r->c1, &x, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

void fp12_sqr(fp12 *r, const fp12 *a) {
    fp6 t, x, y, vt;
    fp6_mul(&t, &a->c0, &a->c1);
    fp6_add(&x, &a->c0, &a->c1);
    fp6_mul_v(&y, &a->c1);
    fp6_add(&y, &y, &a->c0);
    fp6_mul(&x, &x, &y);
    fp6_mul_v(&vt, &t);
    fp6_sub(&x, &x, &t);
    fp6_sub(&r->c0, &x, &vt);
    fp6_add(&r->c1, &t, &t);
}

void fp12_inv(fp12 *r, const fp12 *a) {
    fp6 t0, t1;
    fp6_sqr(&t0, &a->c0);
    fp6_sqr(&t1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&t1, &a->c1, &t0);
    fp6_neg(&r->c1, &t1);
}

void fp12_conj(fp12 *r, const fp12 *a) {
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

/* In the w-basis an element is sum c_j w^j with (c_0..c_5) = (a0, b0, a1, b1, a2, b2) for
 * a = c0 (an Fp6) and b = c1; x -> x^(p^k) maps c_j w^j to conj^k(c_j) gamma_k_j w^j. */
void fp12_frobenius(fp12 *r, const fp12 *a, int k) {
    const fp2 *g = FROB[k - 1];
    fp2 *out[6] = {&r->c0.c0, &r->c1.c0, &r->c0.c1, &r->c1.c1, &r->c0.c2, &r->c1.c2};
    const fp2 *in[6] = {&a->c0.c0, &a->c1.c0, &a->c0.c1, &a->c1.c1, &a->c0.c2, &a->c1.c2};
    fp2 t[6];
    for (int j = 0; j < 6; j++) {
        if (k & 1) {
            fp2_conj(&t[j], in[j]);
        } else {
            t[j] = *in[j];
        }
        if (j > 0) {
            fp2_mul(&t[j], &t[j], &g[j]);
        }
    }
    for (int j = 0; j < 6; j++) {
        *out[j] = t[j];
    }
}

/* (x + y t)^2 in Fp4 = Fp2[t] / (t^2 - xi): (x^2 + xi y^2) + 2 x y t. */
static void fp4_sqr(fp2 *rx, fp2 *ry, const fp2 *x, const fp2 *y) {
    fp2 x2, y2, s;
    fp2_sqr(&x2, x);
    fp2_sqr(&y2, y);
    fp2_add(&s, x, y);
    fp2_sqr(&s, &s);
    fp2_sub(&s, &s, &x2);
    fp2_sub(ry, &s, &y2);
    fp2_mul_xi(&y2, &y2);
    fp2_add(rx, &x2, &y2);
}

/* 3 s - 2 c (sign = -1) or 3 s + 2 c (sign = +1) */
static void three_s_two_c(fp2 *r, const fp2 *s, const fp2 *c, int sign) {
    fp2 t, d;
    fp2_dbl(&t, s);
    fp2_add(&t, &t, s);
    fp2_dbl(&d, c);
    if (sign > 0) {
        fp2_add(r, &t, &d);
    } else {
        fp2_sub(r, &t, &d);
    }
}

/*
 * Granger-Scott: view Fp12 as Fp4[s] / (s^3 - t) with s = w and t = w^3, so
 * f = z0 + z1 s + z2 s^2 with z0 = a0 + b1 t, z1 = b0 + a2 t, z2 = a1 + b2 t. For f in the
 * cyclotomic subgroup: f^2 = (3 z0^2 - 2 conj z0) + (3 t z2^2 + 2 conj z1) s + (3 z1^2 - 2 conj z2) s^2.
 */
void fp12_cyclotomic_sqr(fp12 *r, const fp12 *a) {
    fp2 ax, ay, bx, by, cx, cy, xi_by;
    fp4_sqr(&ax, &ay, &a->c0.c0, &a->c1.c1); /* z0^2 */
    fp4_sqr(&bx, &by, &a->c1.c0, &a->c0.c2); /* z1^2 */
    fp4_sqr(&cx, &cy, &a->c0.c1, &a->c1.c2); /* z2^2 */
    fp12 out;
    three_s_two_c(&out.c0.c0, &ax, &a->c0.c0, -1); /* z0' = 3 z0^2 - 2 conj z0 */
    three_s_two_c(&out.c1.c1, &ay, &a->c1.c1, +1);
    fp2_mul_xi(&xi_by, &cy); /* z1' = 3 t z2^2 + 2 conj z1; t (x + y t) = xi y + x t */
    three_s_two_c(&out.c1.c0, &xi_by, &a->c1.c0, +1);
    three_s_two_c(&out.c0.c2, &cx, &a->c0.c2, -1);
    three_s_two_c(&out.c0.c1, &bx, &a->c0.c1, -1); /* z2' = 3 z1^2 - 2 conj z2 */
    three_s_two_c(&out.c1.c2, &by, &a->c1.c2, +1);
    *r = out;
}

void fp12_mul_line(fp12 *f, const fp2 *l0, const fp2 *l1, const fp2 *l3) {
    fp6 t0, t1, s;
    fp2 l01;
    fp6_mul_fp2(&t0, &f->c0, l0);
    fp6_mul_01(&t1, &f->c1, l1, l3);
    fp6_add(&s, &f->c0, &f->c1);
    fp2_add(&l01, l0, l1);
    fp6_mul_01(&s, &s, &l01, l3);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&f->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&f->c0, &t0, &t1);
}

int fp12_is_one(const fp12 *a) {
    fp12 one;
    fp12_one(&one);
    return memcmp(a, &one, sizeof one) == 0;
}
