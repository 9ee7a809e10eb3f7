/* Loads a program image (a static ELF executable built with arch/.../user.ld)
 * into a new address space.
 *
 * Read-only segments (text, rodata) are not copied at all: the image's own
 * pages inside the kernel are mapped into the process, read-only.  Each
 * program image starts on a page boundary and is padded to one, so those
 * pages hold nothing but the program.  The writable segment gets fresh
 * pages; the kernel copies its initialised bytes (usually a handful) and
 * leaves the clearing of the rest (bss) to the start page, which runs in
 * ring 3 where it costs nothing on a software KVM. */
#include "proc.h"

#define EI_NIDENT	16
#define ET_EXEC		2
#define PT_LOAD		1
#define PF_W		2

#ifdef __x86_64__
#define ELF_CLASS	2		/* ELFCLASS64 */
#define ELF_MACHINE	62		/* EM_X86_64 */
typedef uint64_t elf_addr;
typedef uint64_t elf_off;
typedef uint64_t elf_xword;
#else
#define ELF_CLASS	1		/* ELFCLASS32 */
#define ELF_MACHINE	3		/* EM_386 */
typedef uint32_t elf_addr;
typedef uint32_t elf_off;
typedef uint32_t elf_xword;
#endif

struct elf_ehdr {
	unsigned char ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version;
	elf_addr entry;
	elf_off phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

#ifdef __x86_64__
struct elf_phdr {
	uint32_t type, flags;
	elf_off offset;
	elf_addr vaddr, paddr;
	elf_xword filesz, memsz, align;
};
#else
struct elf_phdr {
	uint32_t type;
	elf_off offset;
	elf_addr vaddr, paddr;
	uint32_t filesz, memsz, flags, align;
};
#endif

static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

/* Maps a read-only segment straight from the image. */
static int map_image(struct proc *p, const struct program *prog, const struct elf_phdr *ph)
{
	uintptr_t start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
	uintptr_t end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
	uintptr_t pa = (uintptr_t)prog->start + ALIGN_DOWN(ph->offset, PAGE_SIZE);
	int r;

	if (ph->memsz != ph->filesz)
		return E_NOENT;		/* no bss in a read-only segment */
	r = proc_add_region(p, start, end, false, false);
	for (uintptr_t va = start; r == 0 && va < end; va += PAGE_SIZE, pa += PAGE_SIZE)
		aspace_map(&p->as, va, pa, false);
	return r;
}

/* Gives the writable segment fresh pages and its initialised bytes. */
static int map_data(struct proc *p, const struct program *prog, const struct elf_phdr *ph,
		    struct user_start *us)
{
	uintptr_t end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
	const uint8_t *src = prog->start + ph->offset;
	size_t left = ph->filesz;
	int r;

	if (ph->vaddr & (PAGE_SIZE - 1) || us->zero1)
		return E_NOENT;		/* one page-aligned data segment */
	r = proc_add_region(p, ph->vaddr, end, true, true);
	for (uintptr_t va = ph->vaddr; r == 0 && va < end; va += PAGE_SIZE) {
		uintptr_t pa = page_alloc();
		size_t n = left < PAGE_SIZE ? left : PAGE_SIZE;

		if (!pa)
			return E_NOMEM;
		aspace_map(&p->as, va, pa, true);
		memcpy((void *)pa, src, n);
		src += n;
		left -= n;
	}
	us->zero1 = ph->vaddr + ph->filesz;
	us->zero1_len = end - us->zero1;
	return r;
}

int load_program(struct proc *p, const struct program *prog, struct user_start *us)
{
	const struct elf_ehdr *eh = (const void *)prog->start;
	size_t size = (size_t)(prog->end - prog->start);
	bool entry_ok = false;

	memset(us, 0, sizeof *us);
	if (size < sizeof *eh || memcmp(eh->ident, elf_magic, 4) ||
	    eh->ident[4] != ELF_CLASS || eh->type != ET_EXEC || eh->machine != ELF_MACHINE ||
	    eh->phentsize != sizeof(struct elf_phdr) || eh->phoff > size ||
	    eh->phnum > (size - eh->phoff) / sizeof(struct elf_phdr))
		return E_NOENT;

	const struct elf_phdr *ph = (const void *)(prog->start + eh->phoff);

	for (unsigned i = 0; i < eh->phnum; i++, ph++) {
		int r;

		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		/* Inside the image and inside the program window, overflow
		 * included; offsets and addresses agree modulo the page. */
		if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset ||
		    ph->vaddr < USER_TEXT || ph->vaddr > USER_IMAGE_END ||
		    ph->memsz > USER_IMAGE_END - ph->vaddr ||
		    (ph->vaddr ^ ph->offset) & (PAGE_SIZE - 1))
			return E_NOENT;
		if (ph->flags & PF_W) {
			r = map_data(p, prog, ph, us);
		} else {
			r = map_image(p, prog, ph);
			if (eh->entry >= ph->vaddr && eh->entry < ph->vaddr + ph->memsz)
				entry_ok = true;
		}
		if (r)
			return r;
	}
	if (!entry_ok)
		return E_NOENT;
	us->entry = eh->entry;
	return 0;
}
