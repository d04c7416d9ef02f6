/*
 * Strings, fork support and the verbs the fabric does not carry. An unsupported verb fails the
 * way libibverbs reports it: NULL with errno EOPNOTSUPP for constructors, EOPNOTSUPP as the
 * return value for the others (ibv_create_srq(3), ibv_create_ah(3), ...).
 */
#include "fabric.h"

#include <errno.h>
#include <string.h>

/* Texts as ibv_wc_status_str(3) and friends print them. */
FAB_EXPORT const char *ibv_wc_status_str(enum ibv_wc_status status)
{
	static const char *const text[] = {
		"success", "local length error", "local QP operation error", "local EE context operation error",
		"local protection error", "Work Request Flushed Error", "memory management operation error",
		"bad response error", "local access error", "remote invalid request error", "remote access error",
		"remote operation error", "transport retry counter exceeded", "RNR retry counter exceeded",
		"local RDD violation error", "remote invalid RD request", "aborted error", "invalid EE context number",
		"invalid EE context state", "fatal error", "response timeout error", "general error", "TM error",
		"TM rendezvous error",
	};
	if ((unsigned int)status < sizeof(text) / sizeof(text[0]))
		return text[status];
	return "unknown";
}

FAB_EXPORT const char *ibv_port_state_str(enum ibv_port_state state)
{
	static const char *const text[] = { "PORT_NOP", "PORT_DOWN", "PORT_INIT", "PORT_ARMED", "PORT_ACTIVE",
					    "PORT_ACTIVE_DEFER" };
	return (unsigned int)state < 6 ? text[state] : "unknown";
}

FAB_EXPORT const char *ibv_node_type_str(enum ibv_node_type type)
{
	switch (type) {
	case IBV_NODE_CA:
		return "InfiniBand channel adapter";
	case IBV_NODE_SWITCH:
		return "InfiniBand switch";
	case IBV_NODE_ROUTER:
		return "InfiniBand router";
	case IBV_NODE_RNIC:
		return "iWARP NIC";
	default:
		return "unknown";
	}
}

FAB_EXPORT const char *ibv_event_type_str(enum ibv_event_type event)
{
	switch (event) {
	case IBV_EVENT_PORT_ACTIVE:
		return "port active";
	case IBV_EVENT_PORT_ERR:
		return "port error";
	case IBV_EVENT_QP_FATAL:
		return "local work queue catastrophic error";
	case IBV_EVENT_COMM_EST:
		return "communication established";
	default:
		return "unknown";
	}
}

/* Nothing to prepare: the fabric does not pin pages (ibv_fork_init(3)). */
FAB_EXPORT int ibv_fork_init(void)
{
	return 0;
}

FAB_EXPORT enum ibv_fork_status ibv_is_fork_initialized(void)
{
	return IBV_FORK_DISABLED;
}

FAB_EXPORT int ibv_dontfork_range(void *base, size_t size)
{
	(void)base;
	(void)size;
	return 0;
}

FAB_EXPORT int ibv_dofork_range(void *base, size_t size)
{
	(void)base;
	(void)size;
	return 0;
}

FAB_EXPORT int ibv_rate_to_mult(enum ibv_rate rate)
{
	static const int mult[] = { -1, -1, 1, 4, 12, 2, 8, 16, 24, 32, 48 };
	return (unsigned int)rate < sizeof(mult) / sizeof(mult[0]) ? mult[rate] : -1;
}

/* IBVERBS_1.11: one GID entry (RoCE v2, index 0 of port 1). */
FAB_EXPORT int _ibv_query_gid_ex(struct ibv_context *ctx, uint32_t port, uint32_t index, struct ibv_gid_entry *entry,
				 uint32_t flags, size_t entry_size)
{
	if (flags || port != 1 || index != 0 || entry_size < sizeof(*entry))
		return EINVAL;
	memset(entry, 0, sizeof(*entry));
	fab_gid_of(fab_device_of(ctx)->index, &entry->gid);
	entry->gid_index = 0;
	entry->port_num = 1;
	entry->gid_type = IBV_GID_TYPE_ROCE_V2;
	return 0;
}

#define UNSUPPORTED_NULL(decl)        \
	FAB_EXPORT decl               \
	{                             \
		errno = EOPNOTSUPP;   \
		return NULL;          \
	}
#define UNSUPPORTED_INT(decl)         \
	FAB_EXPORT decl               \
	{                             \
		errno = EOPNOTSUPP;   \
		return EOPNOTSUPP;    \
	}

UNSUPPORTED_NULL(struct ibv_srq *ibv_create_srq(struct ibv_pd *pd, struct ibv_srq_init_attr *a))
UNSUPPORTED_INT(int ibv_modify_srq(struct ibv_srq *srq, struct ibv_srq_attr *a, int mask))
UNSUPPORTED_INT(int ibv_query_srq(struct ibv_srq *srq, struct ibv_srq_attr *a))
UNSUPPORTED_INT(int ibv_destroy_srq(struct ibv_srq *srq))
UNSUPPORTED_NULL(struct ibv_ah *ibv_create_ah(struct ibv_pd *pd, struct ibv_ah_attr *a))
UNSUPPORTED_INT(int ibv_destroy_ah(struct ibv_ah *ah))
UNSUPPORTED_NULL(struct ibv_ah *ibv_create_ah_from_wc(struct ibv_pd *pd, struct ibv_wc *wc, struct ibv_grh *grh,
						      uint8_t port))
UNSUPPORTED_INT(int ibv_init_ah_from_wc(struct ibv_context *c, uint8_t port, struct ibv_wc *wc, struct ibv_grh *grh,
					struct ibv_ah_attr *a))
UNSUPPORTED_INT(int ibv_attach_mcast(struct ibv_qp *qp, const union ibv_gid *gid, uint16_t lid))
UNSUPPORTED_INT(int ibv_detach_mcast(struct ibv_qp *qp, const union ibv_gid *gid, uint16_t lid))
UNSUPPORTED_INT(int ibv_rereg_mr(struct ibv_mr *mr, int flags, struct ibv_pd *pd, void *addr, size_t length,
				 int access))
UNSUPPORTED_INT(int ibv_resolve_eth_l2_from_gid(struct ibv_context *c, struct ibv_ah_attr *a, uint8_t eth_mac[6],
						uint16_t *vid))
UNSUPPORTED_NULL(struct ibv_mr *ibv_reg_dmabuf_mr(struct ibv_pd *pd, uint64_t offset, size_t length, uint64_t iova,
						  int fd, int access))
UNSUPPORTED_NULL(struct ibv_context *ibv_import_device(int cmd_fd))
UNSUPPORTED_INT(int ibv_query_ece(struct ibv_qp *qp, struct ibv_ece *ece))
UNSUPPORTED_INT(int ibv_set_ece(struct ibv_qp *qp, struct ibv_ece *ece))
