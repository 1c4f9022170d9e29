/*
 * pymodule.h - what the CPython-facing files of eip8025._native share.
 *
 * One file per concern (each adds its part to the module through its *_module_init):
 *   py_errors.c    NativeError, status names, the raise helpers
 *   py_hash.c      hash_layer and its thread setting
 *   py_library.c   dlopen()/dlsym() of verifier and prover libraries, and the handle base
 *                  (library / backend / kind) that Verifier and Prover share
 *   py_verifier.c  the Verifier type (ere-verifier-c ABI)
 *   py_prover.c    the Prover type (eip8025 prover ABI)
 *   py_bn254.c     the BN254 / Groth16 functions
 *   module.c       PyInit__native: the module, its constants, and the calls above
 */
#ifndef EIP8025_PYMODULE_H
#define EIP8025_PYMODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- errors (py_errors.c) -------------------------------------------------------------- */

/* Loader failures: not statuses of either ABI, so numbered well away from them. */
#define E8_ERR_LIBRARY_LOAD 100
#define E8_ERR_MISSING_SYMBOL 101
#define E8_ERR_ABI_MISMATCH 102

/* eip8025._native.NativeError (set up by e8_errors_module_init). */
extern PyObject *NativeError;

/* Name of a status code ("VERIFY", "LIBRARY_LOAD", ...; "UNKNOWN" for any other code). */
const char *e8_status_name(long code);

/* Raise NativeError(message, code, status name, library, reason); library and reason may be
 * NULL (None). Always returns NULL. */
PyObject *e8_raise(long code, PyObject *library, const char *reason, const char *fmt, ...);
PyObject *e8_raise_v(long code, PyObject *library, const char *reason, const char *fmt,
                     va_list ap);

/* e8_raise with library=None. Always returns NULL. */
PyObject *e8_raise_reason(long code, const char *reason, const char *fmt, ...);

/* Add NativeError, STATUS_NAMES and the ERR_* / OK constants to the module. 0 or -1. */
int e8_errors_module_init(PyObject *m);

/* ---- hash_layer (py_hash.c) ------------------------------------------------------------ */

extern PyMethodDef e8_hash_methods[];

/* Set up SHA-256 (CPU detection) and the default thread count; add SHA256_IMPL, CPU_COUNT. */
int e8_hash_module_init(PyObject *m);

/* ---- library loading and the shared handle base (py_library.c) -------------------------- */

/*
 * The part of a Verifier / Prover object both types share; each object struct starts with it,
 * so the helpers below take either. A handle's C object (and the table of functions it is used
 * through) lives in the type's own struct.
 */
typedef struct {
    PyObject_HEAD
    void *dl;          /* dlopen() handle; NULL for built-ins */
    PyObject *library; /* the library path (str); NULL for built-ins */
    PyObject *backend; /* "library", or the built-in backend's name */
    uint32_t kind;     /* the zkVM kind asked for */
} e8_HandleBase;

/* PyArg "O&" converter: None -> NULL, anything path-like -> bytes (filesystem encoding). */
int e8_library_converter(PyObject *obj, void *out);

/* Parse a zkVM kind (an int in 0..2**32-1). 1, or 0 with TypeError / ValueError set. */
int e8_parse_kind(PyObject *obj, uint32_t *kind);

/*
 * Load the library at `path_bytes` for `base`: set library and backend ("library"), dlopen() it
 * (NativeError LIBRARY_LOAD) and resolve the `count` symbols `names` into `slots` (NativeError
 * MISSING_SYMBOL naming every missing one; `abi` names the ABI in the message). 0 or -1.
 */
int e8_handle_load(e8_HandleBase *base, PyObject *path_bytes, const char *role, const char *abi,
                   const char *const *names, void **slots, size_t count);

/* A built-in backend for `base`: set backend to `name`. 0 or -1. */
int e8_handle_builtin(e8_HandleBase *base, const char *name);

/* Raise NativeError(code) for `base`'s library, the message followed by " [library '...']" or
 * " [built-in ... backend]". Always returns NULL. */
PyObject *e8_handle_raise(const e8_HandleBase *base, long code, const char *reason,
                          const char *fmt, ...);

/* Release what e8_handle_load / e8_handle_builtin set (call after freeing the C handle, which
 * may live in the library). Does not free `base` itself. */
void e8_handle_clear(e8_HandleBase *base);

/* Getter of the `library` attribute (the path, or None). */
PyObject *e8_handle_get_library(PyObject *self, void *closure);

/* Tuple of the `count` strings `names` (the ABI symbol lists), or NULL with an exception set. */
PyObject *e8_names_tuple(const char *const *names, size_t count);

/* ---- the types and the BN254 functions ---------------------------------------------------- */

/* Ready the Verifier type and add it and ERE_VERIFIER_SYMBOLS (py_verifier.c). 0 or -1. */
int e8_verifier_module_init(PyObject *m);

/* Ready the Prover type and add it, PROVER_SYMBOLS and ABI_VERSION (py_prover.c). 0 or -1. */
int e8_prover_module_init(PyObject *m);

/* The BN254 / Groth16 functions of the module (py_bn254.c). */
extern PyMethodDef e8_bn254_methods[];

#endif /* EIP8025_PYMODULE_H */
