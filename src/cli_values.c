/* The values of kvm-vmm's options: sizes, --mem's MiB, seconds, counts
 * and addresses, each read whole (no trailing bytes, no sign, no
 * overflow), so a typo is a usage error rather than another number. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli_impl.h"

int cli_parse_size(const char *text, uint64_t *bytes)
{
	char *end;
	unsigned long long value;
	unsigned shift = 0;

	if (!text || !*text || *text == '-' || *text == '+')
		return -1;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || end == text)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'i' && shift)
		end++;
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end || value > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)value << shift;
	return 0;
}

int cli_parse_mem(const char *text, uint64_t *bytes)
{
	size_t len = text ? strlen(text) : 0;
	char digits[32];
	uint64_t value;

	if (len == 0)
		return -1;
	if (isdigit((unsigned char)text[len - 1])) {
		if (cli_parse_size(text, &value) || value > (UINT64_MAX >> 20))
			return -1;
		*bytes = value << 20;
		return 0;
	}
	if ((text[len - 1] == 'B' || text[len - 1] == 'b') && len >= 2 &&
	    isdigit((unsigned char)text[len - 2])) {
		if (len > sizeof(digits))
			return -1;
		memcpy(digits, text, len - 1);
		digits[len - 1] = '\0';
		return cli_parse_size(digits, bytes);
	}
	return cli_parse_size(text, bytes);
}

/* Whole and decimal digits only, read by hand: strtod would bring
 * exponents, hex floats, "inf" and "nan" to refuse, and with them most of
 * the C library's float parsing into the binary. Rounded to the nearest
 * millisecond; anything above zero is at least 1 ms. */
int cli_parse_seconds(const char *text, uint64_t *ms)
{
	const uint64_t week_ms = 604800000; /* far beyond any sensible run */
	uint64_t whole = 0, milli = 0;
	int places = 0, round_up = 0;
	bool digits = false, nonzero = false;
	const char *p = text;

	if (!p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		nonzero |= *p != '0';
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > week_ms / 1000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, places++) {
			digits = true;
			nonzero |= *p != '0';
			if (places < 3)
				milli = milli * 10 + (uint64_t)(*p - '0');
			else if (places == 3)
				round_up = *p >= '5';
		}
	}
	if (!digits || *p || !nonzero)
		return -1;
	for (; places < 3; places++)
		milli *= 10;
	*ms = whole * 1000 + milli + (uint64_t)round_up;
	if (*ms > week_ms)
		return -1;
	if (*ms == 0)
		*ms = 1;
	return 0;
}

int cli_parse_count(const char *text, int max, int *count)
{
	char *end;
	long value;

	if (!text || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || *end || value < 1 || value > max)
		return -1;
	*count = (int)value;
	return 0;
}

int cli_parse_address(const char *text, uint64_t *addr)
{
	char *end;

	if (!text || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	*addr = strtoull(text, &end, 0);
	return errno || *end ? -1 : 0;
}
