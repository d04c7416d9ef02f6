/*
 * RC queue pairs: create, modify (RESET -> INIT -> RTR -> RTS, ERR, back to RESET), query,
 * destroy. The attribute masks each transition requires are those of ibv_modify_qp(3)'s
 * table for RC; the fabric checks the transition itself and which QP the RTR attributes name.
 */
#include "fabric.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAB_MAX_INLINE 512

FAB_EXPORT struct ibv_qp *ibv_create_qp(struct ibv_pd *pd, struct ibv_qp_init_attr *init)
{
	if (init->qp_type != IBV_QPT_RC || init->srq) {
		errno = EOPNOTSUPP; /* the fabric carries RC QPs without SRQs */
		return NULL;
	}
	if (!init->send_cq || !init->recv_cq || init->cap.max_send_wr > 16384 || init->cap.max_recv_wr > 16384 ||
	    init->cap.max_send_sge > 32 || init->cap.max_recv_sge > 32 || init->cap.max_inline_data > FAB_MAX_INLINE) {
		errno = EINVAL;
		return NULL;
	}
	struct fab_qp *q = calloc(1, sizeof(*q));
	char req[256], answer[FAB_LINE];
	unsigned int qpn = 0;
	if (!q) {
		errno = ENOMEM;
		return NULL;
	}
	snprintf(req, sizeof(req), "create_qp %d %d %d %u %u %d", fab_device_of(pd->context)->index,
		 ((struct fab_cq *)init->send_cq)->id, ((struct fab_cq *)init->recv_cq)->id, init->cap.max_send_wr,
		 init->cap.max_recv_wr, init->sq_sig_all ? 1 : 0);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0 || sscanf(answer, "ok %u", &qpn) != 1) {
		free(q);
		return NULL;
	}
	q->qp.context = pd->context;
	q->qp.qp_context = init->qp_context;
	q->qp.pd = pd;
	q->qp.send_cq = init->send_cq;
	q->qp.recv_cq = init->recv_cq;
	q->qp.handle = qpn;
	q->qp.qp_num = qpn;
	q->qp.state = IBV_QPS_RESET;
	q->qp.qp_type = IBV_QPT_RC;
	pthread_mutex_init(&q->qp.mutex, NULL);
	pthread_cond_init(&q->qp.cond, NULL);
	q->cap = init->cap;
	q->sq_sig_all = init->sq_sig_all;
	q->attr.qp_state = IBV_QPS_RESET;
	return &q->qp;
}

/* The attributes ibv_modify_qp(3) requires for an RC transition (0 when none are required). */
static int required_mask(enum ibv_qp_state from, enum ibv_qp_state to)
{
	if (from == IBV_QPS_RESET && to == IBV_QPS_INIT)
		return IBV_QP_PKEY_INDEX | IBV_QP_PORT | IBV_QP_ACCESS_FLAGS;
	if (from == IBV_QPS_INIT && to == IBV_QPS_RTR)
		return IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
		       IBV_QP_MIN_RNR_TIMER;
	if (from == IBV_QPS_RTR && to == IBV_QPS_RTS)
		return IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC;
	return 0;
}

FAB_EXPORT int ibv_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int mask)
{
	struct fab_qp *q = (struct fab_qp *)qp;
	char req[512], answer[FAB_LINE];
	/* The fabric knows the current state (it may have moved the QP to ERR). */
	snprintf(req, sizeof(req), "qp_state %u", qp->qp_num);
	int cur = q->attr.qp_state;
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) == 0)
		sscanf(answer, "ok %d", &cur);
	int to = mask & IBV_QP_STATE ? (int)attr->qp_state : cur;
	int need = mask & IBV_QP_STATE ? required_mask((enum ibv_qp_state)cur, (enum ibv_qp_state)to) : 0;
	if ((mask & need) != need)
		return EINVAL;
	if ((mask & IBV_QP_PORT) && attr->port_num != 1)
		return EINVAL;
	snprintf(req, sizeof(req), "modify_qp %u %d %d %u %u %u %u %u %u %u %u %u %u", qp->qp_num, mask, to,
		 mask & IBV_QP_DEST_QPN ? attr->dest_qp_num : 0, mask & IBV_QP_RQ_PSN ? attr->rq_psn : 0,
		 mask & IBV_QP_SQ_PSN ? attr->sq_psn : 0, mask & IBV_QP_TIMEOUT ? attr->timeout : 0,
		 mask & IBV_QP_RETRY_CNT ? attr->retry_cnt : 0, mask & IBV_QP_RNR_RETRY ? attr->rnr_retry : 0,
		 mask & IBV_QP_MIN_RNR_TIMER ? attr->min_rnr_timer : 0,
		 mask & IBV_QP_MAX_DEST_RD_ATOMIC ? attr->max_dest_rd_atomic : 0,
		 mask & IBV_QP_ACCESS_FLAGS ? attr->qp_access_flags : 0,
		 mask & IBV_QP_MAX_QP_RD_ATOMIC ? attr->max_rd_atomic : 0);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0)
		return errno;
	/* Keep what was set, for ibv_query_qp. */
	struct ibv_qp_attr *a = &q->attr;
	if (mask & IBV_QP_PKEY_INDEX)
		a->pkey_index = attr->pkey_index;
	if (mask & IBV_QP_PORT)
		a->port_num = attr->port_num;
	if (mask & IBV_QP_ACCESS_FLAGS)
		a->qp_access_flags = attr->qp_access_flags;
	if (mask & IBV_QP_AV)
		a->ah_attr = attr->ah_attr;
	if (mask & IBV_QP_PATH_MTU)
		a->path_mtu = attr->path_mtu;
	if (mask & IBV_QP_DEST_QPN)
		a->dest_qp_num = attr->dest_qp_num;
	if (mask & IBV_QP_RQ_PSN)
		a->rq_psn = attr->rq_psn;
	if (mask & IBV_QP_SQ_PSN)
		a->sq_psn = attr->sq_psn;
	if (mask & IBV_QP_MAX_DEST_RD_ATOMIC)
		a->max_dest_rd_atomic = attr->max_dest_rd_atomic;
	if (mask & IBV_QP_MAX_QP_RD_ATOMIC)
		a->max_rd_atomic = attr->max_rd_atomic;
	if (mask & IBV_QP_MIN_RNR_TIMER)
		a->min_rnr_timer = attr->min_rnr_timer;
	if (mask & IBV_QP_TIMEOUT)
		a->timeout = attr->timeout;
	if (mask & IBV_QP_RETRY_CNT)
		a->retry_cnt = attr->retry_cnt;
	if (mask & IBV_QP_RNR_RETRY)
		a->rnr_retry = attr->rnr_retry;
	a->qp_state = (enum ibv_qp_state)to;
	qp->state = (enum ibv_qp_state)to;
	return 0;
}

FAB_EXPORT int ibv_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int mask, struct ibv_qp_init_attr *init)
{
	(void)mask; /* every attribute is returned, as drivers do */
	struct fab_qp *q = (struct fab_qp *)qp;
	char req[64], answer[FAB_LINE];
	int state = q->attr.qp_state;
	snprintf(req, sizeof(req), "qp_state %u", qp->qp_num);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) == 0)
		sscanf(answer, "ok %d", &state);
	*attr = q->attr;
	attr->qp_state = (enum ibv_qp_state)state;
	attr->cur_qp_state = (enum ibv_qp_state)state;
	attr->cap = q->cap;
	if (init) {
		memset(init, 0, sizeof(*init));
		init->qp_context = qp->qp_context;
		init->send_cq = qp->send_cq;
		init->recv_cq = qp->recv_cq;
		init->cap = q->cap;
		init->qp_type = IBV_QPT_RC;
		init->sq_sig_all = q->sq_sig_all;
	}
	return 0;
}

FAB_EXPORT int ibv_destroy_qp(struct ibv_qp *qp)
{
	char req[64], answer[FAB_LINE];
	snprintf(req, sizeof(req), "destroy_qp %u", qp->qp_num);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0)
		return errno;
	fab_qp_ex_release((struct fab_qp *)qp);
	free(qp);
	return 0;
}
