/*
 * The link to the fabric server: one unix-socket connection per process, one request at a
 * time (a mutex serializes threads). A request is a text line of space-separated fields,
 * optionally followed by raw bytes; an answer is "ok ..." or "err <errno>", optionally
 * followed by raw bytes the caller reads before fab_rpc_end. The protocol is described in
 * docs/fabric.md.
 */
#include "fabric.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int sock = -1;
static int host_index = -1;
static char inbuf[65536];
static size_t in_start, in_end;

/* The fabric performs a NIC's DMA through /proc/<pid>/mem: let it, whatever ptrace policy. */
__attribute__((constructor)) static void allow_fabric_dma(void)
{
	if (getenv("RDMACHECK_FABRIC_SOCKET"))
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
}

static int write_all(const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(sock, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fill(void)
{
	if (in_start == in_end)
		in_start = in_end = 0;
	if (in_end == sizeof(inbuf)) {
		memmove(inbuf, inbuf + in_start, in_end - in_start);
		in_end -= in_start;
		in_start = 0;
	}
	for (;;) {
		ssize_t n = read(sock, inbuf + in_end, sizeof(inbuf) - in_end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		in_end += (size_t)n;
		return 0;
	}
}

/* Reads one more line of the current answer (without its newline). */
int fab_read_line(char *out, size_t out_len)
{
	size_t k = 0;
	for (;;) {
		while (in_start < in_end) {
			char c = inbuf[in_start++];
			if (c == '\n') {
				out[k] = 0;
				return 0;
			}
			if (k + 1 < out_len)
				out[k++] = c;
		}
		if (fill() < 0)
			return -1;
	}
}

/* Reads `len` raw bytes of the current answer into `buf`. */
int fab_read_bytes(void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		if (in_start == in_end && fill() < 0)
			return -1;
		size_t n = in_end - in_start < len ? in_end - in_start : len;
		memcpy(p, inbuf + in_start, n);
		in_start += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* Discards `len` raw bytes of the current answer. */
int fab_skip_bytes(size_t len)
{
	char scratch[4096];
	while (len > 0) {
		size_t n = len < sizeof(scratch) ? len : sizeof(scratch);
		if (fab_read_bytes(scratch, n) < 0)
			return -1;
		len -= n;
	}
	return 0;
}

/* Which host this process is on the fabric: 0 for A, 1 for B (RDMACHECK_FABRIC_HOST). */
int fab_host_index(void)
{
	if (host_index < 0) {
		const char *h = getenv("RDMACHECK_FABRIC_HOST");
		host_index = h && h[0] == 'B' ? 1 : 0;
	}
	return host_index;
}

/* Connects once; 0 when connected, -1 (errno ENODEV) when no fabric is configured. */
static int connect_locked(void)
{
	if (sock >= 0)
		return 0;
	const char *path = getenv("RDMACHECK_FABRIC_SOCKET");
	if (!path || !*path) {
		errno = ENODEV;
		return -1;
	}
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "rdmacheck libibverbs: cannot reach the fabric at %s: %s\n", path, strerror(errno));
		close(fd);
		errno = ENODEV;
		return -1;
	}
	sock = fd;
	char hello[128], answer[FAB_LINE];
	snprintf(hello, sizeof(hello), "hello %c %d\n", fab_host_index() ? 'B' : 'A', (int)getpid());
	if (write_all(hello, strlen(hello)) < 0 || fab_read_line(answer, sizeof(answer)) < 0 || strncmp(answer, "ok", 2)) {
		close(sock);
		sock = -1;
		errno = ENODEV;
		return -1;
	}
	return 0;
}

int fab_connect(void)
{
	pthread_mutex_lock(&lock);
	int rc = connect_locked();
	pthread_mutex_unlock(&lock);
	return rc;
}

/*
 * Sends a request (a line without its newline, then `data_len` raw bytes) and reads the answer
 * line; the lock stays held until fab_rpc_end, so the caller can read the answer's bytes.
 * Returns 0 on "ok", else -1 with errno set (from "err <errno>", or EIO when the link broke).
 */
int fab_rpc_begin(const char *request, const void *data, size_t data_len, char *answer, size_t answer_len)
{
	pthread_mutex_lock(&lock);
	if (connect_locked() < 0)
		return -1;
	size_t n = strlen(request);
	if (write_all(request, n) < 0 || write_all("\n", 1) < 0 || (data_len && write_all(data, data_len) < 0) ||
	    fab_read_line(answer, answer_len) < 0) {
		fprintf(stderr, "rdmacheck libibverbs: the fabric closed the connection\n");
		errno = EIO;
		return -1;
	}
	if (strncmp(answer, "ok", 2) == 0)
		return 0;
	errno = fab_answer_errno(answer);
	return -1;
}

void fab_rpc_end(void)
{
	pthread_mutex_unlock(&lock);
}

int fab_rpc(const char *request, const void *data, size_t data_len, char *answer, size_t answer_len)
{
	int rc = fab_rpc_begin(request, data, data_len, answer, answer_len);
	int saved = errno;
	fab_rpc_end();
	errno = saved;
	return rc;
}

/* The errno of an "err <n>" answer (EIO for anything else). */
int fab_answer_errno(const char *answer)
{
	int e = 0;
	if (sscanf(answer, "err %d", &e) == 1 && e > 0)
		return e;
	return EIO;
}
