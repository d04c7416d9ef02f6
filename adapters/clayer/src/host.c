/*
 * rdmacheck-layer-host: runs a C-ABI layer library in a child process that rdmacheck drives
 * synchronously over two FIFOs, so that a crash or an endless loop of the layer is a finding
 * about the layer and never a crash of rdmacheck.
 *
 *   rdmacheck-layer-host --describe LIB            one JSON line; or one error line and exit 2
 *   rdmacheck-layer-host LIB REQ REP BUDGET_MS     serve calls read from REQ, answers on REP
 *
 * Serving, the process forks: the worker loads the library and answers calls; the supervisor
 * waits for it and, when it dies, tells rdmacheck how (MSG_DIED: the signal or exit code), so a
 * blocking read in rdmacheck always gets an answer. The worker arms a CPU-time watchdog
 * (ITIMER_PROF, BUDGET_MS per call) around each call: a looping layer dies of SIGPROF.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dispatch.h"

enum { MSG_HELLO = 31 };

static int req_fd = -1, rep_fd = -1;
static uint8_t *in_buf;
static size_t in_cap;

static void write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) _exit(0); /* rdmacheck is gone */
    p += w;
    n -= (size_t)w;
  }
}

/* One framed message in one write(): a message up to PIPE_BUF is never torn by a crash. */
static void send_framed(const uint8_t *data, size_t len) {
  msg_buf b = {0};
  mb_u32(&b, (uint32_t)len);
  mb_put(&b, data, len);
  write_all(rep_fd, b.data, b.len);
  free(b.data);
}

static int read_all(int fd, uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

/* The next message from rdmacheck (into in_buf), or -1 at end of input. */
static long read_message(void) {
  uint32_t len;
  if (read_all(req_fd, (uint8_t *)&len, 4) < 0) return -1;
  if (len > in_cap) {
    in_cap = len;
    in_buf = (uint8_t *)realloc(in_buf, in_cap);
    if (!in_buf) abort();
  }
  if (read_all(req_fd, in_buf, len) < 0) return -1;
  return (long)len;
}

static void pipe_send(clayer_transport *t, const uint8_t *data, size_t len) {
  (void)t;
  send_framed(data, len);
}

static const uint8_t *pipe_request(clayer_transport *t, const uint8_t *data, size_t len, size_t *reply_len) {
  (void)t;
  send_framed(data, len);
  long n = read_message();
  if (n < 1 || in_buf[0] != MSG_REPLY) _exit(3); /* rdmacheck went away or broke the protocol */
  *reply_len = (size_t)n;
  return in_buf;
}

static void watchdog(long budget_ms) {
  struct itimerval v = {{0, 0}, {budget_ms / 1000, (budget_ms % 1000) * 1000}};
  setitimer(ITIMER_PROF, &v, NULL);
}

/* Loads LIB and returns its descriptor, or prints one line saying why not and exits 2. */
static const rdmacheck_layer *load(const char *lib) {
  void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    printf("error: %s\n", dlerror());
    exit(2);
  }
  rdmacheck_layer_descriptor_fn fn = (rdmacheck_layer_descriptor_fn)dlsym(h, RDMACHECK_LAYER_SYMBOL);
  if (!fn) {
    printf("error: %s does not export %s() (see include/rdmacheck/layer.h)\n", lib, RDMACHECK_LAYER_SYMBOL);
    exit(2);
  }
  const rdmacheck_layer *L = fn();
  char why[256];
  const char *bad = clayer_check_descriptor(L, why, sizeof why);
  if (bad) {
    printf("error: %s: %s\n", lib, bad);
    exit(2);
  }
  return L;
}

static void describe(const char *lib) {
  const rdmacheck_layer *L = load(lib);
  printf("{\"abi\":%u,\"transparent\":%s,\"opcodes\":%u,\"name\":\"", L->abi_version, L->transparent ? "true" : "false",
         L->opcodes);
  for (const char *c = L->name; *c; c++) {
    if (*c == '"' || *c == '\\') printf("\\%c", *c);
    else if ((unsigned char)*c < 0x20) printf("\\u%04x", (unsigned char)*c);
    else putchar(*c);
  }
  printf("\"}\n");
  exit(0);
}

static int serve(const rdmacheck_layer *L, long budget_ms) {
  clayer_transport t = {pipe_send, pipe_request};
  clayer_side side = {L, &t, NULL, 0, 0};
  for (;;) {
    long n = read_message();
    if (n < 0) break;
    watchdog(budget_ms);
    int bad = clayer_dispatch(&side, in_buf, (size_t)n);
    watchdog(0);
    if (bad) fprintf(stderr, "rdmacheck-layer-host: malformed call (type %u)\n", n > 0 ? in_buf[0] : 0);
  }
  clayer_destroy_all(&side);
  free(in_buf);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--describe") == 0) describe(argv[2]);
  if (argc != 5) {
    fprintf(stderr, "usage: rdmacheck-layer-host --describe LIB | LIB REQ_FIFO REP_FIFO BUDGET_MS\n");
    return 2;
  }
  /* Opened in rdmacheck's order (it opens REQ for writing, then REP for reading): no deadlock. */
  req_fd = open(argv[2], O_RDONLY);
  rep_fd = open(argv[3], O_WRONLY);
  if (req_fd < 0 || rep_fd < 0) return 2;
  signal(SIGPIPE, SIG_IGN);
  long budget_ms = atol(argv[4]);
  if (budget_ms <= 0) budget_ms = 2000;
  pid_t worker = fork();
  if (worker == 0) {
    signal(SIGPIPE, SIG_DFL);
    return serve(load(argv[1]), budget_ms);
  }
  close(req_fd);
  msg_buf b = {0};
  mb_u8(&b, MSG_HELLO);
  mb_u32(&b, (uint32_t)worker);
  send_framed(b.data, b.len);
  b.len = 0;
  int status = 0;
  while (waitpid(worker, &status, 0) < 0 && errno == EINTR) {
  }
  mb_u8(&b, MSG_DIED);
  mb_u32(&b, WIFSIGNALED(status) ? (uint32_t)WTERMSIG(status) : 0);
  mb_u32(&b, WIFEXITED(status) ? (uint32_t)WEXITSTATUS(status) : 0);
  send_framed(b.data, b.len);
  free(b.data);
  return 0;
}
