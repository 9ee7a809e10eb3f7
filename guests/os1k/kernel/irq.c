/* The legacy interrupt hardware: two 8259A PICs, remapped so IRQ 0-15 land
 * on vectors 0x20-0x2f (0-31 are the CPU's exceptions), and channel 0 of
 * the 8254 PIT ticking at 100 Hz on IRQ 0.  Only IRQ 0 (timer), 2 (the
 * cascade) and UART_COM1_IRQ (COM1, minikvm/abi.h) are unmasked. */
#include "kernel.h"
#include "io.h"
#include "proc.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT_ICW4	0x11	/* edge-triggered, cascade, ICW4 follows */
#define ICW4_8086	0x01
#define OCW2_EOI	0x20
#define OCW3_READ_ISR	0x0b

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_CH0_RATE	0x34	/* channel 0, low then high byte, mode 2 */
#define PIT_HZ		1193182
#define PIT_DIVISOR	((PIT_HZ + HZ / 2) / HZ)

volatile unsigned long ticks;

void irq_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, IRQ_BASE);		/* ICW2: vector base */
	outb(PIC2_DATA, IRQ_BASE + 8);
	outb(PIC1_DATA, 1 << 2);		/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);			/* ICW3: slave id */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, (uint8_t)~(1 << IRQ_TIMER | 1 << 2 | 1 << UART_COM1_IRQ));
	outb(PIC2_DATA, 0xff);

	outb(PIT_CMD, PIT_CH0_RATE);
	outb(PIT_CH0, PIT_DIVISOR & 0xff);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
}

/* A PIC raises IRQ 7 (15) by itself when a request vanishes before the CPU
 * acknowledges it; its in-service bit is then clear and no EOI is due. */
static bool spurious(unsigned irq)
{
	uint16_t cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;

	outb(cmd, OCW3_READ_ISR);
	if (inb(cmd) & 0x80)
		return false;
	if (irq == 15)
		outb(PIC1_CMD, OCW2_EOI);	/* the master did see IRQ 2 */
	return true;
}

void irq_dispatch(unsigned irq)
{
	if ((irq == 7 || irq == 15) && spurious(irq))
		return;
	/* EOI first: the kernel runs with interrupts off, so nothing nests,
	 * and a switch to another process below must not leave the PIC
	 * waiting for this EOI. */
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);

	switch (irq) {
	case IRQ_TIMER:		/* from ring 3 only: entry.S counts the others */
		ticks++;
		need_resched = true;
		break;
	case UART_COM1_IRQ:
		tty_irq();
		break;
	}
}
