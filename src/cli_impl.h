/* What cli.c's parts share and nothing else: cli.c reads the options into
 * struct options, cli_options.c has the option table and knows how each
 * option was typed (for the errors, in the user's words), cli_values.c
 * reads the options' values. */
#ifndef MINIKVM_CLI_IMPL_H
#define MINIKVM_CLI_IMPL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

enum {
	OPT_TAG = 0x100,
	OPT_STATS,
	OPT_STATS_JSON,
	OPT_TIMEOUT,
	OPT_DEBUG_IO,
	OPT_PAGING,
	OPT_COALESCED_IO,
	OPT_LONG_MODE,
	OPT_LOAD,
	OPT_ENTRY,
	OPT_DUMP_REGS,
	OPT_DUMP_MEM,
	OPT_DEVICE,
	OPT_CPU,
	OPT_GDB,
	OPT_GDB_WAIT,
	OPT_SERIAL,
	OPT_NOGRAPHIC,
	OPT_NO_SANDBOX,
	OPT_TRACE,
	OPT_BOOT_ENTRY,
	OPT_HUGE_PAGES,
};

#define CLI_SHORT_OPTIONS ":hVvm:p:k:i:c:"

/* getopt_long's table: every long option, its letter or OPT_ value. */
extern const struct option cli_long_options[];

/* A usage error: one line, fmt with arg, then the "Try 'kvm-vmm --help'"
 * line; returns STATUS_USAGE. The second takes a reason too. */
int cli_usage_error(const char *fmt, const char *arg);
int cli_usage_error2(const char *fmt, const char *arg, const char *why);
/* "invalid --mem '1X': why", then the --help line; STATUS_USAGE. */
int cli_invalid_value(const char *name, const char *value, const char *why);

/* QEMU's words become "--" options; option arguments are left alone
 * ("-p -kernel" is the command line "-kernel"), as is all after "--". */
void cli_rewrite_qemu_spellings(int argc, char **argv);
/* The "-kernel" the user typed, where argv holds our "--kernel". */
const char *cli_as_typed(const char *arg);
/* The argv word getopt just read its option from, optind_before being
 * optind before that getopt_long call. */
const char *cli_current_word(char **argv, int argc, int optind_before);
/* The report for getopt's '?' on word: unknown, ambiguous, or a value
 * given to an option that takes none; returns STATUS_USAGE. */
int cli_bad_option(const char *word, int c);
/* The option as typed, for the messages about its value: "--mem" of
 * "--mem=1X", "-smp", "-c". */
const char *cli_option_name(char **argv, int c, int longindex, char *buf, size_t size);

/* A whole number from 1 to max; 0 on success. */
int cli_parse_count(const char *text, int max, int *count);
/* An address: decimal, or hex with 0x; 0 on success. */
int cli_parse_address(const char *text, uint64_t *addr);

#endif
