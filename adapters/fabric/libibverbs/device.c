/*
 * Devices, contexts and their queries. Each fabric path is one device (rdmacheck0, ...), with
 * one ACTIVE Ethernet (RoCE v2) port whose GID 0 is the IPv4-mapped address 10.0.<path>.<host>.
 * Attribute meanings: ibv_query_device(3), ibv_query_port(3), ibv_query_gid(3).
 */
#include "fabric.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct fab_device devices[FAB_MAX_DEVICES];
static int device_count = -1;

/* Asks the fabric once how many paths (devices) it has; 0 without a fabric. */
static int load_devices(void)
{
	if (device_count >= 0)
		return device_count;
	char answer[FAB_LINE];
	int n = 0;
	if (fab_rpc("devices", NULL, 0, answer, sizeof(answer)) < 0 || sscanf(answer, "ok %d", &n) != 1)
		return 0; /* no fabric: no devices, as on a host without RDMA hardware */
	if (n > FAB_MAX_DEVICES)
		n = FAB_MAX_DEVICES;
	for (int k = 0; k < n; k++) {
		struct fab_device *d = &devices[k];
		d->index = k;
		d->guid = 0x0200c9fffe000000ull | ((uint64_t)(fab_host_index() + 1) << 8) | (uint64_t)k;
		d->dev.node_type = IBV_NODE_CA;
		d->dev.transport_type = IBV_TRANSPORT_IB;
		snprintf(d->dev.name, sizeof(d->dev.name), "rdmacheck%d", k);
		snprintf(d->dev.dev_name, sizeof(d->dev.dev_name), "uverbs%d", k);
		snprintf(d->dev.dev_path, sizeof(d->dev.dev_path), "/nonexistent/rdmacheck/uverbs%d", k);
		snprintf(d->dev.ibdev_path, sizeof(d->dev.ibdev_path), "/nonexistent/rdmacheck/rdmacheck%d", k);
	}
	device_count = n;
	return n;
}

FAB_EXPORT struct ibv_device **ibv_get_device_list(int *num_devices)
{
	int n = load_devices();
	struct ibv_device **list = calloc((size_t)n + 1, sizeof(*list));
	if (!list) {
		errno = ENOMEM;
		return NULL;
	}
	for (int k = 0; k < n; k++)
		list[k] = &devices[k].dev;
	if (num_devices)
		*num_devices = n;
	return list;
}

FAB_EXPORT void ibv_free_device_list(struct ibv_device **list)
{
	free(list);
}

FAB_EXPORT const char *ibv_get_device_name(struct ibv_device *device)
{
	return device->name;
}

FAB_EXPORT __be64 ibv_get_device_guid(struct ibv_device *device)
{
	return htobe64(((struct fab_device *)device)->guid);
}

FAB_EXPORT int ibv_get_device_index(struct ibv_device *device)
{
	return ((struct fab_device *)device)->index;
}

struct fab_device *fab_device_of(struct ibv_context *ctx)
{
	return (struct fab_device *)ctx->device;
}

static int fab_query_port_ex(struct ibv_context *ctx, uint8_t port, struct ibv_port_attr *attr, size_t len);

FAB_EXPORT struct ibv_context *ibv_open_device(struct ibv_device *device)
{
	struct fab_context *c = calloc(1, sizeof(*c));
	int fds[2];
	if (!c || pipe2(fds, O_CLOEXEC) < 0) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	close(fds[1]); /* async events come from the fabric (ibv_get_async_event), not this fd */
	c->device = (struct fab_device *)device;
	c->vctx.sz = sizeof(struct verbs_context);
	c->vctx.query_port = fab_query_port_ex;
	c->vctx.create_qp_ex = fab_create_qp_ex;
	struct ibv_context *ctx = &c->vctx.context;
	ctx->device = device;
	ctx->cmd_fd = -1;
	ctx->async_fd = fds[0];
	ctx->num_comp_vectors = 1;
	ctx->abi_compat = __VERBS_ABI_IS_EXTENDED;
	pthread_mutex_init(&ctx->mutex, NULL);
	ctx->ops.post_send = fab_post_send;
	ctx->ops.post_recv = fab_post_recv;
	ctx->ops.poll_cq = fab_poll_cq;
	ctx->ops.req_notify_cq = fab_req_notify_cq;
	return ctx;
}

FAB_EXPORT int ibv_close_device(struct ibv_context *ctx)
{
	struct fab_context *c = (struct fab_context *)((char *)ctx - offsetof(struct fab_context, vctx.context));
	close(ctx->async_fd);
	free(c);
	return 0;
}

FAB_EXPORT int ibv_query_device(struct ibv_context *ctx, struct ibv_device_attr *a)
{
	struct fab_device *d = fab_device_of(ctx);
	memset(a, 0, sizeof(*a));
	snprintf(a->fw_ver, sizeof(a->fw_ver), "rdmacheck-fabric");
	a->node_guid = htobe64(d->guid);
	a->sys_image_guid = htobe64(d->guid);
	a->max_mr_size = 1ull << 40;
	a->page_size_cap = 4096;
	a->max_qp = 1; /* one RC QP per device and process: the simulator's path model */
	a->max_qp_wr = 16384;
	a->device_cap_flags = IBV_DEVICE_RC_RNR_NAK_GEN | IBV_DEVICE_PORT_ACTIVE_EVENT;
	a->max_sge = 32;
	a->max_sge_rd = 32;
	a->max_cq = 64;
	a->max_cqe = 65536;
	a->max_mr = 1024;
	a->max_pd = 64;
	a->max_qp_rd_atom = 16;
	a->max_qp_init_rd_atom = 16;
	a->max_res_rd_atom = 16;
	a->atomic_cap = IBV_ATOMIC_HCA;
	a->max_pkeys = 1;
	a->phys_port_cnt = 1;
	return 0;
}

/* Port state from the fabric: DOWN while a nic-death fault holds this host's NIC. */
static int fill_port(struct ibv_context *ctx, uint8_t port, struct ibv_port_attr *a)
{
	if (port != 1)
		return EINVAL;
	char req[64], answer[FAB_LINE];
	int state = IBV_PORT_ACTIVE;
	snprintf(req, sizeof(req), "port %d", fab_device_of(ctx)->index);
	if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) == 0)
		sscanf(answer, "ok %d", &state);
	a->state = (enum ibv_port_state)state;
	a->max_mtu = IBV_MTU_4096;
	a->active_mtu = IBV_MTU_1024;
	a->gid_tbl_len = 1;
	a->port_cap_flags = 0;
	a->max_msg_sz = 1u << 31;
	a->pkey_tbl_len = 1;
	a->max_vl_num = 1;
	a->active_width = 2; /* 4X */
	a->active_speed = 32; /* EDR */
	a->phys_state = state == IBV_PORT_ACTIVE ? 5 : 3; /* LinkUp : Disabled */
	a->link_layer = IBV_LINK_LAYER_ETHERNET;
	return 0;
}

static int fab_query_port_ex(struct ibv_context *ctx, uint8_t port, struct ibv_port_attr *attr, size_t len)
{
	struct ibv_port_attr full;
	memset(&full, 0, sizeof(full));
	int rc = fill_port(ctx, port, &full);
	if (rc == 0)
		memcpy(attr, &full, len < sizeof(full) ? len : sizeof(full));
	return rc;
}

/* The symbol programs link (the header's inline wrapper prefers the context's query_port). */
#undef ibv_query_port
FAB_EXPORT int ibv_query_port(struct ibv_context *ctx, uint8_t port, struct _compat_ibv_port_attr *attr)
{
	struct ibv_port_attr full;
	memset(&full, 0, sizeof(full));
	int rc = fill_port(ctx, port, &full);
	if (rc == 0)
		/* The compatibility layout is ibv_port_attr up to link_layer (verbs.h grows it at the end). */
		memcpy(attr, &full, offsetof(struct ibv_port_attr, flags));
	return rc;
}

void fab_gid_of(int device_index, union ibv_gid *gid)
{
	memset(gid, 0, sizeof(*gid));
	gid->raw[10] = 0xff;
	gid->raw[11] = 0xff;
	gid->raw[12] = 10;
	gid->raw[13] = 0;
	gid->raw[14] = (uint8_t)device_index;
	gid->raw[15] = (uint8_t)(fab_host_index() + 1);
}

FAB_EXPORT int ibv_query_gid(struct ibv_context *ctx, uint8_t port, int index, union ibv_gid *gid)
{
	if (port != 1 || index != 0)
		return -1;
	fab_gid_of(fab_device_of(ctx)->index, gid);
	return 0;
}

/* IBVERBS_PRIVATE_34: ibv_devinfo asks the GID type; 1 is RoCE v2 in rdma-core's sysfs enum. */
FAB_EXPORT int ibv_query_gid_type(struct ibv_context *ctx, uint8_t port, unsigned int index, int *type)
{
	(void)ctx;
	if (port != 1 || index != 0) {
		errno = EINVAL;
		return -1;
	}
	*type = 1;
	return 0;
}

FAB_EXPORT int ibv_query_pkey(struct ibv_context *ctx, uint8_t port, int index, __be16 *pkey)
{
	(void)ctx;
	if (port != 1 || index != 0)
		return -1;
	*pkey = htobe16(0xffff);
	return 0;
}

FAB_EXPORT int ibv_get_pkey_index(struct ibv_context *ctx, uint8_t port, __be16 pkey)
{
	(void)ctx;
	return port == 1 && pkey == htobe16(0xffff) ? 0 : -1;
}

/* Reads a sysfs-style file (devinfo asks for board_id); the simulated devices have none. */
FAB_EXPORT int ibv_read_sysfs_file(const char *dir, const char *file, char *buf, size_t size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size);
	close(fd);
	if (n <= 0)
		return -1;
	if ((size_t)n == size)
		n--;
	buf[n] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return (int)n;
}

/*
 * Waits for a port event on this device (PORT_ERR / PORT_ACTIVE). The fabric answers at once
 * ("none" or the event), so that a thread waiting here never holds the connection other
 * threads need; asking does not count as this host's activity. With O_NONBLOCK set on
 * async_fd (as rdma-core honours it) "none" is EAGAIN at once instead of a wait.
 */
FAB_EXPORT int ibv_get_async_event(struct ibv_context *ctx, struct ibv_async_event *event)
{
	char req[64], answer[FAB_LINE];
	int type = 0, port = 1;
	snprintf(req, sizeof(req), "async_event %d", fab_device_of(ctx)->index);
	for (;;) {
		if (fab_rpc(req, NULL, 0, answer, sizeof(answer)) < 0)
			return -1;
		if (sscanf(answer, "ok %d %d", &type, &port) == 2)
			break;
		int fl = fcntl(ctx->async_fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK)) {
			errno = EAGAIN;
			return -1;
		}
		usleep(2000);
	}
	memset(event, 0, sizeof(*event));
	event->event_type = (enum ibv_event_type)type;
	event->element.port_num = port;
	return 0;
}

FAB_EXPORT void ibv_ack_async_event(struct ibv_async_event *event)
{
	(void)event;
}
