/* Reading a guest image file, with every way it can be unusable reported
 * as one line naming the file. */
#ifndef MINIKVM_BOOT_IMAGE_H
#define MINIKVM_BOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct image {
	const char *path;
	uint8_t *data;
	size_t size;
};

/* 0 on success; -1 after printing why (missing, directory, a FIFO, device
 * or socket, unreadable, empty, larger than max_size, shrank while read).
 * Never blocks in open(): a FIFO is refused, not waited on. */
int image_read(struct image *img, const char *path, size_t max_size,
	       const char *limit_reason);
void image_free(struct image *img);

#endif
