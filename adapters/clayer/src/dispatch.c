/* The layer side of the protocol (see dispatch.h). */
#include "dispatch.h"

#include <stdio.h>

struct clayer_instance {
  rdmacheck_env env; /* first: the env pointer is the instance record */
  clayer_side *side;
  uint32_t id;
  void *layer_instance;
  char error[256];
};

/* ------------------------------------------------------------------ codecs */

static void put_wr(msg_buf *b, const rdmacheck_send_wr *wr) {
  mb_i64(b, wr->id);
  mb_u32(b, wr->opcode);
  mb_u32(b, wr->flags);
  mb_i64(b, wr->addr);
  mb_i64(b, wr->value);
  mb_i64(b, wr->add);
  mb_i64(b, wr->compare);
  mb_i64(b, wr->swap);
  mb_i64(b, wr->imm);
  size_t n = (wr->flags & RDMACHECK_WR_HAS_PAYLOAD) && wr->payload ? wr->payload_len : 0;
  mb_u32(b, (uint32_t)n);
  for (size_t k = 0; k < n; k++) mb_i64(b, wr->payload[k]);
}

/* Reads a payload into an aligned array the caller frees. */
static int64_t *get_payload(msg_reader *r, size_t *n) {
  *n = mr_u32(r);
  if (*n == 0 || r->at + *n * 8 > r->len) {
    if (*n) r->bad = 1;
    *n = 0;
    return NULL;
  }
  int64_t *p = (int64_t *)malloc(*n * 8);
  if (!p) abort();
  for (size_t k = 0; k < *n; k++) p[k] = mr_i64(r);
  return p;
}

static int64_t *get_wr(msg_reader *r, rdmacheck_send_wr *wr) {
  wr->id = mr_i64(r);
  wr->opcode = mr_u32(r);
  wr->flags = mr_u32(r);
  wr->addr = mr_i64(r);
  wr->value = mr_i64(r);
  wr->add = mr_i64(r);
  wr->compare = mr_i64(r);
  wr->swap = mr_i64(r);
  wr->imm = mr_i64(r);
  int64_t *p = get_payload(r, &wr->payload_len);
  wr->payload = p;
  return p;
}

static void put_wc(msg_buf *b, const rdmacheck_wc *wc) {
  mb_i64(b, wc->wr_id);
  mb_u32(b, wc->status);
  mb_u32(b, wc->opcode);
  mb_u32(b, wc->flags);
  mb_i64(b, wc->value);
  mb_i64(b, wc->imm);
  size_t n = (wc->flags & RDMACHECK_WC_HAS_PAYLOAD) && wc->payload ? wc->payload_len : 0;
  mb_u32(b, (uint32_t)n);
  for (size_t k = 0; k < n; k++) mb_i64(b, wc->payload[k]);
}

static int64_t *get_wc(msg_reader *r, rdmacheck_wc *wc) {
  wc->wr_id = mr_i64(r);
  wc->status = mr_u32(r);
  wc->opcode = mr_u32(r);
  wc->flags = mr_u32(r);
  wc->reserved = 0;
  wc->value = mr_i64(r);
  wc->imm = mr_i64(r);
  int64_t *p = get_payload(r, &wc->payload_len);
  wc->payload = p;
  return p;
}

static void put_for_wr(msg_buf *b, const int64_t *for_wr) {
  mb_u8(b, for_wr != NULL);
  mb_i64(b, for_wr ? *for_wr : 0);
}

/* ------------------------------------------------------------------ the env */

static clayer_instance *of(rdmacheck_env *env) { return (clayer_instance *)env; }

static msg_buf start(rdmacheck_env *env, uint8_t type) {
  msg_buf b = {0};
  mb_u8(&b, type);
  mb_u32(&b, of(env)->id);
  return b;
}

static void send_void(rdmacheck_env *env, msg_buf *b) {
  clayer_transport *t = of(env)->side->transport;
  t->send(t, b->data, b->len);
  free(b->data);
}

static msg_reader ask(rdmacheck_env *env, msg_buf *b) {
  clayer_transport *t = of(env)->side->transport;
  size_t n = 0;
  const uint8_t *reply = t->request(t, b->data, b->len, &n);
  free(b->data);
  msg_reader r = {reply, n, 0, 0};
  mr_u8(&r); /* MSG_REPLY */
  return r;
}

static rdmacheck_post_result post_result(rdmacheck_env *env, msg_reader *r) {
  rdmacheck_post_result res = {mr_u8(r), NULL};
  uint32_t n = 0;
  const uint8_t *s = mr_bytes(r, &n);
  if (!res.ok) {
    clayer_instance *i = of(env);
    if (n >= sizeof i->error) n = sizeof i->error - 1;
    memcpy(i->error, s, n);
    i->error[n] = 0;
    res.error = i->error;
  }
  return res;
}

static rdmacheck_post_result env_post(rdmacheck_env *env, uint32_t path, const rdmacheck_send_wr *wr) {
  msg_buf b = start(env, MSG_ENV_POST);
  mb_u32(&b, path);
  put_wr(&b, wr);
  msg_reader r = ask(env, &b);
  return post_result(env, &r);
}

static rdmacheck_post_result env_post_recv(rdmacheck_env *env, uint32_t path, int64_t wr_id) {
  msg_buf b = start(env, MSG_ENV_POST_RECV);
  mb_u32(&b, path);
  mb_i64(&b, wr_id);
  msg_reader r = ask(env, &b);
  return post_result(env, &r);
}

static void env_reset(rdmacheck_env *env, uint32_t path, uint32_t sq_psn, uint32_t rq_psn) {
  msg_buf b = start(env, MSG_ENV_RESET);
  mb_u32(&b, path);
  mb_u32(&b, sq_psn);
  mb_u32(&b, rq_psn);
  send_void(env, &b);
}

static void env_move_to_error(rdmacheck_env *env, uint32_t path) {
  msg_buf b = start(env, MSG_ENV_TO_ERROR);
  mb_u32(&b, path);
  send_void(env, &b);
}

static void env_deliver(rdmacheck_env *env, const rdmacheck_wc *wc, const int64_t *for_wr) {
  msg_buf b = start(env, MSG_ENV_DELIVER);
  put_wc(&b, wc);
  put_for_wr(&b, for_wr);
  send_void(env, &b);
}

static void env_set_timer(rdmacheck_env *env, int64_t delay_ns, const char *token) {
  msg_buf b = start(env, MSG_ENV_TIMER);
  mb_i64(&b, delay_ns);
  mb_bytes(&b, token ? token : "", token ? strlen(token) : 0);
  send_void(env, &b);
}

static void env_send_control(rdmacheck_env *env, const void *data, size_t len) {
  msg_buf b = start(env, MSG_ENV_CONTROL);
  mb_bytes(&b, data, data ? len : 0);
  send_void(env, &b);
}

static int64_t env_now(rdmacheck_env *env) {
  msg_buf b = start(env, MSG_ENV_NOW);
  msg_reader r = ask(env, &b);
  return mr_i64(&r);
}

static int64_t mem(rdmacheck_env *env, uint8_t op, int64_t addr, int64_t a, int64_t x, const int64_t *for_wr) {
  msg_buf b = start(env, MSG_ENV_MEM);
  mb_u8(&b, op);
  mb_i64(&b, addr);
  mb_i64(&b, a);
  mb_i64(&b, x);
  put_for_wr(&b, for_wr);
  msg_reader r = ask(env, &b);
  return mr_i64(&r);
}

static int64_t env_read(rdmacheck_env *e, int64_t addr, const int64_t *f) { return mem(e, MEM_READ, addr, 0, 0, f); }
static void env_write(rdmacheck_env *e, int64_t addr, int64_t v, const int64_t *f) { mem(e, MEM_WRITE, addr, v, 0, f); }
static int64_t env_fetch_add(rdmacheck_env *e, int64_t addr, int64_t add, const int64_t *f) {
  return mem(e, MEM_FETCH_ADD, addr, add, 0, f);
}
static int64_t env_cmp_swap(rdmacheck_env *e, int64_t addr, int64_t c, int64_t s, const int64_t *f) {
  return mem(e, MEM_CMP_SWAP, addr, c, s, f);
}

/* ------------------------------------------------------------------ instances and calls */

static clayer_instance *find(clayer_side *s, uint32_t id, size_t *at) {
  for (size_t k = s->count; k-- > 0;) {
    if (s->instances[k]->id == id) {
      if (at) *at = k;
      return s->instances[k];
    }
  }
  return NULL;
}

static void create(clayer_side *s, uint32_t id, msg_reader *r, uint32_t *result) {
  clayer_instance *i = (clayer_instance *)calloc(1, sizeof *i);
  if (!i) abort();
  i->side = s;
  i->id = id;
  rdmacheck_env *e = &i->env;
  e->abi_version = RDMACHECK_LAYER_ABI_VERSION;
  e->size = sizeof *e;
  e->host = (char)mr_u8(r);
  e->paths = mr_u32(r);
  e->memory_words = mr_i64(r);
  e->layer_memory_words = mr_i64(r);
  e->loader = i;
  e->post = env_post;
  e->post_recv = env_post_recv;
  e->reset = env_reset;
  e->move_to_error = env_move_to_error;
  e->deliver = env_deliver;
  e->set_timer = env_set_timer;
  e->send_control = env_send_control;
  e->now = env_now;
  e->mem_read = env_read;
  e->mem_write = env_write;
  e->mem_fetch_add = env_fetch_add;
  e->mem_cmp_swap = env_cmp_swap;
  i->layer_instance = s->layer->create(e);
  if (!i->layer_instance) {
    free(i);
    return;
  }
  if (s->count == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->instances = (clayer_instance **)realloc(s->instances, s->cap * sizeof *s->instances);
    if (!s->instances) abort();
  }
  s->instances[s->count++] = i;
  *result = 1;
}

static void destroy(clayer_side *s, size_t at) {
  clayer_instance *i = s->instances[at];
  if (s->layer->destroy) s->layer->destroy(i->layer_instance);
  s->instances[at] = s->instances[--s->count];
  free(i);
}

int clayer_dispatch(clayer_side *s, const uint8_t *msg, size_t len) {
  msg_reader r = {msg, len, 0, 0};
  uint8_t type = mr_u8(&r);
  uint32_t id = mr_u32(&r);
  uint32_t result = 0;
  size_t at = 0;
  const rdmacheck_layer *L = s->layer;
  clayer_instance *i = type == MSG_CREATE ? NULL : find(s, id, &at);
  if (type == MSG_CREATE) {
    create(s, id, &r, &result);
  } else if (!i) {
    r.bad = 1;
  } else if (type == MSG_DESTROY) {
    destroy(s, at);
  } else if (type == MSG_POST_SEND) {
    rdmacheck_send_wr wr;
    int64_t *p = get_wr(&r, &wr);
    if (!r.bad) L->post_send(i->layer_instance, &wr);
    free(p);
  } else if (type == MSG_POST_RECV) {
    int64_t wr_id = mr_i64(&r);
    if (!r.bad) L->post_recv(i->layer_instance, wr_id);
  } else if (type == MSG_COMPLETION) {
    uint32_t path = mr_u32(&r);
    rdmacheck_wc wc;
    int64_t *p = get_wc(&r, &wc);
    if (!r.bad) L->on_completion(i->layer_instance, path, &wc);
    free(p);
  } else if (type == MSG_PORT_EVENT) {
    uint32_t path = mr_u32(&r);
    uint8_t ev = mr_u8(&r);
    if (!r.bad && L->on_port_event) L->on_port_event(i->layer_instance, path, (rdmacheck_port_event)ev);
  } else if (type == MSG_TIMER || type == MSG_CONTROL) {
    uint32_t n = 0;
    const uint8_t *bytes = mr_bytes(&r, &n);
    /* A token is handed over NUL-terminated; control bytes get a terminator too (not counted). */
    char *copy = (char *)malloc(n + 1);
    if (!copy) abort();
    memcpy(copy, bytes, n);
    copy[n] = 0;
    if (!r.bad && type == MSG_TIMER && L->on_timer) L->on_timer(i->layer_instance, copy);
    if (!r.bad && type == MSG_CONTROL && L->on_control) L->on_control(i->layer_instance, copy, n);
    free(copy);
  } else {
    r.bad = 1;
  }
  msg_buf b = {0};
  mb_u8(&b, MSG_DONE);
  mb_u32(&b, r.bad ? 0xffffffffu : result);
  s->transport->send(s->transport, b.data, b.len);
  free(b.data);
  return r.bad ? -1 : 0;
}

void clayer_destroy_all(clayer_side *s) {
  while (s->count > 0) destroy(s, s->count - 1);
  free(s->instances);
  s->instances = NULL;
  s->cap = 0;
}

const char *clayer_check_descriptor(const rdmacheck_layer *L, char *buf, size_t size) {
  if (!L) return RDMACHECK_LAYER_SYMBOL "() returned NULL";
  if (L->abi_version != RDMACHECK_LAYER_ABI_VERSION) {
    snprintf(buf, size, "ABI version %u, but this rdmacheck speaks version %u (rebuild against its include/rdmacheck/layer.h)",
             L->abi_version, RDMACHECK_LAYER_ABI_VERSION);
    return buf;
  }
  if (L->size < sizeof(rdmacheck_layer)) return "descriptor is smaller than an ABI version 1 rdmacheck_layer (set size = sizeof(rdmacheck_layer))";
  if (!L->name || !L->name[0]) return "descriptor has no name";
  if (!L->create) return "descriptor has no create callback";
  if (!L->post_send) return "descriptor has no post_send callback";
  if (!L->post_recv) return "descriptor has no post_recv callback";
  if (!L->on_completion) return "descriptor has no on_completion callback";
  return NULL;
}
