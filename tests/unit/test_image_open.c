/* Images held open (src/boot/image.c): a vmlinux or initrd keeps only its
 * first bytes in memory and is read straight into guest RAM at load, so
 * every read past those bytes must land exactly, a range past the end
 * must be refused, and a file that shrinks after its checks must be
 * reported, never read short or crash. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/boot/image.h"
#include "harness.h"

#define FILE_BYTES (200u << 10)

static uint8_t pattern(size_t i) { return (uint8_t)(i * 7 + (i >> 9)); }

/* A file of FILE_BYTES pattern bytes; its path in buf. */
static const char *pattern_file(char *buf, size_t size)
{
	uint8_t *bytes = malloc(FILE_BYTES);
	int fd;

	snprintf(buf, size, "/tmp/minikvm-unit-image-XXXXXX");
	fd = mkstemp(buf);
	CHECK(fd >= 0 && bytes);
	if (fd < 0 || !bytes) {
		free(bytes);
		return buf;
	}
	for (size_t i = 0; i < FILE_BYTES; i++)
		bytes[i] = pattern(i);
	CHECK_EQ(write(fd, bytes, FILE_BYTES), (ssize_t)FILE_BYTES);
	close(fd);
	free(bytes);
	return buf;
}

static bool is_pattern(const uint8_t *p, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern(off + i))
			return false;
	return true;
}

TEST(image_open_holds_the_head_and_reads_the_rest_at_offsets)
{
	char path[64], err[512];
	struct image img;
	uint8_t buf[9000];

	pattern_file(path, sizeof(path));
	CHECK_EQ(image_open(&img, path, 1u << 20, "of guest memory", 4096), 0);
	CHECK(img.open);
	CHECK_EQ(img.size, 4096);
	CHECK_EQ(image_file_size(&img), FILE_BYTES);
	CHECK(is_pattern(img.data, 0, 4096));
	/* Inside the head, across its end, and far past it. */
	CHECK(image_read_at(&img, 100, buf, 200) == 0 && is_pattern(buf, 100, 200));
	CHECK(image_read_at(&img, 4000, buf, 9000) == 0 && is_pattern(buf, 4000, 9000));
	CHECK(image_read_at(&img, FILE_BYTES - 9000, buf, 9000) == 0 &&
	      is_pattern(buf, FILE_BYTES - 9000, 9000));
	CHECK(image_fetch(&img, FILE_BYTES - 1, buf, 1) && buf[0] == pattern(FILE_BYTES - 1));
	/* Past the end, and an offset whose sum with the length wraps. */
	CHECK(!image_fetch(&img, FILE_BYTES - 1, buf, 2));
	CHECK(!image_fetch(&img, UINT64_MAX, buf, 2));
	test_stderr_begin();
	CHECK_EQ(image_read_at(&img, FILE_BYTES, buf, 1), -1);
	test_stderr_end(err, sizeof(err));
	CHECK(strstr(err, "1 bytes at offset 204800 lie beyond the end of the file") != NULL);
	/* The rest read: as image_read leaves an image. */
	CHECK_EQ(image_read_rest(&img), 0);
	CHECK(!img.open);
	CHECK_EQ(img.size, FILE_BYTES);
	CHECK(is_pattern(img.data, 0, FILE_BYTES));
	CHECK(image_read_at(&img, 150000, buf, 100) == 0 && is_pattern(buf, 150000, 100));
	image_free(&img);
	unlink(path);
}

TEST(image_open_with_no_head_still_checks_the_file)
{
	char path[64], err[512];
	struct image img;

	pattern_file(path, sizeof(path));
	CHECK_EQ(image_open(&img, path, 1u << 20, "of guest memory", 0), 0);
	CHECK_EQ(img.size, 0);
	CHECK_EQ(image_file_size(&img), FILE_BYTES);
	image_free(&img);
	test_stderr_begin();
	CHECK_EQ(image_open(&img, path, 1000, "of guest memory", 0), -1);
	test_stderr_end(err, sizeof(err));
	CHECK(strstr(err, "image is 204800 bytes, more than the 1000 bytes of guest memory") != NULL);
	test_stderr_begin();
	CHECK_EQ(image_open(&img, "/tmp", 1u << 20, "of guest memory", 0), -1);
	test_stderr_end(err, sizeof(err));
	CHECK(strstr(err, "kvm-vmm: /tmp: is a directory, not a guest image") != NULL);
	unlink(path);
}

TEST(image_that_shrinks_after_its_checks_is_reported)
{
	char path[64], err[512];
	struct image img;
	uint8_t buf[4096];

	pattern_file(path, sizeof(path));
	CHECK_EQ(image_open(&img, path, 1u << 20, "of guest memory", 16), 0);
	CHECK_EQ(truncate(path, 1000), 0);
	test_stderr_begin();
	CHECK_EQ(image_read_at(&img, 500, buf, sizeof(buf)), -1);
	test_stderr_end(err, sizeof(err));
	CHECK(strstr(err, "the file shrank after it was checked (204800 bytes)") != NULL);
	CHECK(!image_fetch(&img, 500, buf, sizeof(buf)));
	test_stderr_begin();
	CHECK_EQ(image_read_rest(&img), -1);
	test_stderr_end(err, sizeof(err));
	CHECK(strstr(err, "the file shrank while being read (1000 of 204800 bytes)") != NULL);
	image_free(&img);
	unlink(path);
}
