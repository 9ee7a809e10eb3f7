/* 16550A UART model. Pure register logic: bytes leave through out, arrive
 * from in (or loopback), and the interrupt line is reported through set_irq,
 * so the same model serves polled real-mode guests and interrupt-driven
 * kernels. All state lives in struct uart: one per VM. */
#ifndef MINIKVM_DEV_UART_H
#define MINIKVM_DEV_UART_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"
#include "../console.h"

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ 4
#define UART_NR_PORTS 8
#define UART_FIFO_SIZE 16

/* Register offsets from the base port. */
enum {
	UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
	UART_IER = 1, UART_DLM = 1,
	UART_IIR = 2, UART_FCR = 2,
	UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

/* Bits the model gives meaning to (16550A datasheet names). */
#define UART_IER_RDI 0x01  /* received data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI 0x08  /* modem status */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFO_ON 0xc0
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

struct uart {
	/* Serialises the vCPU thread's register accesses with the input
	 * thread's notifications (interrupt-driven guests). */
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, lsr_errors, msr, scr, dll, dlm, fcr;
	bool thri_pending; /* THRE interrupt raised and not yet acknowledged */
	/* Received bytes come straight from the console, so that RBR and the
	 * GETCHAR hypercall read one stream in order; this FIFO holds only
	 * what the chip sends itself in loopback mode. */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;

	struct console_out *out;
	struct console_in *in; /* NULL: no input, carrier never detected */
	/* Host input flows only while the guest raises RTS, as with hardware
	 * flow control. Set for Linux, whose driver reads RBR blindly while it
	 * probes the chip: piped input would lose bytes before any program
	 * opened the port. */
	bool input_needs_rts;

	void (*set_irq)(void *irq_opaque, int level);
	void *irq_opaque;
	int irq_level;
};

void uart_init(struct uart *u, struct console_out *out, struct console_in *in);
int uart_register(struct uart *u, struct bus *pio, uint16_t base);
/* The register file; offset 0-7. Reads return one byte. */
uint8_t uart_read(struct uart *u, unsigned offset);
void uart_write(struct uart *u, unsigned offset, uint8_t value);
/* Re-evaluates data-ready, carrier and the interrupt line after host input
 * arrived or ended; takes the lock. */
void uart_input_changed(struct uart *u);

#endif
