/*
 * The layer side of the protocol: decodes rdmacheck's calls, invokes the layer's callbacks, and
 * gives each instance an rdmacheck_env whose functions become env requests. The transport (pipes
 * in host.c, direct JavaScript calls in addon.cc) is the only difference between the two modes.
 */
#ifndef RDMACHECK_CLAYER_DISPATCH_H
#define RDMACHECK_CLAYER_DISPATCH_H

#include "protocol.h"

/** How messages reach rdmacheck. */
typedef struct clayer_transport clayer_transport;
struct clayer_transport {
  /** Sends one message that needs no answer (an env request without reply, or DONE). */
  void (*send)(clayer_transport *t, const uint8_t *data, size_t len);
  /**
   * Sends an env request and returns the REPLY's payload (valid until the next transport call).
   * Does not return when rdmacheck is gone or aborts the call.
   */
  const uint8_t *(*request)(clayer_transport *t, const uint8_t *data, size_t len, size_t *reply_len);
};

typedef struct clayer_instance clayer_instance;

/** The state of the layer side: the layer, its transport and its live instances. */
typedef struct {
  const rdmacheck_layer *layer;
  clayer_transport *transport;
  clayer_instance **instances;
  size_t count, cap;
} clayer_side;

/** Handles one call message from rdmacheck (ends it with DONE). Returns 0, or -1 on a malformed message. */
int clayer_dispatch(clayer_side *side, const uint8_t *msg, size_t len);

/** Destroys every live instance (at the end of the session). */
void clayer_destroy_all(clayer_side *side);

/**
 * Checks a library's descriptor: NULL when usable, else why not (a static string, or written to
 * `buf`). Shared by `--describe` and the addon so both refuse alike.
 */
const char *clayer_check_descriptor(const rdmacheck_layer *layer, char *buf, size_t size);

#endif
