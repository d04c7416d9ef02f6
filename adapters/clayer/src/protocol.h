/*
 * The message protocol between rdmacheck (adapters/clayer/protocol.ts) and a C layer, shared by
 * the child host (host.c) and the in-process addon (addon.cc). A message is a little-endian
 * payload: u8 type, then fields. Over pipes each is framed by a u32 length. rdmacheck sends one
 * CALL per callback; the layer side answers with env requests (those marked "reply" wait for a
 * REPLY) and ends the call with DONE. Keep in step with protocol.ts.
 */
#ifndef RDMACHECK_CLAYER_PROTOCOL_H
#define RDMACHECK_CLAYER_PROTOCOL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../include/rdmacheck/layer.h"

enum {
  /* rdmacheck -> layer: calls (u32 instance id first) */
  MSG_CREATE = 1,     /* inst, u8 host, u32 paths, i64 memory_words, i64 layer_memory_words */
  MSG_DESTROY = 2,    /* inst */
  MSG_POST_SEND = 3,  /* inst, wr */
  MSG_POST_RECV = 4,  /* inst, i64 id */
  MSG_COMPLETION = 5, /* inst, u32 path, wc */
  MSG_PORT_EVENT = 6, /* inst, u32 path, u8 event */
  MSG_TIMER = 7,      /* inst, bytes token */
  MSG_CONTROL = 8,    /* inst, bytes */
  /* layer -> rdmacheck */
  MSG_DONE = 20,          /* u32 result (create: 1 when an instance was made) */
  MSG_ENV_POST = 21,      /* inst, u32 path, wr; reply: u8 ok, bytes error */
  MSG_ENV_POST_RECV = 22, /* inst, u32 path, i64 id; reply as post */
  MSG_ENV_RESET = 23,     /* inst, u32 path, u32 sq_psn, u32 rq_psn */
  MSG_ENV_TO_ERROR = 24,  /* inst, u32 path */
  MSG_ENV_DELIVER = 25,   /* inst, wc, u8 has_for_wr, i64 for_wr */
  MSG_ENV_TIMER = 26,     /* inst, i64 delay_ns, bytes token */
  MSG_ENV_CONTROL = 27,   /* inst, bytes */
  MSG_ENV_NOW = 28,       /* inst; reply: i64 */
  MSG_ENV_MEM = 29,       /* inst, u8 op, i64 addr, i64 a, i64 b, u8 has_for_wr, i64 for_wr; reply: i64 */
  MSG_DIED = 30,          /* from the supervisor: i32 signal, i32 exit code */
  /* rdmacheck -> layer: the answer to an env request */
  MSG_REPLY = 40
};

enum { MEM_READ = 0, MEM_WRITE = 1, MEM_FETCH_ADD = 2, MEM_CMP_SWAP = 3 };

/** A growable message buffer. */
typedef struct {
  uint8_t *data;
  size_t len, cap;
} msg_buf;

static inline void mb_put(msg_buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    b->data = (uint8_t *)realloc(b->data, cap);
    if (!b->data) abort();
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}
static inline void mb_u8(msg_buf *b, uint8_t v) { mb_put(b, &v, 1); }
static inline void mb_u32(msg_buf *b, uint32_t v) { mb_put(b, &v, 4); }
static inline void mb_i64(msg_buf *b, int64_t v) { mb_put(b, &v, 8); }
static inline void mb_bytes(msg_buf *b, const void *p, size_t n) {
  mb_u32(b, (uint32_t)n);
  if (n) mb_put(b, p, n);
}

/** A cursor over a received message; reads past the end yield zeros and set `bad`. */
typedef struct {
  const uint8_t *p;
  size_t len, at;
  int bad;
} msg_reader;

static inline void mr_get(msg_reader *r, void *out, size_t n) {
  if (r->at + n > r->len) {
    memset(out, 0, n);
    r->bad = 1;
    return;
  }
  memcpy(out, r->p + r->at, n);
  r->at += n;
}
static inline uint8_t mr_u8(msg_reader *r) { uint8_t v; mr_get(r, &v, 1); return v; }
static inline uint32_t mr_u32(msg_reader *r) { uint32_t v; mr_get(r, &v, 4); return v; }
static inline int64_t mr_i64(msg_reader *r) { int64_t v; mr_get(r, &v, 8); return v; }
/** A length-prefixed byte string, in place (not NUL-terminated). */
static inline const uint8_t *mr_bytes(msg_reader *r, uint32_t *n) {
  *n = mr_u32(r);
  if (r->at + *n > r->len) {
    r->bad = 1;
    *n = 0;
    return r->p;
  }
  const uint8_t *s = r->p + r->at;
  r->at += *n;
  return s;
}

#endif
