/*
 * The data path the context's ops carry: ibv_post_send, ibv_post_recv, ibv_poll_cq,
 * ibv_req_notify_cq (static inline in <infiniband/verbs.h>, reaching these through
 * context->ops), and the completion-channel calls. Local checks a NIC makes before it touches
 * memory (the SGE's lkey, range and access) happen here, so that a bad SGE becomes
 * LOC_PROT_ERR / LOC_LEN_ERR in its completion rather than a crash; the payload of a SEND or
 * WRITE is gathered here and travels with the post.
 */
#include "fabric.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_supported_opcode(enum ibv_wr_opcode op)
{
	switch (op) {
	case IBV_WR_SEND:
	case IBV_WR_SEND_WITH_IMM:
	case IBV_WR_RDMA_WRITE:
	case IBV_WR_RDMA_WRITE_WITH_IMM:
	case IBV_WR_RDMA_READ:
	case IBV_WR_ATOMIC_CMP_AND_SWP:
	case IBV_WR_ATOMIC_FETCH_AND_ADD:
		return 1;
	default:
		return 0;
	}
}

/* The local status of a WR's SGEs: 0, or the ibv_wc_status the NIC would complete it with. */
static int check_sges(const struct ibv_send_wr *wr, uint64_t *total)
{
	int inlined = (wr->send_flags & IBV_SEND_INLINE) && wr->opcode != IBV_WR_RDMA_READ;
	int writes_local = wr->opcode == IBV_WR_RDMA_READ || wr->opcode == IBV_WR_ATOMIC_CMP_AND_SWP ||
			   wr->opcode == IBV_WR_ATOMIC_FETCH_AND_ADD;
	*total = 0;
	for (int k = 0; k < wr->num_sge; k++) {
		const struct ibv_sge *s = &wr->sg_list[k];
		*total += s->length;
		if (!inlined && s->length > 0 &&
		    !fab_find_mr(s->lkey, s->addr, s->length, writes_local ? IBV_ACCESS_LOCAL_WRITE : 0))
			return IBV_WC_LOC_PROT_ERR;
	}
	if (*total > (1ull << 31))
		return IBV_WC_LOC_LEN_ERR;
	if ((wr->opcode == IBV_WR_ATOMIC_CMP_AND_SWP || wr->opcode == IBV_WR_ATOMIC_FETCH_AND_ADD) && *total != 8)
		return IBV_WC_LOC_LEN_ERR;
	return 0;
}

static int post_one(struct fab_qp *q, struct ibv_send_wr *wr)
{
	if (!is_supported_opcode(wr->opcode))
		return EINVAL;
	if (wr->num_sge < 0 || (uint32_t)wr->num_sge > q->cap.max_send_sge)
		return EINVAL;
	uint64_t total = 0;
	int local = check_sges(wr, &total);
	if ((wr->send_flags & IBV_SEND_INLINE) && total > q->cap.max_inline_data)
		return EINVAL;
	int carries = !local && (wr->opcode == IBV_WR_SEND || wr->opcode == IBV_WR_SEND_WITH_IMM ||
				 wr->opcode == IBV_WR_RDMA_WRITE || wr->opcode == IBV_WR_RDMA_WRITE_WITH_IMM);
	char *data = NULL;
	if (carries && total > 0) {
		data = malloc(total);
		if (!data)
			return ENOMEM;
		size_t off = 0;
		for (int k = 0; k < wr->num_sge; k++) {
			memcpy(data + off, (void *)(uintptr_t)wr->sg_list[k].addr, wr->sg_list[k].length);
			off += wr->sg_list[k].length;
		}
	}
	/* Atomics carry their operands in wr.atomic, which overlays wr.rdma differently. */
	int atomic = wr->opcode == IBV_WR_ATOMIC_CMP_AND_SWP || wr->opcode == IBV_WR_ATOMIC_FETCH_AND_ADD;
	unsigned long long remote = atomic ? wr->wr.atomic.remote_addr : wr->wr.rdma.remote_addr;
	unsigned int rkey = atomic ? wr->wr.atomic.rkey : wr->wr.rdma.rkey;
	unsigned long long compare_add = atomic ? wr->wr.atomic.compare_add : 0;
	unsigned long long swap = atomic ? wr->wr.atomic.swap : 0;
	int has_imm = wr->opcode == IBV_WR_SEND_WITH_IMM || wr->opcode == IBV_WR_RDMA_WRITE_WITH_IMM;
	char req[FAB_LINE], answer[FAB_LINE];
	int n = snprintf(req, sizeof(req), "post_send %u %llu %d %u %u %llu %u %llu %llu %llu %d %llu %d",
			 q->qp.qp_num, (unsigned long long)wr->wr_id, (int)wr->opcode, wr->send_flags,
			 has_imm ? (unsigned int)wr->imm_data : 0u, remote, rkey, compare_add, swap,
			 (unsigned long long)total, local, (unsigned long long)(data ? total : 0), wr->num_sge);
	for (int k = 0; k < wr->num_sge && n < (int)sizeof(req) - 64; k++)
		n += snprintf(req + n, sizeof(req) - (size_t)n, " %llu %u",
			      (unsigned long long)wr->sg_list[k].addr, wr->sg_list[k].length);
	int rc = fab_rpc(req, data, data ? total : 0, answer, sizeof(answer)) < 0 ? errno : 0;
	free(data);
	return rc;
}

int fab_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr, struct ibv_send_wr **bad_wr)
{
	for (; wr; wr = wr->next) {
		int rc = post_one((struct fab_qp *)qp, wr);
		if (rc) {
			*bad_wr = wr;
			return rc;
		}
	}
	return 0;
}

int fab_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr, struct ibv_recv_wr **bad_wr)
{
	struct fab_qp *q = (struct fab_qp *)qp;
	for (; wr; wr = wr->next) {
		char req[FAB_LINE], answer[FAB_LINE];
		if (wr->num_sge < 0 || (uint32_t)wr->num_sge > q->cap.max_recv_sge) {
			*bad_wr = wr;
			return EINVAL;
		}
		int n = snprintf(req, sizeof(req), "post_recv %u %llu %d", qp->qp_num, (unsigned long long)wr->wr_id,
				 wr->num_sge);
		for (int k = 0; k < wr->num_sge && n < (int)sizeof(req) - 64; k++)
			n += snprintf(req + n, sizeof(req) - (size_t)n, " %llu %u %u",
				      (unsigned long long)wr->sg_list[k].addr, wr->sg_list[k].length,
				      wr->sg_list[k].lkey);
		if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0) {
			*bad_wr = wr;
			return errno;
		}
	}
	return 0;
}

/*
 * Polls up to `num_entries` completions. Each carries the bytes the NIC placed for it (a
 * received message, READ data, an atomic's old value) and where: they are copied in before
 * the completion is returned, as a NIC's DMA precedes its CQE.
 */
int fab_poll_cq(struct ibv_cq *cq, int num_entries, struct ibv_wc *wc)
{
	char req[64], answer[FAB_LINE], line[FAB_LINE];
	int n = 0;
	snprintf(req, sizeof(req), "poll %d %d", ((struct fab_cq *)cq)->id, num_entries);
	if (fab_rpc_begin(req, NULL, 0, answer, sizeof(answer)) < 0 || sscanf(answer, "ok %d", &n) != 1) {
		fab_rpc_end();
		return -1;
	}
	for (int k = 0; k < n; k++) {
		unsigned long long wr_id = 0;
		int status = 0, opcode = 0, flags = 0, segs = 0;
		unsigned int byte_len = 0, imm = 0, qpn = 0, src_qp = 0;
		if (fab_read_line(line, sizeof(line)) < 0 ||
		    sscanf(line, "%llu %d %d %u %u %d %u %u %d", &wr_id, &status, &opcode, &byte_len, &imm, &flags,
			   &qpn, &src_qp, &segs) != 9) {
			fab_rpc_end();
			return -1;
		}
		memset(&wc[k], 0, sizeof(wc[k]));
		wc[k].wr_id = wr_id;
		wc[k].status = (enum ibv_wc_status)status;
		wc[k].opcode = (enum ibv_wc_opcode)opcode;
		wc[k].byte_len = byte_len;
		wc[k].imm_data = imm;
		wc[k].wc_flags = (unsigned int)flags;
		wc[k].qp_num = qpn;
		wc[k].src_qp = src_qp;
		for (int s = 0; s < segs; s++) {
			unsigned long long addr = 0, len = 0;
			if (fab_read_line(line, sizeof(line)) < 0 || sscanf(line, "%llu %llu", &addr, &len) != 2 ||
			    fab_read_bytes((void *)(uintptr_t)addr, len) < 0) {
				fab_rpc_end();
				return -1;
			}
		}
	}
	fab_rpc_end();
	return n;
}

int fab_req_notify_cq(struct ibv_cq *cq, int solicited_only)
{
	char req[64], answer[FAB_LINE];
	snprintf(req, sizeof(req), "notify %d %d", ((struct fab_cq *)cq)->id, solicited_only ? 1 : 0);
	return fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0 ? errno : 0;
}

/* Waits for a CQ event on `channel`; the fabric parks each ask briefly (counts as waiting). */
FAB_EXPORT int ibv_get_cq_event(struct ibv_comp_channel *channel, struct ibv_cq **cq, void **cq_context)
{
	char req[64], answer[FAB_LINE];
	int id = 0;
	snprintf(req, sizeof(req), "cq_event %d", channel->refcnt);
	for (;;) {
		if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0)
			return -1;
		if (sscanf(answer, "ok %d", &id) == 1)
			break;
	}
	struct fab_cq *c = fab_cq_by_id(id);
	if (!c) {
		errno = EIO;
		return -1;
	}
	*cq = &c->cq;
	*cq_context = c->cq.cq_context;
	return 0;
}

FAB_EXPORT void ibv_ack_cq_events(struct ibv_cq *cq, unsigned int nevents)
{
	pthread_mutex_lock(&cq->mutex);
	cq->comp_events_completed += nevents;
	pthread_mutex_unlock(&cq->mutex);
}
