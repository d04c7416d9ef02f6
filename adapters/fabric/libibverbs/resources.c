/*
 * Protection domains, memory regions, completion channels and queues, RC queue pairs.
 * Semantics: ibv_alloc_pd(3), ibv_reg_mr(3), ibv_create_comp_channel(3), ibv_create_cq(3),
 * ibv_create_qp(3), ibv_modify_qp(3), ibv_query_qp(3). The fabric server owns what the
 * transport needs (QP state, queues, keys); this file keeps what the program may ask back.
 */
#include "fabric.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fab_mr *mrs;
#define FAB_MAX_CQS 1024
static struct fab_cq *cqs[FAB_MAX_CQS];

FAB_EXPORT struct ibv_pd *ibv_alloc_pd(struct ibv_context *ctx)
{
	struct ibv_pd *pd = calloc(1, sizeof(*pd));
	if (!pd) {
		errno = ENOMEM;
		return NULL;
	}
	pd->context = ctx;
	return pd;
}

FAB_EXPORT int ibv_dealloc_pd(struct ibv_pd *pd)
{
	free(pd);
	return 0;
}

/* The MR whose lkey is `lkey` and which holds [addr, addr+len) with `need_access`, if any. */
struct fab_mr *fab_find_mr(uint32_t lkey, uint64_t addr, uint64_t len, unsigned int need_access)
{
	pthread_mutex_lock(&table_lock);
	struct fab_mr *m = mrs;
	while (m && m->mr.lkey != lkey)
		m = m->next;
	pthread_mutex_unlock(&table_lock);
	if (!m)
		return NULL;
	uint64_t start = (uint64_t)(uintptr_t)m->mr.addr;
	if (addr < start || addr + len > start + m->mr.length || addr + len < addr)
		return NULL;
	if ((m->access & need_access) != need_access)
		return NULL;
	return m;
}

FAB_EXPORT struct ibv_mr *ibv_reg_mr_iova2(struct ibv_pd *pd, void *addr, size_t length, uint64_t iova,
					   unsigned int access)
{
	/* ibv_reg_mr(3): remote write or atomic access requires local write. */
	if ((access & (IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_ATOMIC)) && !(access & IBV_ACCESS_LOCAL_WRITE)) {
		errno = EINVAL;
		return NULL;
	}
	struct fab_mr *m = calloc(1, sizeof(*m));
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	char req[256], answer[FAB_LINE];
	unsigned int lkey = 0, rkey = 0;
	snprintf(req, sizeof(req), "reg_mr %llu %llu %llu %u", (unsigned long long)(uintptr_t)addr,
		 (unsigned long long)length, (unsigned long long)iova, access);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0 || sscanf(answer, "ok %u %u", &lkey, &rkey) != 2) {
		free(m);
		return NULL;
	}
	m->mr.context = pd->context;
	m->mr.pd = pd;
	m->mr.addr = addr;
	m->mr.length = length;
	m->mr.lkey = lkey;
	m->mr.rkey = rkey;
	m->access = access;
	pthread_mutex_lock(&table_lock);
	m->next = mrs;
	mrs = m;
	pthread_mutex_unlock(&table_lock);
	return &m->mr;
}

#undef ibv_reg_mr
FAB_EXPORT struct ibv_mr *ibv_reg_mr(struct ibv_pd *pd, void *addr, size_t length, int access)
{
	return ibv_reg_mr_iova2(pd, addr, length, (uint64_t)(uintptr_t)addr, (unsigned int)access);
}

#undef ibv_reg_mr_iova
FAB_EXPORT struct ibv_mr *ibv_reg_mr_iova(struct ibv_pd *pd, void *addr, size_t length, uint64_t iova, int access)
{
	return ibv_reg_mr_iova2(pd, addr, length, iova, (unsigned int)access);
}

FAB_EXPORT int ibv_dereg_mr(struct ibv_mr *mr)
{
	char req[64], answer[FAB_LINE];
	snprintf(req, sizeof(req), "dereg_mr %u", mr->lkey);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0)
		return errno;
	pthread_mutex_lock(&table_lock);
	for (struct fab_mr **p = &mrs; *p; p = &(*p)->next) {
		if (&(*p)->mr == mr) {
			struct fab_mr *gone = *p;
			*p = gone->next;
			free(gone);
			break;
		}
	}
	pthread_mutex_unlock(&table_lock);
	return 0;
}

FAB_EXPORT struct ibv_comp_channel *ibv_create_comp_channel(struct ibv_context *ctx)
{
	struct ibv_comp_channel *ch = calloc(1, sizeof(*ch));
	char answer[FAB_LINE];
	int id = 0, fds[2];
	if (!ch) {
		errno = ENOMEM;
		return NULL;
	}
	if (fab_rpc("create_channel", NULL, 0, answer, sizeof(answer)) < 0 || sscanf(answer, "ok %d", &id) != 1 ||
	    pipe2(fds, O_CLOEXEC) < 0) {
		free(ch);
		return NULL;
	}
	close(fds[1]);
	ch->context = ctx;
	ch->fd = fds[0]; /* a real fd, but events come from ibv_get_cq_event, not from polling it */
	ch->refcnt = id; /* the fabric's channel id (the library keeps no other use for it) */
	return ch;
}

FAB_EXPORT int ibv_destroy_comp_channel(struct ibv_comp_channel *ch)
{
	close(ch->fd);
	free(ch);
	return 0;
}

FAB_EXPORT struct ibv_cq *ibv_create_cq(struct ibv_context *ctx, int cqe, void *cq_context,
					struct ibv_comp_channel *channel, int comp_vector)
{
	(void)comp_vector;
	if (cqe < 1 || cqe > 65536) {
		errno = EINVAL;
		return NULL;
	}
	struct fab_cq *c = calloc(1, sizeof(*c));
	char req[128], answer[FAB_LINE];
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	snprintf(req, sizeof(req), "create_cq %d %d", cqe, channel ? channel->refcnt : 0);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0 || sscanf(answer, "ok %d", &c->id) != 1 ||
	    c->id <= 0 || c->id >= FAB_MAX_CQS) {
		free(c);
		return NULL;
	}
	c->cq.context = ctx;
	c->cq.channel = channel;
	c->cq.cq_context = cq_context;
	c->cq.cqe = cqe;
	c->cq.handle = (uint32_t)c->id;
	pthread_mutex_init(&c->cq.mutex, NULL);
	pthread_cond_init(&c->cq.cond, NULL);
	pthread_mutex_lock(&table_lock);
	cqs[c->id] = c;
	pthread_mutex_unlock(&table_lock);
	return &c->cq;
}

struct fab_cq *fab_cq_by_id(int id)
{
	pthread_mutex_lock(&table_lock);
	struct fab_cq *c = id > 0 && id < FAB_MAX_CQS ? cqs[id] : NULL;
	pthread_mutex_unlock(&table_lock);
	return c;
}

FAB_EXPORT int ibv_destroy_cq(struct ibv_cq *cq)
{
	struct fab_cq *c = (struct fab_cq *)cq;
	char req[64], answer[FAB_LINE];
	snprintf(req, sizeof(req), "destroy_cq %d", c->id);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0)
		return errno;
	pthread_mutex_lock(&table_lock);
	cqs[c->id] = NULL;
	pthread_mutex_unlock(&table_lock);
	free(c);
	return 0;
}

FAB_EXPORT int ibv_resize_cq(struct ibv_cq *cq, int cqe)
{
	(void)cq;
	(void)cqe;
	return EOPNOTSUPP;
}
