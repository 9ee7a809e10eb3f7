/* Per-guest run statistics: VM exits by reason, port-I/O exits by port, and
 * where the wall time went. Printed by --stats, written by --stats-json. */
#ifndef MINIKVM_STATS_H
#define MINIKVM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm.h"

#define STATS_MAX_REASON 64 /* KVM_EXIT_* values are below this */
#define STATS_MAX_PORTS 32

struct port_count {
	uint16_t port;
	uint64_t in, out;
};

struct run_stats {
	uint64_t exits; /* every return of KVM_RUN, including interrupted ones */
	uint64_t by_reason[STATS_MAX_REASON];
	struct port_count ports[STATS_MAX_PORTS];
	int nports;
	uint64_t other_port_exits; /* ports beyond the table */
	uint64_t coalesced_writes; /* queued by KVM, replayed without an exit */
	uint64_t setup_ns;	  /* /dev/kvm opened -> first KVM_RUN */
	uint64_t run_ns;	  /* first KVM_RUN -> guest stopped */
	uint64_t teardown_ns;	  /* guest stopped -> VM closed */
};

/* Counting, by the one thread that owns s; another thread may meanwhile
 * read s through stats_add or stats_snapshot (Ctrl-A S), never a plain
 * copy. setup_ns, run_ns and teardown_ns are set with stats_set_ns. */
void stats_count_exit(struct run_stats *s, uint32_t reason);
void stats_count_port(struct run_stats *s, uint16_t port, bool is_write);
void stats_count_coalesced(struct run_stats *s);
void stats_set_ns(uint64_t *field, uint64_t ns);
/* Adds src into dst; times add too (sum of per-guest times). dst's owner
 * calls it; src may be counting meanwhile on its own thread. */
void stats_add(struct run_stats *dst, const struct run_stats *src);
/* dst = src, read as stats_add reads it. */
void stats_snapshot(struct run_stats *dst, const struct run_stats *src);
const char *stats_reason_name(uint32_t reason);

uint64_t now_ns(void);

struct stats_entry {
	const char *name;
	const char *outcome; /* "halted", "exit 3", "timeout", ... */
	const struct run_stats *stats;
	/* The guest's RAM (0 for a total) and how the host maps it (vm.c). */
	uint64_t ram_bytes;
	enum vm_ram_mapping ram_mapping;
};

/* What a port is on kvm-vmm's machines, "COM1 THR/RBR", "hypercall",
 * "isa-debug-exit", ...; NULL for a port it does not know. */
const char *stats_port_name(uint16_t port);

void stats_print_text(FILE *f, const struct stats_entry *entries, int n,
		      uint64_t wall_ns);

/* The JSON report's layout version, its "format" field. 2: ports as hex
 * strings ("0x3f8") with their names; 1 (unversioned): ports as numbers. */
#define STATS_JSON_FORMAT 2

/* The JSON report on f (not closed):
 *   {"format": 2, "guests": [{"name": ..., "outcome": ..., <counts>}, ...],
 *    "total": {<counts>}, "wall_ns": N}
 * <counts>: "exits" (to user space), "exits_by_reason" {"IO": N, ...},
 * "io_ports" [{"port": "0x3f8", "name": "COM1 THR/RBR" or null, "in": N,
 * "out": N}, ...], "other_port_exits", "coalesced_writes", "setup_ns",
 * "run_ns", "teardown_ns". Strings are escaped and valid UTF-8 whatever
 * the names hold (a byte that is not UTF-8 becomes U+FFFD). */
void stats_json_print(FILE *f, const struct stats_entry *entries, int n,
		      uint64_t wall_ns);
/* Opens --stats-json's file before anything runs: "-" is stdout. NULL
 * after one line naming the file and why; *created tells whether the
 * file did not exist before (stats_json_abandon removes it then). */
FILE *stats_json_open(const char *path, bool *created);
/* Writes the report to f and closes it (stdout: flushes it); 0, or -1
 * after one line naming the file. */
int stats_json_finish(FILE *f, const char *path, const struct stats_entry *entries,
		      int n, uint64_t wall_ns);
/* The run ended before there was a report: closes f, and removes the
 * file if stats_json_open created it. */
void stats_json_abandon(FILE *f, const char *path, bool created);

#endif
