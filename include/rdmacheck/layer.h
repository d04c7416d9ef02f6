/*
 * rdmacheck/layer.h: the FailoverLayer contract of rdmacheck, in C (ABI version 1).
 *
 * A failover layer is a shared library that exports one function,
 *
 *     const rdmacheck_layer *rdmacheck_layer_descriptor(void);
 *
 * returning a static descriptor: the ABI version, a name, whether the layer is transparent,
 * the op classes it carries, create/destroy, and the callbacks of an instance (its
 * observations). Everything an instance does goes through the rdmacheck_env handed to create
 * (its decisions). The contract is the TypeScript one (src/core/layer.ts, docs/c-abi.md) word for
 * word; only the spelling is C's:
 *
 *   - Ids and memory words are int64_t (rdmacheck keeps them within +-2^53, JavaScript's safe
 *     integers). Addresses are word indices.
 *   - Optional fields of a work request or completion have a presence bit in `flags`.
 *   - A control message is bytes; rdmacheck records it in the trace as hex with a printable
 *     preview ({ hex: "68690a", text: "hi." }).
 *   - Everything passed to a callback is valid only during that callback: copy what you keep.
 *     The env pointer is valid from create until destroy.
 *   - Call the env only from inside a callback (or create), on the thread that made the call.
 *
 * rdmacheck drives a layer synchronously and deterministically: by default in a child process
 * (a crash or an endless loop is a finding about the layer), or in-process for speed.
 * Compatibility: a library built against ABI version N loads only into an rdmacheck that speaks
 * version N; new fields are only ever appended, and `size` says how many a descriptor has.
 */
#ifndef RDMACHECK_LAYER_H
#define RDMACHECK_LAYER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header states. rdmacheck refuses a descriptor with any other. */
#define RDMACHECK_LAYER_ABI_VERSION 1u

/** The symbol a layer library exports. */
#define RDMACHECK_LAYER_SYMBOL "rdmacheck_layer_descriptor"

/** Send-queue opcodes (RC), and RECV for completions of receive WRs. */
typedef enum rdmacheck_opcode {
  RDMACHECK_WRITE = 0,
  RDMACHECK_READ = 1,
  RDMACHECK_SEND = 2,
  RDMACHECK_FETCH_ADD = 3,
  RDMACHECK_CMP_SWAP = 4,
  RDMACHECK_WRITE_WITH_IMM = 5,
  RDMACHECK_RECV = 6
} rdmacheck_opcode;

/** The bit of op class `op` in rdmacheck_layer.opcodes. */
#define RDMACHECK_OPCLASS(op) (1u << (op))
/** Every send op class (the default, also meant by opcodes == 0). */
#define RDMACHECK_ALL_OPCLASSES 0x3fu

/** Completion status, in ibv_wc_status's names. */
typedef enum rdmacheck_wc_status {
  RDMACHECK_WC_SUCCESS = 0,
  RDMACHECK_WC_WR_FLUSH_ERR = 1,
  RDMACHECK_WC_RETRY_EXC_ERR = 2,
  RDMACHECK_WC_RNR_RETRY_EXC_ERR = 3,
  RDMACHECK_WC_REM_ACCESS_ERR = 4,
  RDMACHECK_WC_REM_INV_REQ_ERR = 5,
  RDMACHECK_WC_REM_OP_ERR = 6,
  RDMACHECK_WC_LOC_LEN_ERR = 7,
  RDMACHECK_WC_LOC_QP_OP_ERR = 8
} rdmacheck_wc_status;

/** A local port event. */
typedef enum rdmacheck_port_event { RDMACHECK_PORT_ERR = 0, RDMACHECK_PORT_ACTIVE = 1 } rdmacheck_port_event;

/* Presence (HAS_) and value bits of rdmacheck_send_wr.flags. */
#define RDMACHECK_WR_HAS_ADDR (1u << 0)
#define RDMACHECK_WR_HAS_VALUE (1u << 1)
#define RDMACHECK_WR_HAS_ADD (1u << 2)
#define RDMACHECK_WR_HAS_COMPARE (1u << 3)
#define RDMACHECK_WR_HAS_SWAP (1u << 4)
#define RDMACHECK_WR_HAS_IMM (1u << 5)
#define RDMACHECK_WR_HAS_SIGNALED (1u << 6)
#define RDMACHECK_WR_SIGNALED (1u << 7)
#define RDMACHECK_WR_HAS_FENCE (1u << 8)
#define RDMACHECK_WR_FENCE (1u << 9)
#define RDMACHECK_WR_HAS_NO_RETRANSMIT (1u << 10)
#define RDMACHECK_WR_NO_RETRANSMIT (1u << 11)
#define RDMACHECK_WR_HAS_PAYLOAD (1u << 12)

/**
 * A send work request (TypeScript SendWr). `id` is the application's wr_id: re-post an
 * application WR with its own id; WRs the layer invents use negative ids.
 */
typedef struct rdmacheck_send_wr {
  int64_t id;
  uint32_t opcode; /* rdmacheck_opcode, never RDMACHECK_RECV */
  uint32_t flags;  /* RDMACHECK_WR_* */
  int64_t addr;
  int64_t value;
  int64_t add;
  int64_t compare;
  int64_t swap;
  int64_t imm;
  /** A SEND/WRITE_WITH_IMM body longer than one word (with RDMACHECK_WR_HAS_PAYLOAD). */
  const int64_t *payload;
  size_t payload_len;
} rdmacheck_send_wr;

/* Presence and value bits of rdmacheck_wc.flags. */
#define RDMACHECK_WC_HAS_VALUE (1u << 0)
#define RDMACHECK_WC_HAS_IMM (1u << 1)
#define RDMACHECK_WC_HAS_WITH_IMM (1u << 2)
#define RDMACHECK_WC_WITH_IMM (1u << 3)
#define RDMACHECK_WC_HAS_PAYLOAD (1u << 4)

/** A work completion (TypeScript WorkCompletion). On error only wr_id and status mean anything. */
typedef struct rdmacheck_wc {
  int64_t wr_id;
  uint32_t status; /* rdmacheck_wc_status */
  uint32_t opcode; /* rdmacheck_opcode */
  uint32_t flags;  /* RDMACHECK_WC_* */
  uint32_t reserved;
  /** READ data, the atomic's old value, or the RECV payload (with RDMACHECK_WC_HAS_VALUE). */
  int64_t value;
  int64_t imm;
  const int64_t *payload;
  size_t payload_len;
} rdmacheck_wc;

/** The outcome of post / post_recv. `error` (when !ok) is valid until the next env call. */
typedef struct rdmacheck_post_result {
  int ok;
  const char *error;
} rdmacheck_post_result;

typedef struct rdmacheck_env rdmacheck_env;

/**
 * What an instance can do: its decisions, each recorded in the trace. `for_wr` (NULL for none)
 * attributes an effect a responder-side layer performs to the peer application's WR `*for_wr`.
 * Misuse (a bad path, an unknown wr id, a second delivery...) is recorded as a LayerFault and
 * the call does nothing, exactly as for a TypeScript layer.
 */
struct rdmacheck_env {
  uint32_t abi_version; /* RDMACHECK_LAYER_ABI_VERSION */
  uint32_t size;        /* sizeof(rdmacheck_env) as the loader built it */
  char host;            /* 'A' (requester) or 'B' (responder) */
  uint32_t paths;       /* number of paths (NIC pairs); path 0 is the primary */
  int64_t memory_words; /* words of this host's registered memory */
  /** Words at [memory_words, memory_words + layer_memory_words) belong to the layer (0: none). */
  int64_t layer_memory_words;
  void *loader; /* the loader's own data: do not touch */

  /** ibv_post_send on the QP of `path`. */
  rdmacheck_post_result (*post)(rdmacheck_env *env, uint32_t path, const rdmacheck_send_wr *wr);
  /** ibv_post_recv on the QP of `path`: one buffer for one message. */
  rdmacheck_post_result (*post_recv)(rdmacheck_env *env, uint32_t path, int64_t wr_id);
  /**
   * Reconnects THIS end's QP of `path` (RESET -> INIT -> RTR -> RTS) with the given 24-bit
   * initial PSNs; its posted WRs are discarded without completions. The peer is untouched.
   */
  void (*reset)(rdmacheck_env *env, uint32_t path, uint32_t sq_psn, uint32_t rq_psn);
  /** ibv_modify_qp to ERR: outstanding WRs complete with WR_FLUSH_ERR. */
  void (*move_to_error)(rdmacheck_env *env, uint32_t path);
  /** Hands a completion to the application. */
  void (*deliver)(rdmacheck_env *env, const rdmacheck_wc *wc, const int64_t *for_wr);
  /** Asks for on_timer(token) after `delay_ns` (token: a NUL-terminated string, copied). */
  void (*set_timer)(rdmacheck_env *env, int64_t delay_ns, const char *token);
  /** Bytes to the peer host's instance over the management network (copied). */
  void (*send_control)(rdmacheck_env *env, const void *data, size_t len);
  /** Virtual (or real) time in nanoseconds. */
  int64_t (*now)(rdmacheck_env *env);
  /** This host's own memory, by its own CPU (no network). A read with for_wr is the peer's READ taking effect. */
  int64_t (*mem_read)(rdmacheck_env *env, int64_t addr, const int64_t *for_wr);
  void (*mem_write)(rdmacheck_env *env, int64_t addr, int64_t value, const int64_t *for_wr);
  /** Adds `add`, returns the old value. */
  int64_t (*mem_fetch_add)(rdmacheck_env *env, int64_t addr, int64_t add, const int64_t *for_wr);
  /** Swaps in `swap` when the word equals `compare`; returns the old value. */
  int64_t (*mem_cmp_swap)(rdmacheck_env *env, int64_t addr, int64_t compare, int64_t swap, const int64_t *for_wr);
};

/**
 * The layer. One instance per host per run; instances must not share mutable state (globals
 * are caught by the sender-view-determinism property, as in TypeScript).
 */
typedef struct rdmacheck_layer {
  uint32_t abi_version; /* RDMACHECK_LAYER_ABI_VERSION */
  uint32_t size;        /* sizeof(rdmacheck_layer) */
  const char *name;     /* kebab-case, e.g. "resend-all" */
  /** Nonzero: sender-only logic, never uses the control channel nor the responder's help. */
  int transparent;
  /** The op classes the layer carries: RDMACHECK_OPCLASS bits; 0 means all. */
  uint32_t opcodes;

  /** A new instance for the host `env->host` (may call the env); NULL is a LayerFault. */
  void *(*create)(rdmacheck_env *env);
  /** Frees an instance (no env calls). */
  void (*destroy)(void *instance);

  /* Observations. The first three are required; the last three may be NULL. */
  void (*post_send)(void *instance, const rdmacheck_send_wr *wr);
  void (*post_recv)(void *instance, int64_t wr_id);
  void (*on_completion)(void *instance, uint32_t path, const rdmacheck_wc *wc);
  void (*on_port_event)(void *instance, uint32_t path, rdmacheck_port_event event);
  void (*on_timer)(void *instance, const char *token);
  void (*on_control)(void *instance, const void *data, size_t len);
} rdmacheck_layer;

/** The one symbol a layer library exports. */
typedef const rdmacheck_layer *(*rdmacheck_layer_descriptor_fn)(void);

/** True unless the WR is explicitly unsignaled (signaled is the default). */
static inline int rdmacheck_wr_signaled(const rdmacheck_send_wr *wr) {
  return !(wr->flags & RDMACHECK_WR_HAS_SIGNALED) || (wr->flags & RDMACHECK_WR_SIGNALED);
}

#ifdef __cplusplus
}
#endif
#endif /* RDMACHECK_LAYER_H */
