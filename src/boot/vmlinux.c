/* The vmlinux loader (vmlinux.h): the ELF64 file's every size and offset
 * checked, with overflow, before anything is copied; then each PT_LOAD
 * segment read once from the file straight into guest RAM (the image is
 * held open, not read whole: image.h), and the entry's boot data written
 * (pvh.c for the PVH one). */
#include "vmlinux.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../err.h"
#include "../status.h"
#include "acpi.h"
#include "boot.h"
#include "le.h"
#include "mptable.h"
#include "pvh.h"

/* A note segment is read whole to be walked; a vmlinux's is 0.5 KiB. */
#define VML_MAX_NOTES_BYTES (1u << 20)

/* The ELF header and the program header table, read from the file once. */
struct elf_headers {
	Elf64_Ehdr eh;
	Elf64_Phdr *ph; /* eh.e_phnum entries */
};

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
	uint64_t size = image_file_size(img);

	return eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phnum != 0 &&
	       eh->e_phnum != PN_XNUM && eh->e_phoff <= size &&
	       (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) <= size - eh->e_phoff;
}

/* h->ph from the file, whose table phdrs_in_file() found in it. */
static int read_phdrs(const struct image *img, struct elf_headers *h)
{
	size_t bytes = (size_t)h->eh.e_phnum * sizeof(Elf64_Phdr);

	h->ph = malloc(bytes);
	if (!h->ph)
		return throw_err(-1, "%s: out of memory reading ELF program headers", img->path);
	if (image_read_at(img, h->eh.e_phoff, h->ph, bytes) < 0) {
		free(h->ph);
		h->ph = NULL;
		return -1;
	}
	return 0;
}

static int check_ehdr(const struct image *img, struct elf_headers *h)
{
	Elf64_Ehdr *eh = &h->eh;

	h->ph = NULL;
	if (image_file_size(img) < sizeof(*eh))
		return throw_err(-1, "%s: truncated ELF header (%llu bytes of %zu)", img->path,
				 (unsigned long long)image_file_size(img), sizeof(*eh));
	if (image_read_at(img, 0, eh, sizeof(*eh)) < 0)
		return -1;
	if (!vmlinux_detect(eh->e_ident, sizeof(*eh)) || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
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
	return read_phdrs(img, h);
}

/* ph's bytes [p_offset, p_offset + p_filesz) lie in the file. */
static bool in_file(const struct image *img, const Elf64_Phdr *ph)
{
	uint64_t size = image_file_size(img);

	return ph->p_offset <= size && ph->p_filesz <= size - ph->p_offset;
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
	if (!in_file(img, ph))
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

/* The first loadable segment before segment i that overlaps it, or -1.
 * Both are inside RAM (check_segment): the ends do not wrap. */
static int overlapped(const struct elf_headers *h, int i)
{
	const Elf64_Phdr *ph = &h->ph[i];

	for (int j = 0; j < i; j++) {
		const Elf64_Phdr *other = &h->ph[j];

		if (loadable(other) && other->p_paddr < ph->p_paddr + ph->p_memsz &&
		    ph->p_paddr < other->p_paddr + other->p_memsz)
			return j;
	}
	return -1;
}

static int check_segments(const struct image *img, const struct elf_headers *h,
			  uint64_t mem_size, struct vmlinux *k)
{
	k->kernel_start = UINT64_MAX;
	for (int i = 0; i < h->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &h->ph[i];
		int j;

		if (!loadable(ph))
			continue;
		if (check_segment(img, ph, i, mem_size) < 0)
			return -1;
		if (++k->nr_segments > VML_MAX_SEGMENTS)
			return throw_err(-1, "%s: more than %d loadable ELF segments", img->path,
					 VML_MAX_SEGMENTS);
		if ((j = overlapped(h, i)) >= 0)
			return throw_err(-1, "%s: ELF segments %d and %d overlap in memory",
					 img->path, j, i);
		k->segments[k->nr_segments - 1] = (struct vmlinux_segment){
			.phdr = i, .offset = ph->p_offset, .filesz = ph->p_filesz,
			.paddr = ph->p_paddr, .memsz = ph->p_memsz,
		};
		if (ph->p_paddr < k->kernel_start)
			k->kernel_start = ph->p_paddr;
		if (ph->p_paddr + ph->p_memsz > k->kernel_end)
			k->kernel_end = ph->p_paddr + ph->p_memsz;
	}
	if (!k->nr_segments)
		return throw_err(-1, "%s: ELF file has no loadable segment", img->path);
	return 0;
}

/* What the PT_NOTE segments' notes hold: the first PVH entry note's
 * description (its first 8 bytes kept), or why the notes cannot be read. */
struct note_scan {
	bool found;
	uint8_t desc[8];
	uint32_t desc_size;
	const char *bad; /* NULL: well-formed so far */
};

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ull;
}

/* Walks the notes of one segment, its left bytes read into notes. */
static void scan_notes(const uint8_t *notes, uint64_t left, struct note_scan *s)
{
	while (left > 0 && !s->bad) {
		Elf64_Nhdr nh;
		uint64_t name_len, step;

		if (left < sizeof(nh)) {
			s->bad = "a note header runs past the end of its segment";
			return;
		}
		memcpy(&nh, notes, sizeof(nh));
		name_len = align4(nh.n_namesz); /* u32 values: no wrap in u64 */
		if (name_len > left - sizeof(nh) || nh.n_descsz > left - sizeof(nh) - name_len) {
			s->bad = "a note's name or description runs past the end of its segment";
			return;
		}
		const uint8_t *name = notes + sizeof(nh);

		if (!s->found && nh.n_type == VML_PVH_NOTE_TYPE && nh.n_namesz == 4 &&
		    memcmp(name, "Xen", 4) == 0) {
			s->found = true;
			s->desc_size = nh.n_descsz;
			memcpy(s->desc, name + name_len,
			       nh.n_descsz < sizeof(s->desc) ? nh.n_descsz : sizeof(s->desc));
		}
		/* The last note's description may end the segment unpadded. */
		step = sizeof(nh) + name_len + align4(nh.n_descsz);
		step = step < left ? step : left;
		notes += step;
		left -= step;
	}
}

/* Reads PT_NOTE segment i (in the file, at most VML_MAX_NOTES_BYTES) and
 * walks it into s. 0, or -1 after one line. */
static int scan_note_segment(const struct image *img, const Elf64_Phdr *ph, int i,
			     struct note_scan *s)
{
	if (!in_file(img, ph))
		return throw_err(-1, "%s: ELF note segment %d lies beyond the end of the file",
				 img->path, i);
	if (ph->p_filesz > VML_MAX_NOTES_BYTES)
		return throw_err(-1, "%s: ELF note segment %d has 0x%llx bytes; at most 0x%x are read",
				 img->path, i, (unsigned long long)ph->p_filesz, VML_MAX_NOTES_BYTES);
	uint8_t *notes = malloc(ph->p_filesz ? ph->p_filesz : 1);

	if (!notes)
		return throw_err(-1, "%s: out of memory reading ELF notes", img->path);
	if (image_read_at(img, ph->p_offset, notes, ph->p_filesz) < 0) {
		free(notes);
		return -1;
	}
	scan_notes(notes, ph->p_filesz, s);
	free(notes);
	return 0;
}

/* Every PT_NOTE segment in the file and well-formed; the PVH note's entry
 * (4 or 8 bytes, below 4 GiB) in *entry when there is one. */
static int check_notes(const struct image *img, const struct elf_headers *h,
		       struct vmlinux *k, uint64_t *entry)
{
	struct note_scan s = { 0 };

	for (int i = 0; i < h->eh.e_phnum; i++) {
		if (h->ph[i].p_type != PT_NOTE)
			continue;
		if (scan_note_segment(img, &h->ph[i], i, &s) < 0)
			return -1;
		if (s.bad)
			return throw_err(-1, "%s: ELF note segment %d: %s", img->path, i, s.bad);
	}
	if (!s.found)
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

/* Quietly, for the row's recognise(): a broken file is vmlinux_parse's
 * to report. */
bool vmlinux_has_pvh_note(const struct image *img)
{
	struct note_scan s = { 0 };
	struct elf_headers h;

	if (!image_fetch(img, 0, &h.eh, sizeof(h.eh)) || !phdrs_in_file(img, &h.eh))
		return false;
	size_t bytes = (size_t)h.eh.e_phnum * sizeof(Elf64_Phdr);

	h.ph = malloc(bytes);
	if (!h.ph || !image_fetch(img, h.eh.e_phoff, h.ph, bytes)) {
		free(h.ph);
		return false;
	}
	for (int i = 0; i < h.eh.e_phnum && !s.found && !s.bad; i++) {
		const Elf64_Phdr *ph = &h.ph[i];
		uint8_t *notes;

		if (ph->p_type != PT_NOTE || !in_file(img, ph) || ph->p_filesz > VML_MAX_NOTES_BYTES)
			continue;
		notes = malloc(ph->p_filesz ? ph->p_filesz : 1);
		if (notes && image_fetch(img, ph->p_offset, notes, ph->p_filesz))
			scan_notes(notes, ph->p_filesz, &s);
		free(notes);
	}
	free(h.ph);
	return s.found;
}

/* addr is one of the bytes the file puts in a loadable segment. */
static bool in_file_bytes(const struct elf_headers *h, uint64_t addr)
{
	for (int i = 0; i < h->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &h->ph[i];

		if (loadable(ph) && addr >= ph->p_paddr && addr - ph->p_paddr < ph->p_filesz)
			return true;
	}
	return false;
}

static int parse_headers(const struct image *img, const struct elf_headers *h,
			 uint64_t mem_size, uint64_t initrd_size, bool pvh, struct vmlinux *k)
{
	uint64_t pvh_entry = 0;

	if (mem_size > BZ_MAX_MEM)
		return throw_err(-1, "%s: Linux guests get at most %llu MiB of RAM (below the 32-bit device hole)",
				 img->path, BZ_MAX_MEM >> 20);
	if (check_segments(img, h, mem_size, k) < 0 || check_notes(img, h, k, &pvh_entry) < 0)
		return -1;
	if (pvh && !k->has_pvh_note)
		return throw_err(-1, "%s: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) for --boot-entry=pvh; --boot-entry=elf64 boots its 64-bit entry",
				 img->path);
	k->pvh = pvh;
	k->entry = pvh ? pvh_entry : h->eh.e_entry;
	if (!in_file_bytes(h, k->entry))
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

int vmlinux_parse(const struct image *img, uint64_t mem_size, uint64_t initrd_size,
		  bool pvh, struct vmlinux *k)
{
	struct elf_headers h;
	int status;

	memset(k, 0, sizeof(*k));
	if (check_ehdr(img, &h) < 0)
		return -1;
	status = parse_headers(img, &h, mem_size, initrd_size, pvh, k);
	free(h.ph);
	return status;
}

/* Each checked segment's file bytes from the file straight into guest RAM. */
static int load_segments(struct vm *vm, const struct image *img, const struct vmlinux *k)
{
	for (int i = 0; i < k->nr_segments; i++) {
		const struct vmlinux_segment *seg = &k->segments[i];
		uint8_t *dst = vm_guest_ptr(vm, seg->paddr, seg->memsz);

		if (!dst)
			return throw_err(-1, "%s: ELF segment %d lies outside guest memory",
					 img->path, seg->phdr);
		if (image_read_at(img, seg->offset, dst, seg->filesz) < 0)
			return -1;
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
	if (load_segments(vm, img, k) < 0 ||
	    linux_load_initrd(vm, img->path, initrd, k->initrd_addr, k->initrd_size) < 0)
		return -1;
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
	return vmlinux_parse(img, p->mem_size, image_file_size(&p->initrd), pvh, &p->vml) < 0 ?
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
