/*
 * bn254_pairing.c - optimal ate pairing on BN254 for a product of pairs.
 *
 * Miller loop: T runs over 6u + 2 in non-adjacent form in homogeneous projective coordinates
 * (x = X/Z, y = Y/Z) on the twist; each step yields the line through T (and Q) evaluated at
 * P, which for the D-type twist psi(x, y) = (x w^2, y w^3) has the sparse shape
 *     l = yP - lambda xP w + (lambda xT - yT) w^3,
 * scaled by an Fp2 factor (killed by the final exponentiation). All pairs share the squaring of
 * f. The loop ends with the two Frobenius steps pi(Q) and -pi^2(Q).
 *
 * Final exponentiation to (p^12 - 1)/r: the easy part (p^6 - 1)(p^2 + 1) with one inversion,
 * then the hard part (p^4 - p^2 + 1)/r = l0 + l1 p + l2 p^2 + l3 p^3 with
 *     l3 = 1, l2 = 6u^2 + 1, l1 = -36u^3 - 18u^2 - 12u + 1, l0 = -36u^3 - 30u^2 - 18u - 2
 * (exact, checked by tools/gen_bn254_constants.py), from f^u, f^(u^2), f^(u^3) with cyclotomic
 * squarings and conjugation for the negative exponents.
 */
#include "bn254.h"
#include "bn254_constants.h"

static const fp2 G2_B = BN254_G2_B_INIT;
static const fp2 FROB1[6] = BN254_FROB1_INIT;
static const fp2 FROB2[6] = BN254_FROB2_INIT;
static const int8_t ATE_NAF[BN254_ATE_NAF_LEN] = BN254_ATE_NAF_INIT;

typedef struct {
    fp2 x, y, z;
} g2_proj;

typedef struct {
    fp xp, neg_xp, yp; /* P, affine */
    fp2 qx, qy, neg_qy; /* Q, affine */
    g2_proj t;
} pair_state;

/* T = 2T; line tangent at T, scaled by 2YZ:  l0 = 2YZ yP, l1 = -3X^2 xP, l3 = Y^2 - 3b'Z^2.
 * X3 = 2XY (Y^2 - 9b'Z^2), Y3 = (Y^2 + 9b'Z^2)^2 - 108 b'^2 Z^4, Z3 = 8 Y^3 Z. */
static void double_step(pair_state *s, fp2 *l0, fp2 *l1, fp2 *l3) {
    g2_proj *t = &s->t;
    fp2 a, b, c, e, g, yz2, x2, u, w;
    fp2_sqr(&a, &t->y);
    fp2_sqr(&b, &t->z);
    fp2_mul(&c, &b, &G2_B);
    fp2_dbl(&e, &c);
    fp2_add(&e, &e, &c); /* 3 b' Z^2 */
    fp2_sub(l3, &a, &e);
    fp2_mul(&yz2, &t->y, &t->z);
    fp2_dbl(&yz2, &yz2);
    fp2_mul_fp(l0, &yz2, &s->yp);
    fp2_sqr(&x2, &t->x);
    fp2_dbl(&u, &x2);
    fp2_add(&u, &u, &x2);
    fp2_mul_fp(l1, &u, &s->neg_xp);
    fp2_dbl(&g, &e);
    fp2_add(&g, &g, &e); /* 9 b' Z^2 */
    fp2_mul(&u, &t->x, &t->y);
    fp2_sub(&w, &a, &g);
    fp2_mul(&u, &u, &w);
    fp2_dbl(&t->x, &u); /* X3 */
    fp2_add(&w, &a, &g);
    fp2_sqr(&w, &w);
    fp2_sqr(&u, &e); /* 9 b'^2 Z^4; 108 b'^2 Z^4 = 12 * that */
    fp2_dbl(&u, &u);
    fp2_dbl(&u, &u);
    fp2_add(&b, &u, &u);
    fp2_add(&u, &b, &u);
    fp2_sub(&t->y, &w, &u); /* Y3 */
    fp2_mul(&u, &a, &yz2);
    fp2_dbl(&u, &u);
    fp2_dbl(&t->z, &u); /* Z3 = 4 Y^2 (2YZ) */
}

/* T = T + (x2, y2); line through T and (x2, y2), scaled by mu = x2 Z - X:
 *   l0 = mu yP, l1 = -theta xP, l3 = theta x2 - mu y2   (theta = y2 Z - Y).
 * H = theta^2 Z - mu^3 - 2 mu^2 X; X3 = mu H, Y3 = theta (mu^2 X - H) - Y mu^3, Z3 = mu^3 Z. */
static void add_step(pair_state *s, const fp2 *x2, const fp2 *y2, fp2 *l0, fp2 *l1, fp2 *l3) {
    g2_proj *t = &s->t;
    fp2 theta, mu, th2, mu2, mu3, h, m2x, u;
    fp2_mul(&theta, y2, &t->z);
    fp2_sub(&theta, &theta, &t->y);
    fp2_mul(&mu, x2, &t->z);
    fp2_sub(&mu, &mu, &t->x);
    fp2_sqr(&th2, &theta);
    fp2_sqr(&mu2, &mu);
    fp2_mul(&mu3, &mu2, &mu);
    fp2_mul(&m2x, &mu2, &t->x);
    fp2_mul(&h, &th2, &t->z);
    fp2_sub(&h, &h, &mu3);
    fp2_sub(&h, &h, &m2x);
    fp2_sub(&h, &h, &m2x);
    fp2_mul_fp(l0, &mu, &s->yp);
    fp2_mul_fp(l1, &theta, &s->neg_xp);
    fp2_mul(l3, &theta, x2);
    fp2_mul(&u, &mu, y2);
    fp2_sub(l3, l3, &u);
    fp2_mul(&t->x, &mu, &h);
    fp2_sub(&u, &m2x, &h);
    fp2_mul(&u, &theta, &u);
    fp2_mul(&h, &t->y, &mu3);
    fp2_sub(&t->y, &u, &h);
    fp2_mul(&t->z, &mu3, &t->z);
}

void bn254_miller_loop(fp12 *f, const g1_aff *p, const g2_aff *q, size_t n) {
    fp12_one(f);
    /* Pairs with a point at infinity contribute 1: drop them. Process in chunks of 8. */
    enum { CHUNK = 8 };
    for (size_t base = 0; base < n; base += CHUNK) {
        pair_state st[CHUNK];
        size_t m = 0;
        for (size_t k = base; k < n && k < base + CHUNK; k++) {
            if (p[k].inf || q[k].inf) {
                continue;
            }
            pair_state *s = &st[m++];
            s->xp = p[k].x;
            fp_neg(&s->neg_xp, &p[k].x);
            s->yp = p[k].y;
            s->qx = q[k].x;
            s->qy = q[k].y;
            fp2_neg(&s->neg_qy, &q[k].y);
            s->t.x = q[k].x;
            s->t.y = q[k].y;
            s->t.z = BN_FP2_ONE;
        }
        if (m == 0) {
            continue;
        }
        fp12 g;
        fp12_one(&g);
        fp2 l0, l1, l3;
        for (int i = BN254_ATE_NAF_LEN - 2; i >= 0; i--) {
            if (i != BN254_ATE_NAF_LEN - 2) {
                fp12_sqr(&g, &g);
            }
            for (size_t k = 0; k < m; k++) {
                double_step(&st[k], &l0, &l1, &l3);
                fp12_mul_line(&g, &l0, &l1, &l3);
            }
            if (ATE_NAF[i] != 0) {
                for (size_t k = 0; k < m; k++) {
                    const fp2 *y2 = ATE_NAF[i] > 0 ? &st[k].qy : &st[k].neg_qy;
                    add_step(&st[k], &st[k].qx, y2, &l0, &l1, &l3);
                    fp12_mul_line(&g, &l0, &l1, &l3);
                }
            }
        }
        for (size_t k = 0; k < m; k++) {
            /* Q1 = pi(Q) = (conj(x) g1_2, conj(y) g1_3); -Q2 = -pi^2(Q) = (x g2_2, -y g2_3). */
            fp2 x1, y1, x2, y2;
            fp2_conj(&x1, &st[k].qx);
            fp2_mul(&x1, &x1, &FROB1[2]);
            fp2_conj(&y1, &st[k].qy);
            fp2_mul(&y1, &y1, &FROB1[3]);
            fp2_mul(&x2, &st[k].qx, &FROB2[2]);
            fp2_mul(&y2, &st[k].neg_qy, &FROB2[3]);
            add_step(&st[k], &x1, &y1, &l0, &l1, &l3);
            fp12_mul_line(&g, &l0, &l1, &l3);
            add_step(&st[k], &x2, &y2, &l0, &l1, &l3);
            fp12_mul_line(&g, &l0, &l1, &l3);
        }
        fp12_mul(f, f, &g);
    }
}

/* r = a^u for a in the cyclotomic subgroup. */
static void cyclotomic_pow_u(fp12 *r, const fp12 *a) {
    fp12 acc = *a;
    for (int i = 61; i >= 0; i--) {
        fp12_cyclotomic_sqr(&acc, &acc);
        if ((BN254_U >> i) & 1) {
            fp12_mul(&acc, &acc, a);
        }
    }
    *r = acc;
}

static void csqr_n(fp12 *r, const fp12 *a, int n) {
    *r = *a;
    for (int i = 0; i < n; i++) {
        fp12_cyclotomic_sqr(r, r);
    }
}

void bn254_final_exponentiation(fp12 *r, const fp12 *f) {
    /* easy part: f^((p^6 - 1)(p^2 + 1)) */
    fp12 t, m;
    fp12_inv(&t, f);
    fp12_conj(&m, f);
    fp12_mul(&m, &m, &t);
    fp12_frobenius(&t, &m, 2);
    fp12_mul(&m, &t, &m);

    /* hard part */
    fp12 a, b, c; /* m^u, m^(u^2), m^(u^3) */
    cyclotomic_pow_u(&a, &m);
    cyclotomic_pow_u(&b, &a);
    cyclotomic_pow_u(&c, &b);
    fp12 a2, a4, a8, a12, a18, b2, b6, b12, b18, b30, c4, c36, m2, x, y;
    fp12_cyclotomic_sqr(&a2, &a);
    fp12_cyclotomic_sqr(&a4, &a2);
    fp12_cyclotomic_sqr(&a8, &a4);
    fp12_mul(&a12, &a8, &a4);
    fp12_cyclotomic_sqr(&a18, &a8); /* a^16 */
    fp12_mul(&a18, &a18, &a2);
    fp12_cyclotomic_sqr(&b2, &b);
    csqr_n(&b6, &b2, 1); /* b^4 */
    fp12_mul(&b6, &b6, &b2);
    fp12_cyclotomic_sqr(&b12, &b6);
    csqr_n(&b18, &b2, 3); /* b^16 */
    fp12_mul(&b18, &b18, &b2);
    fp12_cyclotomic_sqr(&b30, &b12); /* b^24 */
    fp12_mul(&b30, &b30, &b6);
    csqr_n(&c4, &c, 2);
    csqr_n(&c36, &c4, 3); /* c^32 */
    fp12_mul(&c36, &c36, &c4);
    fp12_cyclotomic_sqr(&m2, &m);

    fp12 y3, y2, y1, y0;
    fp12_frobenius(&y3, &m, 3); /* m^(p^3) */
    fp12_mul(&y2, &b6, &m);     /* m^(6u^2 + 1) */
    fp12_frobenius(&y2, &y2, 2);
    fp12_mul(&x, &c36, &b18); /* m^(-36u^3 - 18u^2 - 12u + 1) */
    fp12_mul(&x, &x, &a12);
    fp12_conj(&x, &x);
    fp12_mul(&y1, &x, &m);
    fp12_frobenius(&y1, &y1, 1);
    fp12_mul(&y, &c36, &b30); /* m^(-36u^3 - 30u^2 - 18u - 2) */
    fp12_mul(&y, &y, &a18);
    fp12_mul(&y, &y, &m2);
    fp12_conj(&y0, &y);
    fp12_mul(r, &y3, &y2);
    fp12_mul(r, r, &y1);
    fp12_mul(r, r, &y0);
}

int bn254_pairing_product_is_one(const g1_aff *p, const g2_aff *q, size_t n) {
    fp12 f, e;
    bn254_miller_loop(&f, p, q, n);
    bn254_final_exponentiation(&e, &f);
    return fp12_is_one(&e);
}
