/* The vmlinux loader (vmlinux.h): the ELF64 file's every size and offset
 * checked, with overflow, before anything is copied; then each PT_LOAD
 * segment copied once from the image (read whole by image_read) into
 * guest RAM, and the entry's boot data written (pvh.c for the PVH one). */
#include "vmlinux.h"

#include <elf.h>
#include <string.h>

#include "../err.h"
#include "../status.h"
#include "acpi.h"
#include "boot.h"
#include "le.h"
#include "mptable.h"
#include "pvh.h"

static void read_phdr(const struct image *img, const Elf64_Ehdr *eh, int i, Elf64_Phdr *ph)
{
	memcpy(ph, img->data + eh->e_phoff + (size_t)i * sizeof(*ph), sizeof(*ph));
}

static bool loadable(const Elf64_Phdr *ph)
{
	return ph->p_type == PT_LOAD && ph->p_memsz != 0;
}

bool vmlinux_detect(const uint8_t *data, size_t size)
{
	return size > EI_CLASS && memcmp(data, ELFMAG, SELFMAG) == 0 &&
	       data[EI_CLASS] == ELFCLASS64;
}

/* The program header table lies in the file: what every other read needs. */
static bool phdrs_in_file(const struct image *img, const Elf64_Ehdr *eh)
{
	return eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phnum != 0 &&
	       eh->e_phnum != PN_XNUM && eh->e_phoff <= img->size &&
	       (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) <= img->size - eh->e_phoff;
}

static int check_ehdr(const struct image *img, Elf64_Ehdr *eh)
{
	if (img->size < sizeof(*eh))
		return throw_err(-1, "%s: truncated ELF header (%zu bytes of %zu)", img->path,
				 img->size, sizeof(*eh));
	memcpy(eh, img->data, sizeof(*eh));
	if (!vmlinux_detect(img->data, img->size) || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT)
		return throw_err(-1, "%s: not a little-endian ELF64 file of version 1", img->path);
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64)
		return throw_err(-1, "%s: not an x86-64 executable (ELF type %u, machine %u); a vmlinux is ET_EXEC for EM_X86_64",
				 img->path, eh->e_type, eh->e_machine);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
		return throw_err(-1, "%s: ELF file has no usable program headers (%u of %u bytes)",
				 img->path, eh->e_phnum, eh->e_phentsize);
	if (!phdrs_in_file(img, eh))
		return throw_err(-1, "%s: ELF program headers lie beyond the end of the file",
				 img->path);
	return 0;
}

/* One PT_LOAD segment: in the file, in RAM, clear of the boot data below
 * 1 MiB (zero page, command line, page tables, BIOS area tables). */
static int check_segment(const struct image *img, const Elf64_Phdr *ph, int i,
			 uint64_t mem_size)
{
	unsigned long long at = ph->p_paddr, size = ph->p_memsz;

	if (ph->p_filesz > ph->p_memsz)
		return throw_err(-1, "%s: ELF segment %d: file size 0x%llx is larger than its memory size 0x%llx",
				 img->path, i, (unsigned long long)ph->p_filesz, size);
	if (ph->p_offset > img->size || ph->p_filesz > img->size - ph->p_offset)
		return throw_err(-1, "%s: ELF segment %d lies beyond the end of the file",
				 img->path, i);
	if (ph->p_paddr > mem_size || ph->p_memsz > mem_size - ph->p_paddr)
		return throw_err(-1, "%s: ELF segment %d (0x%llx bytes at 0x%llx) lies outside the %llu MiB of guest memory",
				 img->path, i, size, at, (unsigned long long)(mem_size >> 20));
	if (ph->p_paddr < BZ_KERNEL_ADDR)
		return throw_err(-1, "%s: ELF segment %d (0x%llx bytes at 0x%llx) lies below 1 MiB, over the zero page, command line and tables the VMM writes there",
				 img->path, i, size, at);
	return 0;
}

/* The first loadable segment before segment i that overlaps ph, or -1.
 * Both are inside RAM (check_segment): the ends do not wrap. */
static int overlapped(const struct image *img, const Elf64_Ehdr *eh, int i,
		      const Elf64_Phdr *ph)
{
	for (int j = 0; j < i; j++) {
		Elf64_Phdr other;

		read_phdr(img, eh, j, &other);
		if (loadable(&other) && other.p_paddr < ph->p_paddr + ph->p_memsz &&
		    ph->p_paddr < other.p_paddr + other.p_memsz)
			return j;
	}
	return -1;
}

static int check_segments(const struct image *img, const Elf64_Ehdr *eh,
			  uint64_t mem_size, struct vmlinux *k)
{
	k->kernel_start = UINT64_MAX;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		int j;

		read_phdr(img, eh, i, &ph);
		if (!loadable(&ph))
			continue;
		if (check_segment(img, &ph, i, mem_size) < 0)
			return -1;
		if (++k->nr_segments > VML_MAX_SEGMENTS)
			return throw_err(-1, "%s: more than %d loadable ELF segments", img->path,
					 VML_MAX_SEGMENTS);
		if ((j = overlapped(img, eh, i, &ph)) >= 0)
			return throw_err(-1, "%s: ELF segments %d and %d overlap in memory",
					 img->path, j, i);
		if (ph.p_paddr < k->kernel_start)
			k->kernel_start = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > k->kernel_end)
			k->kernel_end = ph.p_paddr + ph.p_memsz;
	}
	if (!k->nr_segments)
		return throw_err(-1, "%s: ELF file has no loadable segment", img->path);
	return 0;
}

/* What one PT_NOTE segment's notes hold: the first PVH entry note's
 * description, or why the notes cannot be read. */
struct note_scan {
	const uint8_t *desc; /* NULL: no PVH note (yet) */
	uint32_t desc_size;
	const char *bad;     /* NULL: well-formed so far */
};

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ull;
}

/* Walks the notes in [off, off + left) of the file, which lies in it. */
static void scan_notes(const struct image *img, uint64_t off, uint64_t left,
		       struct note_scan *s)
{
	while (left > 0 && !s->bad) {
		Elf64_Nhdr nh;
		uint64_t name_len, step;

		if (left < sizeof(nh)) {
			s->bad = "a note header runs past the end of its segment";
			return;
		}
		memcpy(&nh, img->data + off, sizeof(nh));
		name_len = align4(nh.n_namesz); /* u32 values: no wrap in u64 */
		if (name_len > left - sizeof(nh) || nh.n_descsz > left - sizeof(nh) - name_len) {
			s->bad = "a note's name or description runs past the end of its segment";
			return;
		}
		const uint8_t *name = img->data + off + sizeof(nh);

		if (!s->desc && nh.n_type == VML_PVH_NOTE_TYPE && nh.n_namesz == 4 &&
		    memcmp(name, "Xen", 4) == 0) {
			s->desc = name + name_len;
			s->desc_size = nh.n_descsz;
		}
		/* The last note's description may end the segment unpadded. */
		step = sizeof(nh) + name_len + align4(nh.n_descsz);
		step = step < left ? step : left;
		off += step;
		left -= step;
	}
}

/* Every PT_NOTE segment in the file and well-formed; the PVH note's entry
 * (4 or 8 bytes, below 4 GiB) in *entry when there is one. */
static int check_notes(const struct image *img, const Elf64_Ehdr *eh, struct vmlinux *k,
		       uint64_t *entry)
{
	struct note_scan s = { 0 };

	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		read_phdr(img, eh, i, &ph);
		if (ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > img->size || ph.p_filesz > img->size - ph.p_offset)
			return throw_err(-1, "%s: ELF note segment %d lies beyond the end of the file",
					 img->path, i);
		scan_notes(img, ph.p_offset, ph.p_filesz, &s);
		if (s.bad)
			return throw_err(-1, "%s: ELF note segment %d: %s", img->path, i, s.bad);
	}
	if (!s.desc)
		return 0;
	k->has_pvh_note = true;
	if (s.desc_size != 4 && s.desc_size != 8)
		return throw_err(-1, "%s: the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) has %u bytes; 4 or 8 expected",
				 img->path, s.desc_size);
	*entry = s.desc_size == 4 ? rd32(s.desc, 0) : rd64(s.desc, 0);
	if (*entry > UINT32_MAX)
		return throw_err(-1, "%s: the PVH entry 0x%llx lies above 4 GiB; it is a 32-bit entry",
				 img->path, (unsigned long long)*entry);
	return 0;
}

bool vmlinux_has_pvh_note(const struct image *img)
{
	struct note_scan s = { 0 };
	Elf64_Ehdr eh;

	if (img->size < sizeof(eh))
		return false;
	memcpy(&eh, img->data, sizeof(eh));
	if (!phdrs_in_file(img, &eh))
		return false;
	for (int i = 0; i < eh.e_phnum && !s.desc && !s.bad; i++) {
		Elf64_Phdr ph;

		read_phdr(img, &eh, i, &ph);
		if (ph.p_type == PT_NOTE && ph.p_offset <= img->size &&
		    ph.p_filesz <= img->size - ph.p_offset)
			scan_notes(img, ph.p_offset, ph.p_filesz, &s);
	}
	return s.desc != NULL;
}

/* addr is one of the bytes the file puts in a loadable segment. */
static bool in_file_bytes(const struct image *img, const Elf64_Ehdr *eh, uint64_t addr)
{
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		read_phdr(img, eh, i, &ph);
		if (loadable(&ph) && addr >= ph.p_paddr && addr - ph.p_paddr < ph.p_filesz)
			return true;
	}
	return false;
}

int vmlinux_parse(const struct image *img, uint64_t mem_size, uint64_t initrd_size,
		  bool pvh, struct vmlinux *k)
{
	Elf64_Ehdr eh;
	uint64_t pvh_entry = 0;

	memset(k, 0, sizeof(*k));
	if (check_ehdr(img, &eh) < 0)
		return -1;
	if (mem_size > BZ_MAX_MEM)
		return throw_err(-1, "%s: Linux guests get at most %llu MiB of RAM (below the 32-bit device hole)",
				 img->path, BZ_MAX_MEM >> 20);
	if (check_segments(img, &eh, mem_size, k) < 0 || check_notes(img, &eh, k, &pvh_entry) < 0)
		return -1;
	if (pvh && !k->has_pvh_note)
		return throw_err(-1, "%s: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) for --boot-entry=pvh; --boot-entry=elf64 boots its 64-bit entry",
				 img->path);
	k->pvh = pvh;
	k->entry = pvh ? pvh_entry : eh.e_entry;
	if (!in_file_bytes(img, &eh, k->entry))
		return throw_err(-1, "%s: the %s entry point 0x%llx is not in a loaded segment's file bytes",
				 img->path, pvh ? "PVH" : "ELF", (unsigned long long)k->entry);
	if (initrd_size == 0)
		return 0;
	if (linux_place_initrd(img->path, initrd_size, k->kernel_end, mem_size, false,
			       &k->initrd_addr) < 0)
		return -1;
	k->initrd_size = initrd_size;
	return 0;
}

static int load_segments(struct vm *vm, const struct image *img)
{
	Elf64_Ehdr eh;

	memcpy(&eh, img->data, sizeof(eh));
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		read_phdr(img, &eh, i, &ph);
		if (!loadable(&ph))
			continue;
		uint8_t *dst = vm_guest_ptr(vm, ph.p_paddr, ph.p_memsz);

		if (!dst)
			return throw_err(-1, "%s: ELF segment %d lies outside guest memory",
					 img->path, i);
		memcpy(dst, img->data + ph.p_offset, ph.p_filesz);
	}
	return 0;
}

/* The zero page of the 64-bit entry: no bzImage header to copy, so the
 * setup header's few fields the kernel reads are the VMM's own. */
static int write_zero_page(struct vm *vm, const struct vmlinux *k)
{
	uint8_t *zp = vm_guest_ptr(vm, BZ_ZERO_PAGE_ADDR, ZP_SIZE);

	if (!zp)
		return throw_err(-1, "no guest memory for the zero page");
	memset(zp, 0, ZP_SIZE);
	wr16(zp, HDR_BOOT_FLAG, BOOT_FLAG);
	wr32(zp, HDR_MAGIC, HEADER_MAGIC);
	wr16(zp, HDR_VERSION, VML_BOOT_VERSION);
	zp[HDR_LOADFLAGS] = LOADED_HIGH;
	wr32(zp, HDR_CMDLINE_SIZE, VML_CMDLINE_MAX);
	linux_zero_page_fill(zp, vm->mem_size, k->initrd_addr, k->initrd_size);
	return 0;
}

int vmlinux_load(struct vm *vm, const struct image *img, const struct image *initrd,
		 const char *cmdline, const struct vmlinux *k)
{
	if (load_segments(vm, img) < 0)
		return -1;
	if (k->initrd_size) {
		uint8_t *dst = vm_guest_ptr(vm, k->initrd_addr, k->initrd_size);

		if (!dst || !initrd || initrd->size != k->initrd_size)
			return throw_err(-1, "%s: initrd does not fit in guest memory", img->path);
		memcpy(dst, initrd->data, initrd->size);
	}
	if (linux_write_cmdline(vm, cmdline, VML_CMDLINE_MAX) < 0 ||
	    linux_write_boot_tables(vm) < 0)
		return -1;
	return k->pvh ? pvh_write_start_info(vm, k->initrd_addr, k->initrd_size)
		      : write_zero_page(vm, k);
}

int vmlinux_setup_vcpu(struct vcpu *v, const struct vmlinux *k)
{
	return k->pvh ? pvh_setup_vcpu(v, k->entry) : linux_setup_long_mode(v, k->entry);
}

static int check_row(const struct image *img, const struct options *o,
		     struct boot_plan *p, bool pvh)
{
	int status = linux_plan_inputs(o, p);

	if (status)
		return status;
	return vmlinux_parse(img, p->mem_size, p->initrd.size, pvh, &p->vml) < 0 ?
		       STATUS_BAD_INPUT : 0;
}

int vmlinux_check_pvh(const struct image *img, const struct options *o, struct boot_plan *p)
{
	return check_row(img, o, p, true);
}

int vmlinux_check_elf64(const struct image *img, const struct options *o, struct boot_plan *p)
{
	return check_row(img, o, p, false);
}

int vmlinux_plan_load(struct vm *vm, const struct image *img, const struct boot_plan *p)
{
	if (vmlinux_load(vm, img, &p->initrd, p->cmdline, &p->vml) < 0 ||
	    mptable_write(vm, p->nr_vcpus) < 0)
		return -1;
	return p->vml.pvh ? acpi_write(vm, p->nr_vcpus) : 0;
}

int vmlinux_plan_setup_vcpu(struct vcpu *v, const struct boot_plan *p)
{
	return vmlinux_setup_vcpu(v, &p->vml);
}
