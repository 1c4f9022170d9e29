/*
 * module.c - PyInit__native: the CPython extension `eip8025._native`.
 *
 *   hash_layer(buf) ...             SSZ merkle layers (py_hash.c)
 *   Verifier(kind, vk, library)     ere-verifier-c ABI: built-in mock / Groth16 kinds or a library
 *                                   (py_verifier.c)
 *   Prover(kind, program, library)  eip8025 prover ABI: built-in mock kinds or a library
 *                                   (py_prover.c)
 *   bn254_* / groth16_verify        BN254 and Groth16 (py_bn254.c)
 *   NativeError                     every non-OK native status (.code, .status, .library,
 *                                   .reason) (py_errors.c)
 *
 * Each file adds its part through its *_module_init (see pymodule.h); the constants of the ABI
 * headers that belong to no single type are added here.
 */
#include "pymodule.h"

#include "eip8025_groth16.h"
#include "eip8025_mock.h"
#include "ere_verifier.h"

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "eip8025._native",
    .m_doc = "eip8025 native layer: SHA-256 merkle layers, ere-verifier-c and eip8025 prover "
             "ABIs, built-in MOCK (not zero-knowledge) backends, BN254 pairings and Groth16 "
             "verification (SP1 v4, RISC Zero v3).",
    .m_size = -1,
    .m_methods = e8_hash_methods,
};

/* Kinds, sizes and the mock domain tag of the ABI headers. 0 or -1. */
static int add_header_constants(PyObject *m) {
    static const struct {
        const char *name;
        long value;
    } ints[] = {
        {"KIND_OPENVM", ERE_ZKVM_KIND_OPENVM},
        {"KIND_SP1", ERE_ZKVM_KIND_SP1},
        {"KIND_ZISK", ERE_ZKVM_KIND_ZISK},
        {"KIND_MOCK", EIP8025_KIND_MOCK},
        {"KIND_ZKBOOST_MOCK", EIP8025_KIND_ZKBOOST_MOCK},
        {"KIND_GROTH16_SP1_V4", EIP8025_KIND_GROTH16_SP1_V4},
        {"KIND_GROTH16_RISC0_V3", EIP8025_KIND_GROTH16_RISC0_V3},
        {"GROTH16_PROOF_SIZE", EIP8025_GROTH16_PROOF_LEN},
        {"GROTH16_SELECTOR_SIZE", EIP8025_GROTH16_SELECTOR_LEN},
        {"MOCK_DEFAULT_PROOF_SIZE", EIP8025_MOCK_DEFAULT_PROOF_LEN},
        {"MOCK_MIN_PROOF_SIZE", EIP8025_MOCK_MIN_PROOF_LEN},
        {"MOCK_MAX_PROOF_SIZE", EIP8025_MOCK_MAX_PROOF_LEN},
        {"ZKBOOST_MOCK_MIN_PROOF_SIZE", EIP8025_ZKBOOST_MOCK_MIN_PROOF_LEN},
        {"MOCK_PUBLIC_VALUES_SIZE", EIP8025_MOCK_PUBLIC_VALUES_LEN},
        {"ZKBOOST_MOCK_PUBLIC_VALUES_SIZE", EIP8025_ZKBOOST_MOCK_PUBLIC_VALUES_LEN},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (PyModule_AddIntConstant(m, ints[i].name, ints[i].value) < 0) {
            return -1;
        }
    }
    return PyModule_AddStringConstant(m, "MOCK_DOMAIN_TAG", EIP8025_MOCK_DOMAIN_TAG);
}

PyMODINIT_FUNC PyInit__native(void) {
    PyObject *m = PyModule_Create(&native_module);
    if (!m) {
        return NULL;
    }
    if (e8_hash_module_init(m) < 0 || PyModule_AddFunctions(m, e8_bn254_methods) < 0 ||
        e8_errors_module_init(m) < 0 || e8_verifier_module_init(m) < 0 ||
        e8_prover_module_init(m) < 0 || add_header_constants(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
