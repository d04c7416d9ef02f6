/*
 * roce-filter: per-packet RoCEv2 fault injection for the native adapter (adapters/native/packetFilter.ts).
 *
 * nftables queues every RoCEv2 packet (UDP destination port 4791) that host A sends or receives
 * to NFQUEUE <queue>; this program reads the Base Transport Header at the start of the UDP
 * payload (opcode, destination QP, PSN) and drops exactly the packets a fault names, counting
 * matches as the simulator's faults do: a rule drops its matches number nth .. nth+count-1.
 *
 * Commands arrive on the FIFO named by argv[2] (stdin without it), one per line, and are applied before the verdict of every packet
 * (so a rule written before a WR is posted is in force for that WR's first packet):
 *   rule ID req|resp NTH COUNT     a fault window (COUNT -1: every later match)
 *   key ID QPN PSN                 rule ID matches packets to QP QPN with PSN PSN (-1: any PSN)
 *   clear                          forget every rule
 *   trace                          report every packet (diagnostics: RDMACHECK_PACKET_LOG)
 * Reports on stdout (the driver stops it with SIGTERM): "ready" once bound, "drop ID MATCH PSN" for each packet dropped,
 * and after "trace" "pkt USEC OPCODE QPN PSN pass|drop" for every packet (USEC: monotonic microseconds).
 * Build: cc -O2 -o roce-filter roce-filter.c -lnetfilter_queue
 */
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_RULES 64
#define MAX_KEYS 64

struct key { long qpn, psn; };
struct rule {
  int used, response;
  long nth, count, matches;
  int nkeys;
  struct key keys[MAX_KEYS];
};

static struct rule rules[MAX_RULES];
static int control_fd = 0;
static int tracing;
static char line_buf[4096];
static size_t line_len;

static void apply(char *line) {
  int id; char dir[8]; long a, b;
  if (sscanf(line, "rule %d %7s %ld %ld", &id, dir, &a, &b) == 4 && id >= 0 && id < MAX_RULES) {
    memset(&rules[id], 0, sizeof rules[id]);
    rules[id].used = 1;
    rules[id].response = strcmp(dir, "resp") == 0;
    rules[id].nth = a;
    rules[id].count = b;
  } else if (sscanf(line, "key %d %ld %ld", &id, &a, &b) == 3 && id >= 0 && id < MAX_RULES) {
    struct rule *r = &rules[id];
    if (r->nkeys < MAX_KEYS) r->keys[r->nkeys++] = (struct key){ a, b };
  } else if (strncmp(line, "trace", 5) == 0) {
    tracing = 1;
  } else if (strncmp(line, "clear", 5) == 0) {
    memset(rules, 0, sizeof rules);
  } else if (line[0]) {
    fprintf(stderr, "roce-filter: unknown command '%s'\n", line);
  }
}

/* Applies every complete command waiting on the control channel (non-blocking). */
static void drain_commands(void) {
  for (;;) {
    ssize_t n = read(control_fd, line_buf + line_len, sizeof line_buf - 1 - line_len);
    if (n <= 0) return;
    line_len += (size_t)n;
    char *start = line_buf, *nl;
    while ((nl = memchr(start, '\n', line_len - (size_t)(start - line_buf)))) {
      *nl = 0;
      apply(start);
      start = nl + 1;
    }
    line_len -= (size_t)(start - line_buf);
    memmove(line_buf, start, line_len);
  }
}

/* RC response opcodes: READ response first/middle/last/only, ACKNOWLEDGE, ATOMIC ACKNOWLEDGE. */
static int is_response(unsigned op) { return op >= 0x0d && op <= 0x12; }

/* True when `pkt` (an IPv4 packet) is to be dropped. */
static int decide(const unsigned char *pkt, int len) {
  if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != 17) return 0;
  int ihl = (pkt[0] & 15) * 4;
  const unsigned char *bth = pkt + ihl + 8;
  if (len < ihl + 8 + 12) return 0;
  unsigned op = bth[0];
  long qpn = ((long)bth[5] << 16) | (bth[6] << 8) | bth[7];
  long psn = ((long)bth[9] << 16) | (bth[10] << 8) | bth[11];
  /* A sequence NAK answers for the PSN the responder expects, not for one WR (as in the simulator). */
  int seq_nak = op == 0x11 && len >= ihl + 8 + 13 && bth[12] == 0x60;
  int drop = 0;
  for (int id = 0; id < MAX_RULES; id++) {
    struct rule *r = &rules[id];
    if (!r->used || r->response != is_response(op)) continue;
    int hit = 0;
    for (int k = 0; k < r->nkeys && !hit; k++)
      hit = r->keys[k].qpn == qpn && (r->keys[k].psn < 0 || (r->keys[k].psn == psn && !seq_nak));
    if (!hit) continue;
    r->matches++;
    if (r->matches >= r->nth && (r->count < 0 || r->matches < r->nth + r->count)) {
      if (!drop) printf("drop %d %ld %ld\n", id, r->matches, psn);
      drop = 1;
    }
  }
  if (tracing) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("pkt %ld %02x %ld %ld %s\n", (long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, op, qpn, psn, drop ? "drop" : "pass");
  }
  if (drop || tracing) fflush(stdout);
  return drop;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)msg; (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  unsigned char *payload;
  int len = nfq_get_payload(nfa, &payload);
  drain_commands();
  int drop = len > 0 && decide(payload, len);
  return nfq_set_verdict(qh, ntohl(ph->packet_id), drop ? NF_DROP : NF_ACCEPT, 0, NULL);
}

int main(int argc, char **argv) {
  int queue = argc > 1 ? atoi(argv[1]) : 0;
  /* O_RDWR: opening the FIFO never waits for the driver, and poll never sees it hang up. */
  if (argc > 2 && (control_fd = open(argv[2], O_RDWR | O_NONBLOCK)) < 0) { perror("roce-filter: open control FIFO"); return 2; }
  fcntl(control_fd, F_SETFL, fcntl(control_fd, F_GETFL) | O_NONBLOCK);
  struct nfq_handle *h = nfq_open();
  if (!h) { perror("roce-filter: nfq_open"); return 2; }
  struct nfq_q_handle *qh = nfq_create_queue(h, (unsigned)queue, on_packet, NULL);
  if (!qh) { perror("roce-filter: nfq_create_queue (root? nfnetlink_queue loaded?)"); return 2; }
  if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 128) < 0) { perror("roce-filter: nfq_set_mode"); return 2; }
  int fd = nfq_fd(h);
  printf("ready\n");
  fflush(stdout);
  char buf[65536] __attribute__((aligned));
  struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = control_fd, .events = POLLIN } };
  for (;;) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (fds[1].revents & (POLLHUP | POLLERR) && !(fds[1].revents & POLLIN)) break; /* the driver went away */
    if (fds[1].revents & POLLIN) drain_commands();
    if (fds[0].revents & POLLIN) {
      int n = (int)recv(fd, buf, sizeof buf, 0);
      if (n >= 0) nfq_handle_packet(h, buf, n);
      else if (errno != ENOBUFS && errno != EINTR) break;
    }
  }
  nfq_destroy_queue(qh);
  nfq_close(h);
  return 0;
}
