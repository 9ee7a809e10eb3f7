/* The fuzz targets' shared mechanics (support.h): bounded field reads,
 * memfd-backed image files, mmap'd guest RAM, non-blocking pipes. */
#include "support.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);

	return (uint16_t)(lo | fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);

	return lo | (uint32_t)fuzz_u16(in) << 16;
}

uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t lo = fuzz_u32(in);

	return lo | (uint64_t)fuzz_u32(in) << 32;
}

const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t want, size_t *got)
{
	const uint8_t *p = in->p;

	*got = want < in->n ? want : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

char *fuzz_string(struct fuzz_in *in, size_t max, bool wide)
{
	size_t want = wide ? fuzz_u16(in) : fuzz_u8(in), got;
	const uint8_t *p = fuzz_bytes(in, want < max ? want : max, &got);
	char *s = malloc(got + 1);

	if (!s)
		return NULL;
	memcpy(s, p, got);
	s[got] = '\0';
	return s;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fuzz_memfd(int slot, const void *data, size_t len, char *path, size_t path_size)
{
	int made = memfd_create("fuzz-image", MFD_CLOEXEC), fd = -1;

	if (made >= 0 && write_all(made, data, len) == 0)
		fd = dup3(made, FUZZ_FD_BASE + slot, O_CLOEXEC);
	if (made >= 0)
		close(made);
	if (fd >= 0)
		snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

int fuzz_vm_open(struct vm *vm, uint64_t mem_size)
{
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	bus_init(&vm->pio);
	bus_init(&vm->mmio);
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return -1;
	}
	vm->mem_size = mem_size;
	vm->high_size = vm_high_size_for(mem_size);
	return 0;
}

void fuzz_vm_close(struct vm *vm)
{
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->mem = NULL;
	vm->mem_size = 0;
}

int fuzz_pipe(int fds[2])
{
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

size_t fuzz_drain(int fd, uint8_t *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

void fuzz_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

uint8_t fuzz_sum8(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}
