/*
 * py_bn254.c - the BN254 / Groth16 functions of eip8025._native.
 *
 *   bn254_add(data)             EIP-196 ECADD (precompile 0x06) semantics
 *   bn254_mul(data)             EIP-196 ECMUL (0x07)
 *   bn254_pairing_check(data)   EIP-197 pairing check (0x08)
 *   groth16_verify(vk, proof, public_inputs)   bare Groth16 check (layouts: eip8025_groth16.h)
 *   _bn254_pairing, _bn254_field_op, _bn254_g2_add, _bn254_g2_mul, bn254_g2_in_subgroup
 *                               element-level hooks for the cross-checks against py_ecc
 *
 * Every rejection raises NativeError with a machine-readable .reason; the pairing-heavy calls
 * release the GIL.
 */
#include "pymodule.h"

#include <string.h>

#include "backends.h"
#include "bn254.h"
#include "eip8025_groth16.h"
#include "eip8025_prover.h"
#include "ere_verifier.h"

static PyObject *input_error(const char *reason, const char *what) {
    return e8_raise_reason(EIP8025_ERR_DECODE_INPUT, reason, "%s: %s", what, reason);
}

/* EIP-196: right-pad with zeros to `want` bytes, ignore anything beyond. */
static int padded_input(PyObject *obj, uint8_t *out, size_t want) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {
        return 0;
    }
    size_t n = (size_t)view.len < want ? (size_t)view.len : want;
    memset(out, 0, want);
    memcpy(out, view.buf, n);
    PyBuffer_Release(&view);
    return 1;
}

/* Copy exactly `want` bytes of a bytes-like object (else NativeError wrong_length). */
static int exact_input(PyObject *obj, uint8_t *out, size_t want, const char *what) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {
        return 0;
    }
    int ok = (size_t)view.len == want;
    if (ok) {
        memcpy(out, view.buf, want);
    } else {
        e8_raise_reason(EIP8025_ERR_DECODE_INPUT, EIP8025_G16_WRONG_LENGTH,
                        "%s must be %zu bytes, got %zd", what, want, view.len);
    }
    PyBuffer_Release(&view);
    return ok;
}

static PyObject *py_bn254_add(PyObject *module, PyObject *data) {
    (void)module;
    uint8_t in[128], out[64];
    if (!padded_input(data, in, sizeof in)) {
        return NULL;
    }
    const char *err = bn254_eip196_add(in, out);
    return err ? input_error(err, "bn254_add") : PyBytes_FromStringAndSize((char *)out, 64);
}

static PyObject *py_bn254_mul(PyObject *module, PyObject *data) {
    (void)module;
    uint8_t in[96], out[64];
    if (!padded_input(data, in, sizeof in)) {
        return NULL;
    }
    const char *err = bn254_eip196_mul(in, out);
    return err ? input_error(err, "bn254_mul") : PyBytes_FromStringAndSize((char *)out, 64);
}

static PyObject *pairing_common(PyObject *data, int want_value) {
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    int result = 0;
    uint8_t value[384];
    const char *err;
    Py_BEGIN_ALLOW_THREADS
    err = bn254_eip197_pairing(view.buf, (size_t)view.len, &result, want_value ? value : NULL);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (err) {
        return input_error(err, "bn254 pairing input");
    }
    if (want_value) {
        return PyBytes_FromStringAndSize((char *)value, sizeof value);
    }
    return PyBool_FromLong(result);
}

static PyObject *py_bn254_pairing_check(PyObject *module, PyObject *data) {
    (void)module;
    return pairing_common(data, 0);
}

static PyObject *py_bn254_pairing(PyObject *module, PyObject *data) {
    (void)module;
    return pairing_common(data, 1);
}

static PyObject *py_field_op(PyObject *module, PyObject *args) {
    (void)module;
    int degree;
    const char *op;
    Py_buffer a, b = {0};
    if (!PyArg_ParseTuple(args, "isy*|y*:_bn254_field_op", &degree, &op, &a, &b)) {
        return NULL;
    }
    PyObject *result = NULL;
    uint8_t out[384];
    size_t want = 32 * (size_t)degree;
    int binary = !strcmp(op, "add") || !strcmp(op, "sub") || !strcmp(op, "mul");
    if (degree != 1 && degree != 2 && degree != 6 && degree != 12) {
        input_error(BN254_ERR_BAD_OP, "_bn254_field_op degree must be 1, 2, 6 or 12");
    } else if ((size_t)a.len != want || (size_t)b.len != (binary ? want : 0)) {
        e8_raise_reason(EIP8025_ERR_DECODE_INPUT, EIP8025_G16_WRONG_LENGTH,
                        "degree-%d elements are %zu bytes; '%s' takes %d operand(s)", degree,
                        want, op, binary ? 2 : 1);
    } else {
        const uint8_t *bb = binary ? b.buf : NULL;
        const char *err = bn254_field_op(degree, op, a.buf, bb, out);
        result = err ? input_error(err, op) : PyBytes_FromStringAndSize((char *)out, (Py_ssize_t)want);
    }
    PyBuffer_Release(&a);
    if (b.buf) {
        PyBuffer_Release(&b);
    }
    return result;
}

static PyObject *py_g2_add(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *ao, *bo;
    uint8_t a[128], b[128], out[128];
    if (!PyArg_ParseTuple(args, "OO:_bn254_g2_add", &ao, &bo) || !exact_input(ao, a, 128, "a") ||
        !exact_input(bo, b, 128, "b")) {
        return NULL;
    }
    const char *err = bn254_g2_add_bytes(a, b, out);
    return err ? input_error(err, "_bn254_g2_add") : PyBytes_FromStringAndSize((char *)out, 128);
}

static PyObject *py_g2_mul(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *ao, *ko;
    uint8_t a[128], k[32], out[128];
    if (!PyArg_ParseTuple(args, "OO:_bn254_g2_mul", &ao, &ko) || !exact_input(ao, a, 128, "a") ||
        !exact_input(ko, k, 32, "k")) {
        return NULL;
    }
    const char *err = bn254_g2_mul_bytes(a, k, out);
    return err ? input_error(err, "_bn254_g2_mul") : PyBytes_FromStringAndSize((char *)out, 128);
}

static PyObject *py_g2_in_subgroup(PyObject *module, PyObject *ao) {
    (void)module;
    uint8_t a[128];
    int result = 0;
    if (!exact_input(ao, a, 128, "point")) {
        return NULL;
    }
    const char *err = bn254_g2_subgroup_bytes(a, &result);
    return err ? input_error(err, "bn254_g2_in_subgroup") : PyBool_FromLong(result);
}

static PyObject *py_groth16_verify(PyObject *module, PyObject *args) {
    (void)module;
    Py_buffer vk_buf, proof, inputs;
    if (!PyArg_ParseTuple(args, "y*y*y*:groth16_verify", &vk_buf, &proof, &inputs)) {
        return NULL;
    }
    PyObject *result = NULL;
    e8_groth16_vk *vk = NULL;
    const char *err;
    long status = ERE_ERR_DECODE_PROOF;
    Py_BEGIN_ALLOW_THREADS
    err = e8_groth16_vk_decode(&vk, vk_buf.buf, (size_t)vk_buf.len);
    if (err) {
        status = ERE_ERR_DECODE_PROGRAM_VK;
    } else if ((size_t)proof.len != EIP8025_GROTH16_PROOF_LEN) {
        err = EIP8025_G16_WRONG_LENGTH;
    } else if (inputs.len % 32 != 0) {
        err = EIP8025_G16_INPUT_COUNT;
    } else {
        err = e8_groth16_verify(vk, proof.buf, inputs.buf, (size_t)inputs.len / 32);
        if (err && !strcmp(err, EIP8025_G16_PAIRING_FAILS)) {
            status = ERE_ERR_VERIFY;
        }
    }
    e8_groth16_vk_free(vk);
    Py_END_ALLOW_THREADS
    if (err) {
        e8_raise_reason(status, err, "groth16_verify (%zd-byte vk, %zd-byte proof, %zd bytes of "
                        "public inputs): %s", vk_buf.len, proof.len, inputs.len, err);
    } else {
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&vk_buf);
    PyBuffer_Release(&proof);
    PyBuffer_Release(&inputs);
    return result;
}

PyMethodDef e8_bn254_methods[] = {
    {"bn254_add", py_bn254_add, METH_O,
     "bn254_add(data, /) -> bytes\n--\n\nEIP-196 ECADD: two G1 points (x || y, 32-byte "
     "big-endian words, (0, 0) = infinity), input zero-padded to 128 bytes; returns 64 bytes."},
    {"bn254_mul", py_bn254_mul, METH_O,
     "bn254_mul(data, /) -> bytes\n--\n\nEIP-196 ECMUL: G1 point || 32-byte scalar, input "
     "zero-padded to 96 bytes; returns 64 bytes."},
    {"bn254_pairing_check", py_bn254_pairing_check, METH_O,
     "bn254_pairing_check(data, /) -> bool\n--\n\nEIP-197: k pairs of G1 (64) || G2 (128: x.c1 "
     "x.c0 y.c1 y.c0); True iff the product of the pairings is 1. Invalid input raises "
     "NativeError with .reason."},
    {"groth16_verify", py_groth16_verify, METH_VARARGS,
     "groth16_verify(vk, proof, public_inputs, /) -> None\n--\n\nBare Groth16 check over BN254 "
     "(layouts in csrc/include/eip8025_groth16.h). Raises NativeError with .reason on failure."},
    {"_bn254_pairing", py_bn254_pairing, METH_O,
     "_bn254_pairing(data, /) -> bytes\n--\n\nTest hook: the 384-byte Fp12 product of the "
     "reduced pairings of an EIP-197 input (tower order, real part first)."},
    {"_bn254_field_op", py_field_op, METH_VARARGS,
     "_bn254_field_op(degree, op, a, b=b'', /) -> bytes\n--\n\nTest hook: one field operation "
     "on Fp (1), Fp2 (2), Fp6 (6) or Fp12 (12) elements."},
    {"_bn254_g2_add", py_g2_add, METH_VARARGS,
     "_bn254_g2_add(a, b, /) -> bytes\n--\n\nTest hook: G2 addition (on-curve check only)."},
    {"_bn254_g2_mul", py_g2_mul, METH_VARARGS,
     "_bn254_g2_mul(a, k, /) -> bytes\n--\n\nTest hook: G2 scalar multiplication."},
    {"bn254_g2_in_subgroup", py_g2_in_subgroup, METH_O,
     "bn254_g2_in_subgroup(point, /) -> bool\n--\n\nTrue iff the 128-byte EIP-197 G2 point is in "
     "the order-r subgroup (r * Q == O). Non-canonical or off-curve input raises NativeError."},
    {NULL, NULL, 0, NULL},
};
