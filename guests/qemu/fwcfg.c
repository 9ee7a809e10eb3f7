/* fwcfg: QEMU's firmware configuration device through its I/O ports
 * (selector 0x510, 16-bit write; data 0x511, byte reads). Prints only
 * facts a kernel may rely on and that do not depend on how a machine lays
 * out its memory: the signature, ID bit 0 (the port interface; bit 1, DMA,
 * is left out), RAM_SIZE in MiB, NB_CPUS, MAX_CPUS, whether the file
 * directory is sorted by name (QEMU keeps it sorted), whether it has
 * etc/e820, and the RAM (type 1) that etc/e820 lists, rounded to MiB.
 * With "list" in the command line it also prints every file name and each
 * e820 entry (machine-specific: not in golden output). Exit EXIT_PASS, or
 * EXIT_FAIL after a FAIL line. */
#include "lib.h"

struct fw_file {
	u32 size;	/* big-endian, as the whole directory */
	u16 select;
	u16 reserved;
	char name[56];
};

struct e820 {
	u64 addr, len;
	u32 type;
} __attribute__((packed));

void kmain(void)
{
	int fails = 0, list = has_arg("list");
	if (!fw_cfg_check_signature())
		debug_exit(EXIT_FAIL);
	printf("fw_cfg: signature QEMU\n");
	u32 id = fw_cfg_u32(FW_CFG_ID);
	printf("fw_cfg: id bit 0 (traditional interface) %u\n", id & 1);
	u64 ram = fw_cfg_u64(FW_CFG_RAM_SIZE);
	printf("fw_cfg: ram_size %u MiB%s\n", (u32)(ram >> 20), (ram & 0xfffff) ? " and a part" : "");
	printf("fw_cfg: nb_cpus %u\n", fw_cfg_u16(FW_CFG_NB_CPUS));
	printf("fw_cfg: max_cpus %u\n", fw_cfg_u16(FW_CFG_MAX_CPUS));

	u32 count;
	fw_cfg_select(FW_CFG_FILE_DIR);
	fw_cfg_read(&count, 4);
	count = be32(count);
	if (count == 0 || count > 4096) {
		printf("FAIL: file directory count %u\n", count);
		debug_exit(EXIT_FAIL);
	}
	static struct fw_file files[256];
	u32 n = count < 256 ? count : 256;
	fw_cfg_read(files, n * sizeof(files[0]));
	int sorted = 1;
	struct fw_file *e820f = 0;
	for (u32 i = 0; i < n; i++) {
		files[i].name[55] = 0;
		if (list)
			printf("file %u: %s size %u select 0x%x\n", i, files[i].name,
			       be32(files[i].size), be16(files[i].select));
		if (i && strcmp(files[i - 1].name, files[i].name) >= 0)
			sorted = 0;
		if (!strcmp(files[i].name, "etc/e820"))
			e820f = &files[i];
	}
	printf("fw_cfg: file directory %s\n", sorted ? "sorted by name" : "NOT sorted");
	if (!e820f) {
		printf("FAIL: no etc/e820\n");
		debug_exit(EXIT_FAIL);
	}
	u32 size = be32(e820f->size);
	printf("fw_cfg: etc/e820 present, size a multiple of 20: %s\n", size % 20 ? "no" : "yes");
	if (size % 20)
		fails++;
	fw_cfg_select(be16(e820f->select));
	u64 ram1 = 0;
	for (u32 i = 0; i < size / 20; i++) {
		struct e820 e;
		fw_cfg_read(&e, sizeof(e));
		if (list)
			printf("e820 %u: 0x%x%08x len 0x%x%08x type %u\n", i, (u32)(e.addr >> 32),
			       (u32)e.addr, (u32)(e.len >> 32), (u32)e.len, e.type);
		if (e.type == 1)
			ram1 += e.len;
	}
	printf("fw_cfg: etc/e820 RAM (type 1) %u MiB (rounded)\n", (u32)((ram1 + 0x80000) >> 20));
	if (!sorted)
		fails++;
	debug_exit(fails ? EXIT_FAIL : EXIT_PASS);
}
