/* Every read is a pread at an offset, retried on short reads, so a held
 * file needs no file position kept. The size fstat gave at open is the one
 * believed: bytes added later are never read, and a file that shrinks is
 * an error where it is found, not a short image. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../err.h"

/* What a file that is not a regular file or a directory is. */
static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a special file";
}

/* len bytes at off of the open file fd into out, retrying short reads:
 * 0, or the errno of a failed read, or -1 where the file ended first;
 * *got: how many bytes came. */
static int pread_all(int fd, uint8_t *out, size_t len, uint64_t off, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = pread(fd, out + *got, len - *got, (off_t)(off + *got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : -1;
		*got += (size_t)n;
	}
	return 0;
}

/* Reads bytes [done, want) of the open file into img->data, which has
 * room: 0, or -1 after one line. */
static int read_into(struct image *img, size_t done, size_t want)
{
	size_t got;
	int failed = pread_all(img->fd, img->data + done, want - done, done, &got);

	if (failed > 0) {
		errno = failed;
		return throw_err(-1, "%s: cannot read image:", img->path);
	}
	if (failed)
		return throw_err(-1, "%s: the file shrank while being read (%zu of %llu bytes)",
				 img->path, done + got, (unsigned long long)img->file_size);
	img->size = want;
	return 0;
}

/* Closes fd once its error is reported (the message read errno first). */
static int closing(int fd, int status)
{
	close(fd);
	return status;
}

/* Opens path as a guest image: a regular file of 1 to max_size bytes,
 * never waiting on a FIFO. Returns the descriptor and its size, or -1
 * after one line. */
static int open_regular(const char *path, size_t max_size, const char *limit_reason,
			uint64_t *size)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer,
	 * before any check and before --timeout counts. Only a regular file
	 * is read, with O_NONBLOCK cleared again. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int saved = errno;

		/* A socket cannot be opened at all (ENXIO): say what it is. */
		if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			return throw_err(-1, "%s: %s, not a regular file", path,
					 file_kind(st.st_mode));
		errno = saved;
		return throw_err(-1, "%s: cannot open image:", path);
	}
	int fl;

	if (fstat(fd, &st) < 0)
		return closing(fd, throw_err(-1, "%s: cannot stat image:", path));
	if (S_ISDIR(st.st_mode))
		return closing(fd, throw_err(-1, "%s: is a directory, not a guest image", path));
	if (!S_ISREG(st.st_mode))
		return closing(fd, throw_err(-1, "%s: %s, not a regular file", path,
					     file_kind(st.st_mode)));
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return closing(fd, throw_err(-1, "%s: cannot read image:", path));
	if (st.st_size == 0)
		return closing(fd, throw_err(-1, "%s: empty image (0 bytes)", path));
	if ((uint64_t)st.st_size > max_size)
		return closing(fd, throw_err(-1, "%s: image is %lld bytes, more than the %zu bytes %s",
					     path, (long long)st.st_size, max_size, limit_reason));
	*size = (uint64_t)st.st_size;
	return fd;
}

int image_open(struct image *img, const char *path, size_t max_size,
	       const char *limit_reason, size_t head)
{
	memset(img, 0, sizeof(*img));
	img->path = path;
	img->fd = open_regular(path, max_size, limit_reason, &img->file_size);
	if (img->fd < 0)
		return -1;
	img->open = true;
	size_t want = head < img->file_size ? head : (size_t)img->file_size;

	/* One byte at least, so that data is never NULL for a held image. */
	img->data = malloc(want ? want : 1);
	if (!img->data) {
		image_free(img);
		return throw_err(-1, "%s: out of memory reading image", path);
	}
	if (read_into(img, 0, want) < 0) {
		image_free(img);
		return -1;
	}
	return 0;
}

int image_read_rest(struct image *img)
{
	if (!img->open)
		return 0;
	uint8_t *all = realloc(img->data, (size_t)img->file_size);

	if (!all)
		return throw_err(-1, "%s: out of memory reading image", img->path);
	img->data = all;
	if (read_into(img, img->size, (size_t)img->file_size) < 0)
		return -1;
	close(img->fd);
	img->open = false;
	return 0;
}

int image_read(struct image *img, const char *path, size_t max_size,
	       const char *limit_reason)
{
	if (image_open(img, path, max_size, limit_reason, 0) < 0)
		return -1;
	if (image_read_rest(img) < 0) {
		image_free(img);
		return -1;
	}
	return 0;
}

uint64_t image_file_size(const struct image *img)
{
	return img->open ? img->file_size : img->size;
}

/* Bytes [off, off + len) of the file, inside it, into out: 0, or the
 * errno of a failed read, or -1 where the file ended first. */
static int fetch(const struct image *img, uint64_t off, uint8_t *out, size_t len)
{
	if (off + len <= img->size) {
		memcpy(out, img->data + off, len);
		return 0;
	}
	size_t got;

	return pread_all(img->fd, out, len, off, &got);
}

static bool in_image(const struct image *img, uint64_t off, size_t len)
{
	uint64_t size = image_file_size(img);

	return off <= size && len <= size - off;
}

bool image_fetch(const struct image *img, uint64_t off, void *dst, size_t len)
{
	return in_image(img, off, len) && fetch(img, off, dst, len) == 0;
}

int image_read_at(const struct image *img, uint64_t off, void *dst, size_t len)
{
	int failed;

	if (!in_image(img, off, len))
		return throw_err(-1, "%s: %zu bytes at offset %llu lie beyond the end of the file",
				 img->path, len, (unsigned long long)off);
	failed = fetch(img, off, dst, len);
	if (failed > 0) {
		errno = failed;
		return throw_err(-1, "%s: cannot read image:", img->path);
	}
	if (failed)
		return throw_err(-1, "%s: the file shrank after it was checked (%llu bytes)",
				 img->path, (unsigned long long)image_file_size(img));
	return 0;
}

void image_free(struct image *img)
{
	if (img->open)
		close(img->fd);
	img->open = false;
	free(img->data);
	img->data = NULL;
	img->size = 0;
	img->file_size = 0;
}
