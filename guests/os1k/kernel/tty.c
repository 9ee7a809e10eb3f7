/* Console input: the UART's receiver, interrupt-driven, and a line
 * discipline (echo, backspace/DEL, Enter ends a line, ^D at the start of a
 * line ends one read).
 *
 * Input is taken from the UART only while a process waits in read(), and
 * only up to the end of one line; the rest stays in the UART (and the
 * VMM's stdin) until the next read.  That is flow control, and it is what
 * makes a scripted session deterministic: each line is echoed right after
 * the prompt that asked for it, never ahead of the program's output.
 *
 * End of input: kvm-vmm drops MSR.DCD (carrier detect) once its stdin is
 * at end-of-file and every byte was read.  The modem-status interrupt stays
 * enabled so a reader waiting for input hears about it. */
#include "kernel.h"
#include "io.h"
#include "proc.h"

/* The 16550A's registers, at UART_COM1_BASE (minikvm/abi.h, via io.h) */
#define UART_RBR	(UART_COM1_BASE + 0)
#define UART_IER	(UART_COM1_BASE + 1)
#define UART_IIR	(UART_COM1_BASE + 2)
#define UART_LSR	(UART_COM1_BASE + 5)
#define UART_MSR	(UART_COM1_BASE + 6)
#define IER_RDI		0x01	/* received data available */
#define IER_MSI		0x08	/* modem status changed */
#define IIR_NONE	0x01	/* no interrupt pending */
#define IIR_ID		0x0e
#define IIR_MSR		0x00
#define IIR_THRE	0x02
#define IIR_RDA		0x04
#define IIR_LSR		0x06
#define IIR_TIMEOUT	0x0c
#define LSR_DR		0x01
#define MSR_DCD		0x80

#define LINE_MAX	128	/* bytes in one line, its '\n' included */

static char line[LINE_MAX];
static size_t line_len;
static bool line_ready;		/* line[] ends with '\n' */
static bool end_of_input;	/* the carrier dropped: no byte will come */
static bool eot;		/* ^D on an empty line: one read returns 0 */
static bool last_cr;		/* CR LF counts as one Enter */
static int readers;		/* processes sleeping in tty_read */

static char echo_buf[16];
static size_t echo_len;

static uint8_t ier_now = 0xff;

/* IER writes are VM exits: skip the ones that change nothing. */
static void set_ier(uint8_t ier)
{
	if (ier != ier_now) {
		ier_now = ier;
		outb(UART_IER, ier);
	}
}

void tty_init(void)
{
	set_ier(IER_MSI);
}

static void echo(const char *s, size_t n)
{
	if (echo_len + n > sizeof echo_buf) {
		console_write(echo_buf, echo_len);
		echo_len = 0;
	}
	memcpy(echo_buf + echo_len, s, n);
	echo_len += n;
}

static void rx_byte(char c)
{
	if (c == '\n' && last_cr) {
		last_cr = false;
		return;
	}
	last_cr = c == '\r';
	if (c == '\r' || c == '\n') {
		line[line_len++] = '\n';
		line_ready = true;
		echo("\n", 1);
	} else if (c == '\b' || c == 0x7f) {
		if (line_len) {
			line_len--;
			echo("\b \b", 3);
		}
	} else if (c == 0x04) {
		if (!line_len)
			eot = true;
	} else if ((unsigned char)c < 0x20 && c != '\t') {
		/* other control characters mean nothing here */
	} else if (line_len < LINE_MAX - 1) {
		line[line_len++] = c;
		echo(&c, 1);
	}
	/* else the line is full: the byte is dropped, and not echoed */
}

/* Takes bytes from the UART until a line is complete or none is waiting;
 * notices the end of input. */
static void pull(void)
{
	while (!line_ready && !eot) {
		if (inb(UART_LSR) & LSR_DR) {
			rx_byte((char)inb(UART_RBR));
			continue;
		}
		/* DCD drops only after the last byte was read, so no byte can
		 * have slipped in between the LSR read above and this one. */
		if (!(inb(UART_MSR) & MSR_DCD)) {
			end_of_input = true;
			if (line_len)	/* the last line lacks its Enter */
				rx_byte('\n');
		}
		break;
	}
	if (echo_len) {
		console_write(echo_buf, echo_len);
		echo_len = 0;
	}
}

static bool have_input(void)
{
	return line_ready || eot || end_of_input;
}

long tty_read(char *ubuf, size_t len)
{
	for (;;) {
		if (line_ready) {
			/* A line longer than len is cut; its rest is dropped
			 * (the caller sees no '\n' at the end). */
			size_t n = line_len < len ? line_len : len;

			memcpy(ubuf, line, n);
			line_len = 0;
			line_ready = false;
			return (long)n;
		}
		if (eot) {
			eot = false;
			return 0;
		}
		if (end_of_input)
			return 0;
		pull();
		if (have_input())
			continue;
		/* Nothing yet: let the receiver interrupt wake us. */
		readers++;
		set_ier(IER_RDI | IER_MSI);
		sleep_on(line);
		readers--;
	}
}

void tty_irq(void)
{
	uint8_t iir;
	int rounds = 0;

	/* Serve every pending cause: the PIC input is edge-triggered, so a
	 * cause left pending would never interrupt again.  The bound only
	 * guards against a UART that never says "none pending". */
	while (!((iir = inb(UART_IIR)) & IIR_NONE) && rounds++ < 16) {
		switch (iir & IIR_ID) {
		case IIR_MSR:	/* reading MSR also acknowledges */
			if (!(inb(UART_MSR) & MSR_DCD) && readers)
				pull();	/* takes what is left, then sees the end */
			break;
		case IIR_LSR:
			inb(UART_LSR);
			break;
		case IIR_RDA:
		case IIR_TIMEOUT:
			if (readers)
				pull();
			break;
		default:	/* THRE: reading IIR acknowledged it */
			break;
		}
		/* Flow control: once the reader has its line (or nobody
		 * reads), stop the data interrupt; bytes wait in the UART. */
		if (!readers || have_input())
			set_ier(IER_MSI);
	}
	if (readers && have_input())
		wakeup(line);
}
