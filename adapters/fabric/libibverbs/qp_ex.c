/*
 * The extended QP API: ibv_create_qp_ex (the context's create_qp_ex op) and the ibv_wr_* builders
 * of an ibv_qp_ex (ibv_wr_start, one builder per WR, its setters, ibv_wr_complete). The builders
 * collect ordinary ibv_send_wrs, and ibv_wr_complete posts them through the same path as
 * ibv_post_send, so both APIs share every check and the fabric cannot tell them apart. What a
 * builder cannot carry (UD/XRC addressing, memory windows, invalidation, TSO, atomic write) makes
 * ibv_wr_complete fail with EOPNOTSUPP and post nothing, as a provider rejects such a batch.
 */
#include "fabric.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The send ops this fabric carries (IBV_QP_EX_WITH_*). */
#define FAB_SEND_OPS                                                                                       \
	(IBV_QP_EX_WITH_RDMA_WRITE | IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM | IBV_QP_EX_WITH_SEND |             \
	 IBV_QP_EX_WITH_SEND_WITH_IMM | IBV_QP_EX_WITH_RDMA_READ | IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP |       \
	 IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD)

static struct fab_qp *of(struct ibv_qp_ex *qpx)
{
	return (struct fab_qp *)qpx;
}

static void fail(struct fab_qp *q, int err)
{
	if (!q->build_error)
		q->build_error = err;
}

static void drop_building(struct fab_qp *q)
{
	for (size_t i = 0; i < q->n_building; i++) {
		free(q->building[i].sges);
		free(q->building[i].inline_copy);
	}
	q->n_building = 0;
	q->build_error = 0;
}

/* A new WR of `opcode`, with the wr_id and flags the program set on the ibv_qp_ex (NULL: failed). */
static struct ibv_send_wr *begin_wr(struct ibv_qp_ex *qpx, enum ibv_wr_opcode opcode, uint64_t op_flag)
{
	struct fab_qp *q = of(qpx);
	if (!(q->send_ops_flags & op_flag)) {
		fail(q, EINVAL); /* an op the QP was not created for (send_ops_flags) */
		return NULL;
	}
	if (q->n_building == q->cap_building) {
		size_t cap = q->cap_building ? 2 * q->cap_building : 8;
		struct fab_wr_build *grown = realloc(q->building, cap * sizeof(*grown));
		if (!grown) {
			fail(q, ENOMEM);
			return NULL;
		}
		q->building = grown;
		q->cap_building = cap;
	}
	struct fab_wr_build *b = &q->building[q->n_building++];
	memset(b, 0, sizeof(*b));
	b->wr.wr_id = qpx->wr_id;
	b->wr.send_flags = qpx->wr_flags;
	b->wr.opcode = opcode;
	return &b->wr;
}

/* The WR the setters apply to: the last one begun (NULL when there is none). */
static struct fab_wr_build *current(struct ibv_qp_ex *qpx)
{
	struct fab_qp *q = of(qpx);
	if (q->n_building == 0) {
		fail(q, EINVAL);
		return NULL;
	}
	return &q->building[q->n_building - 1];
}

static void wr_send(struct ibv_qp_ex *qpx)
{
	begin_wr(qpx, IBV_WR_SEND, IBV_QP_EX_WITH_SEND);
}

static void wr_send_imm(struct ibv_qp_ex *qpx, __be32 imm)
{
	struct ibv_send_wr *wr = begin_wr(qpx, IBV_WR_SEND_WITH_IMM, IBV_QP_EX_WITH_SEND_WITH_IMM);
	if (wr)
		wr->imm_data = imm;
}

static void rdma(struct ibv_qp_ex *qpx, enum ibv_wr_opcode op, uint64_t flag, uint32_t rkey, uint64_t addr,
		 __be32 imm)
{
	struct ibv_send_wr *wr = begin_wr(qpx, op, flag);
	if (!wr)
		return;
	wr->wr.rdma.rkey = rkey;
	wr->wr.rdma.remote_addr = addr;
	wr->imm_data = imm;
}

static void wr_rdma_write(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr)
{
	rdma(qpx, IBV_WR_RDMA_WRITE, IBV_QP_EX_WITH_RDMA_WRITE, rkey, addr, 0);
}

static void wr_rdma_write_imm(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr, __be32 imm)
{
	rdma(qpx, IBV_WR_RDMA_WRITE_WITH_IMM, IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM, rkey, addr, imm);
}

static void wr_rdma_read(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr)
{
	rdma(qpx, IBV_WR_RDMA_READ, IBV_QP_EX_WITH_RDMA_READ, rkey, addr, 0);
}

static void atomic(struct ibv_qp_ex *qpx, enum ibv_wr_opcode op, uint64_t flag, uint32_t rkey, uint64_t addr,
		   uint64_t compare_add, uint64_t swap)
{
	struct ibv_send_wr *wr = begin_wr(qpx, op, flag);
	if (!wr)
		return;
	wr->wr.atomic.rkey = rkey;
	wr->wr.atomic.remote_addr = addr;
	wr->wr.atomic.compare_add = compare_add;
	wr->wr.atomic.swap = swap;
}

static void wr_atomic_cmp_swp(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr, uint64_t compare, uint64_t swap)
{
	atomic(qpx, IBV_WR_ATOMIC_CMP_AND_SWP, IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP, rkey, addr, compare, swap);
}

static void wr_atomic_fetch_add(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr, uint64_t add)
{
	atomic(qpx, IBV_WR_ATOMIC_FETCH_AND_ADD, IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD, rkey, addr, add, 0);
}

static void wr_set_sge_list(struct ibv_qp_ex *qpx, size_t num_sge, const struct ibv_sge *sg_list)
{
	struct fab_wr_build *b = current(qpx);
	if (!b)
		return;
	struct ibv_sge *sges = num_sge ? malloc(num_sge * sizeof(*sges)) : NULL;
	if (num_sge && !sges) {
		fail(of(qpx), ENOMEM);
		return;
	}
	if (num_sge)
		memcpy(sges, sg_list, num_sge * sizeof(*sges));
	free(b->sges);
	b->sges = sges;
	b->wr.sg_list = sges;
	b->wr.num_sge = (int)num_sge;
}

static void wr_set_sge(struct ibv_qp_ex *qpx, uint32_t lkey, uint64_t addr, uint32_t length)
{
	struct ibv_sge sge = { .addr = addr, .length = length, .lkey = lkey };
	wr_set_sge_list(qpx, 1, &sge);
}

/* Inline data is copied when set (the program may reuse its buffers at once) and travels as one SGE. */
static void wr_set_inline_data_list(struct ibv_qp_ex *qpx, size_t num_buf, const struct ibv_data_buf *bufs)
{
	struct fab_wr_build *b = current(qpx);
	if (!b)
		return;
	size_t total = 0;
	for (size_t i = 0; i < num_buf; i++)
		total += bufs[i].length;
	char *copy = malloc(total ? total : 1);
	if (!copy) {
		fail(of(qpx), ENOMEM);
		return;
	}
	size_t off = 0;
	for (size_t i = 0; i < num_buf; i++) {
		memcpy(copy + off, bufs[i].addr, bufs[i].length);
		off += bufs[i].length;
	}
	free(b->inline_copy);
	b->inline_copy = copy;
	struct ibv_sge sge = { .addr = (uintptr_t)copy, .length = (uint32_t)total, .lkey = 0 };
	wr_set_sge_list(qpx, 1, &sge);
	b->wr.send_flags |= IBV_SEND_INLINE;
}

static void wr_set_inline_data(struct ibv_qp_ex *qpx, void *addr, size_t length)
{
	struct ibv_data_buf buf = { .addr = addr, .length = length };
	wr_set_inline_data_list(qpx, 1, &buf);
}

/* What the fabric's RC QPs cannot carry: the batch fails at ibv_wr_complete. */
static void wr_unsupported(struct ibv_qp_ex *qpx)
{
	fail(of(qpx), EOPNOTSUPP);
}
static void wr_bind_mw(struct ibv_qp_ex *qpx, struct ibv_mw *mw, uint32_t rkey, const struct ibv_mw_bind_info *info)
{
	wr_unsupported(qpx);
}
static void wr_local_inv(struct ibv_qp_ex *qpx, uint32_t rkey)
{
	wr_unsupported(qpx);
}
static void wr_send_inv(struct ibv_qp_ex *qpx, uint32_t rkey)
{
	wr_unsupported(qpx);
}
static void wr_send_tso(struct ibv_qp_ex *qpx, void *hdr, uint16_t hdr_sz, uint16_t mss)
{
	wr_unsupported(qpx);
}
static void wr_set_ud_addr(struct ibv_qp_ex *qpx, struct ibv_ah *ah, uint32_t qpn, uint32_t qkey)
{
	wr_unsupported(qpx);
}
static void wr_set_xrc_srqn(struct ibv_qp_ex *qpx, uint32_t srqn)
{
	wr_unsupported(qpx);
}
static void wr_atomic_write(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr, const void *wr)
{
	wr_unsupported(qpx);
}

static void wr_start(struct ibv_qp_ex *qpx)
{
	drop_building(of(qpx));
}

static void wr_abort(struct ibv_qp_ex *qpx)
{
	drop_building(of(qpx));
}

/* Posts the batch in order, as ibv_post_send would; nothing at all when a builder failed. */
static int wr_complete(struct ibv_qp_ex *qpx)
{
	struct fab_qp *q = of(qpx);
	int rc = q->build_error;
	for (size_t i = 0; !rc && i < q->n_building; i++) {
		struct ibv_send_wr *bad = NULL;
		q->building[i].wr.next = NULL;
		rc = fab_post_send(&q->qp, &q->building[i].wr, &bad);
	}
	drop_building(q);
	return rc;
}

struct ibv_qp *fab_create_qp_ex(struct ibv_context *ctx, struct ibv_qp_init_attr_ex *attr)
{
	uint32_t known = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
	if ((attr->comp_mask & ~known) || !(attr->comp_mask & IBV_QP_INIT_ATTR_PD) || !attr->pd) {
		errno = EOPNOTSUPP; /* XRC domains, create flags, RSS, TSO, ...: not on this fabric */
		return NULL;
	}
	uint64_t ops = (attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS) ? attr->send_ops_flags : 0;
	if (ops & ~(uint64_t)FAB_SEND_OPS) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	struct ibv_qp_init_attr init = {
		.qp_context = attr->qp_context,
		.send_cq = attr->send_cq,
		.recv_cq = attr->recv_cq,
		.srq = attr->srq,
		.cap = attr->cap,
		.qp_type = attr->qp_type,
		.sq_sig_all = attr->sq_sig_all,
	};
	struct ibv_qp *qp = ibv_create_qp(attr->pd, &init);
	if (!qp || !(attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS))
		return qp;
	struct fab_qp *q = (struct fab_qp *)qp;
	q->is_ex = 1;
	q->send_ops_flags = ops;
	struct ibv_qp_ex *x = &q->qpx;
	x->wr_atomic_cmp_swp = wr_atomic_cmp_swp;
	x->wr_atomic_fetch_add = wr_atomic_fetch_add;
	x->wr_bind_mw = wr_bind_mw;
	x->wr_local_inv = wr_local_inv;
	x->wr_rdma_read = wr_rdma_read;
	x->wr_rdma_write = wr_rdma_write;
	x->wr_rdma_write_imm = wr_rdma_write_imm;
	x->wr_send = wr_send;
	x->wr_send_imm = wr_send_imm;
	x->wr_send_inv = wr_send_inv;
	x->wr_send_tso = wr_send_tso;
	x->wr_set_ud_addr = wr_set_ud_addr;
	x->wr_set_xrc_srqn = wr_set_xrc_srqn;
	x->wr_set_inline_data = wr_set_inline_data;
	x->wr_set_inline_data_list = wr_set_inline_data_list;
	x->wr_set_sge = wr_set_sge;
	x->wr_set_sge_list = wr_set_sge_list;
	x->wr_start = wr_start;
	x->wr_complete = wr_complete;
	x->wr_abort = wr_abort;
	x->wr_atomic_write = wr_atomic_write;
	return qp;
}

void fab_qp_ex_release(struct fab_qp *q)
{
	drop_building(q);
	free(q->building);
}

/* IBVERBS_1.6: the ibv_qp_ex of a QP created through ibv_create_qp_ex with send ops, else NULL. */
FAB_EXPORT struct ibv_qp_ex *ibv_qp_to_qp_ex(struct ibv_qp *qp)
{
	struct fab_qp *q = (struct fab_qp *)qp;
	return q->is_ex ? &q->qpx : NULL;
}
