#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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

int image_read(struct image *img, const char *path, size_t max_size,
	       const char *limit_reason)
{
	struct stat st;
	int fd;

	img->path = path;
	img->data = NULL;
	img->size = 0;
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
	if (fstat(fd, &st) < 0) {
		close(fd);
		return throw_err(-1, "%s: cannot stat image:", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return throw_err(-1, "%s: is a directory, not a guest image", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return throw_err(-1, "%s: %s, not a regular file", path, file_kind(st.st_mode));
	}
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(fd);
		return throw_err(-1, "%s: cannot read image:", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return throw_err(-1, "%s: empty image (0 bytes)", path);
	}
	if ((uint64_t)st.st_size > max_size) {
		close(fd);
		return throw_err(-1, "%s: image is %lld bytes, more than the %zu bytes %s",
				 path, (long long)st.st_size, max_size, limit_reason);
	}

	img->data = malloc((size_t)st.st_size);
	if (!img->data) {
		close(fd);
		return throw_err(-1, "%s: out of memory reading image", path);
	}
	size_t done = 0;

	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, img->data + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			close(fd);
			image_free(img);
			errno = saved;
			return throw_err(-1, "%s: cannot read image:", path);
		}
		if (n == 0) {
			close(fd);
			image_free(img);
			return throw_err(-1, "%s: the file shrank while being read (%zu of %lld bytes)",
					 path, done, (long long)st.st_size);
		}
		done += (size_t)n;
	}
	close(fd);
	img->size = done;
	return 0;
}

void image_free(struct image *img)
{
	free(img->data);
	img->data = NULL;
	img->size = 0;
}
