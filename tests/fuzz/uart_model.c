/* The 16550A as documented, for fuzz_uart (uart_model.h). Register
 * numbers and bit names are uart.h's; the behaviour is written from the
 * datasheet's tables and the promises in uart.h, not from uart.c. */
#include "uart_model.h"

#include <stddef.h>
#include <string.h>

#include "../../src/dev/uart.h"

static bool loopback(const struct uart_model *m)
{
	return m->mcr & UART_MCR_LOOP;
}

/* Host bytes flow unless flow control holds them until RTS. */
static bool host_flows(const struct uart_model *m)
{
	return m->has_in && (!m->needs_rts || (m->mcr & UART_MCR_RTS));
}

static bool data_ready(const struct uart_model *m)
{
	if (loopback(m))
		return m->loop_count > 0;
	return host_flows(m) && m->host_len > 0;
}

/* In loopback the outputs feed the inputs: RTS->CTS, DTR->DSR, OUT1->RI,
 * OUT2->DCD. Otherwise CTS and DSR are always up, and DCD while host
 * input is connected and not yet over (EOF with nothing left to read). */
static uint8_t modem_lines(const struct uart_model *m)
{
	static const uint8_t from_mcr[][2] = {
		{ UART_MCR_RTS, UART_MSR_CTS }, { UART_MCR_DTR, UART_MSR_DSR },
		{ UART_MCR_OUT1, UART_MSR_RI }, { UART_MCR_OUT2, UART_MSR_DCD },
	};
	uint8_t lines = 0;

	if (loopback(m)) {
		for (int i = 0; i < 4; i++)
			if (m->mcr & from_mcr[i][0])
				lines |= from_mcr[i][1];
		return lines;
	}
	lines = UART_MSR_CTS | UART_MSR_DSR;
	if (m->has_in && !(m->host_closed && m->host_len == 0))
		lines |= UART_MSR_DCD;
	return lines;
}

/* The low nibble latches changes: any edge of CTS, DSR, DCD; RI's
 * trailing edge only. */
static void sample_modem(struct uart_model *m)
{
	uint8_t now = modem_lines(m), was = m->msr;

	if ((now ^ was) & UART_MSR_CTS)
		m->msr |= UART_MSR_DCTS;
	if ((now ^ was) & UART_MSR_DSR)
		m->msr |= UART_MSR_DDSR;
	if ((was & UART_MSR_RI) && !(now & UART_MSR_RI))
		m->msr |= UART_MSR_TERI;
	if ((now ^ was) & UART_MSR_DCD)
		m->msr |= UART_MSR_DDCD;
	m->msr = (uint8_t)((m->msr & 0x0f) | now);
}

/* IIR's source, highest priority first. */
static uint8_t interrupt_id(const struct uart_model *m)
{
	if ((m->ier & UART_IER_RLSI) && m->overrun)
		return UART_IIR_RLSI;
	if ((m->ier & UART_IER_RDI) && data_ready(m))
		return UART_IIR_RDI;
	if ((m->ier & UART_IER_THRI) && m->thre_pending)
		return UART_IIR_THRI;
	if ((m->ier & UART_IER_MSI) && (m->msr & 0x0f))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void drive_irq(struct uart_model *m)
{
	m->irq_level = interrupt_id(m) != UART_IIR_NO_INT && (m->mcr & UART_MCR_OUT2);
}

void uart_model_init(struct uart_model *m, bool has_in, bool needs_rts, bool has_out)
{
	memset(m, 0, offsetof(struct uart_model, host)); /* the ring needs none */
	m->has_in = has_in;
	m->needs_rts = needs_rts;
	m->has_out = has_out;
	m->msr = modem_lines(m);
}

size_t uart_model_host_room(const struct uart_model *m)
{
	return UART_MODEL_HOST_MAX - m->host_len;
}

void uart_model_host_bytes(struct uart_model *m, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len && m->host_len < UART_MODEL_HOST_MAX; i++)
		m->host[(m->host_head + m->host_len++) % UART_MODEL_HOST_MAX] = p[i];
}

/* RBR: the oldest byte, or 0 when there is none to take. */
static uint8_t receive(struct uart_model *m)
{
	uint8_t b = 0;

	if (loopback(m) && m->loop_count) {
		b = m->loop[m->loop_head];
		m->loop_head = (m->loop_head + 1) % 16;
		m->loop_count--;
	} else if (!loopback(m) && host_flows(m) && m->host_len) {
		b = m->host[m->host_head];
		m->host_head = (m->host_head + 1) % UART_MODEL_HOST_MAX;
		m->host_len--;
	}
	return b;
}

static void transmit(struct uart_model *m, uint8_t b)
{
	if (loopback(m)) {
		if (m->loop_count == 16)
			m->overrun = true;
		else
			m->loop[(m->loop_head + m->loop_count++) % 16] = b;
	} else if (m->has_out) {
		m->sent[m->sent_len++] = b;
	}
	m->thre_pending = true; /* the byte leaves at once */
}

/* The registers whose read has side effects, and re-drives the line. */
static uint8_t read_active(struct uart_model *m, unsigned reg)
{
	uint8_t v = 0;

	if (reg == UART_RBR) {
		v = receive(m);
		sample_modem(m);
	} else if (reg == UART_IIR) {
		v = interrupt_id(m);
		if (v == UART_IIR_THRI)
			m->thre_pending = false;
		if (m->fcr & UART_FCR_ENABLE)
			v |= UART_IIR_FIFO_ON;
	} else if (reg == UART_LSR) {
		v = UART_LSR_THRE | UART_LSR_TEMT | (m->overrun ? UART_LSR_OE : 0) |
		    (data_ready(m) ? UART_LSR_DR : 0);
		m->overrun = false;
	} else {
		sample_modem(m);
		v = m->msr;
		m->msr &= 0xf0;
	}
	drive_irq(m);
	return v;
}

uint8_t uart_model_read(struct uart_model *m, unsigned reg)
{
	bool dlab = m->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR:
		return dlab ? m->dll : read_active(m, reg);
	case UART_IER:
		return dlab ? m->dlm : m->ier;
	case UART_LCR:
		return m->lcr;
	case UART_MCR:
		return m->mcr;
	case UART_SCR:
		return m->scr;
	default: /* IIR, LSR, MSR */
		return read_active(m, reg);
	}
}

static void write_ier(struct uart_model *m, uint8_t value)
{
	/* Enabling THRE with the holding register empty interrupts at once. */
	if ((value & UART_IER_THRI) && !(m->ier & UART_IER_THRI))
		m->thre_pending = true;
	m->ier = value & 0x0f;
}

void uart_model_write(struct uart_model *m, unsigned reg, uint8_t value)
{
	bool dlab = m->lcr & UART_LCR_DLAB;

	if (reg == UART_THR && dlab)
		m->dll = value;
	else if (reg == UART_THR)
		transmit(m, value);
	else if (reg == UART_IER && dlab)
		m->dlm = value;
	else if (reg == UART_IER)
		write_ier(m, value);
	else if (reg == UART_FCR) {
		if (value & UART_FCR_CLEAR_RX)
			m->loop_count = m->loop_head = 0;
		m->fcr = value & 0xc9;
	} else if (reg == UART_LCR)
		m->lcr = value;
	else if (reg == UART_MCR) {
		m->mcr = value & 0x1f;
		sample_modem(m);
	} else if (reg == UART_SCR)
		m->scr = value;
	drive_irq(m); /* LSR and MSR writes change nothing but are seen */
}

void uart_model_input_changed(struct uart_model *m)
{
	sample_modem(m);
	drive_irq(m);
}
