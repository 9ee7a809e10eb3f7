/* Memory and string functions shared by the kernel and the programs.
 *
 * memset and memcpy use the x86 string instructions: on a software KVM the
 * kernel's instructions are emulated one by one, and one iteration of a
 * `rep stos`/`rep movs` costs about what one emulated instruction costs,
 * where a C loop costs four or five.  Word-sized iterations when the
 * operands allow it cut the count by 4 (i386) or 8 (x86-64) again. */
#include "string.h"
#include <stdint.h>

#define WORD sizeof(unsigned long)

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	if (c == 0 && (((uintptr_t)d | n) & (WORD - 1)) == 0) {
		size_t words = n / WORD;
#ifdef __x86_64__
		__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(0UL) : "memory");
#else
		__asm__ volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(0UL) : "memory");
#endif
	} else {
		__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	}
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	if ((((uintptr_t)d | (uintptr_t)src | n) & (WORD - 1)) == 0) {
		size_t words = n / WORD;
#ifdef __x86_64__
		__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
#else
		__asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
#endif
	} else {
		__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	}
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)		/* overlapping, copy backwards; rare */
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}
