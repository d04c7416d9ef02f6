/*
 * resend-all in C: the decision rule of rdmacheck's TypeScript reference layer
 * (src/layers/resendAll.ts), rule by rule, so that both get the same audit and the same traces.
 *
 * Every WR goes to the current path; the layer keeps every WR without a completion; on an error
 * completion, a refused post or a PORT_ERR of the current path it re-posts all of them, in
 * posting order, on the next path, and resets the failed QP once it has drained. The receiver
 * keeps a buffer for each unfilled application RECV on every path and fills the application's
 * RECVs in arrival order. Expected audit: masks failures, but re-executes whatever executed
 * before a lost ACK (Theorems 1 and 2).
 */
#include "util.h"

typedef struct {
  rdmacheck_send_wr wr;
  int resolved;
  int silent; /* resolved with SUCCESS while unsignaled: nothing to deliver */
  rdmacheck_wc wc;
} app_entry;

typedef struct {
  rdmacheck_send_wr wr;
  int app;
  int abandoned;
} posted_wr;

typedef struct {
  int64_t id;
  uint32_t path;
} buffer;

typedef VEC(posted_wr) posted_queue;
typedef VEC(buffer) buffer_vec;

typedef struct {
  rdmacheck_env *env;
  int64_t next_id; /* negative ids for the layer's own buffers */
  uint32_t current;
  uint32_t fruitless; /* failovers since the last successful completion */
  VEC(app_entry) app; /* open or not yet delivered application WRs, in posting order */
  posted_queue *queues; /* per path: posted, not yet completed */
  int *failed;          /* per path: waits for its reset */
  /* the receive relay */
  buffer_vec buffers;
  buffer_vec discarded;
  uint32_t *counts;
  int *down;
  VEC(int64_t) recvs;     /* the application's unfilled RECVs */
  VEC(rdmacheck_wc) held; /* messages that arrived before a RECV */
} layer;

static void on_path_error(layer *l, uint32_t path, uint32_t status);

/* ------------------------------------------------------------ application completions */

static app_entry *find_open(layer *l, int64_t id) {
  for (size_t k = 0; k < l->app.n; k++)
    if (l->app.items[k].wr.id == id && !l->app.items[k].resolved) return &l->app.items[k];
  return NULL;
}

/* Hands over resolved completions from the head, in posting order. */
static void flush(layer *l) {
  while (l->app.n > 0 && l->app.items[0].resolved) {
    app_entry e = l->app.items[0];
    VEC_REMOVE(l->app, 0);
    if (!e.silent) l->env->deliver(l->env, &e.wc, NULL);
    free_wc(&e.wc);
    free_wr(&e.wr);
  }
}

static int resolve(layer *l, int64_t id, const rdmacheck_wc *wc) {
  app_entry *e = find_open(l, id);
  if (!e) return 0;
  e->resolved = 1;
  int unsignaled = (e->wr.flags & RDMACHECK_WR_HAS_SIGNALED) && !(e->wr.flags & RDMACHECK_WR_SIGNALED);
  e->silent = wc->status == RDMACHECK_WC_SUCCESS && unsignaled;
  e->wc = copy_wc(wc);
  e->wc.wr_id = id;
  e->wc.opcode = e->wr.opcode;
  flush(l);
  return 1;
}

static void succeed(layer *l, int64_t id) {
  app_entry *e = find_open(l, id);
  if (!e) return;
  rdmacheck_wc wc = {id, RDMACHECK_WC_SUCCESS, e->wr.opcode, 0, 0, 0, 0, NULL, 0};
  resolve(l, id, &wc);
}

static void fail(layer *l, int64_t id, uint32_t status) {
  app_entry *e = find_open(l, id);
  if (!e) return;
  rdmacheck_wc wc = {id, status, e->wr.opcode, 0, 0, 0, 0, NULL, 0};
  resolve(l, id, &wc);
}

/* A private snapshot of the open WRs, in posting order (the caller frees it with free_open). */
static rdmacheck_send_wr *open_wrs(layer *l, size_t *n) {
  rdmacheck_send_wr *out = malloc((l->app.n + 1) * sizeof *out);
  if (!out) abort();
  *n = 0;
  for (size_t k = 0; k < l->app.n; k++)
    if (!l->app.items[k].resolved) out[(*n)++] = copy_wr(&l->app.items[k].wr);
  return out;
}

static void free_open(rdmacheck_send_wr *wrs, size_t n) {
  for (size_t k = 0; k < n; k++) free_wr(&wrs[k]);
  free(wrs);
}

/* ------------------------------------------------------------ the receive relay */

static void relay_deliver(layer *l, const rdmacheck_wc *msg, int64_t recv_id) {
  rdmacheck_wc wc = *msg;
  wc.wr_id = recv_id;
  l->env->deliver(l->env, &wc, NULL);
}

static void fill(layer *l, uint32_t path) {
  while (!l->down[path] && l->counts[path] < l->recvs.n) {
    int64_t id = l->next_id--;
    rdmacheck_post_result r = l->env->post_recv(l->env, path, id);
    if (!r.ok) {
      l->down[path] = 1;
      on_path_error(l, path, RDMACHECK_WC_WR_FLUSH_ERR);
      return;
    }
    buffer b = {id, path};
    VEC_PUSH(l->buffers, b);
    l->counts[path]++;
  }
}

static void fill_all(layer *l) {
  for (uint32_t p = 0; p < l->env->paths; p++) fill(l, p);
}

static int take_buffer(buffer_vec *v, int64_t id) {
  for (size_t k = 0; k < v->n; k++) {
    if (v->items[k].id == id) {
      VEC_REMOVE(*v, k);
      return 1;
    }
  }
  return 0;
}

static int owns(layer *l, int64_t id) {
  for (size_t k = 0; k < l->buffers.n; k++) if (l->buffers.items[k].id == id) return 1;
  for (size_t k = 0; k < l->discarded.n; k++) if (l->discarded.items[k].id == id) return 1;
  return 0;
}

/* An application message arrived: it fills the oldest unfilled RECV, or waits for one. */
static void arrived(layer *l, const rdmacheck_wc *in) {
  rdmacheck_wc msg = {0, RDMACHECK_WC_SUCCESS, RDMACHECK_RECV, 0, 0, 0, 0, NULL, 0};
  msg.flags = in->flags & (RDMACHECK_WC_HAS_VALUE | RDMACHECK_WC_HAS_IMM);
  msg.value = in->value;
  msg.imm = in->imm;
  if ((in->flags & RDMACHECK_WC_HAS_WITH_IMM) && (in->flags & RDMACHECK_WC_WITH_IMM))
    msg.flags |= RDMACHECK_WC_HAS_WITH_IMM | RDMACHECK_WC_WITH_IMM;
  if ((in->flags & RDMACHECK_WC_HAS_PAYLOAD) && in->payload_len > 0) {
    msg.flags |= RDMACHECK_WC_HAS_PAYLOAD;
    msg.payload = in->payload;
    msg.payload_len = in->payload_len;
  }
  if (l->recvs.n == 0) {
    VEC_PUSH(l->held, copy_wc(&msg));
    return;
  }
  int64_t recv = l->recvs.items[0];
  VEC_REMOVE(l->recvs, 0);
  relay_deliver(l, &msg, recv);
}

static void relay_completion(layer *l, uint32_t path, const rdmacheck_wc *wc) {
  int live = take_buffer(&l->buffers, wc->wr_id);
  if (live) l->counts[path]--;
  else take_buffer(&l->discarded, wc->wr_id);
  if (wc->status != RDMACHECK_WC_SUCCESS) {
    if (live && !l->down[path]) {
      l->down[path] = 1;
      on_path_error(l, path, RDMACHECK_WC_WR_FLUSH_ERR);
    }
    return;
  }
  arrived(l, wc);
  fill(l, path);
}

/* This host reset `path`: its buffers are gone; post fresh ones. */
static void relay_reset(layer *l, uint32_t path) {
  for (size_t k = 0; k < l->buffers.n;) {
    if (l->buffers.items[k].path != path) {
      k++;
      continue;
    }
    VEC_PUSH(l->discarded, l->buffers.items[k]);
    VEC_REMOVE(l->buffers, k);
  }
  l->counts[path] = 0;
  l->down[path] = 0;
  fill(l, path);
}

/* ------------------------------------------------------------ paths */

static void clear_queue(posted_queue *q) {
  for (size_t k = 0; k < q->n; k++) free_wr(&q->items[k].wr);
  q->n = 0;
}

/* Resets a failed path once every WR posted on it has completed. */
static void settle(layer *l, uint32_t path) {
  if (!l->failed[path] || l->queues[path].n > 0) return;
  l->failed[path] = 0;
  l->env->reset(l->env, path, 0, 0);
  clear_queue(&l->queues[path]);
  relay_reset(l, path);
}

static void post_app(layer *l, uint32_t path, const rdmacheck_send_wr *wr) {
  if (l->env->post(l->env, path, wr).ok) {
    posted_wr p = {copy_wr(wr), 1, 0};
    VEC_PUSH(l->queues[path], p);
  } else {
    on_path_error(l, path, RDMACHECK_WC_WR_FLUSH_ERR);
  }
}

static void on_path_error(layer *l, uint32_t path, uint32_t status) {
  posted_queue *q = &l->queues[path];
  for (size_t k = 0; k < q->n; k++) q->items[k].abandoned = 1;
  l->failed[path] = 1;
  settle(l, path);
  if (path != l->current) return;
  size_t n = 0;
  rdmacheck_send_wr *open = open_wrs(l, &n);
  if (++l->fruitless > 2 * l->env->paths) {
    /* No path has worked for a while: surface the error rather than retry forever. */
    l->fruitless = 0;
    for (size_t k = 0; k < n; k++) fail(l, open[k].id, is_path_failure(status) ? status : RDMACHECK_WC_RETRY_EXC_ERR);
  } else {
    l->current = (path + 1) % l->env->paths;
    for (size_t k = 0; k < n; k++) post_app(l, l->current, &open[k]);
  }
  free_open(open, n);
}

/* ------------------------------------------------------------ the callbacks */

static void *create(rdmacheck_env *env) {
  layer *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->env = env;
  l->next_id = -1;
  l->queues = calloc(env->paths, sizeof *l->queues);
  l->failed = calloc(env->paths, sizeof *l->failed);
  l->counts = calloc(env->paths, sizeof *l->counts);
  l->down = calloc(env->paths, sizeof *l->down);
  fill_all(l);
  return l;
}

static void destroy(void *instance) {
  layer *l = instance;
  for (size_t k = 0; k < l->app.n; k++) {
    free_wr(&l->app.items[k].wr);
    if (l->app.items[k].resolved) free_wc(&l->app.items[k].wc);
  }
  for (uint32_t p = 0; p < l->env->paths; p++) {
    clear_queue(&l->queues[p]);
    free(l->queues[p].items);
  }
  for (size_t k = 0; k < l->held.n; k++) free_wc(&l->held.items[k]);
  free(l->app.items);
  free(l->queues);
  free(l->failed);
  free(l->counts);
  free(l->down);
  free(l->buffers.items);
  free(l->discarded.items);
  free(l->recvs.items);
  free(l->held.items);
  free(l);
}

static void post_send(void *instance, const rdmacheck_send_wr *wr) {
  layer *l = instance;
  app_entry e = {copy_wr(wr), 0, 0, {0}};
  VEC_PUSH(l->app, e);
  post_app(l, l->current, wr);
}

static void post_recv(void *instance, int64_t wr_id) {
  layer *l = instance;
  if (l->held.n > 0) {
    rdmacheck_wc msg = l->held.items[0];
    VEC_REMOVE(l->held, 0);
    relay_deliver(l, &msg, wr_id);
    free_wc(&msg);
    return;
  }
  VEC_PUSH(l->recvs, wr_id);
  fill_all(l);
}

static void on_completion(void *instance, uint32_t path, const rdmacheck_wc *wc) {
  layer *l = instance;
  if (owns(l, wc->wr_id)) {
    relay_completion(l, path, wc);
    return;
  }
  posted_queue *q = &l->queues[path];
  size_t k = 0;
  while (k < q->n && q->items[k].wr.id != wc->wr_id) k++;
  if (k < q->n) {
    /* A QP completes in posting order: the entries before this one completed silently. */
    posted_wr entry = q->items[k];
    posted_wr *implied = malloc((k + 1) * sizeof *implied);
    if (!implied) abort();
    memcpy(implied, q->items, k * sizeof *implied);
    memmove(q->items, q->items + k + 1, (q->n - k - 1) * sizeof *q->items);
    q->n -= k + 1;
    for (size_t j = 0; j < k; j++) {
      if (implied[j].app && !implied[j].abandoned) succeed(l, implied[j].wr.id);
      free_wr(&implied[j].wr);
    }
    free(implied);
    if (!entry.abandoned && entry.app) {
      if (wc->status == RDMACHECK_WC_SUCCESS) {
        l->fruitless = 0;
        resolve(l, wc->wr_id, wc);
      } else {
        /* A request error is the WR's own: surface it. Either way the QP is now in ERR. */
        if (!is_path_failure(wc->status)) resolve(l, wc->wr_id, wc);
        on_path_error(l, path, wc->status);
      }
    }
    free_wr(&entry.wr);
  }
  settle(l, path);
}

static void on_port_event(void *instance, uint32_t path, rdmacheck_port_event event) {
  if (event == RDMACHECK_PORT_ERR) on_path_error(instance, path, RDMACHECK_WC_RETRY_EXC_ERR);
}

static const rdmacheck_layer descriptor = {
    .abi_version = RDMACHECK_LAYER_ABI_VERSION,
    .size = sizeof(rdmacheck_layer),
    .name = "resend-all",
    .transparent = 1,
    .opcodes = 0,
    .create = create,
    .destroy = destroy,
    .post_send = post_send,
    .post_recv = post_recv,
    .on_completion = on_completion,
    .on_port_event = on_port_event,
};

const rdmacheck_layer *rdmacheck_layer_descriptor(void) { return &descriptor; }
