/* The test vmlinux of vmlinux_image.h, built field by field. */
#include "vmlinux_image.h"

#include <stdlib.h>
#include <string.h>

#define FILE_SIZE (VML_DATA_OFF + VML_DATA_FILESZ)

Elf64_Ehdr *vml_eh(struct vml_image *v)
{
	return (Elf64_Ehdr *)v->data;
}

Elf64_Phdr *vml_ph(struct vml_image *v, int i)
{
	return (Elf64_Phdr *)(v->data + sizeof(Elf64_Ehdr)) + i;
}

static void put_header(struct vml_image *v, int phnum)
{
	Elf64_Ehdr *eh = vml_eh(v);

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = VML_TEXT;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)phnum;
}

static void put_load(struct vml_image *v, int i, uint64_t off, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz)
{
	Elf64_Phdr *ph = vml_ph(v, i);

	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_W | PF_X;
	ph->p_offset = off;
	ph->p_vaddr = 0xffffffff80000000ull + paddr;
	ph->p_paddr = paddr;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	ph->p_align = 0x200000;
}

/* One note at off: header, name (padded to 4), description; its size. */
static size_t put_note(struct vml_image *v, size_t off, const char *name, uint32_t type,
		       const void *desc, uint32_t desc_size)
{
	Elf64_Nhdr nh = { (uint32_t)strlen(name) + 1, desc_size, type };
	size_t name_len = (nh.n_namesz + 3) & ~3u;

	memcpy(v->data + off, &nh, sizeof(nh));
	memcpy(v->data + off + sizeof(nh), name, nh.n_namesz);
	memcpy(v->data + off + sizeof(nh) + name_len, desc, desc_size);
	return sizeof(nh) + name_len + ((desc_size + 3) & ~3u);
}

void vml_pvh_note(struct vml_image *v, uint32_t desc_size, uint64_t value)
{
	uint8_t desc[8] = { 0 };
	size_t len;

	memset(v->data + VML_NOTES_OFF, 0, VML_TEXT_OFF - VML_NOTES_OFF);
	memcpy(desc, &value, sizeof(value));
	v->note_off[0] = VML_NOTES_OFF;
	len = put_note(v, VML_NOTES_OFF, "Xen", 18, desc, desc_size);
	v->note_off[1] = VML_NOTES_OFF + len;
	len += put_note(v, v->note_off[1], "GNU", NT_GNU_BUILD_ID, "abcde", 5);
	vml_ph(v, 2)->p_type = PT_NOTE;
	vml_ph(v, 2)->p_offset = VML_NOTES_OFF;
	vml_ph(v, 2)->p_filesz = len;
	vml_ph(v, 2)->p_align = 4;
}

void vml_note_field(struct vml_image *v, int note, int field, uint32_t value)
{
	memcpy(v->data + v->note_off[note] + 4 * (size_t)field, &value, 4);
}

struct vml_image vml_make(bool with_note)
{
	struct vml_image v = { calloc(1, FILE_SIZE), FILE_SIZE, { 0, 0 } };

	put_header(&v, 3);
	put_load(&v, 0, VML_TEXT_OFF, VML_TEXT, VML_TEXT_SIZE, VML_TEXT_SIZE);
	put_load(&v, 1, VML_DATA_OFF, VML_DATA, VML_DATA_FILESZ, VML_DATA_MEMSZ);
	for (size_t i = VML_TEXT_OFF; i < FILE_SIZE; i++)
		v.data[i] = (uint8_t)(i * 7 + 1);
	if (with_note)
		vml_pvh_note(&v, 8, VML_PVH_ENTRY);
	return v;
}

struct vml_image vml_many_segments(int n)
{
	struct vml_image v = { calloc(1, FILE_SIZE), FILE_SIZE, { 0, 0 } };

	put_header(&v, n);
	for (int i = 0; i < n; i++)
		put_load(&v, i, VML_TEXT_OFF, VML_TEXT + 0x1000ull * (uint64_t)i, 0x10, 0x1000);
	return v;
}

void vml_free(struct vml_image *v)
{
	free(v->data);
	v->data = NULL;
}
