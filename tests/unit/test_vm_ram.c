/* Guest RAM's host mapping (src/vm.c): asked for huge pages, 2 MiB-aligned
 * from 2 MiB up, so KVM can back the guest with 2 MiB pages, with the
 * reservation's slack given back (the mapping is exactly the RAM, nothing
 * more); under 2 MiB or asked for small pages, 4 KiB pages; the misaligned
 * layout `make bench` compares against sits 4 KiB past a 2 MiB boundary,
 * with no huge-page advice. Which guests ask for which: the boot rows,
 * unless --huge-pages says otherwise. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../../src/boot/boot.h"
#include "../../src/vm.h"
#include "harness.h"

/* Whether the page at p is mapped: mincore fails with ENOMEM where not. */
static bool mapped(const void *p)
{
	unsigned char vec;

	return mincore((void *)p, 4096, &vec) == 0;
}

TEST(vm_ram_from_2mib_is_aligned_and_exact)
{
	static const uint64_t sizes[] = { 2ull << 20, 64ull << 20, (256ull << 20) + 4096 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		enum vm_ram_mapping how = VM_RAM_MISALIGNED;
		uint8_t *p = vm_map_guest_ram(sizes[i], VM_RAM_HUGE_PAGES, &how);

		CHECK(p != MAP_FAILED);
		if (p == MAP_FAILED)
			continue;
		CHECK_EQ((uintptr_t)p % VM_RAM_HOST_ALIGN, 0);
		/* The reservation's slack after the RAM was given back. */
		uint64_t end = (sizes[i] + 4095) & ~4095ull;

		CHECK(mapped(p) && mapped(p + end - 4096));
		CHECK(!mapped(p + end));
		CHECK(p[0] == 0 && p[sizes[i] - 1] == 0);
		p[sizes[i] - 1] = 1;
		CHECK_EQ(munmap(p, sizes[i]), 0);
		/* THP may be off on a host (madvise refused): never misaligned. */
		CHECK(how != VM_RAM_MISALIGNED);
	}
}

TEST(vm_ram_under_2mib_or_asked_small_is_in_4k_pages)
{
	static const struct {
		uint64_t size;
		enum vm_ram_mapping want;
	} cases[] = {
		{ 1u << 20, VM_RAM_HUGE_PAGES },
		{ 1u << 20, VM_RAM_MISALIGNED },
		{ 64u << 20, VM_RAM_SMALL_PAGES },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum vm_ram_mapping how = VM_RAM_HUGE_PAGES;
		uint8_t *p = vm_map_guest_ram(cases[i].size, cases[i].want, &how);

		CHECK(p != MAP_FAILED);
		CHECK_EQ(how, VM_RAM_SMALL_PAGES);
		if (p == MAP_FAILED)
			continue;
		CHECK(mapped(p) && mapped(p + cases[i].size - 4096));
		CHECK(p[0] == 0 && p[cases[i].size - 1] == 0);
		CHECK_EQ(munmap(p, cases[i].size), 0);
	}
	CHECK(strcmp(vm_ram_mapping_text(VM_RAM_SMALL_PAGES), "host mapping in 4 KiB pages") == 0);
}

/* Linux touches most of its RAM while it boots; the other guests a few
 * pages of it. --huge-pages overrides the row either way. */
TEST(boot_rows_ask_for_huge_pages_for_linux_only)
{
	for (int i = 0; i < boot_protocol_count; i++) {
		struct boot_plan plan = { .proto = &boot_protocols[i] };
		struct options o = { .huge_pages = HUGE_PAGES_AUTO };
		bool linux_row = strncmp(boot_protocols[i].name, "Linux ", 6) == 0;

		CHECK_EQ(boot_ram_mapping(&plan, &o), linux_row ? VM_RAM_HUGE_PAGES : VM_RAM_SMALL_PAGES);
		o.huge_pages = HUGE_PAGES_ON;
		CHECK_EQ(boot_ram_mapping(&plan, &o), VM_RAM_HUGE_PAGES);
		o.huge_pages = HUGE_PAGES_OFF;
		CHECK_EQ(boot_ram_mapping(&plan, &o), VM_RAM_SMALL_PAGES);
	}
}

TEST(vm_ram_misaligned_on_request_is_4k_off_2mib_and_exact)
{
	const uint64_t size = 64ull << 20;
	enum vm_ram_mapping how = VM_RAM_HUGE_PAGES;
	uint8_t *p = vm_map_guest_ram(size, VM_RAM_MISALIGNED, &how);

	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	CHECK_EQ((uintptr_t)p % VM_RAM_HOST_ALIGN, 4096);
	CHECK_EQ(how, VM_RAM_MISALIGNED);
	CHECK(mapped(p) && mapped(p + size - 4096));
	CHECK(!mapped(p + size));
	CHECK(strstr(vm_ram_mapping_text(how), "MINIKVM_RAM_UNALIGNED") != NULL);
	CHECK_EQ(munmap(p, size), 0);
}
