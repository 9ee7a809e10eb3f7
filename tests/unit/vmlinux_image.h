/* A small vmlinux for the loader's tests, laid out as the kernel's linker
 * script lays out the real one: an ELF64 x86-64 ET_EXEC file whose text
 * segment sits at 16 MiB and is entered there (e_entry), a data segment
 * with a BSS above it, and a PT_NOTE segment holding the PVH entry note
 * (XEN_ELFNOTE_PHYS32_ENTRY) and a GNU note after it. Each test changes
 * one field of it through the accessors below. */
#ifndef MINIKVM_TEST_VMLINUX_IMAGE_H
#define MINIKVM_TEST_VMLINUX_IMAGE_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VML_RAM (64ull << 20)
#define VML_TEXT 0x1000000ull	/* segment 0: 0x1000 file bytes */
#define VML_TEXT_SIZE 0x1000u
#define VML_DATA 0x1200000ull	/* segment 1: file bytes, then BSS */
#define VML_DATA_FILESZ 0x800u
#define VML_DATA_MEMSZ 0x100000u
#define VML_PVH_ENTRY (VML_TEXT + 0x40)
#define VML_NOTES_OFF 0x100u	/* segment 2, in the file only */
#define VML_NOTES_SIZE 48u	/* PVH note (8-byte desc) + GNU note */
#define VML_TEXT_OFF 0x1000u
#define VML_DATA_OFF 0x2000u

struct vml_image {
	uint8_t *data;
	size_t size;
	size_t note_off[2]; /* the PVH note, then the GNU one */
};

/* with_note: the PT_NOTE segment and its two notes; without, no PT_NOTE
 * (its program header is PT_NULL). File bytes are a pattern. */
struct vml_image vml_make(bool with_note);
/* n PT_LOAD segments of 0x1000 bytes from 16 MiB on, no notes. */
struct vml_image vml_many_segments(int n);
void vml_free(struct vml_image *v);
Elf64_Ehdr *vml_eh(struct vml_image *v);
Elf64_Phdr *vml_ph(struct vml_image *v, int i);
/* Rewrites the notes: the PVH note with a desc_size-byte description
 * (value, little-endian, cut to desc_size), then the GNU note; the note
 * segment's p_filesz follows. */
void vml_pvh_note(struct vml_image *v, uint32_t desc_size, uint64_t value);
/* Field 0 n_namesz, 1 n_descsz, 2 n_type of note 0 (PVH) or 1 (GNU). */
void vml_note_field(struct vml_image *v, int note, int field, uint32_t value);

#endif
