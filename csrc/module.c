/*
 * module.c - the CPython extension `eip8025._native`.
 *
 *   hash_layer(buf)                 SHA-256 of every 64-byte message of buf (SSZ merkle layer)
 *   Verifier(kind, vk, library)     ere-verifier-c ABI: built-in mock / Groth16 kinds or a library
 *   Prover(kind, program, library)  eip8025 prover ABI: built-in mock kinds or a library
 *   NativeError                     every non-OK native status (.code, .status, .library)
 *
 * Threads: handles are immutable after creation (created in tp_new, freed in tp_dealloc, no
 * close()), so one object can be used from many threads; the GIL is released around every
 * verify/prove call and around hash_layer on inputs of E8_GIL_RELEASE_BYTES or more. Inputs are
 * read through the buffer protocol, never copied.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "backends.h"
#include "eip8025_groth16.h"
#include "eip8025_mock.h"
#include "eip8025_prover.h"
#include "ere_verifier.h"
#include "hash_layer.h"
#include "pymodule.h"
#include "sha256.h"

/* Loader failures: not statuses of either ABI, so numbered well away from them. */
#define E8_ERR_LIBRARY_LOAD 100
#define E8_ERR_MISSING_SYMBOL 101
#define E8_ERR_ABI_MISMATCH 102

/* Below this many input bytes hash_layer keeps the GIL (releasing costs more than hashing). */
#define E8_GIL_RELEASE_BYTES 8192

PyObject *NativeError; /* eip8025._native.NativeError */
static unsigned default_hash_threads = 1;

static const char *status_name(long code) {
    switch (code) {
    case ERE_OK: return "OK";
    case ERE_ERR_NULL_PTR: return "NULL_PTR";
    case ERE_ERR_BAD_KIND: return "BAD_KIND";
    case ERE_ERR_DECODE_PROGRAM_VK: return "DECODE_PROGRAM_VK";
    case ERE_ERR_DECODE_PROOF: return "DECODE_PROOF";
    case ERE_ERR_VERIFY: return "VERIFY";
    case ERE_ERR_INTERNAL: return "INTERNAL";
    case EIP8025_ERR_DECODE_INPUT: return "DECODE_INPUT";
    case E8_ERR_LIBRARY_LOAD: return "LIBRARY_LOAD";
    case E8_ERR_MISSING_SYMBOL: return "MISSING_SYMBOL";
    case E8_ERR_ABI_MISMATCH: return "ABI_MISMATCH";
    default: return "UNKNOWN";
    }
}

/* ---- NativeError ---------------------------------------------------------------------- */

/* NativeError.__init__(self, message="", code=6, status=None, library=None, reason=None) */
static PyObject *nativeerror_init(PyObject *unused, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"self", "message", "code", "status", "library", "reason", NULL};
    PyObject *self, *message = NULL, *status = Py_None, *library = Py_None, *reason = Py_None;
    long code = ERE_ERR_INTERNAL;
    (void)unused;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OlOOO:NativeError", kwlist, &self,
                                     &message, &code, &status, &library, &reason)) {
        return NULL;
    }
    PyObject *msg = message ? (Py_INCREF(message), message) : PyUnicode_FromString("");
    PyObject *exc_args = msg ? PyTuple_Pack(1, msg) : NULL;
    Py_XDECREF(msg);
    if (!exc_args) {
        return NULL;
    }
    int rc = PyObject_SetAttrString(self, "args", exc_args);
    Py_DECREF(exc_args);
    if (rc < 0) {
        return NULL;
    }
    PyObject *code_obj = PyLong_FromLong(code);
    PyObject *status_obj =
        status == Py_None ? PyUnicode_FromString(status_name(code)) : (Py_INCREF(status), status);
    if (!code_obj || !status_obj || PyObject_SetAttrString(self, "code", code_obj) < 0 ||
        PyObject_SetAttrString(self, "status", status_obj) < 0 ||
        PyObject_SetAttrString(self, "library", library) < 0 ||
        PyObject_SetAttrString(self, "reason", reason) < 0) {
        Py_XDECREF(code_obj);
        Py_XDECREF(status_obj);
        return NULL;
    }
    Py_DECREF(code_obj);
    Py_DECREF(status_obj);
    Py_RETURN_NONE;
}

/* NativeError.__reduce__: keep code/status/library through pickling (e.g. process pools). */
static PyObject *nativeerror_reduce(PyObject *unused, PyObject *self) {
    (void)unused;
    PyObject *args = PyObject_GetAttrString(self, "args");
    PyObject *code = PyObject_GetAttrString(self, "code");
    PyObject *status = PyObject_GetAttrString(self, "status");
    PyObject *library = PyObject_GetAttrString(self, "library");
    PyObject *reason = PyObject_GetAttrString(self, "reason");
    PyObject *result = NULL;
    if (args && code && status && library && reason) {
        PyObject *message = PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 1 &&
                                    PyUnicode_Check(PyTuple_GET_ITEM(args, 0))
                                ? PyTuple_GET_ITEM(args, 0)
                                : NULL;
        PyObject *text = message ? (Py_INCREF(message), message) : PyObject_Str(self);
        if (text) {
            result = Py_BuildValue("O(NOOOO)", (PyObject *)Py_TYPE(self), text, code, status,
                                   library, reason);
        }
    }
    Py_XDECREF(args);
    Py_XDECREF(code);
    Py_XDECREF(status);
    Py_XDECREF(library);
    Py_XDECREF(reason);
    return result;
}

static PyMethodDef nativeerror_init_def = {
    "__init__", (PyCFunction)(void (*)(void))nativeerror_init, METH_VARARGS | METH_KEYWORDS,
    "Initialise with (message, code=6, status=None, library=None, reason=None)."};
static PyMethodDef nativeerror_reduce_def = {"__reduce__", nativeerror_reduce, METH_O,
                                             "Pickle support."};

static int add_instance_method(PyObject *dict, PyMethodDef *def) {
    PyObject *func = PyCFunction_NewEx(def, NULL, NULL);
    if (!func) {
        return -1;
    }
    PyObject *method = PyInstanceMethod_New(func);
    Py_DECREF(func);
    if (!method) {
        return -1;
    }
    int rc = PyDict_SetItemString(dict, def->ml_name, method);
    Py_DECREF(method);
    return rc;
}

static PyObject *make_native_error(void) {
    PyObject *dict = PyDict_New();
    if (!dict || add_instance_method(dict, &nativeerror_init_def) < 0 ||
        add_instance_method(dict, &nativeerror_reduce_def) < 0) {
        Py_XDECREF(dict);
        return NULL;
    }
    PyObject *cls = PyErr_NewExceptionWithDoc(
        "eip8025._native.NativeError",
        "A native status other than OK: a verifier/prover ABI status or a loader failure.\n\n"
        "Attributes: code (int), status (name such as 'VERIFY'), library (path or None), reason\n"
        "(machine-readable cause such as 'pairing_check_fails', or None).",
        PyExc_Exception, dict);
    Py_DECREF(dict);
    return cls;
}

/* Raise NativeError(message, code, status_name(code), library, reason). Always returns NULL. */
static PyObject *raise_native_v(long code, PyObject *library, const char *reason,
                                const char *fmt, va_list ap) {
    PyObject *msg = PyUnicode_FromFormatV(fmt, ap);
    PyObject *reason_obj = reason ? PyUnicode_FromString(reason) : (Py_INCREF(Py_None), Py_None);
    PyObject *exc = NULL;
    if (msg && reason_obj) {
        exc = PyObject_CallFunction(NativeError, "OlsOO", msg, code, status_name(code),
                                    library ? library : Py_None, reason_obj);
    }
    Py_XDECREF(msg);
    Py_XDECREF(reason_obj);
    if (exc) {
        PyErr_SetObject(NativeError, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

static PyObject *raise_native_lr(long code, PyObject *library, const char *reason,
                                 const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    raise_native_v(code, library, reason, fmt, ap);
    va_end(ap);
    return NULL;
}

static PyObject *raise_native(long code, PyObject *library, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    raise_native_v(code, library, NULL, fmt, ap);
    va_end(ap);
    return NULL;
}

PyObject *e8_raise_reason(long code, const char *reason, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    raise_native_v(code, NULL, reason, fmt, ap);
    va_end(ap);
    return NULL;
}

/* ---- hash_layer ----------------------------------------------------------------------- */

static PyObject *hash_layer_common(PyObject *data, int portable, unsigned threads) {
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (view.len % 64) {
        PyErr_Format(PyExc_ValueError,
                     "layer of %zd bytes is not a whole number of 64-byte chunk pairs", view.len);
        PyBuffer_Release(&view);
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, view.len / 2);
    if (!out) {
        PyBuffer_Release(&view);
        return NULL;
    }
    e8_x64_fn fn = portable ? e8_sha256_x64_portable : e8_sha256_x64_best;
    uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(out);
    const uint8_t *src = view.buf;
    size_t n = (size_t)view.len / 64;
    if (view.len >= E8_GIL_RELEASE_BYTES) {
        Py_BEGIN_ALLOW_THREADS
        e8_hash_layer(fn, dst, src, n, threads);
        Py_END_ALLOW_THREADS
    } else {
        fn(dst, src, n);
    }
    PyBuffer_Release(&view);
    return out;
}

static PyObject *py_hash_layer(PyObject *module, PyObject *data) {
    (void)module;
    return hash_layer_common(data, 0, default_hash_threads);
}

static PyObject *py_hash_layer_portable(PyObject *module, PyObject *data) {
    (void)module;
    return hash_layer_common(data, 1, default_hash_threads);
}

static PyObject *py_hash_layer_impl(PyObject *module, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"data", "portable", "threads", NULL};
    PyObject *data;
    int portable = 0;
    int threads = 1;
    (void)module;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$pi:_hash_layer_impl", kwlist, &data,
                                     &portable, &threads)) {
        return NULL;
    }
    if (threads < 1 || threads > (int)E8_MAX_THREADS) {
        PyErr_Format(PyExc_ValueError, "threads must be in 1..%u", E8_MAX_THREADS);
        return NULL;
    }
    return hash_layer_common(data, portable, (unsigned)threads);
}

static PyObject *py_get_hash_threads(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromUnsignedLong(default_hash_threads);
}

static PyObject *py_set_hash_threads(PyObject *module, PyObject *arg) {
    (void)module;
    long threads = PyLong_AsLong(arg);
    if (threads == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (threads < 1 || threads > (long)E8_MAX_THREADS) {
        PyErr_Format(PyExc_ValueError, "threads must be in 1..%u", E8_MAX_THREADS);
        return NULL;
    }
    default_hash_threads = (unsigned)threads;
    Py_RETURN_NONE;
}

/* ---- shared helpers for Verifier / Prover ---------------------------------------------- */

static int parse_kind(PyObject *obj, uint32_t *kind) {
    if (!PyLong_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "kind must be an int, not %.100s", Py_TYPE(obj)->tp_name);
        return 0;
    }
    unsigned long long value = PyLong_AsUnsignedLongLong(obj);
    if (value == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "kind must be in 0..2**32-1");
        return 0;
    }
    if (value > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "kind must be in 0..2**32-1");
        return 0;
    }
    *kind = (uint32_t)value;
    return 1;
}

/* O& converter: None -> NULL, anything path-like -> bytes (filesystem encoding). */
static int library_converter(PyObject *obj, void *out) {
    if (obj == Py_None) {
        *(PyObject **)out = NULL;
        return 1;
    }
    return PyUnicode_FSConverter(obj, out);
}

/*
 * dlopen() a library; on failure raise NativeError(LIBRARY_LOAD). RTLD_NODELETE: a library, once
 * loaded, stays mapped for the life of the process (dlclose() only drops our reference), because
 * unloading Rust cdylibs such as ere-verifier-c with live thread-locals is not safe. RTLD_LOCAL
 * keeps its symbols out of the global namespace, so several libraries exporting the same ABI
 * names can be loaded side by side.
 */
static void *open_library(PyObject *path_bytes, PyObject *path_str, const char *role) {
    void *dl = dlopen(PyBytes_AS_STRING(path_bytes), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!dl) {
        const char *why = dlerror();
        raise_native(E8_ERR_LIBRARY_LOAD, path_str, "cannot load %s library %R: %s", role,
                     path_str, why ? why : "unknown dlopen error");
    }
    return dl;
}

/* Resolve `names[i]` into `slots[i]`; on any miss raise NativeError(MISSING_SYMBOL). */
static int resolve_symbols(void *dl, PyObject *path_str, const char *abi, const char *const *names,
                           void **slots, size_t count) {
    char missing[512] = "";
    size_t nmissing = 0;
    for (size_t i = 0; i < count; i++) {
        (void)dlerror();
        slots[i] = dlsym(dl, names[i]);
        if (!slots[i]) {
            if (nmissing++) {
                strncat(missing, ", ", sizeof missing - strlen(missing) - 1);
            }
            strncat(missing, names[i], sizeof missing - strlen(missing) - 1);
        }
    }
    if (!nmissing) {
        return 1;
    }
    char required[512] = "";
    for (size_t i = 0; i < count; i++) {
        if (i) {
            strncat(required, ", ", sizeof required - strlen(required) - 1);
        }
        strncat(required, names[i], sizeof required - strlen(required) - 1);
    }
    raise_native(E8_ERR_MISSING_SYMBOL, path_str,
                 "library %R does not export the symbol%s %s: it does not implement the %s ABI, "
                 "or implements an incompatible version of it (required symbols: %s)",
                 path_str, nmissing > 1 ? "s" : "", missing, abi, required);
    return 0;
}

static const char *const verifier_symbols[] = {
    ERE_VERIFIER_SYMBOL_NEW, ERE_VERIFIER_SYMBOL_VERIFY, ERE_VERIFIER_SYMBOL_ZKVM_KIND,
    ERE_VERIFIER_SYMBOL_FREE, ERE_VERIFIER_SYMBOL_BYTES_FREE,
};
static const char *const prover_symbols[] = {
    EIP8025_PROVER_SYMBOL_ABI_VERSION, EIP8025_PROVER_SYMBOL_NEW, EIP8025_PROVER_SYMBOL_PROVE,
    EIP8025_PROVER_SYMBOL_FREE, EIP8025_PROVER_SYMBOL_BYTES_FREE,
};
#define N_VERIFIER_SYMBOLS (sizeof verifier_symbols / sizeof verifier_symbols[0])
#define N_PROVER_SYMBOLS (sizeof prover_symbols / sizeof prover_symbols[0])

static const char *builtin_backend_name(uint32_t kind) {
    return kind == EIP8025_KIND_MOCK ? "mock"
           : kind == EIP8025_KIND_ZKBOOST_MOCK ? "zkboost-mock"
                                               : NULL;
}

/* Built-in verifiers: the mock kinds and the (real) Groth16 kinds. */
static const char *builtin_verifier_name(uint32_t kind, const e8_verifier_table **table) {
    if (kind == EIP8025_KIND_GROTH16_SP1_V4 || kind == EIP8025_KIND_GROTH16_RISC0_V3) {
        *table = &e8_groth16_verifier_table;
        return kind == EIP8025_KIND_GROTH16_SP1_V4 ? "groth16-sp1-v4" : "groth16-risc0-v3";
    }
    *table = &e8_builtin_verifier_table;
    return builtin_backend_name(kind);
}

/* The machine-readable reason of the last failure of a built-in Groth16 call on this thread. */
static const char *verifier_reason(const e8_verifier_table *table) {
    return table->verify_fn == e8_groth16_verifier_table.verify_fn ? e8_groth16_last_reason()
                                                                     : NULL;
}

/* Human-readable origin of a handle, for error messages. */
static PyObject *origin_of(PyObject *library, PyObject *backend) {
    if (library) {
        return PyUnicode_FromFormat("library %R", library);
    }
    return PyUnicode_FromFormat("built-in %U backend", backend);
}

/* ---- Verifier ------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    e8_verifier_table table;
    void *dl;            /* dlopen() handle, NULL for built-ins */
    EreVerifier *handle; /* never NULL once constructed */
    uint32_t kind;
    PyObject *library;   /* str, or NULL for built-ins */
    PyObject *backend;   /* "mock" | "zkboost-mock" | "groth16-*" | "library" */
} VerifierObject;

static void Verifier_dealloc(VerifierObject *self) {
    if (self->handle) {
        self->table.free_fn(self->handle);
    }
    if (self->dl) {
        dlclose(self->dl);
    }
    Py_XDECREF(self->library);
    Py_XDECREF(self->backend);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Verifier_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"kind", "program_vk", "library", NULL};
    PyObject *kind_obj, *path_bytes = NULL;
    Py_buffer vk;
    uint32_t kind;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Oy*|O&:Verifier", kwlist, &kind_obj, &vk,
                                     library_converter, &path_bytes)) {
        return NULL;
    }
    VerifierObject *self = NULL;
    if (!parse_kind(kind_obj, &kind)) {
        goto done;
    }
    self = (VerifierObject *)type->tp_alloc(type, 0);
    if (!self) {
        goto done;
    }
    if (path_bytes) {
        self->library = PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path_bytes));
        self->backend = PyUnicode_FromString("library");
        if (!self->library || !self->backend) {
            goto fail;
        }
        self->dl = open_library(path_bytes, self->library, "verifier");
        if (!self->dl) {
            goto fail;
        }
        void *slots[N_VERIFIER_SYMBOLS];
        if (!resolve_symbols(self->dl, self->library, "ere-verifier-c", verifier_symbols, slots,
                             N_VERIFIER_SYMBOLS)) {
            goto fail;
        }
        memcpy(&self->table.new_fn, &slots[0], sizeof(void *));
        memcpy(&self->table.verify_fn, &slots[1], sizeof(void *));
        memcpy(&self->table.zkvm_kind_fn, &slots[2], sizeof(void *));
        memcpy(&self->table.free_fn, &slots[3], sizeof(void *));
        memcpy(&self->table.bytes_free_fn, &slots[4], sizeof(void *));
    } else {
        const e8_verifier_table *table;
        const char *name = builtin_verifier_name(kind, &table);
        self->table = *table;
        if (!name) {
            raise_native(ERE_ERR_BAD_KIND, NULL,
                         "no built-in verifier for kind %u: the built-in backends are the MOCK "
                         "kinds 0x%x (mock) and 0x%x (zkboost-mock) and the Groth16 kinds 0x%x "
                         "(SP1 v4) and 0x%x (RISC Zero v3); real zkVM kinds (ere: 0 openvm, "
                         "1 sp1, 2 zisk) need an ere-verifier-c library (library=path)",
                         (unsigned)kind, EIP8025_KIND_MOCK, EIP8025_KIND_ZKBOOST_MOCK,
                         EIP8025_KIND_GROTH16_SP1_V4, EIP8025_KIND_GROTH16_RISC0_V3);
            goto fail;
        }
        self->backend = PyUnicode_FromString(name);
        if (!self->backend) {
            goto fail;
        }
    }
    self->kind = kind;
    int32_t rc;
    EreVerifier *handle = NULL;
    ere_verifier_new_fn new_fn = self->table.new_fn;
    const char *reason;
    Py_BEGIN_ALLOW_THREADS
    rc = new_fn(kind, vk.buf, (uintptr_t)vk.len, &handle);
    reason = rc == ERE_OK ? NULL : verifier_reason(&self->table);
    Py_END_ALLOW_THREADS
    if (rc != ERE_OK || !handle) {
        if (rc == ERE_OK) {
            rc = ERE_ERR_INTERNAL;
        }
        PyObject *origin = origin_of(self->library, self->backend);
        if (origin) {
            raise_native_lr(rc, self->library, reason,
                            "ere_verifier_new(kind=%u, %zd-byte vk) failed with status %s (%d)%s%s "
                            "[%U]", (unsigned)kind, vk.len, status_name(rc), (int)rc,
                            reason ? ": " : "", reason ? reason : "", origin);
            Py_DECREF(origin);
        }
        goto fail;
    }
    self->handle = handle;
    if (self->dl) {
        /* Sanity check of the loaded library: it must report the kind it was asked for. */
        uint32_t reported = 0;
        rc = self->table.zkvm_kind_fn(handle, &reported);
        if (rc != ERE_OK || reported != kind) {
            raise_native(ERE_ERR_INTERNAL, self->library,
                         "library %R: ere_verifier_zkvm_kind returned status %s (%d) and kind %u "
                         "for a verifier created with kind %u",
                         self->library, status_name(rc), (int)rc, (unsigned)reported,
                         (unsigned)kind);
            goto fail;
        }
    }
    goto done;
fail:
    Py_CLEAR(self);
done:
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
    if (rc != ERE_OK) {
        if (pv) {
            self->table.bytes_free_fn(pv, pv_len);
        }
        PyObject *origin = origin_of(self->library, self->backend);
        if (origin) {
            raise_native_lr(rc, self->library, reason,
                            "verification of a %zd-byte proof failed with status %s (%d)%s%s [%U]",
                            proof_len, status_name(rc), (int)rc, reason ? ": " : "",
                            reason ? reason : "", origin);
            Py_DECREF(origin);
        }
        return NULL;
    }
    if (!pv && pv_len) {
        return raise_native(ERE_ERR_INTERNAL, self->library,
                            "ere_verifier_verify returned a NULL buffer of length %zu",
                            (size_t)pv_len);
    }
    PyObject *result = PyBytes_FromStringAndSize(pv ? (const char *)pv : "", (Py_ssize_t)pv_len);
    if (pv) {
        self->table.bytes_free_fn(pv, pv_len);
    }
    return result;
}

static PyObject *Verifier_zkvm_kind(VerifierObject *self, PyObject *unused) {
    (void)unused;
    uint32_t kind = 0;
    int32_t rc = self->table.zkvm_kind_fn(self->handle, &kind);
    if (rc != ERE_OK) {
        return raise_native(rc, self->library, "ere_verifier_zkvm_kind failed with status %s (%d)",
                            status_name(rc), (int)rc);
    }
    return PyLong_FromUnsignedLong(kind);
}

static PyObject *Verifier_repr(VerifierObject *self) {
    if (self->library) {
        return PyUnicode_FromFormat("<eip8025._native.Verifier kind=%u library=%R>",
                                    (unsigned)self->kind, self->library);
    }
    return PyUnicode_FromFormat("<eip8025._native.Verifier kind=0x%x built-in %U (NOT a proof "
                                "system)>", (unsigned)self->kind, self->backend);
}

static PyObject *Verifier_get_library(VerifierObject *self, void *closure) {
    (void)closure;
    PyObject *value = self->library ? self->library : Py_None;
    Py_INCREF(value);
    return value;
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
    {"kind", T_UINT, offsetof(VerifierObject, kind), READONLY, "zkVM kind asked for."},
    {"backend", T_OBJECT, offsetof(VerifierObject, backend), READONLY,
     "'mock', 'zkboost-mock' or 'library'."},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef Verifier_getset[] = {
    {"library", (getter)Verifier_get_library, NULL, "Path of the loaded library, or None.", NULL},
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

/* ---- Prover --------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    e8_prover_table table;
    void *dl;
    Eip8025Prover *handle;
    uint32_t kind;
    PyObject *library;    /* str, or NULL for built-ins */
    PyObject *backend;    /* "mock" | "zkboost-mock" | "library" */
    PyObject *proof_size; /* int for built-ins, None for libraries */
} ProverObject;

static void Prover_dealloc(ProverObject *self) {
    if (self->handle) {
        self->table.free_fn(self->handle);
    }
    if (self->dl) {
        dlclose(self->dl);
    }
    Py_XDECREF(self->library);
    Py_XDECREF(self->backend);
    Py_XDECREF(self->proof_size);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Prover_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *kwlist[] = {"kind", "program", "library", "proof_size", NULL};
    PyObject *kind_obj, *path_bytes = NULL, *size_obj = Py_None;
    Py_buffer program;
    uint32_t kind;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Oy*|O&$O:Prover", kwlist, &kind_obj, &program,
                                     library_converter, &path_bytes, &size_obj)) {
        return NULL;
    }
    ProverObject *self = NULL;
    size_t proof_size = 0;
    if (!parse_kind(kind_obj, &kind)) {
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
    self->kind = kind;
    int32_t rc;
    Eip8025Prover *handle = NULL;
    if (path_bytes) {
        self->library = PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path_bytes));
        self->backend = PyUnicode_FromString("library");
        if (!self->library || !self->backend) {
            goto fail;
        }
        Py_INCREF(Py_None);
        self->proof_size = Py_None;
        self->dl = open_library(path_bytes, self->library, "prover");
        if (!self->dl) {
            goto fail;
        }
        void *slots[N_PROVER_SYMBOLS];
        if (!resolve_symbols(self->dl, self->library, "eip8025 prover", prover_symbols, slots,
                             N_PROVER_SYMBOLS)) {
            goto fail;
        }
        memcpy(&self->table.abi_version_fn, &slots[0], sizeof(void *));
        memcpy(&self->table.new_fn, &slots[1], sizeof(void *));
        memcpy(&self->table.prove_fn, &slots[2], sizeof(void *));
        memcpy(&self->table.free_fn, &slots[3], sizeof(void *));
        memcpy(&self->table.bytes_free_fn, &slots[4], sizeof(void *));
        uint32_t version = self->table.abi_version_fn();
        if (version != EIP8025_PROVER_ABI_VERSION) {
            raise_native(E8_ERR_ABI_MISMATCH, self->library,
                         "prover library %R implements eip8025 prover ABI version %u, but this "
                         "build of eip8025 requires version %u",
                         self->library, (unsigned)version, EIP8025_PROVER_ABI_VERSION);
            goto fail;
        }
        eip8025_prover_new_fn new_fn = self->table.new_fn;
        Py_BEGIN_ALLOW_THREADS
        rc = new_fn(kind, program.buf, (size_t)program.len, &handle);
        Py_END_ALLOW_THREADS
    } else {
        self->table = e8_builtin_prover_table;
        const char *name = builtin_backend_name(kind);
        if (!name) {
            raise_native(EIP8025_ERR_BAD_KIND, NULL,
                         "no built-in prover for kind %u: the built-in backends are the MOCK "
                         "kinds 0x%x (mock) and 0x%x (zkboost-mock); real zkVM kinds need a "
                         "prover library (library=path)",
                         (unsigned)kind, EIP8025_KIND_MOCK, EIP8025_KIND_ZKBOOST_MOCK);
            goto fail;
        }
        self->backend = PyUnicode_FromString(name);
        if (!self->backend) {
            goto fail;
        }
        proof_size = EIP8025_MOCK_DEFAULT_PROOF_LEN;
        if (size_obj != Py_None) {
            if (!PyLong_Check(size_obj)) {
                PyErr_SetString(PyExc_TypeError, "proof_size must be an int or None");
                goto fail;
            }
            long long value = PyLong_AsLongLong(size_obj);
            if (value == -1 && PyErr_Occurred()) {
                goto fail;
            }
            size_t min = e8_builtin_min_proof_len(kind);
            if (value < (long long)min || value > (long long)EIP8025_MOCK_MAX_PROOF_LEN) {
                PyErr_Format(PyExc_ValueError, "proof_size of the %s prover must be in %zu..%u, "
                             "got %lld", name, min, EIP8025_MOCK_MAX_PROOF_LEN, value);
                goto fail;
            }
            proof_size = (size_t)value;
        }
        self->proof_size = PyLong_FromSize_t(proof_size);
        if (!self->proof_size) {
            goto fail;
        }
        Py_BEGIN_ALLOW_THREADS
        rc = e8_builtin_prover_new_sized(kind, program.buf, (size_t)program.len, proof_size,
                                         &handle);
        Py_END_ALLOW_THREADS
    }
    if (rc != EIP8025_OK || !handle) {
        if (rc == EIP8025_OK) {
            rc = EIP8025_ERR_INTERNAL;
        }
        PyObject *origin = origin_of(self->library, self->backend);
        if (origin) {
            raise_native(rc, self->library, "eip8025_prover_new(kind=%u, %zd-byte program) failed "
                         "with status %s (%d) [%U]", (unsigned)kind, program.len, status_name(rc),
                         (int)rc, origin);
            Py_DECREF(origin);
        }
        goto fail;
    }
    self->handle = handle;
    goto done;
fail:
    Py_CLEAR(self);
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
        PyObject *origin = origin_of(self->library, self->backend);
        if (origin) {
            raise_native(rc, self->library,
                         "proving a %zd-byte input failed with status %s (%d) [%U]", input_len,
                         status_name(rc), (int)rc, origin);
            Py_DECREF(origin);
        }
    } else if ((!proof && proof_len) || (!pv && pv_len)) {
        raise_native(EIP8025_ERR_INTERNAL, self->library,
                     "eip8025_prover_prove returned a NULL buffer with a non-zero length");
        proof = pv = NULL; /* never hand (NULL, len) back to the library */
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
    if (proof) {
        self->table.bytes_free_fn(proof, proof_len);
    }
    if (pv) {
        self->table.bytes_free_fn(pv, pv_len);
    }
    return result;
}

static PyObject *Prover_repr(ProverObject *self) {
    if (self->library) {
        return PyUnicode_FromFormat("<eip8025._native.Prover kind=%u library=%R>",
                                    (unsigned)self->kind, self->library);
    }
    return PyUnicode_FromFormat("<eip8025._native.Prover kind=0x%x built-in %U (NOT a proof "
                                "system) proof_size=%R>", (unsigned)self->kind, self->backend,
                                self->proof_size);
}

static PyObject *Prover_get_library(ProverObject *self, void *closure) {
    (void)closure;
    PyObject *value = self->library ? self->library : Py_None;
    Py_INCREF(value);
    return value;
}

static PyMethodDef Prover_methods[] = {
    {"prove", (PyCFunction)Prover_prove, METH_O,
     "prove(input, /) -> tuple[bytes, bytes]\n--\n\nProve `input` (bytes-like; not copied, GIL "
     "released) and return (proof, public_values). Raises NativeError on any non-OK status."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Prover_members[] = {
    {"kind", T_UINT, offsetof(ProverObject, kind), READONLY, "zkVM kind."},
    {"backend", T_OBJECT, offsetof(ProverObject, backend), READONLY,
     "'mock', 'zkboost-mock' or 'library'."},
    {"proof_size", T_OBJECT, offsetof(ProverObject, proof_size), READONLY,
     "Total proof size of a built-in mock prover; None for libraries."},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef Prover_getset[] = {
    {"library", (getter)Prover_get_library, NULL, "Path of the loaded library, or None.", NULL},
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

/* ---- module ----------------------------------------------------------------------------- */

static PyMethodDef module_methods[] = {
    {"hash_layer", py_hash_layer, METH_O,
     "hash_layer(data, /) -> bytes\n--\n\nSHA-256 of each 64-byte message of `data` (a "
     "bytes-like object of 64*k bytes), concatenated: one SSZ merkle tree layer. Uses SHA-NI "
     "when the CPU has it and get_hash_threads() threads on large layers."},
    {"_hash_layer_portable", py_hash_layer_portable, METH_O,
     "_hash_layer_portable(data, /) -> bytes\n--\n\nhash_layer forced onto the portable C "
     "SHA-256 (for tests and benchmarks)."},
    {"_hash_layer_impl", (PyCFunction)(void (*)(void))py_hash_layer_impl,
     METH_VARARGS | METH_KEYWORDS,
     "_hash_layer_impl(data, *, portable=False, threads=1) -> bytes\n--\n\nhash_layer with an "
     "explicit implementation and thread count (for tests and benchmarks)."},
    {"get_hash_threads", py_get_hash_threads, METH_NOARGS,
     "get_hash_threads() -> int\n--\n\nThreads hash_layer may use on a large layer."},
    {"set_hash_threads", py_set_hash_threads, METH_O,
     "set_hash_threads(threads, /) -> None\n--\n\nSet the threads hash_layer may use (1..16)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "eip8025._native",
    .m_doc = "eip8025 native layer: SHA-256 merkle layers, ere-verifier-c and eip8025 prover "
             "ABIs, built-in MOCK (not zero-knowledge) backends, BN254 pairings and Groth16 "
             "verification (SP1 v4, RISC Zero v3).",
    .m_size = -1,
    .m_methods = module_methods,
};

static int add_int(PyObject *m, const char *name, long value) {
    return PyModule_AddIntConstant(m, name, value);
}

static PyObject *names_tuple(const char *const *names, size_t count) {
    PyObject *t = PyTuple_New((Py_ssize_t)count);
    for (size_t i = 0; t && i < count; i++) {
        PyObject *s = PyUnicode_FromString(names[i]);
        if (!s) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
    }
    return t;
}

static unsigned online_cpus(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (unsigned)n;
}

PyMODINIT_FUNC PyInit__native(void) {
    e8_sha256_setup();
    /* Two threads on large layers when there are two CPUs (measured: see bench/bench_native.py). */
    default_hash_threads = online_cpus() >= 2 ? 2u : 1u;

    if (PyType_Ready(&VerifierType) < 0 || PyType_Ready(&ProverType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&native_module);
    if (!m) {
        return NULL;
    }
    if (PyModule_AddFunctions(m, e8_bn254_methods) < 0) {
        goto fail;
    }
    NativeError = make_native_error();
    if (!NativeError) {
        goto fail;
    }
    Py_INCREF(NativeError);
    if (PyModule_AddObject(m, "NativeError", NativeError) < 0) {
        Py_DECREF(NativeError);
        goto fail;
    }
    Py_INCREF(&VerifierType);
    if (PyModule_AddObject(m, "Verifier", (PyObject *)&VerifierType) < 0) {
        Py_DECREF(&VerifierType);
        goto fail;
    }
    Py_INCREF(&ProverType);
    if (PyModule_AddObject(m, "Prover", (PyObject *)&ProverType) < 0) {
        Py_DECREF(&ProverType);
        goto fail;
    }
    PyObject *status_names = PyDict_New();
    if (!status_names) {
        goto fail;
    }
    static const long codes[] = {ERE_OK,
                                 ERE_ERR_NULL_PTR,
                                 ERE_ERR_BAD_KIND,
                                 ERE_ERR_DECODE_PROGRAM_VK,
                                 ERE_ERR_DECODE_PROOF,
                                 ERE_ERR_VERIFY,
                                 ERE_ERR_INTERNAL,
                                 EIP8025_ERR_DECODE_INPUT,
                                 E8_ERR_LIBRARY_LOAD,
                                 E8_ERR_MISSING_SYMBOL,
                                 E8_ERR_ABI_MISMATCH};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        PyObject *k = PyLong_FromLong(codes[i]);
        PyObject *v = PyUnicode_FromString(status_name(codes[i]));
        int rc = (k && v) ? PyDict_SetItem(status_names, k, v) : -1;
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (rc < 0) {
            Py_DECREF(status_names);
            goto fail;
        }
    }
    if (PyModule_AddObject(m, "STATUS_NAMES", status_names) < 0) {
        Py_DECREF(status_names);
        goto fail;
    }
    PyObject *vsyms = names_tuple(verifier_symbols, N_VERIFIER_SYMBOLS);
    if (!vsyms || PyModule_AddObject(m, "ERE_VERIFIER_SYMBOLS", vsyms) < 0) {
        Py_XDECREF(vsyms);
        goto fail;
    }
    PyObject *psyms = names_tuple(prover_symbols, N_PROVER_SYMBOLS);
    if (!psyms || PyModule_AddObject(m, "PROVER_SYMBOLS", psyms) < 0) {
        Py_XDECREF(psyms);
        goto fail;
    }
    if (add_int(m, "ABI_VERSION", EIP8025_PROVER_ABI_VERSION) < 0 ||
        add_int(m, "OK", ERE_OK) < 0 || add_int(m, "ERR_NULL_PTR", ERE_ERR_NULL_PTR) < 0 ||
        add_int(m, "ERR_BAD_KIND", ERE_ERR_BAD_KIND) < 0 ||
        add_int(m, "ERR_DECODE_PROGRAM_VK", ERE_ERR_DECODE_PROGRAM_VK) < 0 ||
        add_int(m, "ERR_DECODE_PROOF", ERE_ERR_DECODE_PROOF) < 0 ||
        add_int(m, "ERR_VERIFY", ERE_ERR_VERIFY) < 0 ||
        add_int(m, "ERR_INTERNAL", ERE_ERR_INTERNAL) < 0 ||
        add_int(m, "ERR_DECODE_INPUT", EIP8025_ERR_DECODE_INPUT) < 0 ||
        add_int(m, "ERR_LIBRARY_LOAD", E8_ERR_LIBRARY_LOAD) < 0 ||
        add_int(m, "ERR_MISSING_SYMBOL", E8_ERR_MISSING_SYMBOL) < 0 ||
        add_int(m, "ERR_ABI_MISMATCH", E8_ERR_ABI_MISMATCH) < 0 ||
        add_int(m, "KIND_OPENVM", ERE_ZKVM_KIND_OPENVM) < 0 ||
        add_int(m, "KIND_SP1", ERE_ZKVM_KIND_SP1) < 0 ||
        add_int(m, "KIND_ZISK", ERE_ZKVM_KIND_ZISK) < 0 ||
        add_int(m, "KIND_MOCK", EIP8025_KIND_MOCK) < 0 ||
        add_int(m, "KIND_ZKBOOST_MOCK", EIP8025_KIND_ZKBOOST_MOCK) < 0 ||
        add_int(m, "KIND_GROTH16_SP1_V4", EIP8025_KIND_GROTH16_SP1_V4) < 0 ||
        add_int(m, "KIND_GROTH16_RISC0_V3", EIP8025_KIND_GROTH16_RISC0_V3) < 0 ||
        add_int(m, "GROTH16_PROOF_SIZE", EIP8025_GROTH16_PROOF_LEN) < 0 ||
        add_int(m, "GROTH16_SELECTOR_SIZE", EIP8025_GROTH16_SELECTOR_LEN) < 0 ||
        add_int(m, "MOCK_DEFAULT_PROOF_SIZE", EIP8025_MOCK_DEFAULT_PROOF_LEN) < 0 ||
        add_int(m, "MOCK_MIN_PROOF_SIZE", EIP8025_MOCK_MIN_PROOF_LEN) < 0 ||
        add_int(m, "MOCK_MAX_PROOF_SIZE", EIP8025_MOCK_MAX_PROOF_LEN) < 0 ||
        add_int(m, "ZKBOOST_MOCK_MIN_PROOF_SIZE", EIP8025_ZKBOOST_MOCK_MIN_PROOF_LEN) < 0 ||
        add_int(m, "MOCK_PUBLIC_VALUES_SIZE", EIP8025_MOCK_PUBLIC_VALUES_LEN) < 0 ||
        add_int(m, "ZKBOOST_MOCK_PUBLIC_VALUES_SIZE", EIP8025_ZKBOOST_MOCK_PUBLIC_VALUES_LEN) < 0 ||
        add_int(m, "CPU_COUNT", (long)online_cpus()) < 0 ||
        PyModule_AddStringConstant(m, "SHA256_IMPL",
                                   e8_sha256_have_shani() ? "sha-ni" : "portable") < 0 ||
        PyModule_AddStringConstant(m, "MOCK_DOMAIN_TAG", EIP8025_MOCK_DOMAIN_TAG) < 0) {
        goto fail;
    }
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
