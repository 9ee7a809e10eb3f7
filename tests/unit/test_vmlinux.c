/* The vmlinux ELF loader's checks (src/boot/vmlinux.c): a good image with
 * and without the PVH note, and every malformed case it refuses, each with
 * the one line that says what is wrong. Loading and the boot rows are in
 * test_vmlinux_load.c; the image builder in vmlinux_image.h. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/boot/vmlinux.h"
#include "harness.h"
#include "vmlinux_image.h"

static char err_text[4096];

/* Parsing img (pvh or not, mem bytes of RAM, initrd bytes) is refused with
 * one line holding text. */
static void refused(int line, struct vml_image *v, bool pvh, uint64_t mem, uint64_t initrd,
		    const char *text)
{
	struct image img = { .path = "vmlinux", .data = v->data, .size = v->size };
	struct vmlinux k;
	int rc, lines = 0;

	test_stderr_begin();
	rc = vmlinux_parse(&img, mem, initrd, pvh, &k);
	test_stderr_end(err_text, sizeof(err_text));
	for (const char *p = err_text; *p; p++)
		lines += *p == '\n';
	if (rc != -1 || lines != 1 || !strstr(err_text, text)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "refused: want one line with \"%.150s\", got rc %d: %.300s",
			 text, rc, err_text);
		harness_fail(__FILE__, line, msg);
	}
	vml_free(v);
}

#define REFUSED(v, pvh, text) refused(__LINE__, v, pvh, VML_RAM, 0, text)

static int parse(struct vml_image *v, bool pvh, uint64_t mem, uint64_t initrd,
		 struct vmlinux *k)
{
	struct image img = { .path = "vmlinux", .data = v->data, .size = v->size };

	return vmlinux_parse(&img, mem, initrd, pvh, k);
}

TEST(vmlinux_detects_elf64)
{
	struct vml_image v = vml_make(true);

	CHECK(vmlinux_detect(v.data, v.size));
	CHECK(!vmlinux_detect(v.data, 4)); /* the class cut off */
	v.data[EI_CLASS] = ELFCLASS32;
	CHECK(!vmlinux_detect(v.data, v.size)); /* multiboot's, or real mode's */
	v.data[0] = 0;
	CHECK(!vmlinux_detect(v.data, v.size));
	vml_free(&v);
}

TEST(vmlinux_parses_both_entries)
{
	struct vml_image v = vml_make(true);
	struct image img = { .path = "vmlinux", .data = v.data, .size = v.size };
	struct vmlinux k;

	CHECK(vmlinux_has_pvh_note(&img));
	CHECK(parse(&v, true, VML_RAM, 0, &k) == 0);
	CHECK(k.pvh && k.has_pvh_note);
	CHECK_EQ(k.entry, VML_PVH_ENTRY);
	CHECK_EQ(k.kernel_start, VML_TEXT);
	CHECK_EQ(k.kernel_end, VML_DATA + VML_DATA_MEMSZ);
	CHECK_EQ(k.nr_segments, 2);
	CHECK_EQ(k.initrd_size, 0);
	CHECK(parse(&v, false, VML_RAM, 0, &k) == 0);
	CHECK(!k.pvh && k.has_pvh_note);
	CHECK_EQ(k.entry, VML_TEXT); /* e_entry: startup_64 */
	/* A 4-byte description, as newer kernels write it. */
	vml_pvh_note(&v, 4, VML_PVH_ENTRY);
	CHECK(parse(&v, true, VML_RAM, 0, &k) == 0);
	CHECK_EQ(k.entry, VML_PVH_ENTRY);
	vml_free(&v);
	/* No note: only the 64-bit entry. */
	v = vml_make(false);
	img.data = v.data;
	img.size = v.size;
	CHECK(!vmlinux_has_pvh_note(&img));
	CHECK(parse(&v, false, VML_RAM, 0, &k) == 0);
	CHECK(!k.has_pvh_note);
	vml_free(&v);
	v = vml_make(false);
	REFUSED(&v, true, "vmlinux: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) for --boot-entry=pvh; --boot-entry=elf64 boots its 64-bit entry");
}

TEST(vmlinux_places_the_initrd_high_above_the_kernel)
{
	struct vml_image v = vml_make(true);
	struct vmlinux k;

	CHECK(parse(&v, true, VML_RAM, 5000, &k) == 0);
	CHECK_EQ(k.initrd_size, 5000);
	CHECK_EQ(k.initrd_addr % 4096, 0);
	CHECK_EQ(k.initrd_addr, (VML_RAM - 5000) & ~0xfffull);
	CHECK(k.initrd_addr >= k.kernel_end);
	/* Exactly what is left above the kernel fits; a page more does not. */
	CHECK(parse(&v, true, VML_RAM, VML_RAM - k.kernel_end, &k) == 0);
	CHECK_EQ(k.initrd_addr, k.kernel_end);
	refused(__LINE__, &v, true, VML_RAM, VML_RAM - (VML_DATA + VML_DATA_MEMSZ) + 1,
		"vmlinux: the initrd (");
	v = vml_make(true);
	refused(__LINE__, &v, false, VML_RAM, 1ull << 40, "; give more --mem");
}

TEST(vmlinux_memory_limits)
{
	struct vml_image v = vml_make(true);
	struct vmlinux k;

	/* The segments' end is the least RAM; 3 GiB the most. */
	CHECK(parse(&v, true, VML_DATA + VML_DATA_MEMSZ, 0, &k) == 0);
	CHECK(parse(&v, true, 3ull << 30, 0, &k) == 0);
	refused(__LINE__, &v, true, VML_DATA + VML_DATA_MEMSZ - 4096, 0,
		"vmlinux: ELF segment 1 (0x100000 bytes at 0x1200000) lies outside the 18 MiB of guest memory");
	v = vml_make(true);
	refused(__LINE__, &v, true, (3ull << 30) + 4096, 0, "at most 3072 MiB of RAM");
}

TEST(vmlinux_refuses_malformed_headers)
{
	struct vml_image v = vml_make(true);

	v.size = 63;
	REFUSED(&v, true, "vmlinux: truncated ELF header (63 bytes of 64)");
	v = vml_make(true);
	v.data[EI_DATA] = ELFDATA2MSB;
	REFUSED(&v, true, "vmlinux: not a little-endian ELF64 file of version 1");
	v = vml_make(true);
	v.data[EI_VERSION] = 2;
	REFUSED(&v, true, "not a little-endian ELF64 file");
	v = vml_make(true);
	vml_eh(&v)->e_type = ET_DYN;
	REFUSED(&v, true, "vmlinux: not an x86-64 executable (ELF type 3, machine 62)");
	v = vml_make(true);
	vml_eh(&v)->e_machine = EM_AARCH64;
	REFUSED(&v, false, "machine 183); a vmlinux is ET_EXEC for EM_X86_64");
	v = vml_make(true);
	vml_eh(&v)->e_phentsize = 32;
	REFUSED(&v, true, "vmlinux: ELF file has no usable program headers (3 of 32 bytes)");
	v = vml_make(true);
	vml_eh(&v)->e_phnum = 0;
	REFUSED(&v, true, "no usable program headers");
	v = vml_make(true);
	vml_eh(&v)->e_phnum = PN_XNUM;
	REFUSED(&v, true, "no usable program headers");
	v = vml_make(true);
	vml_eh(&v)->e_phoff = v.size - 100; /* the table runs past the end */
	REFUSED(&v, true, "vmlinux: ELF program headers lie beyond the end of the file");
	v = vml_make(true);
	vml_eh(&v)->e_phoff = UINT64_MAX - 8; /* + the table wraps */
	REFUSED(&v, true, "ELF program headers lie beyond the end of the file");
	v = vml_make(true);
	vml_ph(&v, 0)->p_type = PT_NULL;
	vml_ph(&v, 1)->p_memsz = 0; /* a PT_LOAD of nothing is no segment */
	REFUSED(&v, false, "vmlinux: ELF file has no loadable segment");
}

TEST(vmlinux_refuses_bad_segments)
{
	struct vml_image v = vml_make(true);

	vml_ph(&v, 1)->p_filesz = VML_DATA_MEMSZ + 1;
	REFUSED(&v, true, "vmlinux: ELF segment 1: file size 0x100001 is larger than its memory size 0x100000");
	v = vml_make(true);
	vml_ph(&v, 0)->p_filesz += 0x2000; /* past the file's end */
	vml_ph(&v, 0)->p_memsz += 0x2000;
	REFUSED(&v, true, "vmlinux: ELF segment 0 lies beyond the end of the file");
	v = vml_make(true);
	vml_ph(&v, 0)->p_offset = UINT64_MAX - 0x10; /* offset + size wraps */
	REFUSED(&v, true, "vmlinux: ELF segment 0 lies beyond the end of the file");
	v = vml_make(true);
	vml_ph(&v, 1)->p_paddr = UINT64_MAX - 0x1000; /* paddr + memsz wraps */
	REFUSED(&v, true, "vmlinux: ELF segment 1 (0x100000 bytes at 0xffffffffffffefff) lies outside the 64 MiB of guest memory");
	v = vml_make(true);
	vml_ph(&v, 1)->p_memsz = UINT64_MAX;
	vml_ph(&v, 1)->p_filesz = 0x10;
	REFUSED(&v, true, "lies outside the 64 MiB of guest memory");
	v = vml_make(true);
	vml_ph(&v, 1)->p_paddr = 0x10000; /* over the zero page */
	REFUSED(&v, true, "vmlinux: ELF segment 1 (0x100000 bytes at 0x10000) lies below 1 MiB, over the zero page, command line and tables the VMM writes there");
	v = vml_make(true);
	vml_ph(&v, 1)->p_paddr = 0xf0000; /* over the MP table, up into RAM */
	REFUSED(&v, true, "lies below 1 MiB");
	v = vml_make(true);
	vml_ph(&v, 1)->p_paddr = VML_TEXT + 0xfff; /* over the text's last byte */
	REFUSED(&v, true, "vmlinux: ELF segments 0 and 1 overlap in memory");
	v = vml_make(true);
	vml_ph(&v, 1)->p_paddr = VML_TEXT - VML_DATA_MEMSZ; /* ends where text starts */
	struct vmlinux k;

	CHECK(parse(&v, true, VML_RAM, 0, &k) == 0); /* touching is no overlap */
	CHECK_EQ(k.kernel_start, VML_TEXT - VML_DATA_MEMSZ);
	vml_free(&v);
	v = vml_many_segments(VML_MAX_SEGMENTS + 1);
	REFUSED(&v, true, "vmlinux: more than 64 loadable ELF segments");
	v = vml_many_segments(VML_MAX_SEGMENTS);
	CHECK(parse(&v, false, VML_RAM, 0, &k) == 0);
	CHECK_EQ(k.nr_segments, VML_MAX_SEGMENTS);
	vml_free(&v);
}

TEST(vmlinux_refuses_bad_entries)
{
	struct vml_image v = vml_make(true);

	vml_eh(&v)->e_entry = VML_DATA + VML_DATA_FILESZ; /* in the BSS */
	REFUSED(&v, false, "vmlinux: the ELF entry point 0x1200800 is not in a loaded segment's file bytes");
	v = vml_make(true);
	vml_eh(&v)->e_entry = 0xffffffff81000000ull; /* a virtual address */
	REFUSED(&v, false, "the ELF entry point 0xffffffff81000000 is not in");
	v = vml_make(true);
	vml_pvh_note(&v, 8, VML_TEXT - 1);
	REFUSED(&v, true, "vmlinux: the PVH entry point 0xffffff is not in a loaded segment's file bytes");
	v = vml_make(true);
	vml_pvh_note(&v, 8, 0x100000000ull + VML_TEXT);
	REFUSED(&v, true, "vmlinux: the PVH entry 0x101000000 lies above 4 GiB; it is a 32-bit entry");
	/* A bad PVH note is refused for the 64-bit entry too: the file is. */
	v = vml_make(true);
	vml_pvh_note(&v, 2, 0);
	REFUSED(&v, false, "vmlinux: the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) has 2 bytes; 4 or 8 expected");
}

TEST(vmlinux_refuses_bad_notes)
{
	struct vml_image v = vml_make(true);
	struct image img;

	vml_ph(&v, 2)->p_offset = v.size - 4;
	REFUSED(&v, false, "vmlinux: ELF note segment 2 lies beyond the end of the file");
	v = vml_make(true);
	vml_ph(&v, 2)->p_filesz = UINT64_MAX;
	REFUSED(&v, false, "ELF note segment 2 lies beyond the end of the file");
	v = vml_make(true);
	vml_ph(&v, 2)->p_filesz = VML_NOTES_SIZE + 8; /* a header cut at 8 bytes */
	REFUSED(&v, false, "vmlinux: ELF note segment 2: a note header runs past the end of its segment");
	v = vml_make(true);
	vml_note_field(&v, 0, 0, UINT32_MAX); /* the first note's n_namesz */
	REFUSED(&v, true, "vmlinux: ELF note segment 2: a note's name or description runs past the end of its segment");
	v = vml_make(true);
	vml_note_field(&v, 0, 1, UINT32_MAX - 2); /* n_descsz: + 3 to align */
	img = (struct image){ .path = "vmlinux", .data = v.data, .size = v.size };
	CHECK(!vmlinux_has_pvh_note(&img)); /* unreadable: no note found */
	REFUSED(&v, false, "a note's name or description runs past the end");
	v = vml_make(true);
	vml_ph(&v, 2)->p_filesz = VML_NOTES_SIZE - 4; /* the last description cut */
	REFUSED(&v, true, "a note's name or description runs past the end");
	/* The last description may end the segment without its padding. */
	v = vml_make(true);
	vml_ph(&v, 2)->p_filesz = VML_NOTES_SIZE - 3;
	struct vmlinux k;

	CHECK(parse(&v, true, VML_RAM, 0, &k) == 0);
	CHECK_EQ(k.entry, VML_PVH_ENTRY);
	vml_free(&v);
	/* Another name or type is not the PVH note. */
	v = vml_make(true);
	vml_note_field(&v, 0, 2, 17);
	img = (struct image){ .path = "vmlinux", .data = v.data, .size = v.size };
	CHECK(!vmlinux_has_pvh_note(&img));
	vml_free(&v);
}
