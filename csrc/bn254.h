/*
 * bn254.h - BN254 (alt_bn128, the EIP-196/197 curve) arithmetic: fields, groups, pairing.
 *
 *   Fp   : p = 36u^4 + 36u^3 + 24u^2 + 6u + 1, u = 0x44e992b44a6909f1; 4 x 64-bit limbs,
 *          Montgomery form (R = 2^256), constant-time add/sub/mul (no secret-dependent branches
 *          or memory accesses; inversion is Fermat's little theorem with a public exponent).
 *   Fp2  : Fp[i] / (i^2 + 1);  Fp6 : Fp2[v] / (v^3 - xi), xi = 9 + i;  Fp12 : Fp6[w] / (w^2 - v).
 *   G1   : y^2 = x^3 + 3 over Fp (cofactor 1).
 *   G2   : the D-type sextic twist y^2 = x^3 + 3/xi over Fp2, order-r subgroup.
 *   e    : optimal ate pairing, Miller loop over 6u + 2 (NAF) for any number of pairs sharing one
 *          final exponentiation to exactly (p^12 - 1) / r (so values equal the textbook
 *          reduced pairing, e.g. py_ecc's).
 *
 * Verification-side code: the group and pairing routines branch on public data (point
 * equality, scalar bits). Nothing here handles secrets.
 *
 * Functions returning `const char *` return NULL on success or a machine-readable reason string
 * (the BN254_ERR_* values) for rejected input.
 */
#ifndef EIP8025_BN254_H
#define EIP8025_BN254_H

#include <stddef.h>
#include <stdint.h>

#include "bn254_fp.h" /* fp, fp2 and their inline arithmetic */

typedef struct {
    fp2 c0, c1, c2;
} fp6;
typedef struct {
    fp6 c0, c1;
} fp12;

/* Jacobian points (x = X/Z^2, y = Y/Z^3); Z == 0 is the point at infinity. */
typedef struct {
    fp x, y, z;
} g1_jac;
typedef struct {
    fp2 x, y, z;
} g2_jac;
/* Affine points; `inf` marks the point at infinity (x, y then unused). */
typedef struct {
    fp x, y;
    int inf;
} g1_aff;
typedef struct {
    fp2 x, y;
    int inf;
} g2_aff;

#define BN254_ERR_LENGTH "input_length_not_multiple_of_192"
#define BN254_ERR_COORD "coordinate_not_less_than_p"
#define BN254_ERR_G1_CURVE "g1_not_on_curve"
#define BN254_ERR_G2_CURVE "g2_not_on_curve"
#define BN254_ERR_G2_SUBGROUP "g2_not_in_subgroup"
#define BN254_ERR_DIV_ZERO "division_by_zero"
#define BN254_ERR_BAD_OP "unknown_operation"

/* ---- Fp ------------------------------------------------------------------------------------ */
extern const fp BN_FP_ZERO, BN_FP_ONE;
int fp_from_bytes(fp *r, const uint8_t in[32]); /* 1 iff canonical (< p); r in Montgomery form */
void fp_to_bytes(uint8_t out[32], const fp *a);
void fp_inv(fp *r, const fp *a); /* 0 -> 0 */

/* ---- Fp2 ----------------------------------------------------------------------------------- */
extern const fp2 BN_FP2_ZERO, BN_FP2_ONE;
void fp2_inv(fp2 *r, const fp2 *a);

/* ---- Fp6 / Fp12 ---------------------------------------------------------------------------- */
void fp6_add(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_neg(fp6 *r, const fp6 *a);
void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_sqr(fp6 *r, const fp6 *a);
void fp6_inv(fp6 *r, const fp6 *a);
void fp12_one(fp12 *r);
void fp12_add(fp12 *r, const fp12 *a, const fp12 *b);
void fp12_sub(fp12 *r, const fp12 *a, const fp12 *b);
void fp12_neg(fp12 *r, const fp12 *a);
void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b);
void fp12_sqr(fp12 *r, const fp12 *a);
void fp12_inv(fp12 *r, const fp12 *a);
void fp12_conj(fp12 *r, const fp12 *a);
void fp12_frobenius(fp12 *r, const fp12 *a, int k); /* a^(p^k), k in 1..3 */
void fp12_cyclotomic_sqr(fp12 *r, const fp12 *a); /* a^2 for a in the cyclotomic subgroup */
/* f * (l0 + l1 w + l3 w^3), the sparse shape of a Miller-loop line. */
void fp12_mul_line(fp12 *f, const fp2 *l0, const fp2 *l1, const fp2 *l3);
int fp12_is_one(const fp12 *a);

/* ---- Groups -------------------------------------------------------------------------------- */
/* Decode 64 (G1) / 128 (G2, EIP-197 order x.c1 x.c0 y.c1 y.c0) bytes; all-zero = infinity.
 * Checks canonical coordinates and the curve equation; G2 subgroup membership is separate. */
const char *g1_decode(g1_aff *r, const uint8_t in[64]);
const char *g2_decode(g2_aff *r, const uint8_t in[128]);
void g1_encode(uint8_t out[64], const g1_aff *a);
void g2_encode(uint8_t out[128], const g2_aff *a);
int g1_on_curve(const g1_aff *a);
int g2_on_curve(const g2_aff *a);
int g2_in_subgroup(const g2_aff *a);

void g1_from_affine(g1_jac *r, const g1_aff *a);
void g1_to_affine(g1_aff *r, const g1_jac *a);
void g1_add(g1_jac *r, const g1_jac *a, const g1_jac *b);
void g1_dbl(g1_jac *r, const g1_jac *a);
void g1_mul(g1_jac *r, const g1_jac *a, const uint8_t scalar_be[32]);
void g2_from_affine(g2_jac *r, const g2_aff *a);
void g2_to_affine(g2_aff *r, const g2_jac *a);
void g2_add(g2_jac *r, const g2_jac *a, const g2_jac *b);
void g2_dbl(g2_jac *r, const g2_jac *a);
void g2_mul(g2_jac *r, const g2_jac *a, const uint8_t scalar_be[32]);

/* ---- Pairing ------------------------------------------------------------------------------- */
/* Product of the Miller loops of n pairs (pairs with a point at infinity contribute 1). */
void bn254_miller_loop(fp12 *f, const g1_aff *p, const g2_aff *q, size_t n);
void bn254_final_exponentiation(fp12 *r, const fp12 *f);
/* 1 iff prod e(p[i], q[i]) == 1. Points must already be validated (G2 in the subgroup). */
int bn254_pairing_product_is_one(const g1_aff *p, const g2_aff *q, size_t n);

/* ---- EIP-196 / EIP-197 and test hooks (bn254_api.c) ---------------------------------------- */
const char *bn254_eip196_add(const uint8_t in[128], uint8_t out[64]);
const char *bn254_eip196_mul(const uint8_t in[96], uint8_t out[64]);
/* EIP-197 input (k * 192 bytes). *result = 1/0; if fp12_out != NULL also the 384-byte product. */
const char *bn254_eip197_pairing(const uint8_t *in, size_t len, int *result, uint8_t *fp12_out);
/* Field operation `op` on degree-`degree` elements (32-byte words, tower order, real first). */
const char *bn254_field_op(int degree, const char *op, const uint8_t *a, const uint8_t *b,
                           uint8_t *out);
const char *bn254_g2_add_bytes(const uint8_t a[128], const uint8_t b[128], uint8_t out[128]);
const char *bn254_g2_mul_bytes(const uint8_t a[128], const uint8_t k[32], uint8_t out[128]);
const char *bn254_g2_subgroup_bytes(const uint8_t a[128], int *result);

#endif /* EIP8025_BN254_H */
