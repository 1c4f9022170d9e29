/*
 * py_hash.c - the SSZ merkle-layer functions of eip8025._native.
 *
 *   hash_layer(data)                              SHA-256 of every 64-byte message of data
 *   _hash_layer_portable(data)                    the same on the portable C SHA-256
 *   _hash_layer_impl(data, *, portable, threads)  explicit implementation and thread count
 *   get_hash_threads() / set_hash_threads(n)      threads hash_layer may use on large layers
 *
 * Inputs are read through the buffer protocol, never copied; the GIL is released on inputs of
 * E8_GIL_RELEASE_BYTES or more.
 */
#include "pymodule.h"

#include <unistd.h>

#include "hash_layer.h"
#include "sha256.h"

/* Below this many input bytes hash_layer keeps the GIL (releasing costs more than hashing). */
#define E8_GIL_RELEASE_BYTES 8192

static unsigned default_hash_threads = 1;

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

PyMethodDef e8_hash_methods[] = {
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

static unsigned online_cpus(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (unsigned)n;
}

int e8_hash_module_init(PyObject *m) {
    e8_sha256_setup();
    /* Two threads on large layers when there are two CPUs (measured: see bench/bench_native.py). */
    default_hash_threads = online_cpus() >= 2 ? 2u : 1u;
    if (PyModule_AddIntConstant(m, "CPU_COUNT", (long)online_cpus()) < 0 ||
        PyModule_AddStringConstant(m, "SHA256_IMPL",
                                   e8_sha256_have_shani() ? "sha-ni" : "portable") < 0) {
        return -1;
    }
    return 0;
}
