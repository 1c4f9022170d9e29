/*
 * py_library.c - loading verifier / prover libraries, and the handle base both types share.
 *
 * A Verifier or a Prover is either a built-in backend or a shared library loaded by path, whose
 * ABI symbols are resolved into a function table. Everything the two types do alike lives here:
 * the `library` argument, the kind, dlopen() and dlsym() with their NativeErrors, the
 * library / backend / kind attributes, error messages naming the origin, and teardown.
 */
#include "pymodule.h"

#include <dlfcn.h>
#include <string.h>

int e8_parse_kind(PyObject *obj, uint32_t *kind) {
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

int e8_library_converter(PyObject *obj, void *out) {
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
        e8_raise(E8_ERR_LIBRARY_LOAD, path_str, NULL, "cannot load %s library %R: %s", role,
                 path_str, why ? why : "unknown dlopen error");
    }
    return dl;
}

/* Append `names` joined by ", " to `out` (truncating at its size). */
static void join_names(char *out, size_t size, const char *const *names, size_t count) {
    for (size_t i = 0; i < count; i++) {
        if (i) {
            strncat(out, ", ", size - strlen(out) - 1);
        }
        strncat(out, names[i], size - strlen(out) - 1);
    }
}

/* Resolve `names[i]` into `slots[i]`; on any miss raise NativeError(MISSING_SYMBOL). */
static int resolve_symbols(void *dl, PyObject *path_str, const char *abi, const char *const *names,
                           void **slots, size_t count) {
    const char *missing_names[16];
    size_t nmissing = 0;
    for (size_t i = 0; i < count; i++) {
        (void)dlerror();
        slots[i] = dlsym(dl, names[i]);
        if (!slots[i] && nmissing < sizeof missing_names / sizeof missing_names[0]) {
            missing_names[nmissing++] = names[i];
        }
    }
    if (!nmissing) {
        return 1;
    }
    char missing[512] = "", required[512] = "";
    join_names(missing, sizeof missing, missing_names, nmissing);
    join_names(required, sizeof required, names, count);
    e8_raise(E8_ERR_MISSING_SYMBOL, path_str, NULL,
             "library %R does not export the symbol%s %s: it does not implement the %s ABI, "
             "or implements an incompatible version of it (required symbols: %s)",
             path_str, nmissing > 1 ? "s" : "", missing, abi, required);
    return 0;
}

int e8_handle_load(e8_HandleBase *base, PyObject *path_bytes, const char *role, const char *abi,
                   const char *const *names, void **slots, size_t count) {
    base->library = PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path_bytes));
    base->backend = PyUnicode_FromString("library");
    if (!base->library || !base->backend) {
        return -1;
    }
    base->dl = open_library(path_bytes, base->library, role);
    if (!base->dl || !resolve_symbols(base->dl, base->library, abi, names, slots, count)) {
        return -1;
    }
    return 0;
}

int e8_handle_builtin(e8_HandleBase *base, const char *name) {
    base->backend = PyUnicode_FromString(name);
    return base->backend ? 0 : -1;
}

PyObject *e8_handle_raise(const e8_HandleBase *base, long code, const char *reason,
                          const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    PyObject *text = PyUnicode_FromFormatV(fmt, ap);
    va_end(ap);
    if (!text) {
        return NULL;
    }
    if (base->library) {
        e8_raise(code, base->library, reason, "%U [library %R]", text, base->library);
    } else {
        e8_raise(code, NULL, reason, "%U [built-in %U backend]", text, base->backend);
    }
    Py_DECREF(text);
    return NULL;
}

void e8_handle_clear(e8_HandleBase *base) {
    if (base->dl) {
        dlclose(base->dl);
        base->dl = NULL;
    }
    Py_CLEAR(base->library);
    Py_CLEAR(base->backend);
}

PyObject *e8_handle_get_library(PyObject *self, void *closure) {
    (void)closure;
    PyObject *library = ((e8_HandleBase *)self)->library;
    PyObject *value = library ? library : Py_None;
    Py_INCREF(value);
    return value;
}

PyObject *e8_names_tuple(const char *const *names, size_t count) {
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
