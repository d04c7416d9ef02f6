/*
 * A small RC program that posts only through the extended QP API (ibv_create_qp_ex,
 * ibv_qp_to_qp_ex, ibv_wr_*), for the fabric's tests: perftest uses that API only on the vendors'
 * devices it knows, so the fabric's own device never makes it. Usage: wr-api PORT (server) or
 * wr-api PORT HOST (client). The two exchange QPN, GID, buffer address and rkey over TCP, as
 * real programs do; the client then posts, in one ibv_wr_start/ibv_wr_complete batch, a WRITE of
 * a pattern, a READ of it back, a fetch-and-add and an inline SEND, and checks every result; the
 * server checks what landed in its memory. Each prints one line "<role> ok" or what went wrong.
 */
#include <arpa/inet.h>
#include <infiniband/verbs.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)
static const char PATTERN[16] = "written-by-wr!!";

struct peer { uint32_t qpn; uint64_t addr; uint32_t rkey; union ibv_gid gid; };

static int tcp(const char *port, const char *host)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;
	if (getaddrinfo(host, port, &hints, &ai)) FAIL("getaddrinfo failed");
	int s = socket(ai->ai_family, ai->ai_socktype, 0), one = 1;
	if (host) {
		if (connect(s, ai->ai_addr, ai->ai_addrlen)) FAIL("connect failed");
		return s;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, ai->ai_addr, ai->ai_addrlen) || listen(s, 1)) FAIL("listen failed");
	return accept(s, NULL, NULL);
}

static void poll_one(struct ibv_cq *cq, struct ibv_wc *wc)
{
	while (ibv_poll_cq(cq, 1, wc) == 0) {}
	if (wc->status != IBV_WC_SUCCESS) FAIL("wr_id %llu: %s", (unsigned long long)wc->wr_id, ibv_wc_status_str(wc->status));
}

int main(int argc, char **argv)
{
	if (argc < 2) FAIL("usage: wr-api PORT [HOST]");
	int client = argc > 2;
	struct ibv_device **list = ibv_get_device_list(NULL);
	if (!list || !list[0]) FAIL("no RDMA device");
	struct ibv_context *ctx = ibv_open_device(list[0]);
	struct ibv_pd *pd = ibv_alloc_pd(ctx);
	uint8_t *buf = aligned_alloc(4096, 4096);
	memset(buf, 0, 4096);
	*(uint64_t *)(buf + 128) = 100;
	struct ibv_mr *mr = ibv_reg_mr(pd, buf, 4096, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				       IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC);
	struct ibv_cq *cq = ibv_create_cq(ctx, 16, NULL, NULL, 0);
	struct ibv_qp_init_attr_ex init = {
		.send_cq = cq, .recv_cq = cq, .qp_type = IBV_QPT_RC, .pd = pd,
		.cap = { .max_send_wr = 8, .max_recv_wr = 8, .max_send_sge = 1, .max_recv_sge = 1, .max_inline_data = 64 },
		.comp_mask = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
		.send_ops_flags = IBV_QP_EX_WITH_RDMA_WRITE | IBV_QP_EX_WITH_RDMA_READ | IBV_QP_EX_WITH_SEND |
				  IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD,
	};
	struct ibv_qp *qp = ibv_create_qp_ex(ctx, &init);
	if (!qp) FAIL("ibv_create_qp_ex failed");
	struct ibv_qp_ex *qpx = ibv_qp_to_qp_ex(qp);
	if (!qpx) FAIL("ibv_qp_to_qp_ex returned NULL");
	struct ibv_sge rsge = { .addr = (uintptr_t)(buf + 256), .length = 16, .lkey = mr->lkey };
	struct ibv_recv_wr rwr = { .wr_id = 9, .sg_list = &rsge, .num_sge = 1 }, *bad_rwr;

	struct peer me = { .qpn = qp->qp_num, .addr = (uintptr_t)buf, .rkey = mr->rkey }, them;
	ibv_query_gid(ctx, 1, 0, &me.gid);
	int s = tcp(argv[1], client ? argv[2] : NULL);
	if (write(s, &me, sizeof(me)) != sizeof(me) || read(s, &them, sizeof(them)) != sizeof(them)) FAIL("exchange failed");

	struct ibv_qp_attr a = { .qp_state = IBV_QPS_INIT, .port_num = 1, .qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				 IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC };
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT | IBV_QP_ACCESS_FLAGS)) FAIL("INIT failed");
	if (!client && ibv_post_recv(qp, &rwr, &bad_rwr)) FAIL("ibv_post_recv failed");
	a = (struct ibv_qp_attr){ .qp_state = IBV_QPS_RTR, .path_mtu = IBV_MTU_1024, .dest_qp_num = them.qpn,
				  .max_dest_rd_atomic = 1, .min_rnr_timer = 12,
				  .ah_attr = { .is_global = 1, .grh = { .dgid = them.gid, .hop_limit = 1 }, .port_num = 1 } };
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER)) FAIL("RTR failed");
	a = (struct ibv_qp_attr){ .qp_state = IBV_QPS_RTS, .timeout = 14, .retry_cnt = 7, .rnr_retry = 7, .max_rd_atomic = 1 };
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			  IBV_QP_MAX_QP_RD_ATOMIC)) FAIL("RTS failed");
	if (write(s, "r", 1) != 1 || read(s, &a, 1) != 1) FAIL("sync failed");

	struct ibv_wc wc;
	if (!client) {
		poll_one(cq, &wc);
		if (wc.opcode != IBV_WC_RECV || wc.byte_len != 5 || memcmp(buf + 256, "done", 5)) FAIL("server: bad SEND");
		if (memcmp(buf, PATTERN, 16)) FAIL("server: the WRITE did not land");
		if (*(uint64_t *)(buf + 128) != 105) FAIL("server: fetch-and-add left %llu", (unsigned long long)*(uint64_t *)(buf + 128));
		printf("server ok\n");
		return 0;
	}
	memcpy(buf + 512, PATTERN, 16);
	ibv_wr_start(qpx);
	qpx->wr_flags = IBV_SEND_SIGNALED;
	qpx->wr_id = 1;
	ibv_wr_rdma_write(qpx, them.rkey, them.addr);
	ibv_wr_set_sge(qpx, mr->lkey, (uintptr_t)(buf + 512), 16);
	qpx->wr_id = 2;
	ibv_wr_rdma_read(qpx, them.rkey, them.addr);
	ibv_wr_set_sge(qpx, mr->lkey, (uintptr_t)(buf + 64), 16);
	qpx->wr_id = 3;
	ibv_wr_atomic_fetch_add(qpx, them.rkey, them.addr + 128, 5);
	ibv_wr_set_sge(qpx, mr->lkey, (uintptr_t)(buf + 192), 8);
	qpx->wr_id = 4;
	qpx->wr_flags = IBV_SEND_SIGNALED | IBV_SEND_INLINE;
	ibv_wr_send(qpx);
	char done[5] = "done";
	ibv_wr_set_inline_data(qpx, done, 5);
	memset(done, 'x', 5); /* inline data is the caller's to reuse as soon as it is set */
	int rc = ibv_wr_complete(qpx);
	if (rc) FAIL("ibv_wr_complete: %s", strerror(rc));
	for (uint64_t id = 1; id <= 4; id++) {
		poll_one(cq, &wc);
		if (wc.wr_id != id) FAIL("completion %llu arrived for wr_id %llu", (unsigned long long)id, (unsigned long long)wc.wr_id);
	}
	if (memcmp(buf + 64, PATTERN, 16)) FAIL("client: the READ did not bring the WRITE's bytes back");
	if (*(uint64_t *)(buf + 192) != 100) FAIL("client: fetch-and-add returned %llu", (unsigned long long)*(uint64_t *)(buf + 192));
	/* An op the QP was not created for, and one the fabric cannot carry: the batch fails, nothing posted. */
	ibv_wr_start(qpx);
	ibv_wr_atomic_cmp_swp(qpx, them.rkey, them.addr + 128, 0, 1);
	ibv_wr_set_sge(qpx, mr->lkey, (uintptr_t)(buf + 192), 8);
	printf("cmp_swp without its send op: %s\n", strerror(ibv_wr_complete(qpx)));
	ibv_wr_start(qpx);
	ibv_wr_send(qpx);
	ibv_wr_set_ud_addr(qpx, NULL, 1, 1);
	printf("UD addressing: %s\n", strerror(ibv_wr_complete(qpx)));
	printf("client ok\n");
	return 0;
}
