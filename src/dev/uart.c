/* The transmitter is never busy: a byte leaves as it is written, so THRE
 * and TEMT always read set and each byte makes the THRE interrupt pending
 * again. set_irq is called only when the line changes, and the line rises
 * only with OUT2 set, as a PC wires it. */
#include "uart.h"

#include <string.h>

static bool loopback(const struct uart *u)
{
	return u->mcr & UART_MCR_LOOP;
}

/* The modem-status inputs as the chip would see them on its pins. */
static uint8_t modem_inputs(const struct uart *u)
{
	uint8_t msr = 0;

	if (loopback(u)) {
		if (u->mcr & UART_MCR_RTS)
			msr |= UART_MSR_CTS;
		if (u->mcr & UART_MCR_DTR)
			msr |= UART_MSR_DSR;
		if (u->mcr & UART_MCR_OUT1)
			msr |= UART_MSR_RI;
		if (u->mcr & UART_MCR_OUT2)
			msr |= UART_MSR_DCD;
		return msr;
	}
	msr = UART_MSR_CTS | UART_MSR_DSR;
	/* Carrier is present while host input can still arrive: EOF on stdin
	 * reads to the guest as a modem hang-up. */
	if (u->in && !console_in_closed(u->in))
		msr |= UART_MSR_DCD;
	return msr;
}

/* Latches delta bits for inputs that changed since the last look. */
static void update_msr(struct uart *u)
{
	uint8_t now;

	if (u->in && !loopback(u))
		console_in_ready(u->in); /* notices EOF without waiting */
	now = modem_inputs(u);
	uint8_t changed = (uint8_t)(now ^ u->msr) & 0xf0;

	if (changed & UART_MSR_CTS)
		u->msr |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		u->msr |= UART_MSR_DDSR;
	if ((changed & UART_MSR_RI) && !(now & UART_MSR_RI))
		u->msr |= UART_MSR_TERI; /* trailing edge only */
	if (changed & UART_MSR_DCD)
		u->msr |= UART_MSR_DDCD;
	u->msr = (uint8_t)((u->msr & 0x0f) | now);
}

/* Whether host input may flow now: always, unless the guest asked for it
 * to wait for RTS. */
static bool rts_allows_input(const struct uart *u)
{
	return !u->input_needs_rts || (u->mcr & UART_MCR_RTS);
}

/* Data ready: loopback bytes, or host input (checked without waiting). */
static bool rx_ready(struct uart *u)
{
	if (loopback(u))
		return u->rx_count > 0;
	/* Host bytes are buffered even while RTS holds them back, so the
	 * input thread sees them pending and waits instead of polling. */
	return u->in && console_in_ready(u->in) && rts_allows_input(u);
}

static uint8_t pending_iir(struct uart *u)
{
	if ((u->ier & UART_IER_RLSI) && u->lsr_errors)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && rx_ready(u))
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thri_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & 0x0f))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/* On a PC the UART's interrupt reaches the PIC only through OUT2. */
static void update_irq(struct uart *u)
{
	int level = pending_iir(u) != UART_IIR_NO_INT && (u->mcr & UART_MCR_OUT2);

	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->set_irq)
			u->set_irq(u->irq_opaque, level);
	}
}

static void rx_push(struct uart *u, uint8_t byte)
{
	if (u->rx_count == UART_FIFO_SIZE) {
		u->lsr_errors |= UART_LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
}

static uint8_t rx_pop(struct uart *u)
{
	uint8_t byte = 0;

	if (!loopback(u)) {
		if (u->in && rts_allows_input(u))
			console_in_getc(u->in, &byte, 0);
		return byte;
	}
	if (u->rx_count == 0)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return byte;
}

void uart_input_changed(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	update_msr(u);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

void uart_init(struct uart *u, struct console_out *out, struct console_in *in)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->out = out;
	u->in = in;
	u->msr = modem_inputs(u);
}

static void transmit(struct uart *u, uint8_t byte)
{
	if (loopback(u))
		rx_push(u, byte);
	else if (u->out)
		console_out_write(u->out, &byte, 1);
	/* The byte leaves at once, so the holding register is empty again. */
	u->thri_pending = true;
}

uint8_t uart_read(struct uart *u, unsigned offset)
{
	uint8_t value = 0xff;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_RBR:
		if (dlab)
			return u->dll;
		value = rx_pop(u);
		update_msr(u); /* the last byte read may drop the carrier */
		break;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		value = pending_iir(u);
		if (value == UART_IIR_THRI)
			u->thri_pending = false; /* reading IIR acknowledges THRE */
		if (u->fcr & UART_FCR_ENABLE)
			value |= UART_IIR_FIFO_ON;
		break;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		value = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors;
		if (rx_ready(u))
			value |= UART_LSR_DR;
		u->lsr_errors = 0; /* error bits clear on read */
		break;
	case UART_MSR:
		update_msr(u);
		value = u->msr;
		u->msr &= 0xf0; /* delta bits clear on read */
		break;
	case UART_SCR:
		return u->scr;
	default:
		return 0xff;
	}
	update_irq(u);
	return value;
}

void uart_write(struct uart *u, unsigned offset, uint8_t value)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_THR:
		if (dlab)
			u->dll = value;
		else
			transmit(u, value);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = value;
			break;
		}
		/* Enabling THRI with the holding register empty raises it at
		 * once, as the chip does; drivers rely on that to start output. */
		if ((value & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri_pending = true;
		u->ier = value & 0x0f;
		break;
	case UART_FCR:
		if (value & UART_FCR_CLEAR_RX)
			u->rx_head = u->rx_count = 0;
		u->fcr = value & 0xc9; /* enable, DMA mode, trigger level */
		break;
	case UART_LCR:
		u->lcr = value;
		break;
	case UART_MCR:
		u->mcr = value & 0x1f;
		update_msr(u);
		break;
	case UART_SCR:
		u->scr = value;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
	update_irq(u);
}

static void uart_io(void *opaque, struct vcpu *vcpu, uint64_t offset, void *data,
		    uint32_t len, bool is_write)
{
	struct uart *u = opaque;
	uint8_t *bytes = data;

	(void)vcpu;
	pthread_mutex_lock(&u->lock);
	/* A wider access touches consecutive registers, as on the ISA bus. */
	for (uint32_t i = 0; i < len; i++) {
		unsigned reg = (unsigned)(offset + i);

		if (reg >= UART_NR_PORTS) {
			if (!is_write)
				bytes[i] = 0xff;
			continue;
		}
		if (is_write)
			uart_write(u, reg, bytes[i]);
		else
			bytes[i] = uart_read(u, reg);
	}
	pthread_mutex_unlock(&u->lock);
}

int uart_register(struct uart *u, struct bus *pio, uint16_t base)
{
	return bus_register(pio, base, UART_NR_PORTS, uart_io, u, "uart");
}
