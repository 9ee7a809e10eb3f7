/* The host side of a guest's console: where its output goes and where its
 * input comes from. Devices (UART, hypercalls) write and read through these,
 * never through stdio, so output is never held in a buffer a fault could lose. */
#ifndef MINIKVM_CONSOLE_H
#define MINIKVM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console_out {
	int fd;
	/* With a tag, output is cut into lines and each line is written whole,
	 * prefixed "[tag] ", so concurrent guests stay readable. */
	const char *tag;
	pthread_mutex_t *lock; /* shared by every guest writing to fd */
	char line[1024];
	size_t line_len;
	uint64_t bytes; /* bytes the guest produced, for statistics */
};

void console_out_init(struct console_out *out, int fd, const char *tag,
		      pthread_mutex_t *lock);
void console_out_write(struct console_out *out, const void *buf, size_t len);
/* Ends a pending tagged line; called when the guest stops. */
void console_out_flush(struct console_out *out);

struct console_in {
	int fd; /* -1: this guest has no input */
	/* Taken by every console_in_* call: the vCPU thread (UART, GETCHAR)
	 * and the input thread of an interrupt-driven guest both read. */
	pthread_mutex_t lock;
	/* Signalled when the guest takes the last buffered byte. */
	pthread_cond_t taken;
	uint8_t buf[4096];
	size_t pos, len;
	bool eof;
	/* At a terminal, Ctrl-A X asks to quit (as in QEMU) and Ctrl-A Ctrl-A
	 * sends one Ctrl-A; quit_requested is then set and input ends. */
	bool escapes;
	bool escape_pending;
	volatile bool quit_requested;
	/* Checked while blocked waiting for input, so a stop request ends the
	 * wait within one poll interval. */
	const volatile bool *cancel;
};

void console_in_init(struct console_in *in, int fd, const volatile bool *cancel);
/* 1 and *byte set: a byte. 0: none yet (after waiting up to timeout_ms; -1
 * waits until a byte, EOF or cancel). -1: end of input, or cancelled. */
int console_in_getc(struct console_in *in, uint8_t *byte, int timeout_ms);
/* True when a byte can be taken without waiting. */
bool console_in_ready(struct console_in *in);
/* True when the buffer holds bytes the guest has not taken yet. */
bool console_in_pending(struct console_in *in);
/* Waits up to timeout_ms while the buffer holds bytes the guest has not
 * taken, so that a thread watching for more input sleeps instead of
 * polling (every wake-up of a host thread can preempt a vCPU). */
void console_in_wait_taken(struct console_in *in, int timeout_ms);
bool console_in_eof(struct console_in *in);
/* True once no byte will ever come: EOF reached and everything consumed. */
bool console_in_closed(struct console_in *in);

#endif
