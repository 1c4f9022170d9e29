/*
 * py_verifier.c - eip8025._native.Verifier: a proof verifier speaking the ere-verifier-c ABI.
 *
 *   Verifier(kind, program_vk, library=None)   built-in mock / Groth16 kinds, or a library path
 *   .verify(proof) -> public values            NativeError on any non-OK status
 *   .zkvm_kind() -> int
 *
 * Handles are immutable after creation (created in tp_new, freed in tp_dealloc, no close()), so
 * one object can be used from many threads; the GIL is released around ere_verifier_new and
 * ere_verifier_verify. A buffer or handle the library hands back alongside an error status
 * (which the ABI forbids) is still released with the library's own free function.
 */
#include "pymodule.h"

#include <string.h>

#include <structmember.h>

#include "backends.h"
#include "eip8025_groth16.h"
#include "eip8025_mock.h"
#include "ere_verifier.h"

static const char *const verifier_symbols[] = {
    ERE_VERIFIER_SYMBOL_NEW, ERE_VERIFIER_SYMBOL_VERIFY, ERE_VERIFIER_SYMBOL_ZKVM_KIND,
    ERE_VERIFIER_SYMBOL_FREE, ERE_VERIFIER_SYMBOL_BYTES_FREE,
};
#define N_VERIFIER_SYMBOLS (sizeof verifier_symbols / sizeof verifier_symbols[0])

typedef struct {
    e8_HandleBase base;
    e8_verifier_table table;
    EreVerifier *handle; /* never NULL once constructed */
} VerifierObject;

/* Built-in verifiers: the mock kinds and the (real) Groth16 kinds; NULL name if none. */
static const char *builtin_verifier(uint32_t kind, const e8_verifier_table **table) {
    if (kind == EIP8025_KIND_GROTH16_SP1_V4 || kind == EIP8025_KIND_GROTH16_RISC0_V3) {
        *table = &e8_groth16_verifier_table;
        return kind == EIP8025_KIND_GROTH16_SP1_V4 ? "groth16-sp1-v4" : "groth16-risc0-v3";
    }
    *table = &e8_builtin_verifier_table;
    return kind == EIP8025_KIND_MOCK           ? "mock"
           : kind == EIP8025_KIND_ZKBOOST_MOCK ? "zkboost-mock"
                                               : NULL;
}

/* The machine-readable reason of the last failure of a built-in Groth16 call on this thread. */
static const char *verifier_reason(const e8_verifier_table *table) {
    return table->verify_fn == e8_groth16_verifier_table.verify_fn ? e8_groth16_last_reason()
                                                                     : NULL;
}

static void Verifier_dealloc(VerifierObject *self) {
    if (self->handle) {
        self->table.free_fn(self->handle);
    }
    e8_handle_clear(&self->base);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Fill self->table: resolved from the library at path_bytes, or the built-in backend of kind. */
static int Verifier_select(VerifierObject *self, PyObject *path_bytes, uint32_t kind) {
    if (path_bytes) {
        void *slots[N_VERIFIER_SYMBOLS];
        if (e8_handle_load(&self->base, path_bytes, "verifier", "ere-verifier-c",
                           verifier_symbols, slots, N_VERIFIER_SYMBOLS) < 0) {
            return -1;
        }
        memcpy(&self->table.new_fn, &slots[0], sizeof(void *));
        memcpy(&self->table.verify_fn, &slots[1], sizeof(void *));
        memcpy(&self->table.zkvm_kind_fn, &slots[2], sizeof(void *));
        memcpy(&self->table.free_fn, &slots[3], sizeof(void *));
        memcpy(&self->table.bytes_free_fn, &slots[4], sizeof(void *));
        return 0;
    }
    const e8_verifier_table *table;
    const char *name = builtin_verifier(kind, &table);
    self->table = *table;
    if (!name) {
        e8_raise(ERE_ERR_BAD_KIND, NULL, NULL,
                 "no built-in verifier for kind %u: the built-in backends are the MOCK "
                 "kinds 0x%x (mock) and 0x%x (zkboost-mock) and the Groth16 kinds 0x%x "
                 "(SP1 v4) and 0x%x (RISC Zero v3); real zkVM kinds (ere: 0 openvm, "
                 "1 sp1, 2 zisk) need an ere-verifier-c library (library=path)",
                 (unsigned)kind, EIP8025_KIND_MOCK, EIP8025_KIND_ZKBOOST_MOCK,
                 EIP8025_KIND_GROTH16_SP1_V4, EIP8025_KIND_GROTH16_RISC0_V3);
        return -1;
    }
    return e8_handle_builtin(&self->base, name);
}

/* ere_verifier_new (GIL released), then, for a library, check the kind it reports. */
static int Verifier_create(VerifierObject *self, const Py_buffer *vk) {
    uint32_t kind = self->base.kind;
    EreVerifier *handle = NULL;
    ere_verifier_new_fn new_fn = self->table.new_fn;
    int32_t rc;
    const char *reason;
    Py_BEGIN_ALLOW_THREADS
    rc = new_fn(kind, vk->buf, (uintptr_t)vk->len, &handle);
    reason = rc == ERE_OK ? NULL : verifier_reason(&self->table);
    Py_END_ALLOW_THREADS
    if (rc != ERE_OK || !handle) {
        if (handle) { /* an error status with a handle anyway: not ours to keep, but to free */
            self->table.free_fn(handle);
        }
        if (rc == ERE_OK) {
            rc = ERE_ERR_INTERNAL;
        }
        e8_handle_raise(&self->base, rc, reason,
                        "ere_verifier_new(kind=%u, %zd-byte vk) failed with status %s (%d)%s%s",
                        (unsigned)kind, vk->len, e8_status_name(rc), (int)rc,
                        reason ? ": " : "", reason ? reason : "");
        return -1;
    }
    self->handle = handle;
    if (self->base.dl) {
        /* Sanity check of the loaded library: it must report the kind it was asked for. */
        uint32_t reported = 0;
        rc = self->table.zkvm_kind_fn(handle, &reported);
        if (rc != ERE_OK || reported != kind) {
            e8_raise(ERE_ERR_INTERNAL, self->base.library, NULL,
                     "library %R: ere_verifier_zkvm_kind returned status %s (%d) and kind %u "
                     "for a verifier created with kind %u",
                     self->base.library, e8_status_name(rc), (int)rc, (unsigned)reported,
                     (unsigned)kind);
            return -1;
        }
    }
    return 0;
}

static PyObject *Verifier_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"kind", "program_vk", "library", NULL};
    PyObject *kind_obj, *path_bytes = NULL;
    Py_buffer vk;
    uint32_t kind;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Oy*|O&:Verifier", kwlist, &kind_obj, &vk,
                                     e8_library_converter, &path_bytes)) {
        return NULL;
    }
    VerifierObject *self = NULL;
    if (e8_parse_kind(kind_obj, &kind)) {
        self = (VerifierObject *)type->tp_alloc(type, 0);
    }
    if (self) {
        self->base.kind = kind;
        if (Verifier_select(self, path_bytes, kind) < 0 || Verifier_create(self, &vk) < 0) {
            Py_CLEAR(self);
        }
    }
    PyBuffer_Release(&vk);
    Py_XDECREF(path_bytes);
    return (PyObject *)self;
}

static PyObject *Verifier_verify(VerifierObject *self, PyObject *proof_obj) {
    Py_buffer proof;
    if (PyObject_GetBuffer(proof_obj, &proof, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    uint8_t *pv = NULL;
    uintptr_t pv_len = 0;
    int32_t rc;
    const char *reason;
    Py_BEGIN_ALLOW_THREADS
    rc = self->table.verify_fn(self->handle, proof.buf, (uintptr_t)proof.len, &pv, &pv_len);
    reason = rc == ERE_OK ? NULL : verifier_reason(&self->table);
    Py_END_ALLOW_THREADS
    Py_ssize_t proof_len = proof.len;
    PyBuffer_Release(&proof);
    PyObject *result = NULL;
    if (rc != ERE_OK) {
        e8_handle_raise(&self->base, rc, reason,
                        "verification of a %zd-byte proof failed with status %s (%d)%s%s",
                        proof_len, e8_status_name(rc), (int)rc, reason ? ": " : "",
                        reason ? reason : "");
    } else if (!pv && pv_len) {
        e8_raise(ERE_ERR_INTERNAL, self->base.library, NULL,
                 "ere_verifier_verify returned a NULL buffer of length %zu", (size_t)pv_len);
    } else {
        result = PyBytes_FromStringAndSize(pv ? (const char *)pv : "", (Py_ssize_t)pv_len);
    }
    if (pv) { /* on every path, the error ones included: the buffer is the library's */
        self->table.bytes_free_fn(pv, pv_len);
    }
    return result;
}

static PyObject *Verifier_zkvm_kind(VerifierObject *self, PyObject *unused) {
    (void)unused;
    uint32_t kind = 0;
    int32_t rc = self->table.zkvm_kind_fn(self->handle, &kind);
    if (rc != ERE_OK) {
        return e8_raise(rc, self->base.library, NULL,
                        "ere_verifier_zkvm_kind failed with status %s (%d)", e8_status_name(rc),
                        (int)rc);
    }
    return PyLong_FromUnsignedLong(kind);
}

static PyObject *Verifier_repr(VerifierObject *self) {
    if (self->base.library) {
        return PyUnicode_FromFormat("<eip8025._native.Verifier kind=%u library=%R>",
                                    (unsigned)self->base.kind, self->base.library);
    }
    return PyUnicode_FromFormat("<eip8025._native.Verifier kind=0x%x built-in %U (NOT a proof "
                                "system)>", (unsigned)self->base.kind, self->base.backend);
}

static PyMethodDef Verifier_methods[] = {
    {"verify", (PyCFunction)Verifier_verify, METH_O,
     "verify(proof, /) -> bytes\n--\n\nVerify an encoded proof (any bytes-like object; not "
     "copied, GIL released) and return the proven public values. Raises NativeError with status "
     "DECODE_PROOF or VERIFY (or another status) if the proof is not accepted."},
    {"zkvm_kind", (PyCFunction)Verifier_zkvm_kind, METH_NOARGS,
     "zkvm_kind() -> int\n--\n\nThe kind reported by ere_verifier_zkvm_kind()."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Verifier_members[] = {
    {"kind", T_UINT, offsetof(VerifierObject, base.kind), READONLY, "zkVM kind asked for."},
    {"backend", T_OBJECT, offsetof(VerifierObject, base.backend), READONLY,
     "'mock', 'zkboost-mock' or 'library'."},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef Verifier_getset[] = {
    {"library", e8_handle_get_library, NULL, "Path of the loaded library, or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject VerifierType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "eip8025._native.Verifier",
    .tp_basicsize = sizeof(VerifierObject),
    .tp_dealloc = (destructor)Verifier_dealloc,
    .tp_repr = (reprfunc)Verifier_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Verifier(kind, program_vk, library=None)\n--\n\n"
              "A proof verifier bound to one zkVM kind and one program verifying key, speaking "
              "the ere-verifier-c C ABI. library=None selects a built-in backend: the MOCK kinds "
              "KIND_MOCK / KIND_ZKBOOST_MOCK (NOT zero-knowledge, tests and devnets only) or the "
              "real Groth16 kinds KIND_GROTH16_SP1_V4 / KIND_GROTH16_RISC0_V3; a path dlopen()s "
              "an ere-verifier-c library. Immutable and safe to share across threads.",
    .tp_methods = Verifier_methods,
    .tp_members = Verifier_members,
    .tp_getset = Verifier_getset,
    .tp_new = Verifier_new,
};

int e8_verifier_module_init(PyObject *m) {
    if (PyType_Ready(&VerifierType) < 0) {
        return -1;
    }
    Py_INCREF(&VerifierType);
    if (PyModule_AddObject(m, "Verifier", (PyObject *)&VerifierType) < 0) {
        Py_DECREF(&VerifierType);
        return -1;
    }
    PyObject *symbols = e8_names_tuple(verifier_symbols, N_VERIFIER_SYMBOLS);
    if (!symbols || PyModule_AddObject(m, "ERE_VERIFIER_SYMBOLS", symbols) < 0) {
        Py_XDECREF(symbols);
        return -1;
    }
    return 0;
}
