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

int cli_parse_seconds(const char *text, uint64_t *ms)
{
	char *end;
	double seconds;

	if (!text || !*text || *text == '-' || *text == '+')
		return -1;
	errno = 0;
	seconds = strtod(text, &end);
	/* A week is far beyond any sensible run and keeps the product exact. */
	if (errno || end == text || *end || !(seconds > 0) || seconds > 604800)
		return -1;
	*ms = (uint64_t)(seconds * 1000.0 + 0.5);
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
