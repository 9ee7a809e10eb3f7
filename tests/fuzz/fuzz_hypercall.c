/* Fuzz target: the hypercall decoder, hypercall_dispatch(), with guest
 * RAM and host input from the input. What docs/guest-abi.md promises is
 * checked call by call: EXIT asks for BL; PUTCHAR writes BL; GETCHAR
 * returns the host's bytes in order, then all ones at end of input;
 * PUTS writes guest RAM at EBX, ECX bytes, exactly when that range lies
 * inside RAM (RBX/RCX's high halves ignored), and is a bad call naming
 * the range otherwise; VERSION returns HC_ABI_VERSION; any other number
 * is a bad call. Nothing else reaches the console.
 *
 * Input: RAM size (u16, at most 16 KiB) and its bytes, host input (u16
 * size, bytes; it then ends), then calls: u8 number (values above 7 take
 * a u64 number instead), u64 RBX, u64 RCX. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/dev/hypercall.h"
#include "support.h"

#define RAM_MAX 0x4000

struct rig {
	uint8_t ram[RAM_MAX];
	struct vm vm;
	struct console_out out;
	struct console_in in;
	struct hypercall_dev hc;
	int out_pipe[2], in_pipe[2];
	const uint8_t *input; /* what the host sent, and how much is left */
	size_t input_len, input_pos;
	uint8_t got[RAM_MAX];
};

static struct rig rig; /* two RAM-sized buffers: not on the stack */

static int rig_open(struct rig *r, struct fuzz_in *in)
{
	size_t ram_len;
	const uint8_t *bytes = fuzz_bytes(in, fuzz_u16(in) % (RAM_MAX + 1), &ram_len);

	r->out_pipe[0] = r->out_pipe[1] = r->in_pipe[0] = r->in_pipe[1] = -1;
	memset(&r->vm, 0, sizeof(r->vm));
	memcpy(r->ram, bytes, ram_len);
	r->vm.mem = r->ram;
	r->vm.mem_size = ram_len;
	r->input = fuzz_bytes(in, fuzz_u16(in), &r->input_len);
	r->input_pos = 0;
	if (fuzz_pipe(r->out_pipe) < 0 || fuzz_pipe(r->in_pipe) < 0)
		return -1;
	/* The pipe holds 64 KiB; the u16 size keeps the input below that. */
	if (r->input_len &&
	    write(r->in_pipe[1], r->input, r->input_len) != (ssize_t)r->input_len)
		return -1;
	fuzz_close(&r->in_pipe[1]); /* GETCHAR then never waits */
	console_out_init(&r->out, r->out_pipe[1], NULL, NULL);
	console_in_init(&r->in, r->in_pipe[0], NULL);
	hypercall_init(&r->hc, &r->vm, &r->out, &r->in);
	return 0;
}

static void rig_close(struct rig *r)
{
	for (int i = 0; i < 2; i++) {
		fuzz_close(&r->out_pipe[i]);
		fuzz_close(&r->in_pipe[i]);
	}
	pthread_mutex_destroy(&r->out.line_lock);
	pthread_mutex_destroy(&r->in.lock);
	pthread_cond_destroy(&r->in.taken);
}

/* The console received exactly len bytes, these. */
static void check_console(struct rig *r, const void *want, size_t len)
{
	size_t n = fuzz_drain(r->out_pipe[0], r->got, sizeof(r->got));

	FUZZ_CHECK(n == len && (len == 0 || memcmp(r->got, want, len) == 0));
}

static void check_puts(struct rig *r, const struct hc_result *res, uint64_t rbx,
		       uint64_t rcx)
{
	uint64_t gpa = (uint32_t)rbx, len = (uint32_t)rcx;
	bool inside = gpa <= r->vm.mem_size && len <= r->vm.mem_size - gpa;

	if (!inside) {
		FUZZ_CHECK(res->action == HC_BAD_CALL);
		FUZZ_CHECK(strstr(res->error, "outside guest memory") != NULL);
		check_console(r, NULL, 0);
		return;
	}
	FUZZ_CHECK(res->action == HC_CONTINUE);
	check_console(r, r->ram + gpa, len);
}

static void check_getchar(struct rig *r, const struct hc_result *res)
{
	FUZZ_CHECK(res->action == HC_SET_RAX);
	if (r->input_pos == r->input_len) {
		FUZZ_CHECK(res->value == HC_GETCHAR_EOF);
		return;
	}
	FUZZ_CHECK(res->value == r->input[r->input_pos]);
	r->input_pos++;
}

static void check_call(struct rig *r, uint64_t nr, uint64_t rbx, uint64_t rcx,
		       const struct hc_result *res)
{
	uint8_t bl = (uint8_t)rbx;

	switch (nr) {
	case HC_EXIT:
		FUZZ_CHECK(res->action == HC_GUEST_EXIT && res->value == bl);
		break;
	case HC_PUTCHAR:
		FUZZ_CHECK(res->action == HC_CONTINUE);
		check_console(r, &bl, 1);
		break;
	case HC_GETCHAR:
		check_getchar(r, res);
		break;
	case HC_PUTS:
		check_puts(r, res, rbx, rcx);
		return;
	case HC_VERSION:
		FUZZ_CHECK(res->action == HC_SET_RAX && res->value == HC_ABI_VERSION);
		break;
	default:
		FUZZ_CHECK(res->action == HC_BAD_CALL && !hypercall_name(nr));
		FUZZ_CHECK(strstr(res->error, "unknown hypercall number") != NULL);
		break;
	}
	if (nr != HC_PUTCHAR)
		check_console(r, NULL, 0);
}

static void one_call(struct rig *r, struct fuzz_in *in)
{
	uint64_t nr = fuzz_u8(in);

	if (nr > 7)
		nr = fuzz_u64(in);
	uint64_t rbx = fuzz_u64(in), rcx = fuzz_u64(in);
	struct hc_result res = hypercall_dispatch(&r->hc, nr, rbx, rcx);

	FUZZ_CHECK(memchr(res.error, '\0', sizeof(res.error)) != NULL);
	check_call(r, nr, rbx, rcx, &res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	if (rig_open(&rig, &in) == 0)
		while (in.n > 0)
			one_call(&rig, &in);
	rig_close(&rig);
	return 0;
}
