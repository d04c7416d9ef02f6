/* Small helpers shared by the example layers: growable arrays and deep copies of WRs and WCs. */
#ifndef EXAMPLE_LAYER_UTIL_H
#define EXAMPLE_LAYER_UTIL_H

#include <stdlib.h>
#include <string.h>

#include <rdmacheck/layer.h>

/* A growable array of T: `VEC(T) v = {0}; VEC_PUSH(v, x); v.items[k]; v.n`. */
#define VEC(T) struct { T *items; size_t n, cap; }
#define VEC_PUSH(v, x)                                                         \
  do {                                                                         \
    if ((v).n == (v).cap) {                                                    \
      (v).cap = (v).cap ? (v).cap * 2 : 8;                                     \
      (v).items = realloc((v).items, (v).cap * sizeof *(v).items);             \
      if (!(v).items) abort();                                                 \
    }                                                                          \
    (v).items[(v).n++] = (x);                                                  \
  } while (0)
/* Removes element k, keeping the order of the rest. */
#define VEC_REMOVE(v, k)                                                       \
  do {                                                                         \
    memmove((v).items + (k), (v).items + (k) + 1, ((v).n - (k) - 1) * sizeof *(v).items); \
    (v).n--;                                                                   \
  } while (0)

static inline int64_t *copy_words(const int64_t *p, size_t n) {
  if (!p || n == 0) return NULL;
  int64_t *q = malloc(n * sizeof *q);
  if (!q) abort();
  memcpy(q, p, n * sizeof *q);
  return q;
}

/* A WR the layer keeps: it owns its payload. Free with free_wr. */
static inline rdmacheck_send_wr copy_wr(const rdmacheck_send_wr *wr) {
  rdmacheck_send_wr c = *wr;
  c.payload = copy_words(wr->payload, wr->payload_len);
  return c;
}
static inline void free_wr(rdmacheck_send_wr *wr) { free((void *)wr->payload); wr->payload = NULL; }

/* A completion the layer keeps: it owns its payload. Free with free_wc. */
static inline rdmacheck_wc copy_wc(const rdmacheck_wc *wc) {
  rdmacheck_wc c = *wc;
  c.payload = copy_words(wc->payload, wc->payload_len);
  return c;
}
static inline void free_wc(rdmacheck_wc *wc) { free((void *)wc->payload); wc->payload = NULL; }

/* True when the status says the path failed, not the request (the WR may succeed elsewhere). */
static inline int is_path_failure(uint32_t s) {
  return s == RDMACHECK_WC_RETRY_EXC_ERR || s == RDMACHECK_WC_WR_FLUSH_ERR || s == RDMACHECK_WC_LOC_QP_OP_ERR ||
         s == RDMACHECK_WC_RNR_RETRY_EXC_ERR;
}

/* True for the opcodes whose response carries data (READ and the atomics). */
static inline int returns_value(uint32_t op) {
  return op == RDMACHECK_READ || op == RDMACHECK_FETCH_ADD || op == RDMACHECK_CMP_SWAP;
}

#endif
