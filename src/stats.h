/* Per-guest run statistics: VM exits by reason, port-I/O exits by port, and
 * where the wall time went. Printed by --stats, written by --stats-json. */
#ifndef MINIKVM_STATS_H
#define MINIKVM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

void stats_count_exit(struct run_stats *s, uint32_t reason);
void stats_count_port(struct run_stats *s, uint16_t port, bool is_write);
/* Adds src into dst; times add too (sum of per-guest times). */
void stats_add(struct run_stats *dst, const struct run_stats *src);
const char *stats_reason_name(uint32_t reason);

uint64_t now_ns(void);

struct stats_entry {
	const char *name;
	const char *outcome; /* "halted", "exit 3", "timeout", ... */
	const struct run_stats *stats;
};

void stats_print_text(FILE *f, const struct stats_entry *entries, int n,
		      uint64_t wall_ns);
int stats_write_json(const char *path, const struct stats_entry *entries,
		     int n, uint64_t wall_ns);

#endif
