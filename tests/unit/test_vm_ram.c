/* Guest RAM's host mapping (src/vm.c): 2 MiB-aligned from 2 MiB up, so
 * KVM can back the guest with 2 MiB pages, with the reservation's slack
 * given back (the mapping is exactly the RAM, nothing more); small guests'
 * RAM is mapped as before; the misaligned layout `make bench` compares
 * against sits 4 KiB past a 2 MiB boundary, with no huge-page advice. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

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
		uint8_t *p = vm_map_guest_ram(sizes[i], false, &how);

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

TEST(vm_ram_under_2mib_is_mapped_as_before)
{
	enum vm_ram_mapping how = VM_RAM_HUGE_PAGES;
	uint8_t *p = vm_map_guest_ram(1u << 20, false, &how);

	CHECK(p != MAP_FAILED);
	CHECK_EQ(how, VM_RAM_SMALL_PAGES);
	if (p != MAP_FAILED)
		CHECK_EQ(munmap(p, 1u << 20), 0);
}

TEST(vm_ram_misaligned_on_request_is_4k_off_2mib_and_exact)
{
	const uint64_t size = 64ull << 20;
	enum vm_ram_mapping how = VM_RAM_HUGE_PAGES;
	uint8_t *p = vm_map_guest_ram(size, true, &how);

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
