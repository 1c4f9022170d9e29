/*
 * pymodule.h - what module.c shares with the other CPython-facing files of eip8025._native.
 */
#ifndef EIP8025_PYMODULE_H
#define EIP8025_PYMODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* eip8025._native.NativeError (set up by PyInit__native). */
extern PyObject *NativeError;

/* Raise NativeError(message, code, status name, library=None, reason). Always returns NULL. */
PyObject *e8_raise_reason(long code, const char *reason, const char *fmt, ...);

/* The BN254 / Groth16 functions of the module (py_bn254.c). */
extern PyMethodDef e8_bn254_methods[];

#endif /* EIP8025_PYMODULE_H */
