/*
 * py_prover.c - eip8025._native.Prover: a prover speaking the eip8025 prover ABI.
 *
 *   Prover(kind, program, library=None, *, proof_size=None)   built-in mock kinds or a library
 *   .prove(input) -> (proof, public values)                   NativeError on any non-OK status
 *
 * A library's eip8025_prover_abi_version() must equal EIP8025_PROVER_ABI_VERSION (checked at
 * load). Handles are immutable after creation and may be shared across threads; the GIL is
 * released around eip8025_prover_new and eip8025_prover_prove. A buffer or handle the library
 * hands back alongside an error status (which the ABI forbids) is still released with the
 * library's own free function.
 */
#include "pymodule.h"

#include <string.h>

#include <structmember.h>

#include "backends.h"
#include "eip8025_mock.h"
#include "eip8025_prover.h"

static const char *const prover_symbols[] = {
    EIP8025_PROVER_SYMBOL_ABI_VERSION, EIP8025_PROVER_SYMBOL_NEW, EIP8025_PROVER_SYMBOL_PROVE,
    EIP8025_PROVER_SYMBOL_FREE, EIP8025_PROVER_SYMBOL_BYTES_FREE,
};
#define N_PROVER_SYMBOLS (sizeof prover_symbols / sizeof prover_symbols[0])

typedef struct {
    e8_HandleBase base;
    e8_prover_table table;
    Eip8025Prover *handle; /* never NULL once constructed */
    PyObject *proof_size;  /* int for built-ins, None for libraries */
} ProverObject;

static const char *builtin_prover_name(uint32_t kind) {
    return kind == EIP8025_KIND_MOCK           ? "mock"
           : kind == EIP8025_KIND_ZKBOOST_MOCK ? "zkboost-mock"
                                               : NULL;
}

static void Prover_dealloc(ProverObject *self) {
    if (self->handle) {
        self->table.free_fn(self->handle);
    }
    e8_handle_clear(&self->base);
    Py_XDECREF(self->proof_size);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Load a prover library: resolve its symbols and check its ABI version. */
static int Prover_load(ProverObject *self, PyObject *path_bytes) {
    Py_INCREF(Py_None);
    self->proof_size = Py_None;
    void *slots[N_PROVER_SYMBOLS];
    if (e8_handle_load(&self->base, path_bytes, "prover", "eip8025 prover", prover_symbols, slots,
                       N_PROVER_SYMBOLS) < 0) {
        return -1;
    }
    memcpy(&self->table.abi_version_fn, &slots[0], sizeof(void *));
    memcpy(&self->table.new_fn, &slots[1], sizeof(void *));
    memcpy(&self->table.prove_fn, &slots[2], sizeof(void *));
    memcpy(&self->table.free_fn, &slots[3], sizeof(void *));
    memcpy(&self->table.bytes_free_fn, &slots[4], sizeof(void *));
    uint32_t version = self->table.abi_version_fn();
    if (version != EIP8025_PROVER_ABI_VERSION) {
        e8_raise(E8_ERR_ABI_MISMATCH, self->base.library, NULL,
                 "prover library %R implements eip8025 prover ABI version %u, but this "
                 "build of eip8025 requires version %u",
                 self->base.library, (unsigned)version, EIP8025_PROVER_ABI_VERSION);
        return -1;
    }
    return 0;
}

/* Select a built-in mock prover; its total proof size is size_obj (None: the default). */
static int Prover_builtin(ProverObject *self, PyObject *size_obj, size_t *proof_size) {
    uint32_t kind = self->base.kind;
    self->table = e8_builtin_prover_table;
    const char *name = builtin_prover_name(kind);
    if (!name) {
        e8_raise(EIP8025_ERR_BAD_KIND, NULL, NULL,
                 "no built-in prover for kind %u: the built-in backends are the MOCK "
                 "kinds 0x%x (mock) and 0x%x (zkboost-mock); real zkVM kinds need a "
                 "prover library (library=path)",
                 (unsigned)kind, EIP8025_KIND_MOCK, EIP8025_KIND_ZKBOOST_MOCK);
        return -1;
    }
    if (e8_handle_builtin(&self->base, name) < 0) {
        return -1;
    }
    *proof_size = EIP8025_MOCK_DEFAULT_PROOF_LEN;
    if (size_obj != Py_None) {
        if (!PyLong_Check(size_obj)) {
            PyErr_SetString(PyExc_TypeError, "proof_size must be an int or None");
            return -1;
        }
        long long value = PyLong_AsLongLong(size_obj);
        if (value == -1 && PyErr_Occurred()) {
            return -1;
        }
        size_t min = e8_builtin_min_proof_len(kind);
        if (value < (long long)min || value > (long long)EIP8025_MOCK_MAX_PROOF_LEN) {
            PyErr_Format(PyExc_ValueError, "proof_size of the %s prover must be in %zu..%u, "
                         "got %lld", name, min, EIP8025_MOCK_MAX_PROOF_LEN, value);
            return -1;
        }
        *proof_size = (size_t)value;
    }
    self->proof_size = PyLong_FromSize_t(*proof_size);
    return self->proof_size ? 0 : -1;
}

/* eip8025_prover_new (or the sized built-in constructor), GIL released. */
static int Prover_create(ProverObject *self, const Py_buffer *program, size_t proof_size) {
    uint32_t kind = self->base.kind;
    Eip8025Prover *handle = NULL;
    eip8025_prover_new_fn new_fn = self->table.new_fn;
    int library = self->base.dl != NULL;
    int32_t rc;
    Py_BEGIN_ALLOW_THREADS
    if (library) {
        rc = new_fn(kind, program->buf, (size_t)program->len, &handle);
    } else {
        rc = e8_builtin_prover_new_sized(kind, program->buf, (size_t)program->len, proof_size,
                                         &handle);
    }
    Py_END_ALLOW_THREADS
    if (rc != EIP8025_OK || !handle) {
        if (handle) { /* an error status with a handle anyway: not ours to keep, but to free */
            self->table.free_fn(handle);
        }
        if (rc == EIP8025_OK) {
            rc = EIP8025_ERR_INTERNAL;
        }
        e8_handle_raise(&self->base, rc, NULL,
                        "eip8025_prover_new(kind=%u, %zd-byte program) failed with status %s (%d)",
                        (unsigned)kind, program->len, e8_status_name(rc), (int)rc);
        return -1;
    }
    self->handle = handle;
    return 0;
}

static PyObject *Prover_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"kind", "program", "library", "proof_size", NULL};
    PyObject *kind_obj, *path_bytes = NULL, *size_obj = Py_None;
    Py_buffer program;
    uint32_t kind;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Oy*|O&$O:Prover", kwlist, &kind_obj, &program,
                                     e8_library_converter, &path_bytes, &size_obj)) {
        return NULL;
    }
    ProverObject *self = NULL;
    size_t proof_size = 0;
    if (!e8_parse_kind(kind_obj, &kind)) {
        goto done;
    }
    if (path_bytes && size_obj != Py_None) {
        PyErr_SetString(PyExc_ValueError,
                        "proof_size applies only to the built-in mock provers, not to libraries");
        goto done;
    }
    self = (ProverObject *)type->tp_alloc(type, 0);
    if (!self) {
        goto done;
    }
    self->base.kind = kind;
    int selected = path_bytes ? Prover_load(self, path_bytes)
                              : Prover_builtin(self, size_obj, &proof_size);
    if (selected < 0 || Prover_create(self, &program, proof_size) < 0) {
        Py_CLEAR(self);
    }
done:
    PyBuffer_Release(&program);
    Py_XDECREF(path_bytes);
    return (PyObject *)self;
}

static PyObject *Prover_prove(ProverObject *self, PyObject *input_obj) {
    Py_buffer input;
    if (PyObject_GetBuffer(input_obj, &input, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    uint8_t *proof = NULL, *pv = NULL;
    size_t proof_len = 0, pv_len = 0;
    int32_t rc;
    Py_BEGIN_ALLOW_THREADS
    rc = self->table.prove_fn(self->handle, input.buf, (size_t)input.len, &proof, &proof_len, &pv,
                              &pv_len);
    Py_END_ALLOW_THREADS
    Py_ssize_t input_len = input.len;
    PyBuffer_Release(&input);
    PyObject *result = NULL;
    if (rc != EIP8025_OK) {
        e8_handle_raise(&self->base, rc, NULL,
                        "proving a %zd-byte input failed with status %s (%d)", input_len,
                        e8_status_name(rc), (int)rc);
    } else if ((!proof && proof_len) || (!pv && pv_len)) {
        e8_raise(EIP8025_ERR_INTERNAL, self->base.library, NULL,
                 "eip8025_prover_prove returned a NULL buffer with a non-zero length");
    } else {
        PyObject *p = PyBytes_FromStringAndSize(proof ? (const char *)proof : "",
                                                (Py_ssize_t)proof_len);
        PyObject *v = p ? PyBytes_FromStringAndSize(pv ? (const char *)pv : "", (Py_ssize_t)pv_len)
                        : NULL;
        if (p && v) {
            result = PyTuple_Pack(2, p, v);
        }
        Py_XDECREF(p);
        Py_XDECREF(v);
    }
    /* On every path, the error ones included: each non-NULL buffer is the library's. A NULL one
     * is never handed back, whatever length came with it. */
    if (proof) {
        self->table.bytes_free_fn(proof, proof_len);
    }
    if (pv) {
        self->table.bytes_free_fn(pv, pv_len);
    }
    return result;
}

static PyObject *Prover_repr(ProverObject *self) {
    if (self->base.library) {
        return PyUnicode_FromFormat("<eip8025._native.Prover kind=%u library=%R>",
                                    (unsigned)self->base.kind, self->base.library);
    }
    return PyUnicode_FromFormat("<eip8025._native.Prover kind=0x%x built-in %U (NOT a proof "
                                "system) proof_size=%R>", (unsigned)self->base.kind,
                                self->base.backend, self->proof_size);
}

static PyMethodDef Prover_methods[] = {
    {"prove", (PyCFunction)Prover_prove, METH_O,
     "prove(input, /) -> tuple[bytes, bytes]\n--\n\nProve `input` (bytes-like; not copied, GIL "
     "released) and return (proof, public_values). Raises NativeError on any non-OK status."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Prover_members[] = {
    {"kind", T_UINT, offsetof(ProverObject, base.kind), READONLY, "zkVM kind."},
    {"backend", T_OBJECT, offsetof(ProverObject, base.backend), READONLY,
     "'mock', 'zkboost-mock' or 'library'."},
    {"proof_size", T_OBJECT, offsetof(ProverObject, proof_size), READONLY,
     "Total proof size of a built-in mock prover; None for libraries."},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef Prover_getset[] = {
    {"library", e8_handle_get_library, NULL, "Path of the loaded library, or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ProverType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "eip8025._native.Prover",
    .tp_basicsize = sizeof(ProverObject),
    .tp_dealloc = (destructor)Prover_dealloc,
    .tp_repr = (reprfunc)Prover_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Prover(kind, program, library=None, *, proof_size=None)\n--\n\n"
              "A prover bound to one zkVM kind and one program, speaking the eip8025 prover C "
              "ABI (eip8025_prover.h). library=None selects the built-in MOCK backends (NOT "
              "zero-knowledge); a path dlopen()s a prover library whose "
              "eip8025_prover_abi_version() must equal ABI_VERSION.",
    .tp_methods = Prover_methods,
    .tp_members = Prover_members,
    .tp_getset = Prover_getset,
    .tp_new = Prover_new,
};

int e8_prover_module_init(PyObject *m) {
    if (PyType_Ready(&ProverType) < 0) {
        return -1;
    }
    Py_INCREF(&ProverType);
    if (PyModule_AddObject(m, "Prover", (PyObject *)&ProverType) < 0) {
        Py_DECREF(&ProverType);
        return -1;
    }
    PyObject *symbols = e8_names_tuple(prover_symbols, N_PROVER_SYMBOLS);
    if (!symbols || PyModule_AddObject(m, "PROVER_SYMBOLS", symbols) < 0) {
        Py_XDECREF(symbols);
        return -1;
    }
    return PyModule_AddIntConstant(m, "ABI_VERSION", EIP8025_PROVER_ABI_VERSION);
}
