/* The fuzz_uart target's reference: the 16550A's documented register
 * behaviour (uart.h's comments, test_uart.c, the datasheet), kept apart
 * from src/dev/uart.c so the two can disagree. It knows the bytes the
 * host has sent that the guest has not read, and the bytes the guest sent
 * that the console has not been checked for. */
#ifndef MINIKVM_FUZZ_UART_MODEL_H
#define MINIKVM_FUZZ_UART_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* More than the console's buffer and a pipe together can hold. */
#define UART_MODEL_HOST_MAX (1u << 17)

struct uart_model {
	bool has_in, needs_rts, has_out;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr, msr;
	bool overrun, thre_pending;
	uint8_t loop[16]; /* loopback receive FIFO */
	unsigned loop_head, loop_count;
	size_t host_head, host_len;
	bool host_closed;
	uint8_t sent[16]; /* THR bytes for the console, not yet compared */
	size_t sent_len;
	int irq_level; /* as the model last drove the line */
	uint8_t host[UART_MODEL_HOST_MAX]; /* host input, a ring; last */
};

void uart_model_init(struct uart_model *m, bool has_in, bool needs_rts, bool has_out);
uint8_t uart_model_read(struct uart_model *m, unsigned reg);
void uart_model_write(struct uart_model *m, unsigned reg, uint8_t value);
void uart_model_input_changed(struct uart_model *m);
/* Host input of len bytes, at most uart_model_host_room(). */
void uart_model_host_bytes(struct uart_model *m, const uint8_t *p, size_t len);
size_t uart_model_host_room(const struct uart_model *m);

#endif
