/* As in QEMU's device, the flush port takes only whole 32-bit writes and
 * ignores a page that is not RAM, and a narrow access reaches only its own
 * byte lanes. One lock covers all four parts; the slowest thing it guards
 * is the flush's two mprotect calls. */
#include "pc_testdev.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void vm_set_irq(void *opaque, int irq, int level)
{
	vm_irq_line(opaque, (uint32_t)irq, level);
}

int pc_testdev_init(struct pc_testdev *t, struct vm *vm)
{
	memset(t, 0, sizeof(*t));
	t->iomem = calloc(1, PC_TESTDEV_MMIO_SIZE);
	if (!t->iomem)
		return -1;
	pthread_mutex_init(&t->lock, NULL);
	t->vm = vm;
	if (vm) {
		t->set_irq = vm_set_irq;
		t->irq_opaque = vm;
	}
	return 0;
}

void pc_testdev_free(struct pc_testdev *t)
{
	if (!t->iomem)
		return;
	free(t->iomem);
	t->iomem = NULL;
	pthread_mutex_destroy(&t->lock);
}

/* Bytes [offset, offset + len) of a little-endian register as wide as size
 * bytes, as QEMU's byte lanes: a narrow access reaches only its own bytes,
 * and bytes past the end are dropped (writes) or read as zero. */
static uint32_t lanes(uint64_t offset, uint32_t len, uint32_t size)
{
	if (offset >= size)
		return 0;
	return len < size - offset ? len : (uint32_t)(size - offset);
}

static void scratch_access(struct pc_testdev *t, uint64_t offset,
			   uint8_t *bytes, uint32_t len, bool is_write)
{
	uint8_t reg[PC_TESTDEV_SCRATCH_LEN];
	uint32_t n = lanes(offset, len, sizeof(reg));

	memcpy(reg, &t->scratch, sizeof(reg)); /* x86: little-endian */
	if (is_write) {
		memcpy(reg + offset, bytes, n);
		memcpy(&t->scratch, reg, sizeof(reg));
	} else {
		memset(bytes, 0, len);
		memcpy(bytes, reg + offset, n);
	}
}

/* Takes the page away from the host mapping and gives it back: the
 * mprotect()s go through the MMU notifier, so KVM drops its mapping of the
 * page and the guest's next access faults it in again. Read-only rather
 * than no access for the moment between, so another thread reading guest
 * RAM meanwhile does not crash. */
static void flush_page(struct pc_testdev *t, uint32_t gpa)
{
	uint64_t page = gpa & ~(uint64_t)(PC_TESTDEV_PAGE_SIZE - 1);
	void *host = t->vm ? vm_guest_ptr(t->vm, page, PC_TESTDEV_PAGE_SIZE)
			   : NULL;

	if (!host)
		return; /* not RAM: nothing to flush, as under QEMU */
	if (mprotect(host, PC_TESTDEV_PAGE_SIZE, PROT_READ) == 0)
		mprotect(host, PC_TESTDEV_PAGE_SIZE, PROT_READ | PROT_WRITE);
}

static void flush_access(struct pc_testdev *t, uint64_t offset,
			 uint8_t *bytes, uint32_t len, bool is_write)
{
	uint32_t gpa;

	if (!is_write) {
		memset(bytes, 0xff, len); /* write-only */
		return;
	}
	if (offset != 0 || len != sizeof(gpa))
		return; /* QEMU takes 32-bit writes only */
	memcpy(&gpa, bytes, sizeof(gpa));
	flush_page(t, gpa);
}

static void irq_access(struct pc_testdev *t, int irq, uint8_t *bytes,
		       uint32_t len, bool is_write)
{
	uint64_t value = 0;

	if (!is_write) {
		memset(bytes, 0, len);
		bytes[0] = t->irq_level[irq];
		return;
	}
	memcpy(&value, bytes, len < sizeof(value) ? len : sizeof(value));
	t->irq_level[irq] = value != 0;
	if (t->set_irq)
		t->set_irq(t->irq_opaque, irq, value != 0);
}

static bool in_range(uint16_t port, uint16_t base, uint16_t len)
{
	return port >= base && port - base < len;
}

void pc_testdev_pio(struct pc_testdev *t, uint16_t port, void *data,
		    uint32_t len, bool is_write)
{
	uint8_t *bytes = data;

	if (len == 0)
		return;
	pthread_mutex_lock(&t->lock);
	if (in_range(port, PC_TESTDEV_SCRATCH_PORT, PC_TESTDEV_SCRATCH_LEN))
		scratch_access(t, port - PC_TESTDEV_SCRATCH_PORT, bytes, len,
			       is_write);
	else if (in_range(port, PC_TESTDEV_FLUSH_PORT, PC_TESTDEV_FLUSH_LEN))
		flush_access(t, port - PC_TESTDEV_FLUSH_PORT, bytes, len,
			     is_write);
	else if (in_range(port, PC_TESTDEV_IRQ_PORT, PC_TESTDEV_IRQ_PORTS))
		irq_access(t, port - PC_TESTDEV_IRQ_PORT, bytes, len, is_write);
	else if (!is_write)
		memset(bytes, 0xff, len);
	pthread_mutex_unlock(&t->lock);
}

void pc_testdev_mmio(struct pc_testdev *t, uint64_t offset, void *data,
		     uint32_t len, bool is_write)
{
	uint32_t n = lanes(offset, len, PC_TESTDEV_MMIO_SIZE);

	if (!is_write)
		memset(data, n ? 0 : 0xff, len);
	if (n == 0)
		return;
	pthread_mutex_lock(&t->lock);
	if (is_write)
		memcpy(t->iomem + offset, data, n);
	else
		memcpy(data, t->iomem + offset, n);
	pthread_mutex_unlock(&t->lock);
}

static void scratch_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
		       void *data, uint32_t len, bool is_write)
{
	(void)vcpu;
	pc_testdev_pio(opaque, (uint16_t)(PC_TESTDEV_SCRATCH_PORT + offset),
		       data, len, is_write);
}

static void flush_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
		     void *data, uint32_t len, bool is_write)
{
	(void)vcpu;
	pc_testdev_pio(opaque, (uint16_t)(PC_TESTDEV_FLUSH_PORT + offset),
		       data, len, is_write);
}

static void irq_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
		   void *data, uint32_t len, bool is_write)
{
	(void)vcpu;
	pc_testdev_pio(opaque, (uint16_t)(PC_TESTDEV_IRQ_PORT + offset), data,
		       len, is_write);
}

static void iomem_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
		     void *data, uint32_t len, bool is_write)
{
	(void)vcpu;
	pc_testdev_mmio(opaque, offset, data, len, is_write);
}

int pc_testdev_register(struct pc_testdev *t, struct bus *pio,
			struct bus *mmio)
{
	if (bus_register(pio, PC_TESTDEV_SCRATCH_PORT, PC_TESTDEV_SCRATCH_LEN,
			 scratch_io, t, "pc-testdev-ioport") < 0 ||
	    bus_register(pio, PC_TESTDEV_FLUSH_PORT, PC_TESTDEV_FLUSH_LEN,
			 flush_io, t, "pc-testdev-flush-page") < 0 ||
	    bus_register(pio, PC_TESTDEV_IRQ_PORT, PC_TESTDEV_IRQ_PORTS,
			 irq_io, t, "pc-testdev-irq") < 0)
		return -1;
	return bus_register(mmio, PC_TESTDEV_MMIO_ADDR, PC_TESTDEV_MMIO_SIZE,
			    iomem_io, t, "pc-testdev-iomem");
}
