/*
 * double_counters.h - allocation counters of the TEST DOUBLE libraries (not part of any ABI).
 *
 * DOUBLE_COUNTERS defines, in the including library, four counters, each with an exported
 * reader: double_handles_allocated() / double_handles_freed() (verifier or prover handles made
 * and released) and double_bytes_allocated() / double_bytes_freed() (output buffers). The tests
 * read them with ctypes: a library loaded twice by path is one copy in the process, so they see
 * exactly what the extension handed back to the library.
 */
#ifndef DOUBLE_COUNTERS_H
#define DOUBLE_COUNTERS_H

#include <stdint.h>

#define DOUBLE_COUNT(name) __atomic_add_fetch(&double_count_##name, 1, __ATOMIC_RELAXED)
#define DOUBLE_UNCOUNT(name) __atomic_sub_fetch(&double_count_##name, 1, __ATOMIC_RELAXED)

#define DOUBLE_COUNTER(name)                                                                   \
    static uint64_t double_count_##name;                                                       \
    uint64_t double_##name(void) { return __atomic_load_n(&double_count_##name, __ATOMIC_RELAXED); }

#define DOUBLE_COUNTERS                                                                        \
    DOUBLE_COUNTER(handles_allocated)                                                          \
    DOUBLE_COUNTER(handles_freed)                                                              \
    DOUBLE_COUNTER(bytes_allocated)                                                            \
    DOUBLE_COUNTER(bytes_freed)

#endif /* DOUBLE_COUNTERS_H */
