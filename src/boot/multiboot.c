/* A kernel is checked whole before any byte is copied: each segment
 * against the file, the RAM and the tables the VMM writes, sized for 64
 * vCPUs so that --smp never changes which kernels load. Modules and the
 * information area's place are multiboot_modules.c. */
#include "multiboot.h"

#include <elf.h>
#include <string.h>

#include "../err.h"
#include "../x86.h"
#include "acpi.h"
#include "le.h"
#include "mptable.h"

/* Multiboot information flags (spec section 3.3). */
#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

#define MB_LOW_RAM_END 0x9fc00u /* where the EBDA starts on a PC */

long multiboot_find_header(const uint8_t *data, size_t size)
{
	size_t end = size < MB_SEARCH_LEN ? size : MB_SEARCH_LEN;

	for (size_t off = 0; off + 12 <= end; off += 4) {
		uint32_t magic = rd32(data, off), flags = rd32(data, off + 4);

		if (magic == MB_HEADER_MAGIC &&
		    (uint32_t)(magic + flags + rd32(data, off + 8)) == 0)
			return (long)off;
	}
	return -1;
}

bool multiboot_detect(const uint8_t *data, size_t size)
{
	return multiboot_find_header(data, size) >= 0;
}

/* Header flags (spec section 3.1.2): bits 0-15 are requirements a loader
 * must refuse when it cannot meet them; bits 16-31 are optional. */
#define MBH_PAGE_ALIGN (1u << 0) /* modules page-aligned: they are */
#define MBH_MEMORY_INFO (1u << 1) /* mem_* in the information: they are */
#define MBH_VIDEO_MODE (1u << 2) /* a video mode: none, as QEMU (warned) */
#define MBH_REQUIRED 0xffffu
#define MBH_AOUT_KLUDGE (1u << 16) /* load addresses in the header */

/* Bit 16: the header's own load addresses, which QEMU and GRUB use
 * instead of the ELF program headers. kvm-vmm loads by the program
 * headers, so it takes such a kernel only where both say the same: the
 * same extent (load_addr to bss_end_addr, or to load_end_addr, or to the
 * end of the file) and the same entry point. */
static int check_aout_kludge(const struct image *img, long off,
			     const struct multiboot_kernel *k)
{
	const uint8_t *h = img->data + off;
	uint32_t header_addr, load_addr, load_end, bss_end, entry;
	uint64_t end;

	if ((size_t)off + 32 > img->size)
		return throw_err(-1, "%s: the multiboot header sets flag bit 16 (load addresses in the header) but the file ends inside them",
				 img->path);
	header_addr = rd32(h, 12);
	load_addr = rd32(h, 16);
	load_end = rd32(h, 20);
	bss_end = rd32(h, 24);
	entry = rd32(h, 28);
	end = bss_end ? bss_end : load_end;
	if (!end && header_addr >= load_addr && header_addr - load_addr <= (uint64_t)off)
		end = (uint64_t)load_addr + img->size - ((uint64_t)off - (header_addr - load_addr));
	if (load_addr != k->load_start || end != k->load_end || entry != k->entry)
		return throw_err(-1, "%s: the multiboot header's load addresses (flag bit 16: 0x%x-0x%llx, entry 0x%x) differ from the ELF program headers' (0x%x-0x%x, entry 0x%x); kvm-vmm loads by the program headers, QEMU by the multiboot header",
				 img->path, load_addr, (unsigned long long)end, entry,
				 k->load_start, k->load_end, k->entry);
	return 0;
}

/* The header's flags: what the kernel requires of its loader. */
static int check_header_flags(const struct image *img, struct multiboot_kernel *k)
{
	long off = multiboot_find_header(img->data, img->size);
	uint32_t flags, unknown;

	if (off < 0)
		return throw_err(-1, "%s: no multiboot header in the first %u bytes",
				 img->path, MB_SEARCH_LEN);
	flags = rd32(img->data, off + 4);
	k->header_flags = flags;
	unknown = flags & MBH_REQUIRED & ~(MBH_PAGE_ALIGN | MBH_MEMORY_INFO | MBH_VIDEO_MODE);
	if (unknown)
		return throw_err(-1, "%s: the multiboot header requires flag bit %d, which kvm-vmm does not know (it meets bits 0-2)",
				 img->path, __builtin_ctz(unknown));
	/* Asked of the loader but not met, as by QEMU's -kernel, which says
	 * so too: there is no display; the information carries no video
	 * fields (flags bits 11 and 12 clear), which the kernel can see. */
	if (flags & MBH_VIDEO_MODE)
		err_print("%s: the multiboot header asks for a video mode (flag bit 2); kvm-vmm has no display and sets none",
			  img->path);
	if (flags & MBH_AOUT_KLUDGE)
		return check_aout_kludge(img, off, k);
	return 0;
}

static int check_elf_header(const struct image *img, Elf32_Ehdr *eh)
{
	if (img->size < sizeof(*eh))
		return throw_err(-1, "%s: truncated ELF header", img->path);
	memcpy(eh, img->data, sizeof(*eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return throw_err(-1, "%s: multiboot kernel is not an ELF file (only ELF32 multiboot kernels are supported)",
				 img->path);
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return throw_err(-1, "%s: not a little-endian ELF32 file (multiboot v1 loads ELF32 only)",
				 img->path);
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_386)
		return throw_err(-1, "%s: not an i386 executable ELF file", img->path);
	if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf32_Phdr))
		return throw_err(-1, "%s: ELF file has no usable program headers", img->path);
	if (eh->e_phoff > img->size ||
	    (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > img->size - eh->e_phoff)
		return throw_err(-1, "%s: ELF program headers lie beyond the end of the file",
				 img->path);
	return 0;
}

/* Whether [addr, addr + len) meets the tables the VMM writes into the BIOS
 * area, as large as 64 vCPUs make them. */
static bool over_tables(uint64_t addr, uint64_t len)
{
	uint64_t acpi_end = ACPI_RSDP_ADDR + acpi_size(MPTABLE_MAX_CPUS);
	uint64_t mp_end = MPTABLE_ADDR + mptable_size(MPTABLE_MAX_CPUS);

	return (addr < acpi_end && ACPI_RSDP_ADDR < addr + len) ||
	       (addr < mp_end && MPTABLE_ADDR < addr + len);
}

static int check_segment(const struct image *img, const Elf32_Phdr *ph, int i,
			 uint64_t mem_size)
{
	if (ph->p_filesz > ph->p_memsz)
		return throw_err(-1, "%s: ELF segment %d: file size 0x%x is larger than its memory size 0x%x",
				 img->path, i, ph->p_filesz, ph->p_memsz);
	if (ph->p_offset > img->size || ph->p_filesz > img->size - ph->p_offset)
		return throw_err(-1, "%s: ELF segment %d lies beyond the end of the file",
				 img->path, i);
	if ((uint64_t)ph->p_paddr + ph->p_memsz > mem_size)
		return throw_err(-1, "%s: ELF segment %d (0x%x-0x%llx) lies outside the %llu MiB of guest memory",
				 img->path, i, ph->p_paddr,
				 (unsigned long long)ph->p_paddr + ph->p_memsz,
				 (unsigned long long)(mem_size >> 20));
	if (ph->p_paddr < MB_LOW_LIMIT || over_tables(ph->p_paddr, ph->p_memsz))
		return throw_err(-1, "%s: ELF segment %d (0x%x-0x%llx) overlaps the first page, or the ACPI (0x%x) or MP (0x%x) tables the VMM writes",
				 img->path, i, ph->p_paddr,
				 (unsigned long long)ph->p_paddr + ph->p_memsz,
				 ACPI_RSDP_ADDR, MPTABLE_ADDR);
	return 0;
}

static bool loadable(const Elf32_Phdr *ph)
{
	return ph->p_type == PT_LOAD && ph->p_memsz != 0;
}

static void read_phdr(const struct image *img, const Elf32_Ehdr *eh, int i, Elf32_Phdr *ph)
{
	memcpy(ph, img->data + eh->e_phoff + (size_t)i * sizeof(*ph), sizeof(*ph));
}

int multiboot_parse(const struct image *img, uint64_t mem_size, struct multiboot_kernel *k)
{
	Elf32_Ehdr eh;
	int loaded = 0;

	if (check_elf_header(img, &eh) < 0)
		return -1;
	k->entry = eh.e_entry;
	k->load_start = UINT32_MAX;
	k->load_end = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;

		read_phdr(img, &eh, i, &ph);
		if (!loadable(&ph))
			continue;
		if (check_segment(img, &ph, i, mem_size) < 0)
			return -1;
		if (ph.p_paddr < k->load_start)
			k->load_start = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > k->load_end)
			k->load_end = ph.p_paddr + ph.p_memsz;
		loaded++;
	}
	if (!loaded)
		return throw_err(-1, "%s: ELF file has no loadable segment", img->path);
	k->info_addr = MB_INFO_ADDR;
	if (k->entry < k->load_start || k->entry >= k->load_end)
		return throw_err(-1, "%s: ELF entry point 0x%x is outside the loaded segments",
				 img->path, k->entry);
	return check_header_flags(img, k);
}

/* Zeroes the bytes of [start, end) that segments before segment n put
 * their file bytes on: the only bytes of a BSS that are not zero already. */
static void clear_over_earlier(struct vm *vm, const struct image *img,
			       const Elf32_Ehdr *eh, int n, uint64_t start, uint64_t end)
{
	for (int j = 0; j < n; j++) {
		Elf32_Phdr ph;

		read_phdr(img, eh, j, &ph);
		if (!loadable(&ph))
			continue;
		uint64_t a = ph.p_paddr > start ? ph.p_paddr : start;
		uint64_t b = (uint64_t)ph.p_paddr + ph.p_filesz;

		if (b > end)
			b = end;
		if (a < b)
			memset(vm_guest_ptr(vm, a, b - a), 0, b - a);
	}
}

/* Guest RAM is a fresh anonymous mapping when this runs, all zero: the
 * segments are the first thing written into it (load_multiboot in
 * boot.c). So a BSS is left as it is, untouched pages stay unbacked (a
 * 2 GiB BSS costs the host nothing), and only the bytes an earlier
 * segment wrote are cleared. */
int multiboot_load(struct vm *vm, const struct image *img)
{
	Elf32_Ehdr eh;

	memcpy(&eh, img->data, sizeof(eh));
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;

		read_phdr(img, &eh, i, &ph);
		if (!loadable(&ph))
			continue;
		uint8_t *dst = vm_guest_ptr(vm, ph.p_paddr, ph.p_memsz);

		if (!dst)
			return throw_err(-1, "%s: ELF segment %d lies outside guest memory",
					 img->path, i);
		memcpy(dst, img->data + ph.p_offset, ph.p_filesz);
		clear_over_earlier(vm, img, &eh, i, (uint64_t)ph.p_paddr + ph.p_filesz,
				   (uint64_t)ph.p_paddr + ph.p_memsz);
	}
	return 0;
}

int multiboot_memory_map(uint64_t mem_size, struct e820_entry *map)
{
	map[0] = (struct e820_entry){ 0, MB_LOW_RAM_END, E820_RAM };
	map[1] = (struct e820_entry){ MB_LOW_RAM_END, 0xa0000 - MB_LOW_RAM_END,
				      E820_RESERVED }; /* extended BIOS data area */
	map[2] = (struct e820_entry){ MB_BIOS_AREA, MB_BIOS_AREA_END - MB_BIOS_AREA,
				      E820_RESERVED }; /* MP and ACPI tables */
	uint64_t high = vm_high_size_for(mem_size);

	map[3] = (struct e820_entry){ MB_BIOS_AREA_END, mem_size - high - MB_BIOS_AREA_END,
				      E820_RAM };
	if (!high)
		return 4;
	map[4] = (struct e820_entry){ VM_HIGH_RAM_BASE, high, E820_RAM };
	return 5;
}

/* The module list and each module's string, in the information area. */
static int write_modules(struct vm *vm, const struct multiboot_kernel *k, struct mb_info *info)
{
	uint32_t strings = k->info_addr + MB_STRINGS_OFF;

	for (int i = 0; i < k->nr_modules; i++) {
		const struct multiboot_module *m = &k->modules[i];
		size_t len = strlen(m->string) + 1;
		uint32_t entry[4] = { m->start, m->end, strings, 0 };
		void *entry_dst = vm_guest_ptr(vm, k->info_addr + MB_MODS_OFF + 16u * (uint32_t)i, 16);
		void *string_dst = vm_guest_ptr(vm, strings, len);

		if (!entry_dst || !string_dst)
			return throw_err(-1, "no guest memory for the multiboot module list");
		memcpy(entry_dst, entry, sizeof(entry));
		memcpy(string_dst, m->string, len);
		strings += (uint32_t)len;
	}
	info->mods_count = (uint32_t)k->nr_modules;
	info->mods_addr = k->info_addr + MB_MODS_OFF;
	if (k->nr_modules)
		info->flags |= MBI_MODS;
	return 0;
}

int multiboot_write_info(struct vm *vm, const struct multiboot_kernel *k, const char *cmdline)
{
	static const char loader_name[] = "kvm-vmm (Mini-KVM)";
	size_t cmdline_len = strlen(cmdline);
	uint32_t base = k->info_addr;
	struct mb_info *info = vm_guest_ptr(vm, base, sizeof(*info));
	struct e820_entry e820[MB_MMAP_MAX];
	struct mb_mmap_entry map[MB_MMAP_MAX];
	int nmap;
	void *map_dst = vm_guest_ptr(vm, base + MB_MMAP_OFF, sizeof(map));
	void *name_dst = vm_guest_ptr(vm, base + MB_NAME_OFF, sizeof(loader_name));
	void *cmdline_dst = vm_guest_ptr(vm, base + MB_CMDLINE_OFF, cmdline_len + 1);

	if (cmdline_len > MB_CMDLINE_MAX)
		return throw_err(-1, "kernel command line is %zu bytes; at most %u fit",
				 cmdline_len, MB_CMDLINE_MAX);
	if (!info || !map_dst || !name_dst || !cmdline_dst || vm->mem_size < MB_MIN_MEM)
		return throw_err(-1, "multiboot kernels need at least 2 MiB of guest memory");
	nmap = multiboot_memory_map(vm->mem_size, e820);
	for (int i = 0; i < nmap; i++)
		map[i] = (struct mb_mmap_entry){ sizeof(map[i]) - sizeof(map[i].size),
						 e820[i].addr, e820[i].size, e820[i].type };
	memcpy(map_dst, map, sizeof(map[0]) * (size_t)nmap);
	memcpy(name_dst, loader_name, sizeof(loader_name));
	memcpy(cmdline_dst, cmdline, cmdline_len + 1);
	memset(info, 0, sizeof(*info));
	info->flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	info->mem_lower = MB_LOW_RAM_END / 1024;
	/* mem_upper: KiB from 1 MiB to the first hole, the end of the RAM
	 * below 4 GiB. */
	info->mem_upper = (uint32_t)((vm->mem_size - vm->high_size - MB_BIOS_AREA_END) / 1024);
	info->cmdline = base + MB_CMDLINE_OFF;
	info->mmap_addr = base + MB_MMAP_OFF;
	info->mmap_length = (uint32_t)(sizeof(map[0]) * (size_t)nmap);
	info->boot_loader_name = base + MB_NAME_OFF;
	return write_modules(vm, k, info);
}

int multiboot_setup_vcpu(struct vcpu *v, const struct multiboot_kernel *k)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	/* The state the multiboot spec promises: flat 4 GiB code and data
	 * segments, protection on, paging off. The kernel loads its own GDT. */
	sregs.cs = x86_segment(MB_CODE_SEL, X86_SEG_CODE_RX, X86_SEG_FLAT32);
	sregs.ds = x86_segment(MB_DATA_SEL, X86_SEG_DATA_RW, X86_SEG_FLAT32);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 = (sregs.cr0 | X86_CR0_PE) & ~(uint64_t)X86_CR0_PG;
	if (vcpu_set_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_SET_SREGS:");

	memset(&regs, 0, sizeof(regs));
	regs.rax = MB_BOOT_MAGIC;
	regs.rbx = k->info_addr;
	regs.rip = k->entry;
	regs.rflags = X86_RFLAGS_FIXED;
	if (vcpu_set_regs(v, &regs) < 0)
		return throw_err(-1, "KVM_SET_REGS:");
	return 0;
}
