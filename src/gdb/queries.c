/* The answers to gdb's queries that need no vCPU: what the stub supports,
 * target.xml, the thread list (one thread a vCPU), the current and
 * selected threads, and the stop reason. session.c calls them with the
 * guest stopped. */
#include <stdio.h>
#include <string.h>

#include "stub_impl.h"

/* A thread id from gdb: the vCPU index, or -1 for no such thread. */
int gdb_cpu_of_thread(const struct gdb_stub *s, int64_t thread)
{
	if (thread == GDB_THREAD_ANY || thread == GDB_THREAD_ALL)
		return s->general_cpu;
	if (thread < 1 || thread > s->ncpus)
		return -1;
	return (int)(thread - 1);
}

static void xfer_features(struct gdb_stub *s, const struct gdb_command *c)
{
	size_t len = c->length < GDB_REPLY_MAX - 1 ? (size_t)c->length : GDB_REPLY_MAX - 1;

	if (strcmp(c->annex, "target.xml") != 0) {
		gdb_reply_str(&s->reply, GDB_E_STATE);
		return;
	}
	if (c->offset >= s->xml_len) {
		gdb_reply_str(&s->reply, "l");
		return;
	}
	if (len > s->xml_len - c->offset)
		len = s->xml_len - (size_t)c->offset;
	gdb_reply_str(&s->reply, c->offset + len >= s->xml_len ? "l" : "m");
	gdb_reply_binary(&s->reply, s->xml + c->offset, len);
}

static void thread_info(struct gdb_stub *s)
{
	gdb_reply_str(&s->reply, "m");
	for (int i = 0; i < s->ncpus; i++)
		if (gdb_cpu_vcpu(s, i))
			gdb_reply_printf(&s->reply, "%s%x", i ? "," : "", i + 1);
}

static void thread_extra(struct gdb_stub *s, const struct gdb_command *c)
{
	char text[64];
	int cpu = gdb_cpu_of_thread(s, c->thread);

	snprintf(text, sizeof(text), "vCPU %d", cpu);
	gdb_reply_hex(&s->reply, text, strlen(text));
}

static void set_thread(struct gdb_stub *s, const struct gdb_command *c)
{
	int cpu = gdb_cpu_of_thread(s, c->thread);

	if (cpu < 0 || !gdb_cpu_vcpu(s, cpu)) {
		gdb_reply_str(&s->reply, GDB_E_STATE);
		return;
	}
	if (c->thread_op == 'g')
		s->general_cpu = cpu;
	else
		s->continue_cpu = c->thread == GDB_THREAD_ALL ? -1 : cpu;
	gdb_reply_str(&s->reply, "OK");
}

void gdb_query(struct gdb_stub *s, const struct gdb_command *c)
{
	switch (c->cmd) {
	case GDB_CMD_SUPPORTED:
		gdb_reply_printf(&s->reply, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
				 "QStartNoAckMode+;vContSupported+", GDB_PACKET_MAX);
		break;
	case GDB_CMD_NO_ACK_MODE: gdb_reply_str(&s->reply, "OK"); break;
	case GDB_CMD_XFER_FEATURES: xfer_features(s, c); break;
	case GDB_CMD_HALT_REASON: gdb_stop_reply(s, &s->reply); break;
	case GDB_CMD_CURRENT_THREAD: gdb_reply_printf(&s->reply, "QC%x", s->general_cpu + 1); break;
	case GDB_CMD_THREAD_INFO_FIRST: thread_info(s); break;
	case GDB_CMD_THREAD_INFO_NEXT: gdb_reply_str(&s->reply, "l"); break;
	case GDB_CMD_THREAD_EXTRA: thread_extra(s, c); break;
	case GDB_CMD_ATTACHED: gdb_reply_str(&s->reply, "1"); break;
	case GDB_CMD_SYMBOL: gdb_reply_str(&s->reply, "OK"); break;
	case GDB_CMD_VCONT_QUERY: gdb_reply_str(&s->reply, "vCont;c;C;s;S"); break;
	case GDB_CMD_SET_THREAD: set_thread(s, c); break;
	case GDB_CMD_THREAD_ALIVE:
		gdb_reply_str(&s->reply, gdb_cpu_of_thread(s, c->thread) >= 0 &&
						 gdb_cpu_vcpu(s, gdb_cpu_of_thread(s, c->thread))
					 ? "OK" : GDB_E_STATE);
		break;
	case GDB_CMD_MALFORMED: gdb_reply_str(&s->reply, GDB_E_MALFORMED); break;
	default: break; /* unsupported: the empty reply */
	}
}

