#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../err.h"

int image_read(struct image *img, const char *path, size_t max_size,
	       const char *limit_reason)
{
	struct stat st;
	int fd;

	img->path = path;
	img->data = NULL;
	img->size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return throw_err(-1, "%s: cannot open image:", path);
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
		return throw_err(-1, "%s: not a regular file", path);
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
		if (n <= 0) {
			int saved = errno;

			close(fd);
			image_free(img);
			errno = n < 0 ? saved : EIO;
			return throw_err(-1, "%s: cannot read image:", path);
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
