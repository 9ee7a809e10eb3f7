/* Physical page allocator.
 *
 * RAM above the kernel image is handed out page by page.  Freed pages go
 * on one of two lists, linked through their first word:
 *  - clean: known to be all zero (page tables whose few used entries were
 *    cleared when their address space was torn down);
 *  - dirty: anything else.
 * page_alloc_zeroed() prefers clean pages because zeroing a page in ring 0
 * costs about 500 emulated instructions on a software KVM; page_alloc()
 * (for memory a process clears itself, in ring 3) prefers dirty ones. */
#include "arch.h"
#include "boot-common.h"
#include "kernel.h"

/* Page tables must start out zero.  The first ones come from .bss, which
 * the boot loader clears with the rest of the image (ELF semantics): 32
 * pages, the tables of 8 x86-64 processes (16 on i386).  Tables freed
 * later come back clean (the clean list below), so the kernel rarely has to
 * clear a page itself. */
#define ZERO_POOL_PAGES 32
static uint8_t zero_pool[ZERO_POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned zero_pool_used;

static uintptr_t next_fresh, fresh_end;	/* never handed out yet */
static uintptr_t clean_list, dirty_list;

void mm_init(uintptr_t start, uintptr_t end)
{
	next_fresh = ALIGN_UP(start, PAGE_SIZE);
	fresh_end = ALIGN_DOWN(end, PAGE_SIZE);
}

static uintptr_t pop(uintptr_t *list)
{
	uintptr_t pa = *list;

	*list = *(uintptr_t *)pa;
	*(uintptr_t *)pa = 0;	/* a clean page is all zero again */
	return pa;
}

uintptr_t page_alloc(void)
{
	uintptr_t pa;

	if (dirty_list) {
		pa = pop(&dirty_list);
	} else if (next_fresh < fresh_end) {
		pa = next_fresh;
		next_fresh += PAGE_SIZE;
	} else if (clean_list) {
		pa = pop(&clean_list);
	} else {
		return 0;
	}
	return pa;
}

uintptr_t page_alloc_zeroed(void)
{
	uintptr_t pa;

	if (clean_list)
		return pop(&clean_list);
	if (zero_pool_used < ZERO_POOL_PAGES)
		return (uintptr_t)zero_pool[zero_pool_used++];
	pa = page_alloc();
	if (pa)
		memset((void *)pa, 0, PAGE_SIZE);
	return pa;
}

void page_free(uintptr_t pa)
{
	*(uintptr_t *)pa = dirty_list;
	dirty_list = pa;
}

void page_free_zeroed(uintptr_t pa)
{
	*(uintptr_t *)pa = clean_list;
	clean_list = pa;
}

void aspace_map(struct aspace *as, uintptr_t va, uintptr_t pa, bool writable)
{
	as->upt[(va - USER_BASE) >> 12] = pa | PTE_P | PTE_U | (writable ? PTE_W : 0);
}

void aspace_unmap(struct aspace *as, uintptr_t va)
{
	as->upt[(va - USER_BASE) >> 12] = 0;
}

uintptr_t aspace_phys(const struct aspace *as, uintptr_t va)
{
	pte_t e = as->upt[(va - USER_BASE) >> 12];

	return e & PTE_P ? (uintptr_t)(e & ~(pte_t)0xfff) | (va & 0xfff) : 0;
}
