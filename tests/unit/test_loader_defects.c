/* Loader defects an outside tester found, one test each: a FIFO, device or
 * socket as an image (open() must not block), the messages that named the
 * wrong problem, a BSS that was written although fresh RAM is zero, a
 * bzImage unpack end that wrapped, the multiboot header's flags, the 2 MiB
 * multiboot minimum, and the guests' RAM added up against the host's. */
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../src/boot/boot.h"
#include "../../src/boot/bzimage.h"
#include "../../src/boot/image.h"
#include "../../src/boot/multiboot.h"
#include "../../src/cli.h"
#include "../../src/status.h"
#include "harness.h"

/* --- stderr of one call ------------------------------------------------ */

static char err_text[4096];

static void err_begin(void)
{
	test_stderr_begin();
}

/* What was printed since err_begin(), in err_text. */
static const char *err_end(void)
{
	return test_stderr_end(err_text, sizeof(err_text));
}

static bool said(const char *text) { return strstr(err_text, text) != NULL; }

static int lines(void)
{
	int n = 0;

	for (const char *p = err_text; *p; p++)
		n += *p == '\n';
	return n;
}

/* --- 1: a FIFO, device or socket is refused, without blocking ---------- */

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_loader_defects: blocked in open()\n";

	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

TEST(image_read_refuses_fifo_device_socket_without_blocking)
{
	const char *fifo = "/tmp/minikvm-unit-fifo";
	const char *sock = "/tmp/minikvm-unit-sock";
	struct image img;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	signal(SIGALRM, on_alarm);
	alarm(10); /* a blocking open() ends the run, not hangs it */
	unlink(fifo);
	CHECK(mkfifo(fifo, 0600) == 0);
	err_begin();
	CHECK(image_read(&img, fifo, 1 << 20, "of guest memory") < 0);
	err_end();
	CHECK(said("kvm-vmm: /tmp/minikvm-unit-fifo: a FIFO, not a regular file\n"));
	CHECK_EQ(lines(), 1);
	/* A module named by --initrd goes through the same read. */
	struct multiboot_kernel k;

	memset(&k, 0, sizeof(k));
	k.load_start = 0x100000;
	k.load_end = 0x101000;
	err_begin();
	CHECK(multiboot_plan_modules(&k, fifo, 4 << 20) < 0);
	err_end();
	CHECK(said("a FIFO, not a regular file"));
	multiboot_free(&k);
	unlink(fifo);

	err_begin();
	CHECK(image_read(&img, "/dev/null", 1 << 20, "of guest memory") < 0);
	err_end();
	CHECK(said("kvm-vmm: /dev/null: a device, not a regular file\n"));

	unlink(sock);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	err_begin();
	CHECK(image_read(&img, sock, 1 << 20, "of guest memory") < 0);
	err_end();
	CHECK(said("kvm-vmm: /tmp/minikvm-unit-sock: a socket, not a regular file\n"));
	close(s);
	unlink(sock);
	alarm(0);
	signal(SIGALRM, SIG_DFL);

	/* A regular file still reads, whole. */
	FILE *f = fopen("/tmp/minikvm-unit-regular", "w");

	CHECK(f && fputs("hello", f) >= 0);
	if (f)
		fclose(f);
	CHECK(image_read(&img, "/tmp/minikvm-unit-regular", 1 << 20, "x") == 0);
	CHECK_EQ(img.size, 5);
	CHECK(img.data && memcmp(img.data, "hello", 5) == 0);
	image_free(&img);
	unlink("/tmp/minikvm-unit-regular");
}

/* --- 2: a short read says the file shrank ------------------------------- */

/* A sysfs file claims 4096 bytes and gives fewer: a file that shrank. */
TEST(image_read_says_the_file_shrank)
{
	static const char *candidates[] = {
		"/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/kernel/profiling",
		"/sys/power/state",
	};
	struct image img;

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		struct stat st;

		if (stat(candidates[i], &st) != 0 || st.st_size != 4096 ||
		    access(candidates[i], R_OK) != 0)
			continue;
		err_begin();
		CHECK(image_read(&img, candidates[i], 1 << 20, "x") < 0);
		err_end();
		CHECK(said(": the file shrank while being read ("));
		CHECK(said(" of 4096 bytes)\n"));
		CHECK(!said("Input/output error"));
		return;
	}
	printf("     (no sysfs file to read short: skipped)\n");
}

/* --- multiboot kernels -------------------------------------------------- */

struct mb_kernel {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[2];
	uint32_t mb[8]; /* magic, flags, checksum, the bit-16 addresses */
	uint8_t code[16];
};

#define SEG 0x100000u
#define SEG_FILESZ (sizeof(((struct mb_kernel *)0)->mb) + 16)

static struct mb_kernel mb_kernel(uint32_t flags, uint32_t bss)
{
	struct mb_kernel k;

	memset(&k, 0, sizeof(k));
	memcpy(k.eh.e_ident, ELFMAG, SELFMAG);
	k.eh.e_ident[EI_CLASS] = ELFCLASS32;
	k.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	k.eh.e_type = ET_EXEC;
	k.eh.e_machine = EM_386;
	k.eh.e_phoff = offsetof(struct mb_kernel, ph);
	k.eh.e_phnum = 1;
	k.eh.e_phentsize = sizeof(Elf32_Phdr);
	k.eh.e_entry = SEG + sizeof(k.mb);
	k.ph[0].p_type = PT_LOAD;
	k.ph[0].p_offset = offsetof(struct mb_kernel, mb);
	k.ph[0].p_paddr = SEG;
	k.ph[0].p_filesz = SEG_FILESZ;
	k.ph[0].p_memsz = SEG_FILESZ + bss;
	k.mb[0] = MB_HEADER_MAGIC;
	k.mb[1] = flags;
	k.mb[2] = -(MB_HEADER_MAGIC + flags);
	/* header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr:
	 * what the program headers say. */
	k.mb[3] = SEG;
	k.mb[4] = SEG;
	k.mb[5] = SEG + SEG_FILESZ;
	k.mb[6] = SEG + SEG_FILESZ + bss;
	k.mb[7] = k.eh.e_entry;
	k.code[0] = 0xf4;
	return k;
}

static int mb_parse(struct mb_kernel *k, uint64_t mem, struct multiboot_kernel *out)
{
	struct image img = { .path = "k.elf", .data = (uint8_t *)k, .size = sizeof(*k) };

	memset(out, 0, sizeof(*out));
	return multiboot_parse(&img, mem, out);
}

TEST(multiboot_says_file_size_larger_than_memory_size)
{
	struct mb_kernel k = mb_kernel(3, 0);
	struct multiboot_kernel mk;

	k.ph[0].p_memsz = 0x10;
	err_begin();
	CHECK(mb_parse(&k, 4 << 20, &mk) < 0);
	err_end();
	CHECK(said("kvm-vmm: k.elf: ELF segment 0: file size 0x30 is larger than its memory size 0x10\n"));
	CHECK(!said("beyond the end of the file"));
}

/* --- 3: a BSS is not written: fresh RAM is zero already ----------------- */

#define BIG_RAM (64u << 20)
#define BIG_BSS (32u << 20)

TEST(multiboot_bss_pages_stay_untouched)
{
	uint8_t *ram = mmap(NULL, BIG_RAM, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct vm vm;
	struct mb_kernel k = mb_kernel(3, BIG_BSS);
	struct image img = { .path = "k.elf", .data = (uint8_t *)&k, .size = sizeof(k) };
	struct multiboot_kernel mk;
	long page = sysconf(_SC_PAGESIZE);
	size_t npages = BIG_BSS / (size_t)page - 1;
	unsigned char *vec = malloc(npages);
	size_t resident = 0;

	CHECK(ram != MAP_FAILED);
	if (ram == MAP_FAILED)
		return;
	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = BIG_RAM;
	CHECK(mb_parse(&k, BIG_RAM, &mk) == 0);
	CHECK(multiboot_load(&vm, &img) == 0);
	CHECK(memcmp(ram + SEG, k.mb, sizeof(k.mb)) == 0);
	/* Every page of the BSS after the segment's first, which holds its
	 * file bytes: none backed. */
	CHECK(mincore(ram + SEG + (size_t)page, npages * (size_t)page, vec) == 0);
	for (size_t i = 0; i < npages; i++)
		resident += vec[i] & 1;
	CHECK_EQ(resident, 0);
	/* And the BSS reads as zero, right after the file bytes and at its end. */
	CHECK_EQ(ram[SEG + SEG_FILESZ], 0);
	CHECK_EQ(ram[SEG + SEG_FILESZ + BIG_BSS - 1], 0);
	free(vec);
	munmap(ram, BIG_RAM);
}

/* The one case a BSS needs clearing: an earlier segment's file bytes lie
 * in it (overlapping segments, the later one wins, as before). */
TEST(multiboot_bss_over_an_earlier_segment_is_cleared)
{
	uint8_t *ram = calloc(1, 4 << 20);
	struct vm vm;
	struct mb_kernel k = mb_kernel(3, 0);
	struct image img = { .path = "k.elf", .data = (uint8_t *)&k, .size = sizeof(k) };
	struct multiboot_kernel mk;

	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = 4 << 20;
	/* Segment 1: 4 file bytes at SEG - 0x1000, its BSS over the first 16
	 * bytes of segment 0. */
	k.eh.e_phnum = 2;
	k.ph[1] = k.ph[0];
	k.ph[1].p_paddr = SEG - 0x1000;
	k.ph[1].p_filesz = 4;
	k.ph[1].p_memsz = 0x1000 + 16;
	CHECK(mb_parse(&k, 4 << 20, &mk) == 0);
	CHECK(multiboot_load(&vm, &img) == 0);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(ram[SEG + i], 0); /* segment 0's bytes, cleared */
	CHECK(memcmp(ram + SEG + 16, (uint8_t *)k.mb + 16, SEG_FILESZ - 16) == 0);
	CHECK_EQ(ram[SEG - 0x1000], (uint8_t)MB_HEADER_MAGIC);
	free(ram);
}

/* --- 5: the multiboot header's flags ------------------------------------ */

TEST(multiboot_header_flags_are_checked)
{
	struct mb_kernel k;
	struct multiboot_kernel mk;

	/* Bits 0 and 1: met. */
	k = mb_kernel(3, 0x1000);
	CHECK(mb_parse(&k, 4 << 20, &mk) == 0);
	CHECK_EQ(mk.header_flags, 3);
	/* Bit 2, a video mode: not set, as by QEMU, with one warning. */
	k = mb_kernel(7, 0x1000);
	err_begin();
	CHECK(mb_parse(&k, 4 << 20, &mk) == 0);
	err_end();
	CHECK(said("kvm-vmm: k.elf: the multiboot header asks for a video mode (flag bit 2); kvm-vmm has no display and sets none\n"));
	CHECK_EQ(lines(), 1);
	/* Bits 3-15: refused, naming the lowest. */
	k = mb_kernel(3 | (1u << 3), 0x1000);
	err_begin();
	CHECK(mb_parse(&k, 4 << 20, &mk) < 0);
	err_end();
	CHECK(said("kvm-vmm: k.elf: the multiboot header requires flag bit 3, which kvm-vmm does not know (it meets bits 0-2)\n"));
	k = mb_kernel(1u << 15 | 1u << 9, 0x1000);
	err_begin();
	CHECK(mb_parse(&k, 4 << 20, &mk) < 0);
	err_end();
	CHECK(said("requires flag bit 9,"));
	/* Bits 17-31: optional, ignored. */
	k = mb_kernel(3 | (1u << 20), 0x1000);
	CHECK(mb_parse(&k, 4 << 20, &mk) == 0);
	/* Bit 16: taken where the header's addresses are the ELF's. */
	k = mb_kernel(3 | (1u << 16), 0x1000);
	CHECK(mb_parse(&k, 4 << 20, &mk) == 0);
	/* ... refused where QEMU would load elsewhere or enter elsewhere. */
	k = mb_kernel(3 | (1u << 16), 0x1000);
	k.mb[7] += 4;
	err_begin();
	CHECK(mb_parse(&k, 4 << 20, &mk) < 0);
	err_end();
	CHECK(said("kvm-vmm: k.elf: the multiboot header's load addresses (flag bit 16: 0x100000-0x101030, entry 0x100024) differ from the ELF program headers' (0x100000-0x101030, entry 0x100020); kvm-vmm loads by the program headers, QEMU by the multiboot header\n"));
	k = mb_kernel(3 | (1u << 16), 0x1000);
	k.mb[4] = SEG + 0x1000;
	CHECK(mb_parse(&k, 4 << 20, &mk) < 0);
	/* No bss_end_addr or load_end_addr: to the end of the file, short of
	 * the ELF's BSS. */
	k = mb_kernel(3 | (1u << 16), 0x1000);
	k.mb[5] = k.mb[6] = 0;
	CHECK(mb_parse(&k, 4 << 20, &mk) < 0);
	k = mb_kernel(3 | (1u << 16), 0);
	k.mb[5] = k.mb[6] = 0;
	CHECK(mb_parse(&k, 4 << 20, &mk) == 0);
}

/* --- 6: a multiboot kernel under 2 MiB of RAM: 121 before any guest ----- */

static int parse_args(struct options *o, const char **args)
{
	char *argv[16];
	int argc = 0;

	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	return cli_parse(argc, argv, o);
}

TEST(multiboot_under_2_mib_is_bad_input_at_prepare)
{
	const char *path = "/tmp/minikvm-unit-mb.elf";
	struct mb_kernel k = mb_kernel(3, 0);
	FILE *f = fopen(path, "w");
	struct options o;
	struct image img;
	struct boot_plan plan;

	CHECK(f && fwrite(&k, sizeof(k), 1, f) == 1);
	if (f)
		fclose(f);
	CHECK(parse_args(&o, (const char *[]){ "kvm-vmm", "--mem", "1M", path, NULL }) == 0);
	err_begin();
	CHECK_EQ(boot_prepare(path, &o, &img, &plan), STATUS_BAD_INPUT);
	err_end();
	CHECK(said("kvm-vmm: /tmp/minikvm-unit-mb.elf: a multiboot kernel needs at least 2 MiB of guest memory; --mem gives 1024 KiB\n"));
	CHECK_EQ(lines(), 1);
	image_free(&img);
	boot_plan_free(&plan);
	CHECK(parse_args(&o, (const char *[]){ "kvm-vmm", "--mem", "2M", path, NULL }) == 0);
	CHECK_EQ(boot_prepare(path, &o, &img, &plan), 0);
	image_free(&img);
	boot_plan_free(&plan);
	unlink(path);
}

/* --- bzImage: 4, pref_address + init_size wraps; 2, no initrd address -- */

static void put16(uint8_t *p, size_t off, uint16_t v) { memcpy(p + off, &v, 2); }
static void put32(uint8_t *p, size_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void put64(uint8_t *p, size_t off, uint64_t v) { memcpy(p + off, &v, 8); }

#define BZ_FILE (64u << 10)

static uint8_t *bz_kernel(void)
{
	uint8_t *d = calloc(1, BZ_FILE);

	d[0x1f1] = 4;
	put16(d, 0x1fe, 0xaa55);
	d[0x200] = 0xeb;
	d[0x201] = 0x66;
	memcpy(d + 0x202, "HdrS", 4);
	put16(d, 0x206, 0x020f);
	d[0x211] = 0x01;
	put32(d, 0x22c, 0x7fffffff);
	put32(d, 0x230, 0x200000);
	d[0x234] = 1;
	put16(d, 0x236, 0x7f);
	put32(d, 0x238, 2047);
	put64(d, 0x258, 0x1000000);
	put32(d, 0x260, 1 << 20);
	return d;
}

static int bz_parse(uint8_t *d, uint64_t mem, uint64_t initrd, struct bzimage *bz)
{
	struct image img = { .path = "bzImage", .data = d, .size = BZ_FILE };

	return bzimage_parse(&img, mem, initrd, bz);
}

TEST(bzimage_unpack_end_that_wraps_is_refused)
{
	uint8_t *d = bz_kernel();
	struct bzimage bz;

	CHECK(bz_parse(d, 32 << 20, 0, &bz) == 0);
	put64(d, 0x258, 0xfffffffffff00000ull); /* + 2 MiB wraps to 1 MiB */
	put32(d, 0x260, 2 << 20);
	err_begin();
	CHECK(bz_parse(d, 32 << 20, 0, &bz) < 0);
	err_end();
	CHECK(said("kvm-vmm: bzImage: the kernel's pref_address 0xfffffffffff00000 plus init_size 0x200000 lies beyond the 64-bit address space\n"));
	/* Just below the top: no wrap, but far beyond RAM. */
	put64(d, 0x258, 0xffffffffffdfffffull);
	err_begin();
	CHECK(bz_parse(d, 32 << 20, 0, &bz) < 0);
	err_end();
	CHECK(said("the kernel needs 17592186044416 MiB of RAM to unpack itself"));
	free(d);
}

TEST(bzimage_initrd_addr_max_zero_refuses_an_initrd)
{
	uint8_t *d = bz_kernel();
	struct bzimage bz;

	put32(d, 0x22c, 0);
	CHECK(bz_parse(d, 64 << 20, 0, &bz) == 0); /* no initrd: fine */
	err_begin();
	CHECK(bz_parse(d, 64 << 20, 4096, &bz) < 0);
	err_end();
	CHECK(said("kvm-vmm: bzImage: the kernel's setup header allows no initrd address (initrd_addr_max is 0): this kernel refuses an initrd\n"));
	CHECK(!said("--mem"));
	/* Capped below the kernel's end by the header, not by RAM. */
	put32(d, 0x22c, 0x00ffffff);
	err_begin();
	CHECK(bz_parse(d, 64 << 20, 4096, &bz) < 0);
	err_end();
	CHECK(said("; the kernel's initrd_addr_max allows no higher\n"));
	/* Capped by RAM: more --mem is the advice. */
	put32(d, 0x22c, 0x7fffffff);
	err_begin();
	CHECK(bz_parse(d, 18 << 20, 2 << 20, &bz) < 0);
	err_end();
	CHECK(said("; give more --mem\n"));
	free(d);
}

/* --- 7: the guests' RAM added up against the host's ------------------- */

struct fake_guest {
	int before;
	struct boot_plan plan;
	char after[13];
};

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(boot_check_total_against_memory_and_swap)
{
	const char *mi = "/tmp/minikvm-unit-meminfo";
	struct fake_guest g[3];

	memset(g, 0, sizeof(g));
	write_text(mi, "MemTotal:        1048576 kB\nMemFree: 5 kB\nSwapTotal:        524288 kB\n");
	CHECK_EQ(boot_host_memory(mi), 3ull << 29);
	for (int i = 0; i < 3; i++)
		g[i].plan.mem_size = 4ull << 30;
	CHECK_EQ(boot_check_total_in(&g[0].plan, sizeof(g[0]), 3, mi), 0); /* 8 x 1.5 GiB */
	g[2].plan.mem_size = (4ull << 30) + 4096;
	err_begin();
	CHECK_EQ(boot_check_total_in(&g[0].plan, sizeof(g[0]), 3, mi), STATUS_BAD_INPUT);
	err_end();
	CHECK(said("kvm-vmm: the 3 guests' RAM adds up to 12288 MiB, more than 8 times this host's 1536 MiB of memory and swap (MemTotal + SwapTotal in /tmp/minikvm-unit-meminfo); give less --mem or fewer images\n"));
	CHECK_EQ(lines(), 1);
	/* No swap line: memory alone. */
	write_text(mi, "MemTotal:        1048576 kB\n");
	CHECK_EQ(boot_host_memory(mi), 1ull << 30);
	CHECK_EQ(boot_check_total_in(&g[0].plan, sizeof(g[0]), 2, mi), 0);
	CHECK_EQ(boot_check_total_in(&g[0].plan, sizeof(g[0]), 3, mi), STATUS_BAD_INPUT);
	/* Read by the name at the line's start and the kB after the number. */
	write_text(mi, "XMemTotal: 9 kB\nMemTotal:2 kB\nSwapTotal: 3 MB\nSwapTotal: x kB\n");
	CHECK_EQ(boot_host_memory(mi), 2048);
	/* Unreadable or without MemTotal: no check. */
	write_text(mi, "SwapTotal: 1 kB\n");
	CHECK_EQ(boot_host_memory(mi), 0);
	CHECK_EQ(boot_check_total_in(&g[0].plan, sizeof(g[0]), 3, mi), 0);
	unlink(mi);
	CHECK_EQ(boot_check_total_in(&g[0].plan, sizeof(g[0]), 3, mi), 0);
	/* This host: 64 guests of 64 GiB exceed any machine this runs on; one
	 * of 64 KiB fits. */
	struct fake_guest *many = calloc(64, sizeof(*many));

	for (int i = 0; i < 64; i++)
		many[i].plan.mem_size = 64ull << 30;
	if (boot_host_memory("/proc/meminfo") &&
	    BOOT_RAM_OVERCOMMIT * boot_host_memory("/proc/meminfo") < (4096ull << 30)) {
		err_begin();
		CHECK_EQ(boot_check_total(&many[0].plan, sizeof(many[0]), 64), STATUS_BAD_INPUT);
		err_end();
	}
	many[0].plan.mem_size = 64 << 10;
	CHECK_EQ(boot_check_total(&many[0].plan, sizeof(many[0]), 1), 0);
	free(many);
}
