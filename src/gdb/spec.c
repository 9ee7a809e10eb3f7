/* Parsing --gdb's argument (spec.h). Only numeric IPv4 addresses and
 * "localhost": a name would need the resolver, and the stub listens on
 * loopback unless the user names another address on purpose. */
#include "spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gdb_spec_default(struct gdb_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	snprintf(spec->host, sizeof(spec->host), "%s", GDB_DEFAULT_HOST);
	spec->port = GDB_DEFAULT_PORT;
}

static int fail(const char **why, const char *text)
{
	*why = text;
	return -1;
}

/* A decimal number from min to max, all of text. */
static int parse_number(const char *text, long min, long max, long *value)
{
	char *end;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	*value = strtol(text, &end, 10);
	return errno || *end || *value < min || *value > max ? -1 : 0;
}

static int parse_host(const char *text, size_t len, struct gdb_spec *spec, const char **why)
{
	char host[64];
	struct in_addr addr;

	if (len == 0)
		return 0; /* ":PORT": the default, loopback */
	if (len >= sizeof(host))
		return fail(why, "the host is too long: give an IPv4 address");
	memcpy(host, text, len);
	host[len] = '\0';
	if (strcmp(host, "localhost") == 0)
		return 0;
	if (inet_pton(AF_INET, host, &addr) != 1)
		return fail(why, "the host must be an IPv4 address (127.0.0.1) or localhost");
	inet_ntop(AF_INET, &addr, spec->host, sizeof(spec->host));
	return 0;
}

static int parse_address(const char *text, size_t len, struct gdb_spec *spec, const char **why)
{
	char port[16];
	const char *colon;
	long value;

	if (len >= 4 && strncmp(text, "tcp:", 4) == 0) { /* QEMU's spelling */
		text += 4;
		len -= 4;
	}
	colon = memchr(text, ':', len);
	if (colon && parse_host(text, (size_t)(colon - text), spec, why) < 0)
		return -1;
	if (colon) {
		len -= (size_t)(colon + 1 - text);
		text = colon + 1;
	}
	if (len == 0 || len >= sizeof(port))
		return fail(why, "need a port number, 0 to 65535");
	memcpy(port, text, len);
	port[len] = '\0';
	if (parse_number(port, 0, 65535, &value) < 0)
		return fail(why, "need a port number, 0 to 65535");
	spec->port = (uint16_t)value;
	return 0;
}

static int parse_arch(const char *value, struct gdb_spec *spec, const char **why)
{
	if (strcmp(value, "auto") == 0)
		spec->arch = GDB_ARCH_AUTO;
	else if (strcmp(value, "i8086") == 0)
		spec->arch = GDB_ARCH_I8086;
	else if (strcmp(value, "i386") == 0)
		spec->arch = GDB_ARCH_I386;
	else if (strcmp(value, "x86-64") == 0 || strcmp(value, "x86_64") == 0)
		spec->arch = GDB_ARCH_X86_64;
	else
		return fail(why, "arch= takes auto, i8086, i386 or x86-64");
	return 0;
}

static int parse_option(char *option, struct gdb_spec *spec, const char **why)
{
	long value;

	if (strncmp(option, "guest=", 6) == 0) {
		if (parse_number(option + 6, 1, 64, &value) < 0)
			return fail(why, "guest= takes a guest's place on the command line, from 1");
		spec->guest = (int)value - 1;
		return 0;
	}
	if (strncmp(option, "arch=", 5) == 0)
		return parse_arch(option + 5, spec, why);
	return fail(why, "unknown sub-option: guest=N and arch=LAYOUT are known");
}

int gdb_spec_parse(const char *text, struct gdb_spec *spec, const char **why)
{
	char options[128];
	const char *comma = strchr(text, ',');
	size_t len = comma ? (size_t)(comma - text) : strlen(text);

	gdb_spec_default(spec);
	spec->enabled = true;
	if (parse_address(text, len, spec, why) < 0)
		return -1;
	if (!comma)
		return 0;
	if (strlen(comma + 1) >= sizeof(options))
		return fail(why, "the sub-options are too long");
	snprintf(options, sizeof(options), "%s", comma + 1);
	for (char *save = NULL, *o = strtok_r(options, ",", &save); o;
	     o = strtok_r(NULL, ",", &save))
		if (parse_option(o, spec, why) < 0)
			return -1;
	return 0;
}
