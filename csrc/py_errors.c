/*
 * py_errors.c - eip8025._native.NativeError, the one exception type of the extension.
 *
 * Every non-OK native status (a verifier/prover ABI status or a loader failure) is raised as
 * NativeError(message, code, status, library, reason): .code is the number, .status its name,
 * .library the library path (None for built-ins) and .reason a machine-readable cause where the
 * backend gives one. The class is made with PyErr_NewExceptionWithDoc, with __init__ and
 * __reduce__ (pickling keeps every attribute) as instance methods.
 */
#include "pymodule.h"

#include <stdarg.h>

#include "eip8025_prover.h"
#include "ere_verifier.h"

PyObject *NativeError;

const char *e8_status_name(long code) {
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

/* Every code STATUS_NAMES lists, with the ERR_* / OK constant the module exports for it. */
static const struct {
    long code;
    const char *constant;
} status_codes[] = {
    {ERE_OK, "OK"},
    {ERE_ERR_NULL_PTR, "ERR_NULL_PTR"},
    {ERE_ERR_BAD_KIND, "ERR_BAD_KIND"},
    {ERE_ERR_DECODE_PROGRAM_VK, "ERR_DECODE_PROGRAM_VK"},
    {ERE_ERR_DECODE_PROOF, "ERR_DECODE_PROOF"},
    {ERE_ERR_VERIFY, "ERR_VERIFY"},
    {ERE_ERR_INTERNAL, "ERR_INTERNAL"},
    {EIP8025_ERR_DECODE_INPUT, "ERR_DECODE_INPUT"},
    {E8_ERR_LIBRARY_LOAD, "ERR_LIBRARY_LOAD"},
    {E8_ERR_MISSING_SYMBOL, "ERR_MISSING_SYMBOL"},
    {E8_ERR_ABI_MISMATCH, "ERR_ABI_MISMATCH"},
};

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
    PyObject *status_obj = status == Py_None ? PyUnicode_FromString(e8_status_name(code))
                                             : (Py_INCREF(status), status);
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

/* The package's error root, eip8025.errors.Eip8025Error (a module with no imports of ours). */
static PyObject *error_root(void) {
    PyObject *errors = PyImport_ImportModule("eip8025.errors");
    if (!errors) {
        return NULL;
    }
    PyObject *root = PyObject_GetAttrString(errors, "Eip8025Error");
    Py_DECREF(errors);
    return root;
}

static PyObject *make_native_error(void) {
    PyObject *base = error_root();
    if (!base) {
        return NULL;
    }
    PyObject *dict = PyDict_New();
    if (!dict || add_instance_method(dict, &nativeerror_init_def) < 0 ||
        add_instance_method(dict, &nativeerror_reduce_def) < 0) {
        Py_XDECREF(dict);
        Py_DECREF(base);
        return NULL;
    }
    PyObject *cls = PyErr_NewExceptionWithDoc(
        "eip8025._native.NativeError",
        "A native status other than OK: a verifier/prover ABI status or a loader failure.\n\n"
        "Attributes: code (int), status (name such as 'VERIFY'), library (path or None), reason\n"
        "(machine-readable cause such as 'pairing_check_fails', or None).",
        base, dict);
    Py_DECREF(dict);
    Py_DECREF(base);
    return cls;
}

PyObject *e8_raise_v(long code, PyObject *library, const char *reason, const char *fmt,
                     va_list ap) {
    PyObject *msg = PyUnicode_FromFormatV(fmt, ap);
    PyObject *reason_obj = reason ? PyUnicode_FromString(reason) : (Py_INCREF(Py_None), Py_None);
    PyObject *exc = NULL;
    if (msg && reason_obj) {
        exc = PyObject_CallFunction(NativeError, "OlsOO", msg, code, e8_status_name(code),
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

PyObject *e8_raise(long code, PyObject *library, const char *reason, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    e8_raise_v(code, library, reason, fmt, ap);
    va_end(ap);
    return NULL;
}

PyObject *e8_raise_reason(long code, const char *reason, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    e8_raise_v(code, NULL, reason, fmt, ap);
    va_end(ap);
    return NULL;
}

int e8_errors_module_init(PyObject *m) {
    NativeError = make_native_error();
    if (!NativeError) {
        return -1;
    }
    Py_INCREF(NativeError);
    if (PyModule_AddObject(m, "NativeError", NativeError) < 0) {
        Py_DECREF(NativeError);
        return -1;
    }
    PyObject *names = PyDict_New();
    if (!names) {
        return -1;
    }
    for (size_t i = 0; i < sizeof status_codes / sizeof status_codes[0]; i++) {
        long code = status_codes[i].code;
        PyObject *k = PyLong_FromLong(code);
        PyObject *v = PyUnicode_FromString(e8_status_name(code));
        int rc = (k && v) ? PyDict_SetItem(names, k, v) : -1;
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (rc < 0 || PyModule_AddIntConstant(m, status_codes[i].constant, code) < 0) {
            Py_DECREF(names);
            return -1;
        }
    }
    if (PyModule_AddObject(m, "STATUS_NAMES", names) < 0) {
        Py_DECREF(names);
        return -1;
    }
    return 0;
}
