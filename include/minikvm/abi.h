/* The guest ABI of kvm-vmm: every number a guest can see, written once.
 * The VMM (C), the real-mode and multiboot test guests (GNU as through the
 * C preprocessor) and the 1K OS (C) all include this file, so a port, a
 * hypercall number, a status or a load address cannot drift between them.
 * docs/guest-abi.md says the same in prose, and tests/unit/test_abi_docs.c
 * checks that it does. Only #define lines: the file must also assemble. */
#ifndef MINIKVM_ABI_H
#define MINIKVM_ABI_H

/* --- ports ------------------------------------------------------------- */
#define UART_COM1_BASE 0x3f8	/* 16550A, 8 registers */
#define UART_COM1_IRQ 4		/* ISA IRQ, for guests with an irqchip */
#define HC_PORT 0x500		/* hypercall port: OUT the call number */
#define DEBUG_EXIT_PORT 0xf4	/* QEMU's isa-debug-exit, iosize 4 */
#define DEBUG_EXIT_NR_PORTS 4

/* QEMU's devices, at QEMU's addresses, for kernels written for QEMU */
#define FW_CFG_PORT_SEL 0x510	/* fw_cfg selector, 16-bit write */
#define FW_CFG_PORT_DATA 0x511	/* fw_cfg data, byte reads */
#define PC_TESTDEV_SCRATCH_PORT 0xe0	/* pc-testdev: 32-bit scratch register */
#define PC_TESTDEV_FLUSH_PORT 0xe4	/* pc-testdev: write a page address */
#define PC_TESTDEV_IRQ_PORT 0x2000	/* pc-testdev: 0x2000 + n drives ISA IRQ n */
#define PC_TESTDEV_IRQ_PORTS 24
#define PC_TESTDEV_MMIO_ADDR 0xff000000	/* pc-testdev: 64 KiB of RAM-like MMIO */
#define PC_TESTDEV_MMIO_SIZE 0x10000
#define BOCHS_SHUTDOWN_PORT 0x8900	/* "Shutdown", byte by byte, ends the run */
#define ACPI_PM_TIMER_PORT 0x608	/* 24-bit ACPI PM timer, 3.579545 MHz */

/* --- hypercalls (number written to HC_PORT; arguments in EBX, ECX) ---- */
#define HC_ABI_VERSION 1
#define HC_EXIT 0	/* BL = status */
#define HC_PUTCHAR 1	/* BL = byte */
#define HC_GETCHAR 2	/* -> RAX = byte, or all ones at end of input; an
			 * IN from HC_PORT afterwards reads the same result */
#define HC_PUTS 3	/* EBX = guest-physical address, ECX = length */
#define HC_VERSION 4	/* -> RAX = HC_ABI_VERSION */

/* --- exit statuses of kvm-vmm (src/status.c describes each) ------------ */
#define STATUS_OK 0
#define STATUS_GUEST_MIN 1	/* a guest's own status: 1 .. STATUS_GUEST_MAX */
#define STATUS_GUEST_MAX 119	/* higher requests are reported as this */
#define STATUS_USAGE 120
#define STATUS_BAD_INPUT 121
#define STATUS_NO_KVM 122
#define STATUS_GUEST_FAULT 123
#define STATUS_TIMEOUT 124
#define STATUS_BAD_HYPERCALL 125
#define STATUS_HOST_ERROR 126	/* out of memory, threads, or an output file */
#define STATUS_SIGNAL_BASE 128	/* 128 + the signal that stopped the run */
#define STATUS_SANDBOX 159	/* 128 + SIGSYS: a system call the sandbox forbids */

/* --- real-mode flat binaries (the reference's ABI) ---------------------- */
#define REAL_SEGMENT 0x1000	/* CS = DS = ES = FS = GS = SS */
#define REAL_LOAD_ADDR 0x10000	/* REAL_SEGMENT * 16: offset 0 of the image */
#define REAL_ENTRY_IP 0x0000
#define REAL_ENTRY_SP 0x0000	/* the first push lands at offset 0xFFFE */
#define REAL_DEFAULT_MEM 0x100000

/* --- flat protected-mode (--paging) and long-mode (--long-mode) binaries */
#define FLAT_GDT_ADDR 0x500	/* null, code 0x08, data 0x10 */
#define FLAT_GDT_ENTRIES 3
#define FLAT_IDT_ADDR 0x518	/* right after the GDT: 256 zeroed gates */
#define FLAT_IDT_LIMIT 2047
#define FLAT_CODE_SEL 0x08
#define FLAT_DATA_SEL 0x10
#define FLAT_LOAD_DEFAULT 0x1000	/* --load */
#define FLAT_DEFAULT_MEM 0x400000
#define FLAT_TABLES_ADDR 0x100000	/* page tables, built by the VMM */

/* --paging: 32-bit paging, no PAE, 4 KiB pages */
#define P32_PAGE_DIR 0x100000
#define P32_LOW_TABLE 0x101000	/* PDE 0: virtual 0-4 MiB -> physical 0-4 MiB */
#define P32_HIGH_TABLE 0x102000	/* PDE 512: 0x80000000-0x803FFFFF -> 0-4 MiB */
#define P32_HIGH_BASE 0x80000000
#define P32_MAPPED_SIZE 0x400000
#define P32_TABLES_END 0x103000
#define P32_ENTRY_DEFAULT 0x80001000	/* --entry: the load offset, seen high */

/* --long-mode: 4-level paging, 2 MiB pages, identity over all of RAM */
#define LM_PML4 0x100000
#define LM_PDPT 0x101000
#define LM_PD_FIRST 0x102000	/* one page directory per GiB of RAM */
#define LM_PAGE_SIZE 0x200000	/* RAM must be a multiple of it */
/* RSP at entry: the top of RAM (the first push lands just below it) */

#endif
