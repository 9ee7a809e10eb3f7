/* --trace's recording half: the run's file, opened by main before any
 * guest runs, and each vCPU's bounded record array, filled on the exit path
 * by the vCPU's own thread without allocation or lock. The JSON half is
 * trace_json.c. */
#include "trace_events.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "stats.h"

__thread struct trace_vcpu *trace_current;

#define TRACE_HEAD "{\"traceEvents\":[\n"

/* MINIKVM_TRACE_MAX_EVENTS, or the default; 0 when it is not a number
 * from 1 to TRACE_MAX_MAX_EVENTS. */
static uint32_t max_events_from_env(void)
{
	const char *text = getenv("MINIKVM_TRACE_MAX_EVENTS");
	char *end;
	unsigned long long n;

	if (!text)
		return TRACE_DEFAULT_MAX_EVENTS;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || end == text || *end || *text == '-' || n < 1 || n > TRACE_MAX_MAX_EVENTS)
		return 0;
	return (uint32_t)n;
}

/* The whole of buf to fd, or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int trace_file_open(struct trace_file *f, const char *path, uint64_t start_ns)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->path = path;
	f->start_ns = start_ns;
	f->max_events = max_events_from_env();
	if (!f->max_events)
		return throw_err(-1, "MINIKVM_TRACE_MAX_EVENTS '%s': need a number of events from 1 to %u",
				 getenv("MINIKVM_TRACE_MAX_EVENTS"), TRACE_MAX_MAX_EVENTS);
	f->created = access(path, F_OK) != 0;
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0)
		return throw_err(-1, "--trace '%s': cannot create the file:", path);
	pthread_mutex_init(&f->lock, NULL);
	if (write_all(f->fd, TRACE_HEAD, strlen(TRACE_HEAD)) < 0) {
		err_print("--trace '%s': cannot write the file:", path);
		trace_file_abandon(f);
		return -1;
	}
	return 0;
}

int trace_file_finish(struct trace_file *f)
{
	char tail[256];
	int n = snprintf(tail, sizeof(tail),
			 "\n],\n\"displayTimeUnit\":\"ms\",\n"
			 "\"otherData\":{\"producer\":\"kvm-vmm " VMM_VERSION "\","
			 "\"dropped_events\":%llu}\n}\n",
			 (unsigned long long)f->dropped);
	int error = f->error;

	if (!error && write_all(f->fd, tail, (size_t)n) < 0)
		error = errno;
	if (close(f->fd) < 0 && !error)
		error = errno;
	f->fd = -1;
	pthread_mutex_destroy(&f->lock);
	if (error) {
		errno = error;
		return throw_err(-1, "%s: cannot write the trace (--trace):", f->path);
	}
	return 0;
}

void trace_file_abandon(struct trace_file *f)
{
	if (f->fd < 0)
		return;
	close(f->fd);
	f->fd = -1;
	pthread_mutex_destroy(&f->lock);
	if (f->created)
		unlink(f->path);
}

struct trace_guest *trace_guest_new(struct trace_file *f, int index, const char *name,
				    int nr_vcpus)
{
	struct trace_guest *g = calloc(1, sizeof(*g) + (size_t)nr_vcpus * sizeof(g->cpus[0]));

	if (!g)
		goto oom;
	g->file = f;
	g->pid = index + 1;
	g->name = name;
	g->nr_vcpus = nr_vcpus;
	g->out = malloc(TRACE_OUT_SIZE);
	if (!g->out)
		goto oom;
	for (int i = 0; i < nr_vcpus; i++) {
		struct trace_vcpu *t = &g->cpus[i];

		t->max = f->max_events;
		t->start_ns = f->start_ns;
		t->records = calloc(t->max, sizeof(t->records[0]));
		t->bytes = malloc(TRACE_OUTPUT_STORE);
		if (!t->records || !t->bytes)
			goto oom;
	}
	return g;
oom:
	err_print("%s: out of memory for the trace's buffers (--trace)", name);
	for (int i = 0; g && i < nr_vcpus; i++) {
		free(g->cpus[i].records);
		free(g->cpus[i].bytes);
	}
	if (g)
		free(g->out);
	free(g);
	return NULL;
}

struct trace_vcpu *trace_guest_cpu(struct trace_guest *g, int id)
{
	return g && id >= 0 && id < g->nr_vcpus ? &g->cpus[id] : NULL;
}

void trace_run_begin(struct trace_vcpu *t)
{
	trace_current = t;
	if (t)
		t->run_begin_ns = now_ns() - t->start_ns;
}

void trace_run_end(struct trace_vcpu *t)
{
	trace_current = NULL;
	if (t)
		t->run_end_ns = now_ns() - t->start_ns;
}

/* The next record, or NULL (counted) once the cap is reached. */
static struct trace_record *take_record(struct trace_vcpu *t)
{
	if (t->used == t->max) {
		t->dropped++;
		return NULL;
	}
	return &t->records[t->used++];
}

struct trace_record *trace_exit_begin(struct trace_vcpu *t, uint64_t now)
{
	struct trace_record *r = take_record(t);

	if (r) {
		r->kind = TRACE_EXIT;
		r->t_ns = now - t->start_ns;
	}
	return r;
}

void trace_exit_end(struct trace_vcpu *t, struct trace_record *r,
		    const struct kvm_run *run, size_t run_size, bool interrupted,
		    uint64_t now)
{
	uint64_t dur;

	if (!r)
		return;
	trace_fill_exit(r, run, run_size, interrupted);
	dur = now - t->start_ns - r->t_ns;
	r->dur_ns = dur > UINT32_MAX ? UINT32_MAX : (uint32_t)dur;
}

void trace_record_output(struct trace_vcpu *t, const void *buf, size_t len)
{
	struct trace_record *r = take_record(t);
	size_t keep = len < TRACE_OUTPUT_MAX_BYTES ? len : TRACE_OUTPUT_MAX_BYTES;

	if (!r)
		return;
	if (keep > TRACE_OUTPUT_STORE - t->bytes_used)
		keep = TRACE_OUTPUT_STORE - t->bytes_used;
	r->kind = TRACE_OUTPUT;
	r->t_ns = now_ns() - t->start_ns;
	r->output.len = len;
	r->output.offset = t->bytes_used;
	r->output.kept = (uint32_t)keep;
	memcpy(t->bytes + t->bytes_used, buf, keep);
	t->bytes_used += (uint32_t)keep;
	t->bytes_dropped += len - keep;
}

static uint64_t le_value(const uint8_t *data, uint32_t len)
{
	uint64_t v = 0;

	memcpy(&v, data, len < sizeof(v) ? len : sizeof(v));
	return v;
}

/* Port I/O: the first access's value, if the run area holds it. */
static void fill_io(struct trace_record *r, const struct kvm_run *run, size_t run_size)
{
	r->dir = run->io.direction == KVM_EXIT_IO_OUT ? TRACE_DIR_WRITE : TRACE_DIR_READ;
	r->exit.addr = run->io.port;
	r->exit.size = run->io.size;
	r->exit.count = run->io.count;
	if (run->io.size <= 8 && run->io.data_offset <= run_size &&
	    run->io.size <= run_size - run->io.data_offset)
		r->exit.value = le_value((const uint8_t *)run + run->io.data_offset, run->io.size);
}

void trace_fill_exit(struct trace_record *r, const struct kvm_run *run, size_t run_size,
		     bool interrupted)
{
	r->kind = TRACE_EXIT;
	r->dir = TRACE_DIR_NONE;
	memset(&r->exit, 0, sizeof(r->exit));
	if (interrupted) {
		r->reason = KVM_EXIT_INTR;
		return;
	}
	r->reason = run->exit_reason > UINT16_MAX ? UINT16_MAX : (uint16_t)run->exit_reason;
	if (run->exit_reason == KVM_EXIT_IO) {
		fill_io(r, run, run_size);
	} else if (run->exit_reason == KVM_EXIT_MMIO) {
		uint32_t len = run->mmio.len <= 8 ? run->mmio.len : 8;

		r->dir = run->mmio.is_write ? TRACE_DIR_WRITE : TRACE_DIR_READ;
		r->exit.addr = run->mmio.phys_addr;
		r->exit.size = (uint8_t)len;
		r->exit.value = le_value(run->mmio.data, len);
	}
}
