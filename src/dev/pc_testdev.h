/* QEMU's pc-testdev, which kvm-unit-tests style kernels expect to find
 * under QEMU: a scratch register at 0xe0 (the real-mode tests check that
 * IN and OUT of every width reach a device and come back), a
 * flush-page port at 0xe4 (the guest names a page and the host takes it
 * away from KVM's page tables, so the next access faults it in anew: how
 * the tests exercise KVM's fault paths), one port per ISA IRQ line at
 * 0x2000 (the interrupt tests raise and lower lines at will) and 64 KiB of
 * RAM-like MMIO at 0xff000000 (every access an MMIO exit, for the
 * instruction emulator tests). All state lives in struct pc_testdev: one
 * per VM, shared by its vCPUs. */
#ifndef MINIKVM_DEV_PC_TESTDEV_H
#define MINIKVM_DEV_PC_TESTDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"
#include "../vm.h"
#include "minikvm/abi.h"

#define PC_TESTDEV_SCRATCH_LEN 4
#define PC_TESTDEV_FLUSH_LEN 4
#define PC_TESTDEV_PAGE_SIZE 4096 /* guest and host page alike */

struct pc_testdev {
	pthread_mutex_t lock; /* vCPUs of an SMP guest share it */
	struct vm *vm;	      /* the RAM the flush port works on */
	uint32_t scratch;
	uint8_t irq_level[PC_TESTDEV_IRQ_PORTS]; /* as last written, 0 or 1 */
	uint8_t *iomem;			  /* PC_TESTDEV_MMIO_SIZE bytes */
	/* Drives ISA line irq to level; NULL: writes are only recorded.
	 * pc_testdev_init points it at vm_irq_line() on the VM given. */
	void (*set_irq)(void *opaque, int irq, int level);
	void *irq_opaque;
};

/* 0, or -1 when the MMIO memory cannot be had. vm may be NULL: the flush
 * port then ignores every write and set_irq starts NULL. */
int pc_testdev_init(struct pc_testdev *t, struct vm *vm);
void pc_testdev_free(struct pc_testdev *t);
/* Claims the three port ranges on pio and the MMIO window on mmio. */
int pc_testdev_register(struct pc_testdev *t, struct bus *pio,
			struct bus *mmio);
/* One access, by absolute port, or by offset into the MMIO window: what
 * the bus callbacks call, and the tests. data holds len bytes,
 * little-endian. An access wholly outside the device writes nothing and
 * reads all ones; the part of one that overhangs the end of a register or
 * of the window is dropped, or reads as zeroes. */
void pc_testdev_pio(struct pc_testdev *t, uint16_t port, void *data,
		    uint32_t len, bool is_write);
void pc_testdev_mmio(struct pc_testdev *t, uint64_t offset, void *data,
		     uint32_t len, bool is_write);

#endif
