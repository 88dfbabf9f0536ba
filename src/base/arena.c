/*
 * Arena: a chain of blocks; allocation bumps a pointer in the newest block.
 * Per-request work (tokens, candidates, JSON out) lives here and is released
 * in one call. A hard cap bounds the memory any single request can take.
 */
#include "base/base_int.h"

#include <stdlib.h>
#include <string.h>

struct mc__arena_block {
    mc__arena_block *next; /* older block */
    size_t size; /* usable bytes in data[] */
    size_t used; /* bytes handed out from data[] */
    _Alignas(16) unsigned char data[];
};

void mc__arena_init(mc__arena *a, size_t block_size, size_t cap)
{
    a->head = NULL;
    a->used_total = 0;
    a->cap = cap ? cap : ((size_t)1 << 30);
    a->block_size = block_size ? block_size : 64 * 1024;
}

void *mc__arena_alloc(mc__arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n || a->used_total + need > a->cap)
        return NULL;
    mc__arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > a->block_size ? need : a->block_size;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used_total += need;
    return p;
}

void *mc__arena_zalloc(mc__arena *a, size_t n)
{
    void *p = mc__arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *mc__arena_strndup(mc__arena *a, const char *s, size_t n)
{
    char *p = mc__arena_alloc(a, n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

void mc__arena_reset(mc__arena *a)
{
    mc__arena_block *b = a->head;
    if (!b)
        return;
    /* keep the newest block only if it is a default-sized one */
    mc__arena_block *keep = NULL;
    while (b) {
        mc__arena_block *next = b->next;
        if (!keep && b->size == a->block_size) {
            keep = b;
        } else {
            free(b);
        }
        b = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->used_total = 0;
}

void mc__arena_free(mc__arena *a)
{
    mc__arena_block *b = a->head;
    while (b) {
        mc__arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}
