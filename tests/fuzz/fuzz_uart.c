/* Fuzz target: the 16550A model (src/dev/uart.c), checked against a small
 * model of its own written from uart.h, test_uart.c and the datasheet:
 * DLAB selects the divisor latches, SCR/LCR/MCR/IER read back what was
 * written (IER and MCR masked), LSR's DR bit says whether a byte can be
 * read and OE reports a loopback overrun once, bytes come out of RBR in
 * the order they went in (host input, or THR in loopback), THR bytes
 * reach the console in order, MSR follows the modem lines with its delta
 * bits, IIR names the highest-priority pending source and reading it
 * acknowledges THRE, and the interrupt line (gated by OUT2) changes only
 * when it should. Any disagreement traps.
 *
 * Input: a config byte (bit 0 host input connected, bit 1 RTS flow
 * control, bit 2 no console output), then operations, each an op byte:
 *   00rrr...  write register r, the value in the next byte
 *   01rrr...  read register r
 *   101nnnnn  n + 1 bytes of host input follow (the console's pipe)
 *   1001....  host input ends (the pipe's write end closes: EOF)
 *   1000....  uart_input_changed(), as the input thread calls it
 *   11wllrrr  a bus access at port 0x3f8 + r of 1 << ll bytes (at most 4),
 *             a write if w, its bytes following */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "../../src/dev/uart.h"
#include "support.h"
#include "uart_model.h"

struct rig {
	struct uart u;
	struct console_out out;
	struct console_in in;
	struct bus pio;
	int out_pipe[2], in_pipe[2];
	int irq_level;
	struct uart_model m; /* last: rig_open() clears what comes before */
};

/* Static: the model's host-input queue is larger than a stack frame
 * should be. Set up afresh for each input. */
static struct rig rig;

static void record_irq(void *opaque, int level)
{
	struct rig *r = opaque;

	/* The line is driven only when it changes. */
	FUZZ_CHECK(level != r->irq_level);
	r->irq_level = level;
}

static int rig_open(struct rig *r, uint8_t config)
{
	memset(r, 0, offsetof(struct rig, m));
	r->out_pipe[0] = r->out_pipe[1] = r->in_pipe[0] = r->in_pipe[1] = -1;
	if (fuzz_pipe(r->out_pipe) < 0 || fuzz_pipe(r->in_pipe) < 0)
		return -1;
	console_out_init(&r->out, r->out_pipe[1], NULL, NULL);
	console_in_init(&r->in, r->in_pipe[0], NULL);
	uart_init(&r->u, (config & 4) ? NULL : &r->out, (config & 1) ? &r->in : NULL);
	r->u.input_needs_rts = config & 2;
	r->u.set_irq = record_irq;
	r->u.irq_opaque = r;
	bus_init(&r->pio);
	uart_model_init(&r->m, config & 1, config & 2, !(config & 4));
	return uart_register(&r->u, &r->pio, UART_COM1_BASE);
}

static void rig_close(struct rig *r)
{
	for (int i = 0; i < 2; i++) {
		fuzz_close(&r->out_pipe[i]);
		fuzz_close(&r->in_pipe[i]);
	}
	pthread_mutex_destroy(&r->u.lock);
	pthread_mutex_destroy(&r->out.line_lock);
	pthread_mutex_destroy(&r->in.lock);
	pthread_cond_destroy(&r->in.taken);
}

/* What the console got since the last look is what the model sent. */
static void check_output(struct rig *r)
{
	uint8_t got[16];
	size_t n = fuzz_drain(r->out_pipe[0], got, sizeof(got));

	FUZZ_CHECK(n == r->m.sent_len && memcmp(got, r->m.sent, n) == 0);
	r->m.sent_len = 0;
}

static void host_input(struct rig *r, struct fuzz_in *in, unsigned n)
{
	size_t len;
	const uint8_t *bytes = fuzz_bytes(in, n, &len);
	ssize_t put;

	if (len > uart_model_host_room(&r->m))
		len = uart_model_host_room(&r->m);
	if (r->m.host_closed || len == 0)
		return;
	put = write(r->in_pipe[1], bytes, len);
	if (put > 0)
		uart_model_host_bytes(&r->m, bytes, (size_t)put);
}

/* A bus access of 1, 2 or 4 bytes from one of the eight ports: each byte
 * is the next register, as on the ISA bus; past the last, all ones. */
static void bus_op(struct rig *r, struct fuzz_in *in, uint8_t op)
{
	unsigned reg = op & 7, len = 1u << ((op >> 3) & 3);
	bool is_write = op & 0x20;
	uint8_t data[4];

	len = len > 4 ? 4 : len;
	for (unsigned i = 0; i < len; i++)
		data[i] = is_write ? fuzz_u8(in) : 0;
	bus_access(&r->pio, NULL, UART_COM1_BASE + reg, data, len, is_write);
	for (unsigned i = 0; i < len; i++) {
		if (reg + i >= UART_NR_PORTS)
			FUZZ_CHECK(is_write || data[i] == 0xff);
		else if (is_write)
			uart_model_write(&r->m, reg + i, data[i]);
		else
			FUZZ_CHECK(data[i] == uart_model_read(&r->m, reg + i));
	}
}

static void step(struct rig *r, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);

	switch (op >> 6) {
	case 0: { /* write a register */
		uint8_t value = fuzz_u8(in);

		uart_write(&r->u, op & 7, value);
		uart_model_write(&r->m, op & 7, value);
		break;
	}
	case 1: /* read a register */
		FUZZ_CHECK(uart_read(&r->u, op & 7) == uart_model_read(&r->m, op & 7));
		break;
	case 2:
		if (op & 0x20) {
			host_input(r, in, (op & 0x1f) + 1);
		} else if (op & 0x10) {
			fuzz_close(&r->in_pipe[1]);
			r->m.host_closed = true;
		} else {
			uart_input_changed(&r->u);
			uart_model_input_changed(&r->m);
		}
		break;
	default:
		bus_op(r, in, op);
		break;
	}
	FUZZ_CHECK(r->irq_level == r->m.irq_level);
	check_output(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	if (rig_open(&rig, fuzz_u8(&in)) == 0)
		while (in.n > 0)
			step(&rig, &in);
	rig_close(&rig);
	return 0;
}
