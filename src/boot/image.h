/* Reading a guest image file, with every way it can be unusable reported
 * as one line naming the file. Most images are read whole; a vmlinux and
 * an initrd, tens of MiB that are only copied into guest RAM, are kept
 * open instead with their first bytes held, and read straight into guest
 * memory at load (image_read_at), without a copy in between. */
#ifndef MINIKVM_BOOT_IMAGE_H
#define MINIKVM_BOOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image {
	const char *path;
	uint8_t *data; /* the file's first size bytes */
	size_t size;
	/* An image held in part (image_open) also has the file open; one
	 * built in memory (all fields past size zero) is all in data. */
	uint64_t file_size;
	int fd;
	bool open;
};

/* 0 on success; -1 after printing why (missing, directory, a FIFO, device
 * or socket, unreadable, empty, larger than max_size, shrank while read).
 * Never blocks in open(): a FIFO is refused, not waited on. */
int image_read(struct image *img, const char *path, size_t max_size,
	       const char *limit_reason);
/* As image_read, but holds only the first min(head, file size) bytes and
 * keeps the file open for image_read_at and image_read_rest. */
int image_open(struct image *img, const char *path, size_t max_size,
	       const char *limit_reason, size_t head);
/* Reads the rest of an image_open'ed file: then as image_read left it. */
int image_read_rest(struct image *img);
/* The file's size, whether held whole or in part. */
uint64_t image_file_size(const struct image *img);
/* len bytes from offset off of the file into dst: 0, or -1 after one line
 * (the range is past the end, or the file shrank or failed since). */
int image_read_at(const struct image *img, uint64_t off, void *dst, size_t len);
/* As image_read_at, silently: true when all len bytes were read. */
bool image_fetch(const struct image *img, uint64_t off, void *dst, size_t len);
void image_free(struct image *img);

#endif
