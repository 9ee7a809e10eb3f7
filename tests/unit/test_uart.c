/* The 16550A register model, checked against the datasheet's behaviour. */
#include <string.h>
#include <unistd.h>

#include "../../src/dev/uart.h"
#include "harness.h"

struct irq_probe {
	int level;
	int changes;
};

static void probe_irq(void *opaque, int level)
{
	struct irq_probe *p = opaque;

	p->level = level;
	p->changes++;
}

TEST(uart_thr_writes_reach_output)
{
	struct test_pipe p = test_pipe_open();
	struct console_out out;
	struct uart u;
	char buf[16];

	console_out_init(&out, p.wr, NULL, NULL);
	uart_init(&u, &out, NULL);
	uart_write(&u, UART_THR, 'o');
	uart_write(&u, UART_THR, 'k');
	CHECK(test_pipe_drain(&p, buf, sizeof(buf)) == 2);
	CHECK(strcmp(buf, "ok") == 0);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	test_pipe_close(&p);
}

TEST(uart_scratch_and_divisor_latch)
{
	struct uart u;

	uart_init(&u, NULL, NULL);
	uart_write(&u, UART_SCR, 0xa5);
	CHECK_EQ(uart_read(&u, UART_SCR), 0xa5);
	uart_write(&u, UART_IER, 0x05);
	uart_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart_write(&u, UART_DLL, 0x0c);
	uart_write(&u, UART_DLM, 0x01);
	CHECK_EQ(uart_read(&u, UART_DLL), 0x0c);
	CHECK_EQ(uart_read(&u, UART_DLM), 0x01);
	uart_write(&u, UART_LCR, 0x03);
	CHECK_EQ(uart_read(&u, UART_LCR), 0x03);
	/* With DLAB clear, offset 1 is IER again, untouched by the DLM write. */
	CHECK_EQ(uart_read(&u, UART_IER), 0x05);
}

TEST(uart_iir_priorities_and_thre_ack)
{
	struct uart u;
	struct irq_probe irq = { 0, 0 };

	uart_init(&u, NULL, NULL);
	u.set_irq = probe_irq;
	u.irq_opaque = &irq;
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_NO_INT);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_NO_INT | UART_IIR_FIFO_ON);
	/* Enabling THRI with an empty holding register interrupts at once... */
	uart_write(&u, UART_IER, UART_IER_THRI);
	CHECK_EQ(irq.level, 0); /* ...but OUT2 gates the line on a PC */
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	CHECK_EQ(irq.level, 1);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_THRI | UART_IIR_FIFO_ON);
	/* Reading IIR acknowledged THRE. */
	CHECK_EQ(irq.level, 0);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_NO_INT | UART_IIR_FIFO_ON);
	/* A transmitted byte empties the holding register again. */
	uart_write(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	uart_write(&u, UART_IER, UART_IER_THRI | UART_IER_RDI);
	uart_write(&u, UART_THR, 'x');
	/* Received data outranks THRE. */
	CHECK_EQ(uart_read(&u, UART_IIR) & 0x0f, UART_IIR_RDI);
	CHECK_EQ(uart_read(&u, UART_RBR), 'x');
	CHECK_EQ(uart_read(&u, UART_IIR) & 0x0f, UART_IIR_THRI);
}

TEST(uart_loopback_mirrors_modem_lines)
{
	struct uart u;

	uart_init(&u, NULL, NULL);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT2);
	uint8_t msr = uart_read(&u, UART_MSR);

	CHECK_EQ(msr & 0xf0, UART_MSR_CTS | UART_MSR_DCD);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	msr = uart_read(&u, UART_MSR);
	CHECK_EQ(msr & 0xf0, UART_MSR_DSR | UART_MSR_RI);
	CHECK(msr & UART_MSR_DCTS);
	CHECK(msr & UART_MSR_DDCD);
	/* Deltas clear on read. */
	CHECK_EQ(uart_read(&u, UART_MSR) & 0x0f, 0);
}

TEST(uart_loopback_overrun_sets_oe_once)
{
	struct uart u;

	uart_init(&u, NULL, NULL);
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	for (int i = 0; i < UART_FIFO_SIZE + 1; i++)
		uart_write(&u, UART_THR, (uint8_t)i);
	uint8_t lsr = uart_read(&u, UART_LSR);

	CHECK(lsr & UART_LSR_OE);
	CHECK(lsr & UART_LSR_DR);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_OE, 0);
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		CHECK_EQ(uart_read(&u, UART_RBR), i);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
}

TEST(uart_input_and_carrier_drop_at_eof)
{
	struct test_pipe p = test_pipe_open();
	struct console_in in;
	struct uart u;

	console_in_init(&in, p.rd, NULL);
	uart_init(&u, NULL, &in);
	CHECK(uart_read(&u, UART_MSR) & UART_MSR_DCD);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	CHECK(write(p.wr, "hi", 2) == 2);
	CHECK(uart_read(&u, UART_LSR) & UART_LSR_DR);
	CHECK_EQ(uart_read(&u, UART_RBR), 'h');
	close(p.wr);
	p.wr = -1;
	/* EOF seen, but a byte is still waiting: carrier holds until it is read. */
	CHECK(uart_read(&u, UART_MSR) & UART_MSR_DCD);
	CHECK_EQ(uart_read(&u, UART_RBR), 'i');
	uint8_t msr = uart_read(&u, UART_MSR);

	CHECK_EQ(msr & UART_MSR_DCD, 0);
	CHECK(msr & UART_MSR_DDCD);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	test_pipe_close(&p);
}

TEST(uart_without_input_has_no_carrier)
{
	struct uart u;

	uart_init(&u, NULL, NULL);
	CHECK_EQ(uart_read(&u, UART_MSR) & UART_MSR_DCD, 0);
	CHECK_EQ(uart_read(&u, UART_MSR) & (UART_MSR_CTS | UART_MSR_DSR),
		 UART_MSR_CTS | UART_MSR_DSR);
	CHECK_EQ(uart_read(&u, 9), 0xff); /* outside the register file */
}
