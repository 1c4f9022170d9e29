/* hash_layer.c - share a merkle layer with helper threads (see hash_layer.h). */
#include "hash_layer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct {
    atomic_size_t next; /* next chunk to claim */
    size_t nchunks;
    size_t n;
    e8_x64_fn fn;
    uint8_t *out;
    const uint8_t *in;
    pthread_mutex_t mu;
    pthread_cond_t all_done;
    size_t done; /* chunks finished (under mu) */
    unsigned refs; /* caller + live helpers (under mu); the last one frees */
} e8_layer_job;

static void release(e8_layer_job *job) {
    pthread_mutex_lock(&job->mu);
    const int last = --job->refs == 0;
    pthread_mutex_unlock(&job->mu);
    if (last) {
        pthread_cond_destroy(&job->all_done);
        pthread_mutex_destroy(&job->mu);
        free(job);
    }
}

/* Claim and hash chunks until none are left. Buffers are touched only for claimed chunks. */
static void work(e8_layer_job *job) {
    for (;;) {
        const size_t c = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (c >= job->nchunks) {
            return;
        }
        const size_t start = c * E8_CHUNK_MESSAGES;
        const size_t count = job->n - start < E8_CHUNK_MESSAGES ? job->n - start
                                                                : E8_CHUNK_MESSAGES;
        job->fn(job->out + 32 * start, job->in + 64 * start, count);
        pthread_mutex_lock(&job->mu);
        if (++job->done == job->nchunks) {
            pthread_cond_signal(&job->all_done);
        }
        pthread_mutex_unlock(&job->mu);
    }
}

static void *helper(void *arg) {
    e8_layer_job *job = arg;
    work(job);
    release(job);
    return NULL;
}

void e8_hash_layer(e8_x64_fn fn, uint8_t *out, const uint8_t *in, size_t n, unsigned threads) {
    if (threads > E8_MAX_THREADS) {
        threads = E8_MAX_THREADS;
    }
    const size_t by_size = n / E8_MIN_MESSAGES_PER_THREAD;
    if (by_size < threads) {
        threads = by_size ? (unsigned)by_size : 1u;
    }
    e8_layer_job *job = threads > 1 ? malloc(sizeof *job) : NULL;
    if (!job) {
        fn(out, in, n);
        return;
    }
    atomic_init(&job->next, 0);
    job->nchunks = (n + E8_CHUNK_MESSAGES - 1) / E8_CHUNK_MESSAGES;
    job->n = n;
    job->fn = fn;
    job->out = out;
    job->in = in;
    job->done = 0;
    job->refs = 1;
    pthread_mutex_init(&job->mu, NULL);
    pthread_cond_init(&job->all_done, NULL);

    pthread_attr_t attr;
    const int have_attr = pthread_attr_init(&attr) == 0;
    if (have_attr) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
    }
    for (unsigned t = 1; t < threads; t++) {
        pthread_mutex_lock(&job->mu);
        job->refs++;
        pthread_mutex_unlock(&job->mu);
        pthread_t tid;
        if (!have_attr || pthread_create(&tid, &attr, helper, job) != 0) {
            release(job); /* undo this helper's reference; the caller does its share */
            break;
        }
    }
    if (have_attr) {
        pthread_attr_destroy(&attr);
    }
    work(job);
    pthread_mutex_lock(&job->mu);
    while (job->done < job->nchunks) {
        pthread_cond_wait(&job->all_done, &job->mu);
    }
    pthread_mutex_unlock(&job->mu);
    release(job);
}
