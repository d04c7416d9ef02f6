/*
 * fail-stop in C (UCX, NCCL's default), as src/layers/failStop.ts: surface every error, never
 * retransmit. Every WR and RECV goes to path 0 with the application's own ids and every NIC
 * completion is handed over as it is. After the first error completion or a PORT_ERR of path 0
 * the endpoint is closed: later WRs complete at once with WR_FLUSH_ERR without being posted.
 * Expected audit: every safety property holds; failure-masking fails as soon as path 0 fails.
 */
#include <stdlib.h>

#include <rdmacheck/layer.h>

typedef struct {
  rdmacheck_env *env;
  int closed;
} layer;

static void *create(rdmacheck_env *env) {
  layer *l = calloc(1, sizeof *l);
  if (l) l->env = env;
  return l;
}

static void destroy(void *instance) { free(instance); }

static void flush_err(layer *l, int64_t id, uint32_t opcode) {
  rdmacheck_wc wc = {id, RDMACHECK_WC_WR_FLUSH_ERR, opcode, 0, 0, 0, 0, NULL, 0};
  l->env->deliver(l->env, &wc, NULL);
}

static void post_send(void *instance, const rdmacheck_send_wr *wr) {
  layer *l = instance;
  if (l->closed || !l->env->post(l->env, 0, wr).ok) {
    l->closed = 1;
    flush_err(l, wr->id, wr->opcode);
  }
}

static void post_recv(void *instance, int64_t wr_id) {
  layer *l = instance;
  /* A RECV of a closed endpoint stays posted on the failed QP (it flushes from there). */
  if (!l->env->post_recv(l->env, 0, wr_id).ok) flush_err(l, wr_id, RDMACHECK_RECV);
}

static void on_completion(void *instance, uint32_t path, const rdmacheck_wc *wc) {
  layer *l = instance;
  (void)path;
  if (wc->status != RDMACHECK_WC_SUCCESS) l->closed = 1;
  l->env->deliver(l->env, wc, NULL);
}

static void on_port_event(void *instance, uint32_t path, rdmacheck_port_event event) {
  layer *l = instance;
  if (path == 0 && event == RDMACHECK_PORT_ERR) l->closed = 1;
}

static const rdmacheck_layer descriptor = {
    .abi_version = RDMACHECK_LAYER_ABI_VERSION,
    .size = sizeof(rdmacheck_layer),
    .name = "fail-stop",
    .transparent = 1,
    .create = create,
    .destroy = destroy,
    .post_send = post_send,
    .post_recv = post_recv,
    .on_completion = on_completion,
    .on_port_event = on_port_event,
};

const rdmacheck_layer *rdmacheck_layer_descriptor(void) { return &descriptor; }
