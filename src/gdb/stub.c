/* The stub's socket and its server thread (stub.h). The listening socket
 * is made at set-up, before the sandbox closes; at run time the thread
 * only polls, accepts, reads and writes. One client at a time: gdb talks,
 * session.c answers, and when gdb goes another may connect. The thread
 * sleeps in poll() on the socket and a pipe that the vCPU threads and
 * main write a byte to when something happened (a stop, the end). */
#include <arpa/inet.h>
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../err.h"
#include "stub_impl.h"
#include "../guest.h"

#define SEND_TIMEOUT_MS 5000

void gdb_wake(struct gdb_stub *s)
{
	char byte = 1;

	/* Non-blocking: a full pipe already says "look". */
	if (write(s->wake_wr, &byte, 1) < 0)
		return;
}

static void drain_wake(struct gdb_stub *s)
{
	char buf[64];

	while (read(s->wake_rd, buf, sizeof(buf)) > 0)
		;
}

static bool send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (n == 0 || errno != EAGAIN || poll(&p, 1, SEND_TIMEOUT_MS) <= 0)
			return false; /* gone, or not reading for seconds */
	}
	return true;
}

static void drop_client(struct gdb_stub *s)
{
	if (s->client_fd < 0)
		return;
	close(s->client_fd);
	s->client_fd = -1;
	pthread_mutex_lock(&s->lock);
	s->attached = false;
	pthread_mutex_unlock(&s->lock);
}

/* The packet's '+' goes out with its reply, in one write. */
bool gdb_send(struct gdb_stub *s, const char *payload, size_t len)
{
	bool ack = s->ack_pending;

	if (s->client_fd < 0)
		return false;
	s->ack_pending = false;
	s->frame_len = gdb_frame(payload, len, ack, s->frame);
	s->frame_start = ack;
	if (send_all(s->client_fd, s->frame, s->frame_len))
		return true;
	gdb_session_detach(s);
	drop_client(s);
	return false;
}

static void send_raw(struct gdb_stub *s, const char *bytes, size_t len)
{
	if (s->client_fd >= 0 && !send_all(s->client_fd, bytes, len)) {
		gdb_session_detach(s);
		drop_client(s);
	}
}

/* One byte from gdb, framed; packets go to session.c. */
static void take_byte(struct gdb_stub *s, uint8_t byte)
{
	switch (gdb_framer_feed(&s->framer, byte)) {
	case GDB_FRAME_PACKET:
		s->ack_pending = !s->no_ack;
		gdb_session_packet(s, s->framer.buf, s->framer.len);
		if (s->ack_pending) { /* no reply (a resume): the '+' alone */
			s->ack_pending = false;
			send_raw(s, "+", 1);
		}
		break;
	case GDB_FRAME_TOO_LONG:
		s->ack_pending = !s->no_ack;
		gdb_send(s, GDB_E_TOO_LONG, 3);
		break;
	case GDB_FRAME_BAD_CHECKSUM:
		if (!s->no_ack)
			send_raw(s, "-", 1);
		break;
	case GDB_FRAME_NACK:
		if (!s->no_ack && s->frame_len > s->frame_start)
			send_raw(s, s->frame + s->frame_start, s->frame_len - s->frame_start);
		break;
	case GDB_FRAME_INTERRUPT:
		gdb_session_interrupt(s);
		break;
	case GDB_FRAME_ACK:
	case GDB_FRAME_NONE:
		break;
	}
}

static void read_client(struct gdb_stub *s)
{
	uint8_t buf[4096];
	ssize_t n = read(s->client_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) { /* gdb went away without detaching: as if it had */
		gdb_session_detach(s);
		drop_client(s);
		return;
	}
	for (ssize_t i = 0; i < n && s->client_fd >= 0; i++)
		take_byte(s, buf[i]);
}

static bool finishing(struct gdb_stub *s)
{
	pthread_mutex_lock(&s->lock);
	bool finish = s->finish;
	pthread_mutex_unlock(&s->lock);
	return finish;
}

static void accept_client(struct gdb_stub *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	s->client_fd = fd;
	gdb_session_start(s);
}

/* One wait: for a client, or for gdb's bytes and the vCPUs' events. */
static void serve_once(struct gdb_stub *s)
{
	struct pollfd p[2] = {
		{ .fd = s->client_fd >= 0 ? s->client_fd : s->listen_fd, .events = POLLIN },
		{ .fd = s->wake_rd, .events = POLLIN },
	};

	if (poll(p, 2, 500) <= 0)
		return;
	if (p[1].revents) {
		drain_wake(s);
		if (s->client_fd >= 0)
			gdb_session_event(s);
	}
	if (!p[0].revents)
		return;
	if (s->client_fd >= 0)
		read_client(s);
	else if (!finishing(s))
		accept_client(s);
}

/* W: the guest's own status; X: the signal that stopped the run. */
static void send_exit(struct gdb_stub *s)
{
	char reply[16];
	int status = s->final_status;

	if (status > STATUS_SIGNAL_BASE && status < STATUS_SIGNAL_BASE + 64)
		snprintf(reply, sizeof(reply), "X%02x", status - STATUS_SIGNAL_BASE);
	else
		snprintf(reply, sizeof(reply), "W%02x", status & 0xff);
	gdb_send(s, reply, strlen(reply));
}

static void *server_thread(void *arg)
{
	struct gdb_stub *s = arg;

	while (!finishing(s))
		serve_once(s);
	if (s->client_fd >= 0 && s->running)
		send_exit(s);
	drop_client(s);
	return NULL;
}

static int listen_on(const struct gdb_spec *spec)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(spec->port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return throw_err(-1, "gdb: cannot make a socket:");
	inet_pton(AF_INET, spec->host, &addr.sin_addr);
	/* Accepted sockets inherit both: no Nagle delay on small replies. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
		err_print("gdb: cannot listen on %s:%u: %s", spec->host, spec->port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* This process runs under QEMU's emulator (TCG): its CPUID hypervisor
 * leaf says "TCGTCGTCGTCG". */
static bool under_qemu_emulator(void)
{
	unsigned a, b, c, d;
	char vendor[13];

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31))) /* no hypervisor */
		return false;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &c, 4);
	memcpy(vendor + 8, &d, 4);
	vendor[12] = '\0';
	return strcmp(vendor, "TCGTCGTCGTCG") == 0;
}

/* What this host's KVM can do for a debugger, asked while ioctls other
 * than a running vCPU's are still allowed. Both exceptions answer yes to
 * everything: kvm-pvm intercepts no int3 and steps and stops at debug
 * registers only in real mode and ring 0; a KVM nested under QEMU's
 * emulator single-steps, but its guests' int3 and debug registers never
 * reach it (QEMU 7.2's SVM). */
static void probe_host(struct gdb_stub *s, int kvm_fd)
{
	int flags = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);

	s->host_bp = flags <= 0 || (flags & KVM_GUESTDBG_USE_SW_BP) ? GDB_BP_NATIVE : GDB_BP_HW_ONLY;
	s->host_blockirq = flags > 0 && (flags & KVM_GUESTDBG_BLOCKIRQ);
	if (access("/sys/module/kvm_pvm", F_OK) == 0) {
		s->host_bp = GDB_BP_HW_ONLY;
		s->host_limited = true;
	} else if (under_qemu_emulator()) {
		s->host_bp = GDB_BP_STEPPING;
	}
}

static void announce(const struct gdb_stub *s)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	unsigned port = s->spec.port;

	if (getsockname(s->listen_fd, (struct sockaddr *)&addr, &len) == 0)
		port = ntohs(addr.sin_port);
	err_print("gdb: %s on %s:%u (gdb: target remote %s:%u)",
		  s->spec.wait ? "the guest waits for gdb" : "listening", s->spec.host, port,
		  s->spec.host, port);
}

struct gdb_stub *gdb_stub_open(const struct gdb_spec *spec, int kvm_fd)
{
	struct gdb_stub *s = calloc(1, sizeof(*s));
	int wake[2];

	if (!s) {
		err_print("gdb: out of memory");
		return NULL;
	}
	s->spec = *spec;
	s->client_fd = -1;
	s->continue_cpu = -1;
	s->listen_fd = listen_on(spec);
	if (s->listen_fd < 0 || pipe2(wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		if (s->listen_fd >= 0)
			err_print("gdb: cannot make a pipe: %s", strerror(errno));
		if (s->listen_fd >= 0)
			close(s->listen_fd);
		free(s);
		return NULL;
	}
	s->wake_rd = wake[0];
	s->wake_wr = wake[1];
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->parked_cond, NULL);
	pthread_cond_init(&s->resume_cond, NULL);
	probe_host(s, kvm_fd);
	/* --gdb-wait: every vCPU stops at its first pause point. */
	__atomic_store_n(&s->halt_pending, spec->wait, __ATOMIC_SEQ_CST);
	announce(s);
	return s;
}

int gdb_stub_start(struct gdb_stub *s, struct guest *g)
{
	s->guest = g;
	s->ncpus = g->plan.nr_vcpus;
	g->gdb = s;
	if (pthread_create(&s->thread, NULL, server_thread, s) != 0)
		return throw_err(-1, "gdb: cannot start the server thread");
	s->thread_started = true;
	return 0;
}

void gdb_stub_finish(struct gdb_stub *s, int status)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->finish = true;
	s->final_status = status;
	pthread_mutex_unlock(&s->lock);
	gdb_wake(s);
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	close(s->listen_fd);
	close(s->wake_rd);
	close(s->wake_wr);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->parked_cond);
	pthread_cond_destroy(&s->resume_cond);
	free(s);
}
