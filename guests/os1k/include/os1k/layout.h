/* The virtual address layout, the same on both architectures.
 *
 *   0x00000000 - top of RAM (at most 1 GiB)   kernel: all RAM mapped 1:1,
 *                                              supervisor-only
 *   0x40000000  USER_BASE: the start page (ring-3 code that clears a new
 *               process's memory and jumps to the program; read-only)
 *   0x40001000  USER_TEXT: programs are linked here (text, rodata
 *               read-only; then data and bss read-write)
 *   ...         unmapped guard page(s)
 *   0x401FC000 - 0x40200000  the user stack (USER_STACK_PAGES pages)
 *
 * User space is one 2 MiB window: one page table on both architectures
 * (a 32-bit page table covers 4 MiB, a 64-bit one 2 MiB). */
#ifndef OS1K_LAYOUT_H
#define OS1K_LAYOUT_H

#define PAGE_SIZE		0x1000
#define KERNEL_LOAD		0x00100000	/* where the boot loader puts us */
#define KERNEL_MEM_MAX		0x40000000	/* RAM above 1 GiB is not used */
#define USER_BASE		0x40000000
#define USER_TEXT		(USER_BASE + PAGE_SIZE)
#define USER_TOP		(USER_BASE + 0x200000)
#define USER_STACK_PAGES	4
#define USER_STACK_BOTTOM	(USER_TOP - USER_STACK_PAGES * PAGE_SIZE)
/* Program images must end below the stack and its guard page. */
#define USER_IMAGE_END		(USER_STACK_BOTTOM - PAGE_SIZE)

#endif
