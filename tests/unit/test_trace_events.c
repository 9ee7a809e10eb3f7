/* --trace without /dev/kvm: exits read from a run area the test fills, as
 * KVM would, become the exact JSON events docs/trace.md shows; the cap
 * drops and counts; and a whole file written through the writer is valid
 * JSON (python3 -m json.tool) that tools/trace-svg draws. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/stats.h"
#include "../../src/trace_events.h"
#include "harness.h"
#include "minikvm/abi.h"

#define AREA 4096
#define DATA 1024

static struct kvm_run *io_area(uint16_t port, bool out, uint8_t size, uint32_t value)
{
	struct kvm_run *run = calloc(1, AREA);

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.port = port;
	run->io.size = size;
	run->io.count = 1;
	run->io.data_offset = DATA;
	memcpy((uint8_t *)run + DATA, &value, sizeof(value));
	return run;
}

/* The event trace_format_record writes for run's exit at 1.5 µs, 250 ns long. */
static const char *event_of(const struct kvm_run *run, bool interrupted)
{
	static char buf[TRACE_EVENT_MAX];
	struct trace_record r = { .t_ns = 1500, .dur_ns = 250 };

	trace_fill_exit(&r, run, AREA, interrupted);
	trace_format_record(buf, sizeof(buf), &r, NULL, 1, trace_tid(1, 0));
	return buf;
}

#define TS ",\"ts\":1.500,\"dur\":0.250,\"pid\":1,\"tid\":100"

TEST(trace_port_io_events)
{
	struct kvm_run *run = io_area(UART_COM1_BASE, true, 1, 'H');

	CHECK(strcmp(event_of(run, false),
		     "{\"name\":\"IO out 0x3f8\",\"cat\":\"exit\",\"ph\":\"X\"" TS
		     ",\"args\":{\"reason\":\"IO\",\"port\":\"0x3f8\",\"port_name\":\"COM1 THR/RBR\","
		     "\"direction\":\"out\",\"size\":1,\"value\":\"0x48\"}}") == 0);
	free(run);
	run = io_area(UART_COM1_BASE + 5, false, 1, 0x60);
	CHECK(strcmp(event_of(run, false),
		     "{\"name\":\"IO in 0x3fd\",\"cat\":\"exit\",\"ph\":\"X\"" TS
		     ",\"args\":{\"reason\":\"IO\",\"port\":\"0x3fd\",\"port_name\":\"COM1 LSR\","
		     "\"direction\":\"in\",\"size\":1,\"value\":\"0x60\"}}") == 0);
	free(run);
	/* A port --stats does not name; a rep outs of 3 words. */
	run = io_area(0x1234, true, 2, 0xbeef);
	run->io.count = 3;
	CHECK(strcmp(event_of(run, false),
		     "{\"name\":\"IO out 0x1234\",\"cat\":\"exit\",\"ph\":\"X\"" TS
		     ",\"args\":{\"reason\":\"IO\",\"port\":\"0x1234\",\"port_name\":null,"
		     "\"direction\":\"out\",\"size\":2,\"value\":\"0xbeef\",\"count\":3}}") == 0);
	/* Data outside the run area is never read: the value is 0. */
	run->io.data_offset = AREA - 1;
	run->io.count = 1;
	CHECK(strstr(event_of(run, false), "\"value\":\"0x0000\"") != NULL);
	free(run);
}

TEST(trace_hypercalls_are_named)
{
	struct kvm_run *run = io_area(HC_PORT, true, 2, HC_PUTCHAR);

	CHECK(strcmp(event_of(run, false),
		     "{\"name\":\"IO out 0x500 PUTCHAR\",\"cat\":\"exit\",\"ph\":\"X\"" TS
		     ",\"args\":{\"reason\":\"IO\",\"port\":\"0x500\",\"port_name\":\"hypercall\","
		     "\"direction\":\"out\",\"size\":2,\"value\":\"0x0001\",\"hypercall\":\"PUTCHAR\"}}") == 0);
	free(run);
	run = io_area(HC_PORT, true, 2, 0x77);
	CHECK(strstr(event_of(run, false), "\"name\":\"IO out 0x500 unknown\"") != NULL);
	CHECK(strstr(event_of(run, false), "\"hypercall\":\"unknown\"}}") != NULL);
	free(run);
	/* An IN from the port reads GETCHAR's result: no call is made. */
	run = io_area(HC_PORT, false, 1, 0x61);
	CHECK(strstr(event_of(run, false), "\"hypercall\":") == NULL);
	free(run);
}

TEST(trace_mmio_and_other_exits)
{
	struct kvm_run *run = calloc(1, AREA);
	uint32_t value = 0x12345678;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = 0xff000010;
	run->mmio.len = 4;
	memcpy(run->mmio.data, &value, 4);
	CHECK(strcmp(event_of(run, false),
		     "{\"name\":\"MMIO read 0xff000010\",\"cat\":\"exit\",\"ph\":\"X\"" TS
		     ",\"args\":{\"reason\":\"MMIO\",\"address\":\"0xff000010\",\"direction\":\"read\","
		     "\"size\":4,\"value\":\"0x12345678\"}}") == 0);
	run->mmio.is_write = 1;
	CHECK(strstr(event_of(run, false), "\"name\":\"MMIO write 0xff000010\"") != NULL);
	run->exit_reason = KVM_EXIT_HLT;
	CHECK(strcmp(event_of(run, false), "{\"name\":\"HLT\",\"cat\":\"exit\",\"ph\":\"X\"" TS
		     ",\"args\":{\"reason\":\"HLT\"}}") == 0);
	/* KVM_RUN interrupted by a signal: whatever the area still says. */
	CHECK(strcmp(event_of(run, true), "{\"name\":\"INTR\",\"cat\":\"exit\",\"ph\":\"X\"" TS
		     ",\"args\":{\"reason\":\"INTR\"}}") == 0);
	free(run);
}

TEST(trace_output_bytes_escaped)
{
	static char buf[TRACE_EVENT_MAX];
	const uint8_t bytes[] = "xa\"\\\n\x01\xff";
	struct trace_record r = { .kind = TRACE_OUTPUT, .t_ns = 2000001 };

	r.output.offset = 1;
	r.output.kept = 6;
	r.output.len = 6;
	trace_format_record(buf, sizeof(buf), &r, bytes, 2, trace_tid(2, 1));
	CHECK(strcmp(buf, "{\"name\":\"output\",\"cat\":\"output\",\"ph\":\"i\",\"s\":\"t\","
			  "\"ts\":2000.001,\"pid\":2,\"tid\":201,"
			  "\"args\":{\"bytes\":\"a\\\"\\\\\\n\\u0001\\u00ff\",\"len\":6}}") == 0);
	r.output.len = 100;
	trace_format_record(buf, sizeof(buf), &r, bytes, 2, trace_tid(2, 1));
	CHECK(strstr(buf, "\"len\":100,\"truncated\":true}}") != NULL);
	trace_format_span(buf, sizeof(buf), "run", 1, 100, 999, 12345678);
	CHECK(strcmp(buf, "{\"name\":\"run\",\"cat\":\"guest\",\"ph\":\"X\",\"ts\":0.999,"
			  "\"dur\":12344.679,\"pid\":1,\"tid\":100}") == 0);
}

TEST(trace_cap_drops_and_counts)
{
	struct trace_record records[2];
	static uint8_t store[TRACE_OUTPUT_STORE];
	struct trace_vcpu t = { .records = records, .max = 2, .bytes = store, .start_ns = 100 };
	struct kvm_run *run = io_area(UART_COM1_BASE, true, 1, 'A');
	struct trace_record *r = trace_exit_begin(&t, 1100);

	CHECK(r != NULL);
	trace_exit_end(&t, r, run, AREA, false, 1600);
	CHECK(r && r->t_ns == 1000 && r->dur_ns == 500 && r->exit.value == 'A');
	trace_record_output(&t, "A", 1);
	CHECK_EQ(t.used, 2);
	CHECK(trace_exit_begin(&t, 2000) == NULL);
	trace_exit_end(&t, NULL, run, AREA, false, 2100); /* a dropped one: no-op */
	trace_record_output(&t, "B", 1);
	CHECK_EQ(t.dropped, 2);
	CHECK_EQ(t.used, 2);
	CHECK(records[1].kind == TRACE_OUTPUT && store[records[1].output.offset] == 'A');
	free(run);
}

/* fmt run by the shell with the file's path for each %s: its status (0:
 * fine), or -1 where python3 is missing. */
static int shell(const char *fmt, const char *path)
{
	char cmd[512];

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), fmt, path, path, path);
	return system(cmd);
}

static void write_sample(struct trace_file *f)
{
	struct trace_guest *g = trace_guest_new(f, 0, "two\"cpus.elf", 2);
	struct kvm_run *run = io_area(HC_PORT, true, 2, HC_PUTS);

	CHECK(g != NULL);
	if (!g)
		return;
	for (int cpu = 0; cpu < 2; cpu++) {
		struct trace_vcpu *t = trace_guest_cpu(g, cpu);

		trace_run_begin(t);
		for (int i = 0; i < 3; i++) {
			struct trace_record *r = trace_exit_begin(t, now_ns());

			trace_output("hi\n", 3);
			trace_exit_end(t, r, run, AREA, i == 2, now_ns());
		}
		trace_run_end(t);
	}
	CHECK(trace_guest_cpu(g, 2) == NULL && trace_guest_cpu(NULL, 0) == NULL);
	trace_guest_finish(g, f->start_ns + 10, now_ns(), now_ns() + 1000);
	free(run);
}

#define TRACE_START "{\"traceEvents\":[\n{\"name\":\"process_name\""

TEST(trace_file_is_json_and_renders)
{
	char path[] = "/tmp/minikvm-trace-XXXXXX";
	int fd = mkstemp(path);
	struct trace_file f;
	static char text[65536];
	ssize_t n;

	CHECK(fd >= 0);
	close(fd);
	unsetenv("MINIKVM_TRACE_MAX_EVENTS");
	CHECK(trace_file_open(&f, path, now_ns()) == 0);
	CHECK_EQ(f.max_events, TRACE_DEFAULT_MAX_EVENTS);
	write_sample(&f);
	CHECK(trace_file_finish(&f) == 0);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	CHECK(n > 0);
	text[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	CHECK(strncmp(text, TRACE_START, strlen(TRACE_START)) == 0);
	CHECK(strstr(text, "\"args\":{\"name\":\"two\\\"cpus.elf\"}") != NULL);
	CHECK(strstr(text, "\"name\":\"cpu1\"") != NULL);
	CHECK(strstr(text, "\"name\":\"IO out 0x500 PUTS\"") != NULL);
	CHECK(strstr(text, "\"dropped_events\":0}\n}\n") != NULL);
	CHECK(shell("python3 -m json.tool %s >/dev/null", path) <= 0);
	CHECK(shell("python3 tools/trace-svg %s >%s.svg && python3 -c "
		    "'import sys, xml.dom.minidom as m; m.parse(sys.argv[1] + \".svg\")' %s", path) <= 0);
	snprintf(text, sizeof(text), "%s.svg", path);
	unlink(text);
	unlink(path);
}

TEST(trace_file_refusals)
{
	struct trace_file f;

	CHECK(trace_file_open(&f, "/nonexistent-dir/trace.json", 0) < 0);
	trace_file_abandon(&f);
	setenv("MINIKVM_TRACE_MAX_EVENTS", "0", 1);
	CHECK(trace_file_open(&f, "/dev/null", 0) < 0);
	setenv("MINIKVM_TRACE_MAX_EVENTS", "12x", 1);
	CHECK(trace_file_open(&f, "/dev/null", 0) < 0);
	setenv("MINIKVM_TRACE_MAX_EVENTS", "5", 1);
	CHECK(trace_file_open(&f, "/dev/null", 0) == 0);
	CHECK_EQ(f.max_events, 5);
	trace_file_abandon(&f);
	unsetenv("MINIKVM_TRACE_MAX_EVENTS");
}
