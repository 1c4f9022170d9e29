"""Build the ``eip8025._native`` C extension; all package metadata lives in pyproject.toml."""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup

NATIVE = "csrc"
SOURCES = [
    "module.c",
    "py_errors.c",
    "py_hash.c",
    "py_library.c",
    "py_verifier.c",
    "py_prover.c",
    "sha256.c",
    "sha256_x86.c",
    "hash_layer.c",
    "mock.c",
    "bn254_field.c",
    "bn254_curve.c",
    "bn254_pairing.c",
    "bn254_api.c",
    "groth16.c",
    "py_bn254.c",
]
HEADERS = [
    "include/ere_verifier.h",
    "include/eip8025_prover.h",
    "include/eip8025_mock.h",
    "include/eip8025_groth16.h",
    "bn254.h",
    "bn254_fp.h",
    "bn254_constants.h",
    "bn254_group_impl.h",
    "pymodule.h",
    "backends.h",
    "hash_layer.h",
    "sha256.h",
]

COMPILE_ARGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra"]
if os.environ.get("EIP8025_WERROR") == "1":  # CI and development; never forced on a user's install
    COMPILE_ARGS.append("-Werror")

if sys.platform == "win32":  # dlopen() and pthreads are POSIX-only
    raise SystemExit("eip8025._native needs a POSIX platform (dlopen, pthreads)")

setup(
    # Package data is declared explicitly in pyproject.toml; the C sources (csrc/) are not data.
    include_package_data=False,
    ext_modules=[
        Extension(
            "eip8025._native",
            sources=[f"{NATIVE}/{name}" for name in SOURCES],
            depends=[f"{NATIVE}/{name}" for name in HEADERS],
            include_dirs=[f"{NATIVE}/include", NATIVE],
            extra_compile_args=COMPILE_ARGS,
            libraries=["dl", "pthread"],
        )
    ],
)
