/* The hypercall decoder and its guest-pointer checks. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "../../src/dev/hypercall.h"
#include "harness.h"

static uint8_t ram[0x10000];

static struct vm fake_vm(void)
{
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = sizeof(ram);
	return vm;
}

TEST(hypercall_puts_prints_guest_bytes)
{
	struct test_pipe p = test_pipe_open();
	struct vm vm = fake_vm();
	struct console_out out;
	struct hypercall_dev hc;
	char buf[64];

	console_out_init(&out, p.wr, NULL, NULL);
	hypercall_init(&hc, &vm, &out, NULL);
	memcpy(ram + 0x2000, "guest text", 10);
	struct hc_result r = hypercall_dispatch(&hc, HC_PUTS, 0x2000, 10);

	CHECK_EQ(r.action, HC_CONTINUE);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "guest text") == 0);
	/* The last byte of RAM is reachable; length 0 is valid anywhere inside. */
	r = hypercall_dispatch(&hc, HC_PUTS, sizeof(ram) - 1, 1);
	CHECK_EQ(r.action, HC_CONTINUE);
	r = hypercall_dispatch(&hc, HC_PUTS, sizeof(ram), 0);
	CHECK_EQ(r.action, HC_CONTINUE);
	test_pipe_close(&p);
}

TEST(hypercall_puts_refuses_bad_ranges)
{
	struct vm vm = fake_vm();
	struct console_out out;
	struct hypercall_dev hc;

	console_out_init(&out, -1, NULL, NULL);
	hypercall_init(&hc, &vm, &out, NULL);
	CHECK_EQ(hypercall_dispatch(&hc, HC_PUTS, sizeof(ram) - 4, 5).action, HC_BAD_CALL);
	CHECK_EQ(hypercall_dispatch(&hc, HC_PUTS, sizeof(ram) + 1, 0).action, HC_BAD_CALL);
	/* Wrap-around: 0xfffffff0 + 0x20 overflows 32 bits. */
	CHECK_EQ(hypercall_dispatch(&hc, HC_PUTS, 0xfffffff0u, 0x20).action, HC_BAD_CALL);
	CHECK_EQ(hypercall_dispatch(&hc, HC_PUTS, 0, 0xffffffffu).action, HC_BAD_CALL);
	/* Only EBX/ECX count: high halves of RBX/RCX are not an address. */
	CHECK_EQ(hypercall_dispatch(&hc, HC_PUTS, 0xffffffff00000010ull, 4).action,
		 HC_CONTINUE);
	struct hc_result r = hypercall_dispatch(&hc, HC_PUTS, 0xfff0, 0x20);

	CHECK(strstr(r.error, "outside guest memory") != NULL);
	CHECK_EQ(out.bytes, 4);
}

TEST(hypercall_exit_version_unknown)
{
	struct vm vm = fake_vm();
	struct hypercall_dev hc;
	struct hc_result r;

	hypercall_init(&hc, &vm, NULL, NULL);
	r = hypercall_dispatch(&hc, HC_EXIT, 0x1234, 0);
	CHECK_EQ(r.action, HC_GUEST_EXIT);
	CHECK_EQ(r.value, 0x34);
	r = hypercall_dispatch(&hc, HC_VERSION, 0, 0);
	CHECK_EQ(r.action, HC_SET_RAX);
	CHECK_EQ(r.value, HC_ABI_VERSION);
	r = hypercall_dispatch(&hc, 99, 0, 0);
	CHECK_EQ(r.action, HC_BAD_CALL);
	CHECK(strstr(r.error, "unknown hypercall number 99") != NULL);
}

TEST(hypercall_putchar_and_getchar)
{
	struct test_pipe out_pipe = test_pipe_open(), in_pipe = test_pipe_open();
	struct vm vm = fake_vm();
	struct console_out out;
	struct console_in in;
	struct hypercall_dev hc;
	char buf[8];

	console_out_init(&out, out_pipe.wr, NULL, NULL);
	console_in_init(&in, in_pipe.rd, NULL);
	hypercall_init(&hc, &vm, &out, &in);
	CHECK_EQ(hypercall_dispatch(&hc, HC_PUTCHAR, 0x4241, 0).action, HC_CONTINUE);
	test_pipe_drain(&out_pipe, buf, sizeof(buf));
	CHECK(strcmp(buf, "A") == 0);
	CHECK(write(in_pipe.wr, "z", 1) == 1);
	close(in_pipe.wr);
	in_pipe.wr = -1;
	struct hc_result r = hypercall_dispatch(&hc, HC_GETCHAR, 0, 0);

	CHECK_EQ(r.action, HC_SET_RAX);
	CHECK_EQ(r.value, 'z');
	r = hypercall_dispatch(&hc, HC_GETCHAR, 0, 0);
	CHECK_EQ(r.value, HC_GETCHAR_EOF);
	test_pipe_close(&out_pipe);
	test_pipe_close(&in_pipe);
}

TEST(guest_ptr_bounds)
{
	struct vm vm = fake_vm();

	CHECK(vm_guest_ptr(&vm, 0, sizeof(ram)) == ram);
	CHECK(vm_guest_ptr(&vm, sizeof(ram), 0) == ram + sizeof(ram));
	CHECK(vm_guest_ptr(&vm, sizeof(ram), 1) == NULL);
	CHECK(vm_guest_ptr(&vm, 1, sizeof(ram)) == NULL);
	CHECK(vm_guest_ptr(&vm, UINT64_MAX, 2) == NULL);
	CHECK(vm_guest_ptr(&vm, 2, UINT64_MAX) == NULL);
}
