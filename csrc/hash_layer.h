/*
 * hash_layer.h - one layer of an SSZ merkle tree: n 64-byte messages -> n 32-byte digests,
 * optionally shared with helper threads.
 */
#ifndef EIP8025_NATIVE_HASH_LAYER_H
#define EIP8025_NATIVE_HASH_LAYER_H

#include <stddef.h>
#include <stdint.h>

typedef void (*e8_x64_fn)(uint8_t *out, const uint8_t *in, size_t n);

/* Messages per work item handed out to threads (64 KiB of input). */
#define E8_CHUNK_MESSAGES 1024u
/* Fewest messages per thread (512 KiB of input): smaller layers run on the caller only. */
#define E8_MIN_MESSAGES_PER_THREAD 8192u
#define E8_MAX_THREADS 16u

/*
 * Hash `n` messages with `fn` using up to `threads` threads, the calling thread included.
 *
 * Helpers are detached threads that pull chunks from a shared counter; the caller pulls chunks
 * too and returns as soon as every chunk is done. A helper that the OS starts late (both CPUs
 * busy: on a loaded machine that can take a scheduler tick, ~4 ms) finds no work left and exits
 * without touching the buffers, so helpers can make a call faster but never hold it up.
 * Never fails: if no helper can be started the caller does all the work.
 */
void e8_hash_layer(e8_x64_fn fn, uint8_t *out, const uint8_t *in, size_t n, unsigned threads);

#endif /* EIP8025_NATIVE_HASH_LAYER_H */
