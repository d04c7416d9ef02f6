/*
 * rdmacheck's libibverbs-compatible library: shared declarations.
 *
 * The library replaces libibverbs.so.1 for programs run on rdmacheck's fabric: it hands out
 * its own ibv_context (whose ops carry post_send, post_recv and poll_cq, which programs call
 * through static inline wrappers, see <infiniband/verbs.h>) and forwards every verb to the
 * fabric server over a unix socket (RDMACHECK_FABRIC_SOCKET). Struct layouts come from the
 * installed libibverbs-dev headers, so programs built against them see what they expect.
 */
#ifndef RDMACHECK_FABRIC_H
#define RDMACHECK_FABRIC_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <infiniband/verbs.h>
#include <stddef.h>
#include <stdint.h>

#define FAB_EXPORT __attribute__((visibility("default")))
#define FAB_MAX_DEVICES 8
#define FAB_LINE 4096

/* One simulated device: the ibv_device programs see, plus what the fabric told about it. */
struct fab_device {
	struct ibv_device dev;
	int index;
	uint64_t guid;
};

/* The context: a verbs_context, so that extended verbs (ibv_create_qp_ex, ...) can be added. */
struct fab_context {
	struct fab_device *device;
	struct verbs_context vctx; /* must be last: verbs_get_ctx finds it by offset */
};

/* A registered region, as the library keeps it to check SGEs before touching memory. */
struct fab_mr {
	struct ibv_mr mr;
	unsigned int access;
	struct fab_mr *next;
};

struct fab_cq {
	struct ibv_cq cq;
	int id;
};

/* resources.c: CQs by the fabric's id (for ibv_get_cq_event). */
struct fab_cq *fab_cq_by_id(int id);

/* One WR being built through the extended QP API (ibv_wr_start ... ibv_wr_complete). */
struct fab_wr_build {
	struct ibv_send_wr wr;
	struct ibv_sge *sges;   /* owned: the SGEs set by ibv_wr_set_sge(_list) */
	void *inline_copy;      /* owned: ibv_wr_set_inline_data(_list) copies the bytes when called */
};

struct fab_qp {
	union { /* an ibv_qp_ex starts with its ibv_qp: ibv_qp_to_qp_ex hands out the same QP */
		struct ibv_qp qp;
		struct ibv_qp_ex qpx;
	};
	struct ibv_qp_cap cap;
	int sq_sig_all;
	struct ibv_qp_attr attr; /* the attributes last set, for ibv_query_qp */
	/* The extended QP API (qp_ex.c): set when created through ibv_create_qp_ex with send ops. */
	int is_ex;
	uint64_t send_ops_flags;
	struct fab_wr_build *building;
	size_t n_building, cap_building;
	int build_error; /* the first errno a builder hit between ibv_wr_start and ibv_wr_complete */
};

/* rpc.c: one request line, one answer line (and raw bytes, when either carries them). */
int fab_connect(void);
int fab_host_index(void);
int fab_rpc(const char *request, const void *data, size_t data_len, char *answer, size_t answer_len);
int fab_rpc_begin(const char *request, const void *data, size_t data_len, char *answer, size_t answer_len);
int fab_read_bytes(void *buf, size_t len);
int fab_read_line(char *out, size_t out_len);
int fab_skip_bytes(size_t len);
void fab_rpc_end(void);
int fab_answer_errno(const char *answer);

/* device.c */
struct fab_device *fab_device_of(struct ibv_context *ctx);
void fab_gid_of(int device_index, union ibv_gid *gid);

/* resources.c: the MR table the data path checks SGEs against. */
struct fab_mr *fab_find_mr(uint32_t lkey, uint64_t addr, uint64_t len, unsigned int need_access);

/* datapath.c: the ops the context carries. */
int fab_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr, struct ibv_send_wr **bad_wr);
int fab_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr, struct ibv_recv_wr **bad_wr);
int fab_poll_cq(struct ibv_cq *cq, int num_entries, struct ibv_wc *wc);
int fab_req_notify_cq(struct ibv_cq *cq, int solicited_only);

/* qp_ex.c: the extended QP API (the context's create_qp_ex op, the ibv_qp_ex builders). */
struct ibv_qp *fab_create_qp_ex(struct ibv_context *ctx, struct ibv_qp_init_attr_ex *attr);
void fab_qp_ex_release(struct fab_qp *q);

/* qp_ex.c: the extended QP API (the context's create_qp_ex op, the ibv_qp_ex builders). */
struct ibv_qp *fab_create_qp_ex(struct ibv_context *ctx, struct ibv_qp_init_attr_ex *attr);
void fab_qp_ex_release(struct fab_qp *q);

#endif
