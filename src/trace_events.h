/* --trace FILE: a timeline of every VM exit that reaches user space, as
 * Chrome's Trace Event Format (the "traceEvents" array Perfetto and
 * chrome://tracing open). Why this shape: the exit path must stay cheap,
 * so each vCPU thread fills a bounded array of fixed-size records that it
 * alone owns (no allocation, no lock); the JSON is written once, when the
 * guest ends, by the guest's thread, to a file main opened before the
 * sandbox closed. One file for the run, one process per guest, one track
 * per vCPU. docs/trace.md has the format. */
#ifndef MINIKVM_TRACE_EVENTS_H
#define MINIKVM_TRACE_EVENTS_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The cap on records per vCPU (exits and output writes together); the
 * environment variable MINIKVM_TRACE_MAX_EVENTS lowers or raises it. */
#define TRACE_DEFAULT_MAX_EVENTS (1u << 18)
#define TRACE_MAX_MAX_EVENTS (1u << 24)
/* Output bytes kept per vCPU, and per write (PUTS may write many). */
#define TRACE_OUTPUT_STORE (1u << 20)
#define TRACE_OUTPUT_MAX_BYTES 4096u
/* The longest event trace_format_record writes (with its NUL). */
#define TRACE_EVENT_MAX (6u * TRACE_OUTPUT_MAX_BYTES + 512u)
/* The writer's buffer: allocated at set-up, so the end cannot fail for
 * memory. */
#define TRACE_OUT_SIZE (64u * 1024 + TRACE_EVENT_MAX)

enum trace_kind { TRACE_EXIT, TRACE_OUTPUT };
enum trace_dir { TRACE_DIR_NONE, TRACE_DIR_READ, TRACE_DIR_WRITE };

struct trace_record {
	uint64_t t_ns;	 /* when KVM_RUN returned (output: when written),
			  * since the VMM started */
	uint32_t dur_ns; /* exit: from then until handled (saturates) */
	uint16_t reason; /* exit: KVM_EXIT_*, KVM_EXIT_INTR for EINTR */
	uint8_t kind;	 /* enum trace_kind */
	uint8_t dir;	 /* exit: enum trace_dir (port I/O: in/out) */
	union {
		struct {
			uint64_t addr;	/* port, or guest-physical address */
			uint64_t value; /* written, or read (as the guest got it) */
			uint32_t count; /* port I/O repeated (rep ins/outs) */
			uint8_t size;	/* bytes of one access */
		} exit;
		struct {
			uint64_t len;	 /* bytes the guest wrote */
			uint32_t offset; /* where the kept ones are in the store */
			uint32_t kept;	 /* how many were kept (the store fills) */
		} output;
	};
};

/* One vCPU's records: filled by its thread only. */
struct trace_vcpu {
	struct trace_record *records;
	uint32_t max, used;
	uint64_t dropped;	 /* records past max */
	uint8_t *bytes;		 /* output bytes, TRACE_OUTPUT_STORE of them */
	uint32_t bytes_used;
	uint64_t bytes_dropped;	 /* output bytes not kept */
	uint64_t start_ns;	 /* when the VMM started: time 0 */
	uint64_t run_begin_ns, run_end_ns; /* its run loop, since start_ns */
};

/* The run's one file, shared by the guests (each writes under lock). */
struct trace_file {
	int fd;
	const char *path;
	bool created;	     /* did not exist before: removed if abandoned */
	pthread_mutex_t lock;
	bool any_event;	     /* under lock: the next event needs a comma */
	int error;	     /* under lock: a write's errno; 0: none */
	uint64_t dropped;    /* under lock: every guest's dropped records */
	uint32_t max_events; /* per vCPU */
	uint64_t start_ns;
};

/* A guest's vCPUs' records and where they go. */
struct trace_guest {
	struct trace_file *file;
	int pid; /* 1 + the guest's index */
	const char *name;
	int nr_vcpus;
	char *out; /* the writer's buffer, TRACE_OUT_SIZE bytes */
	size_t out_len;
	struct trace_vcpu cpus[];
};

/* main, before any guest runs: creates FILE and writes the array's head.
 * -1 after one line naming the file and why (a usage error), also for a
 * bad MINIKVM_TRACE_MAX_EVENTS. */
int trace_file_open(struct trace_file *f, const char *path, uint64_t start_ns);
/* After every guest wrote its events: the tail, and close. 0, or -1 after
 * one line (a write failed: a host error). */
int trace_file_finish(struct trace_file *f);
/* The run ended before any guest ran: closes f, and removes the file if
 * trace_file_open created it. */
void trace_file_abandon(struct trace_file *f);

/* At a guest's set-up (before the sandbox): its vCPUs' buffers; NULL
 * after one line when memory is short. */
struct trace_guest *trace_guest_new(struct trace_file *f, int index, const char *name,
				    int nr_vcpus);
/* vCPU id's records; NULL when g is NULL (tracing off). */
struct trace_vcpu *trace_guest_cpu(struct trace_guest *g, int id);
/* At the guest's end, on its thread: the guest's process, tracks, spans
 * (set-up from setup_begin_ns to vCPU 0's run, teardown), records and drop
 * notes into the file, then frees g. Times are now_ns() values. */
void trace_guest_finish(struct trace_guest *g, uint64_t setup_begin_ns,
			uint64_t teardown_begin_ns, uint64_t teardown_end_ns);

/* The vCPU thread's run loop starts and ends (t may be NULL): the run
 * span, and where this thread's output bytes are recorded. */
void trace_run_begin(struct trace_vcpu *t);
void trace_run_end(struct trace_vcpu *t);
/* The exit path: a record reserved when KVM_RUN returned (NULL when the
 * cap is reached: counted as dropped), filled once the exit is handled. */
struct trace_record *trace_exit_begin(struct trace_vcpu *t, uint64_t now_ns);
void trace_exit_end(struct trace_vcpu *t, struct trace_record *r,
		    const struct kvm_run *run, size_t run_size, bool interrupted,
		    uint64_t now_ns);

/* Guest output, from the console: recorded for the vCPU whose thread
 * writes it, when that thread is tracing (one branch otherwise). */
extern __thread struct trace_vcpu *trace_current;
void trace_record_output(struct trace_vcpu *t, const void *buf, size_t len);
static inline void trace_output(const void *buf, size_t len)
{
	if (__builtin_expect(trace_current != NULL, 0))
		trace_record_output(trace_current, buf, len);
}

/* --- the pure parts, for tests --- */
/* Fills r's exit fields from a handled exit in run (run_size bytes). */
void trace_fill_exit(struct trace_record *r, const struct kvm_run *run, size_t run_size,
		     bool interrupted);
/* One record as one JSON event (no comma, no newline) into buf, size at
 * least TRACE_EVENT_MAX; bytes: the vCPU's output store. Its length. */
size_t trace_format_record(char *buf, size_t size, const struct trace_record *r,
			   const uint8_t *bytes, int pid, int tid);
/* A complete ("X") event with no arguments: a set-up, run or teardown span. */
size_t trace_format_span(char *buf, size_t size, const char *name, int pid, int tid,
			 uint64_t begin_ns, uint64_t end_ns);
/* The track of vCPU id of the guest with this pid. */
int trace_tid(int pid, int id);

#endif
