/* --trace's JSON half: records become Chrome Trace Event Format events
 * (pure functions, unit-tested), and a guest's events are written once,
 * at its end, from its own thread, with write(2) alone (the sandbox is
 * closed by then). The layout is docs/trace.md's. */
#include "trace_events.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/hypercall.h"
#include "err.h"
#include "minikvm/abi.h"
#include "stats.h"

/* A bounded string being built: appends past the end are cut off. */
struct jbuf {
	char *p;
	size_t size, len;
};

static void jprintf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jprintf(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len + 1 >= b->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n < b->size - b->len ? (size_t)n : b->size - b->len - 1;
}

/* A JSON string of raw bytes, each byte one character (U+0000-U+00FF):
 * printable ASCII as itself, the rest escaped. */
static void jstring(struct jbuf *b, const uint8_t *s, size_t n)
{
	jprintf(b, "\"");
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\')
			jprintf(b, "\\%c", c);
		else if (c == '\n')
			jprintf(b, "\\n");
		else if (c == '\r')
			jprintf(b, "\\r");
		else if (c == '\t')
			jprintf(b, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			jprintf(b, "\\u%04x", c);
		else
			jprintf(b, "%c", c);
	}
	jprintf(b, "\"");
}

/* Fractional µs, exactly: Chrome's "ts" and "dur" unit. */
static void jmicros(struct jbuf *b, const char *key, uint64_t ns)
{
	jprintf(b, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned)(ns % 1000));
}

int trace_tid(int pid, int id)
{
	return pid * 100 + id;
}

static void head(struct jbuf *b, const char *name, const char *cat, const char *ph)
{
	jprintf(b, "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\"", name, cat, ph);
}

static void track(struct jbuf *b, int pid, int tid)
{
	jprintf(b, ",\"pid\":%d,\"tid\":%d", pid, tid);
}

/* "IO out 0x500 PUTCHAR", "MMIO read 0xfee00020", "HLT". */
static void exit_name(char *name, size_t size, const struct trace_record *r)
{
	bool write = r->dir == TRACE_DIR_WRITE;
	const char *reason = stats_reason_name(r->reason);

	if (r->reason == KVM_EXIT_IO && r->exit.addr == HC_PORT && write) {
		const char *call = hypercall_name(r->exit.value);

		snprintf(name, size, "IO out 0x%x %s", HC_PORT, call ? call : "unknown");
	} else if (r->reason == KVM_EXIT_IO) {
		snprintf(name, size, "IO %s 0x%" PRIx64, write ? "out" : "in", r->exit.addr);
	} else if (r->reason == KVM_EXIT_MMIO) {
		snprintf(name, size, "MMIO %s 0x%" PRIx64, write ? "write" : "read", r->exit.addr);
	} else {
		snprintf(name, size, "%s", reason);
	}
}

static void exit_args(struct jbuf *b, const struct trace_record *r)
{
	bool io = r->reason == KVM_EXIT_IO, write = r->dir == TRACE_DIR_WRITE;

	jprintf(b, ",\"args\":{\"reason\":\"%s\"", stats_reason_name(r->reason));
	if (io) {
		const char *port = stats_port_name((uint16_t)r->exit.addr);

		jprintf(b, ",\"port\":\"0x%" PRIx64 "\",\"port_name\":", r->exit.addr);
		if (port)
			jprintf(b, "\"%s\"", port);
		else
			jprintf(b, "null");
		jprintf(b, ",\"direction\":\"%s\"", write ? "out" : "in");
	} else if (r->reason == KVM_EXIT_MMIO) {
		jprintf(b, ",\"address\":\"0x%" PRIx64 "\",\"direction\":\"%s\"", r->exit.addr,
			write ? "write" : "read");
	}
	if (io || r->reason == KVM_EXIT_MMIO)
		jprintf(b, ",\"size\":%u,\"value\":\"0x%0*" PRIx64 "\"", r->exit.size,
			r->exit.size * 2, r->exit.value);
	if (io && r->exit.count > 1)
		jprintf(b, ",\"count\":%u", r->exit.count);
	if (io && write && r->exit.addr == HC_PORT) {
		const char *call = hypercall_name(r->exit.value);

		jprintf(b, ",\"hypercall\":\"%s\"", call ? call : "unknown");
	}
	jprintf(b, "}}");
}

size_t trace_format_record(char *buf, size_t size, const struct trace_record *r,
			   const uint8_t *bytes, int pid, int tid)
{
	struct jbuf b = { buf, size, 0 };
	char name[64];

	if (size)
		buf[0] = '\0';
	if (r->kind == TRACE_OUTPUT) {
		head(&b, "output", "output", "i");
		jprintf(&b, ",\"s\":\"t\"");
		jmicros(&b, "ts", r->t_ns);
		track(&b, pid, tid);
		jprintf(&b, ",\"args\":{\"bytes\":");
		jstring(&b, bytes + r->output.offset, r->output.kept);
		jprintf(&b, ",\"len\":%" PRIu64 "%s}}", r->output.len,
			r->output.kept < r->output.len ? ",\"truncated\":true" : "");
		return b.len;
	}
	exit_name(name, sizeof(name), r);
	head(&b, name, "exit", "X");
	jmicros(&b, "ts", r->t_ns);
	jmicros(&b, "dur", r->dur_ns);
	track(&b, pid, tid);
	exit_args(&b, r);
	return b.len;
}

size_t trace_format_span(char *buf, size_t size, const char *name, int pid, int tid,
			 uint64_t begin_ns, uint64_t end_ns)
{
	struct jbuf b = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	head(&b, name, "guest", "X");
	jmicros(&b, "ts", begin_ns);
	jmicros(&b, "dur", end_ns > begin_ns ? end_ns - begin_ns : 0);
	track(&b, pid, tid);
	jprintf(&b, "}");
	return b.len;
}

/* --- writing a guest's events --- */

static void flush(struct trace_guest *g)
{
	struct trace_file *f = g->file;
	size_t done = 0;

	while (!f->error && done < g->out_len) {
		ssize_t n = write(f->fd, g->out + done, g->out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			f->error = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	g->out_len = 0;
}

/* Room for one more event, after its separating comma; where it goes. */
static struct jbuf next_event(struct trace_guest *g)
{
	if (TRACE_OUT_SIZE - g->out_len < TRACE_EVENT_MAX + 2)
		flush(g);
	if (g->file->any_event) {
		memcpy(g->out + g->out_len, ",\n", 2);
		g->out_len += 2;
	}
	g->file->any_event = true;
	return (struct jbuf){ g->out + g->out_len, TRACE_OUT_SIZE - g->out_len, 0 };
}

static void add_event(struct trace_guest *g, struct jbuf *b)
{
	g->out_len += b->len;
}

static void metadata(struct trace_guest *g, const char *what, int tid, const char *name,
		     int sort_index)
{
	struct jbuf b = next_event(g);

	jprintf(&b, "{\"name\":\"%s\",\"ph\":\"M\"", what);
	track(&b, g->pid, tid);
	if (name) {
		jprintf(&b, ",\"args\":{\"name\":");
		jstring(&b, (const uint8_t *)name, strlen(name));
		jprintf(&b, "}}");
	} else {
		jprintf(&b, ",\"args\":{\"sort_index\":%d}}", sort_index);
	}
	add_event(g, &b);
}

static void span(struct trace_guest *g, const char *name, int id, uint64_t begin, uint64_t end)
{
	struct jbuf b = next_event(g);

	b.len = trace_format_span(b.p, b.size, name, g->pid, trace_tid(g->pid, id), begin, end);
	add_event(g, &b);
}

static void tracks(struct trace_guest *g)
{
	metadata(g, "process_name", trace_tid(g->pid, 0), g->name, 0);
	metadata(g, "process_sort_index", trace_tid(g->pid, 0), NULL, g->pid);
	for (int i = 0; i < g->nr_vcpus; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu%d", i);
		metadata(g, "thread_name", trace_tid(g->pid, i), name, 0);
		metadata(g, "thread_sort_index", trace_tid(g->pid, i), NULL, i);
	}
}

static void records(struct trace_guest *g, int id)
{
	const struct trace_vcpu *t = &g->cpus[id];

	for (uint32_t i = 0; i < t->used; i++) {
		struct jbuf b = next_event(g);

		b.len = trace_format_record(b.p, b.size, &t->records[i], t->bytes, g->pid,
					    trace_tid(g->pid, id));
		add_event(g, &b);
	}
}

/* What was not kept, where the vCPU's run ended; and once on stderr. */
static void drop_note(struct trace_guest *g, int id)
{
	const struct trace_vcpu *t = &g->cpus[id];
	struct jbuf b;

	if (!t->dropped && !t->bytes_dropped)
		return;
	b = next_event(g);
	head(&b, "events dropped", "trace", "i");
	jprintf(&b, ",\"s\":\"t\"");
	jmicros(&b, "ts", t->run_end_ns);
	track(&b, g->pid, trace_tid(g->pid, id));
	jprintf(&b, ",\"args\":{\"dropped\":%" PRIu64 ",\"cap\":%u,\"output_bytes_dropped\":%" PRIu64 "}}",
		t->dropped, t->max, t->bytes_dropped);
	add_event(g, &b);
	g->file->dropped += t->dropped;
}

static void warn_dropped(const struct trace_guest *g)
{
	for (int i = 0; i < g->nr_vcpus; i++)
		if (g->cpus[i].dropped)
			err_print("%s cpu%d: --trace: %llu events dropped past the cap of %u per vCPU; the trace has the first ones",
				  g->name, i, (unsigned long long)g->cpus[i].dropped, g->cpus[i].max);
}

static void write_guest(struct trace_guest *g, uint64_t setup_begin, uint64_t teardown_begin,
			uint64_t teardown_end)
{
	uint64_t run_begin = g->cpus[0].run_begin_ns;

	tracks(g);
	span(g, "set-up", 0, setup_begin, run_begin ? run_begin : teardown_begin);
	for (int i = 0; i < g->nr_vcpus; i++)
		if (g->cpus[i].run_begin_ns)
			span(g, "run", i, g->cpus[i].run_begin_ns, g->cpus[i].run_end_ns);
	span(g, "teardown", 0, teardown_begin, teardown_end);
	for (int i = 0; i < g->nr_vcpus; i++)
		records(g, i);
	for (int i = 0; i < g->nr_vcpus; i++)
		drop_note(g, i);
	flush(g);
}

void trace_guest_finish(struct trace_guest *g, uint64_t setup_begin_ns,
			uint64_t teardown_begin_ns, uint64_t teardown_end_ns)
{
	struct trace_file *f = g->file;
	uint64_t start = f->start_ns;

	pthread_mutex_lock(&f->lock);
	if (!f->error)
		write_guest(g, setup_begin_ns - start, teardown_begin_ns - start,
			    teardown_end_ns - start);
	pthread_mutex_unlock(&f->lock);
	warn_dropped(g);
	for (int i = 0; i < g->nr_vcpus; i++) {
		free(g->cpus[i].records);
		free(g->cpus[i].bytes);
	}
	free(g->out);
	free(g);
}
