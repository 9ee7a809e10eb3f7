/* Constants for the assembly boot and entry code of both architectures. */
#ifndef OS1K_BOOT_COMMON_H
#define OS1K_BOOT_COMMON_H

/* UART_COM1_BASE, HC_PORT, HC_VERSION, HC_EXIT, DEBUG_EXIT_PORT */
#include "minikvm/abi.h"

/* Multiboot v1: the header asks for page-aligned modules and the memory
 * fields of the information structure; the loader hands over this magic. */
#define MB_MAGIC		0x1BADB002
#define MB_FLAGS		0x00000003
#define MB_BOOT_MAGIC		0x2BADB002

#define PTE_P			0x001
#define PTE_W			0x002
#define PTE_U			0x004
#define PTE_PS			0x080	/* a 4 MiB (32-bit) or 2 MiB (64-bit) page */

#define CR0_WP			0x00010000	/* ring 0 obeys read-only pages */
#define CR0_PG			0x80000000
#define CR4_PSE			0x00000010
#define CR4_PAE			0x00000020
#define MSR_EFER		0xC0000080
#define EFER_LME		0x00000100

#define EXIT_UNSUPPORTED_STATUS	4

#endif
