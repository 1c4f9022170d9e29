/*
 * bn254_group_impl.h - Jacobian short-Weierstrass arithmetic (a = 0), written once for G1 and G2.
 *
 * Included by bn254_curve.c with the macros below defined; not a standalone header.
 *   G_(name)   function name in the group's namespace (g1_name / g2_name)
 *   G_JAC      Jacobian point type, G_AFF affine point type, F field element type
 *   F_ADD F_SUB F_MUL F_SQR F_INV F_IS_ZERO F_EQ F_NEG   field operations
 *   F_ZERO F_ONE                                         field constants
 * Formulas: doubling dbl-2009-l, addition add-2007-bl (explicit-formulas database), with the
 * exceptional cases (infinity, P == Q, P == -Q) handled by branches on public data.
 */

void G_(from_affine)(G_JAC *r, const G_AFF *a) {
    if (a->inf) {
        r->x = F_ONE;
        r->y = F_ONE;
        r->z = F_ZERO;
        return;
    }
    r->x = a->x;
    r->y = a->y;
    r->z = F_ONE;
}

void G_(to_affine)(G_AFF *r, const G_JAC *a) {
    if (F_IS_ZERO(&a->z)) {
        r->x = F_ZERO;
        r->y = F_ZERO;
        r->inf = 1;
        return;
    }
    F zi, zi2;
    F_INV(&zi, &a->z);
    F_SQR(&zi2, &zi);
    F_MUL(&r->x, &a->x, &zi2);
    F_MUL(&zi2, &zi2, &zi);
    F_MUL(&r->y, &a->y, &zi2);
    r->inf = 0;
}

void G_(dbl)(G_JAC *r, const G_JAC *a) {
    if (F_IS_ZERO(&a->z)) {
        *r = *a;
        return;
    }
    F A, B, C, D, E, Fq, t, x3, y3, z3;
    F_SQR(&A, &a->x);
    F_SQR(&B, &a->y);
    F_SQR(&C, &B);
    F_ADD(&t, &a->x, &B); /* D = 2 ((X + B)^2 - A - C) */
    F_SQR(&t, &t);
    F_SUB(&t, &t, &A);
    F_SUB(&t, &t, &C);
    F_ADD(&D, &t, &t);
    F_ADD(&E, &A, &A); /* E = 3 A */
    F_ADD(&E, &E, &A);
    F_SQR(&Fq, &E);
    F_ADD(&t, &D, &D); /* X3 = F - 2 D */
    F_SUB(&x3, &Fq, &t);
    F_SUB(&t, &D, &x3); /* Y3 = E (D - X3) - 8 C */
    F_MUL(&y3, &E, &t);
    F_ADD(&C, &C, &C);
    F_ADD(&C, &C, &C);
    F_ADD(&C, &C, &C);
    F_SUB(&y3, &y3, &C);
    F_MUL(&z3, &a->y, &a->z); /* Z3 = 2 Y Z */
    F_ADD(&z3, &z3, &z3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

void G_(add)(G_JAC *r, const G_JAC *a, const G_JAC *b) {
    if (F_IS_ZERO(&a->z)) {
        *r = *b;
        return;
    }
    if (F_IS_ZERO(&b->z)) {
        *r = *a;
        return;
    }
    F z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t, x3, y3, z3;
    F_SQR(&z1z1, &a->z);
    F_SQR(&z2z2, &b->z);
    F_MUL(&u1, &a->x, &z2z2);
    F_MUL(&u2, &b->x, &z1z1);
    F_MUL(&s1, &a->y, &b->z);
    F_MUL(&s1, &s1, &z2z2);
    F_MUL(&s2, &b->y, &a->z);
    F_MUL(&s2, &s2, &z1z1);
    F_SUB(&h, &u2, &u1);
    F_SUB(&rr, &s2, &s1);
    if (F_IS_ZERO(&h)) {
        if (F_IS_ZERO(&rr)) {
            G_(dbl)(r, a);
        } else {
            r->x = F_ONE;
            r->y = F_ONE;
            r->z = F_ZERO;
        }
        return;
    }
    F_ADD(&rr, &rr, &rr);
    F_ADD(&i, &h, &h); /* I = (2H)^2 */
    F_SQR(&i, &i);
    F_MUL(&j, &h, &i);
    F_MUL(&v, &u1, &i);
    F_SQR(&x3, &rr); /* X3 = r^2 - J - 2V */
    F_SUB(&x3, &x3, &j);
    F_SUB(&x3, &x3, &v);
    F_SUB(&x3, &x3, &v);
    F_SUB(&t, &v, &x3); /* Y3 = r (V - X3) - 2 S1 J */
    F_MUL(&y3, &rr, &t);
    F_MUL(&t, &s1, &j);
    F_ADD(&t, &t, &t);
    F_SUB(&y3, &y3, &t);
    F_ADD(&z3, &a->z, &b->z); /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H */
    F_SQR(&z3, &z3);
    F_SUB(&z3, &z3, &z1z1);
    F_SUB(&z3, &z3, &z2z2);
    F_MUL(&z3, &z3, &h);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* Left-to-right double-and-add over all 256 bits of a big-endian scalar (not reduced mod r). */
void G_(mul)(G_JAC *r, const G_JAC *a, const uint8_t scalar_be[32]) {
    G_JAC acc;
    acc.x = F_ONE;
    acc.y = F_ONE;
    acc.z = F_ZERO;
    for (int i = 0; i < 256; i++) {
        G_(dbl)(&acc, &acc);
        if ((scalar_be[i / 8] >> (7 - i % 8)) & 1) {
            G_(add)(&acc, &acc, a);
        }
    }
    *r = acc;
}

/* y^2 == x^3 + b on affine coordinates (infinity is on the curve). */
int G_(on_curve)(const G_AFF *a) {
    if (a->inf) {
        return 1;
    }
    F lhs, rhs;
    F_SQR(&lhs, &a->y);
    F_SQR(&rhs, &a->x);
    F_MUL(&rhs, &rhs, &a->x);
    F_ADD(&rhs, &rhs, &CURVE_B);
    return F_EQ(&lhs, &rhs);
}
