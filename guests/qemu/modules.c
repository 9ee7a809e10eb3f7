/* modules: the multiboot command line and modules, as a kernel written for
 * QEMU sees them (-kernel K -append ARGS -initrd "FILE ARGS,FILE...").
 * Prints the command line (QEMU: "K ARGS", K the path as given on its
 * command line), mods_count, and for each module its string, its length
 * and its first 16 bytes as text ('.' for other bytes); then checks that
 * each module starts on a page, and that no two modules, and no module and
 * the kernel's image (__kernel_start..__kernel_end, bss included),
 * overlap. Exit value EXIT_PASS, or EXIT_FAIL after a "FAIL" line. */
#include "lib.h"

static int overlap(u32 a0, u32 a1, u32 b0, u32 b1) { return a0 < b1 && b0 < a1; }

void kmain(void)
{
	int fails = 0;
	if (mb_magic != MB_BOOT_MAGIC) {
		printf("FAIL: boot magic 0x%x\n", mb_magic);
		debug_exit(EXIT_FAIL);
	}
	if (mb->flags & MBI_CMDLINE)
		printf("cmdline: '%s'\n", (const char *)mb->cmdline);
	else
		printf("cmdline: none\n");
	u32 n = (mb->flags & MBI_MODS) ? mb->mods_count : 0;
	printf("mods_count: %u\n", n);
	struct mb_module *m = (struct mb_module *)(n ? mb->mods_addr : 0);
	for (u32 i = 0; i < n; i++) {
		u32 len = m[i].mod_end - m[i].mod_start;
		char head[17];
		const u8 *p = (const u8 *)m[i].mod_start;
		u32 k;
		for (k = 0; k < 16 && k < len; k++)
			head[k] = (p[k] >= 0x20 && p[k] < 0x7f) ? (char)p[k] : '.';
		head[k] = 0;
		printf("mod %u: '%s' length %u first bytes '%s'\n", i,
		       m[i].string ? (const char *)m[i].string : "(null)", len, head);
	}
	for (u32 i = 0; i < n; i++) {
		if (m[i].mod_start & 0xfff) {
			printf("FAIL: mod %u at 0x%x is not page-aligned\n", i, m[i].mod_start);
			fails++;
		}
		if (m[i].mod_end < m[i].mod_start) {
			printf("FAIL: mod %u ends before it starts\n", i);
			fails++;
		}
		if (overlap(m[i].mod_start, m[i].mod_end, (u32)__kernel_start, (u32)__kernel_end)) {
			printf("FAIL: mod %u overlaps the kernel\n", i);
			fails++;
		}
		for (u32 j = i + 1; j < n; j++)
			if (overlap(m[i].mod_start, m[i].mod_end, m[j].mod_start, m[j].mod_end)) {
				printf("FAIL: mods %u and %u overlap\n", i, j);
				fails++;
			}
	}
	if (has_arg("where"))	/* addresses differ between loaders: not in golden output */
		for (u32 i = 0; i < n; i++)
			printf("mod %u at 0x%x-0x%x\n", i, m[i].mod_start, m[i].mod_end);
	if (!fails)
		printf("modules: page-aligned, no overlaps\n");
	debug_exit(fails ? EXIT_FAIL : EXIT_PASS);
}
