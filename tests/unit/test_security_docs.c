/* docs/security.md's allowlist is the sandbox's (src/sandbox_rules.c):
 * every allowed system call and ioctl request has its row there, with the
 * same reason, and the page lists nothing the sandbox does not allow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sandbox.h"
#include "harness.h"

#define SECURITY_MD "docs/security.md"

static char *read_doc(void)
{
	FILE *f = fopen(SECURITY_MD, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(1 << 18);
	n = buf ? fread(buf, 1, (1 << 18) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* The row "| `name` | ... why ... |" in text, or NULL. */
static const char *row_of(const char *text, const char *name)
{
	char key[96];

	snprintf(key, sizeof(key), "\n| `%s` |", name);
	return strstr(text, key);
}

static void check_row(const char *text, const char *name, const char *why)
{
	const char *row = row_of(text, name);
	const char *end = row ? strchr(row + 1, '\n') : NULL;
	char m[256];

	if (!row) {
		snprintf(m, sizeof(m), SECURITY_MD ": no row for `%s`", name);
		harness_fail(__FILE__, __LINE__, m);
		return;
	}
	if (!end || !memmem(row, (size_t)(end - row), why, strlen(why))) {
		snprintf(m, sizeof(m), SECURITY_MD ": `%s`'s row does not say \"%s\"", name, why);
		harness_fail(__FILE__, __LINE__, m);
	}
}

static bool allowed(const char *name, size_t len)
{
	for (int i = 0; i < sandbox_rules_count; i++)
		if (strlen(sandbox_rules[i].name) == len && !strncmp(name, sandbox_rules[i].name, len))
			return true;
	for (int i = 0; i < sandbox_sanitizer_rules_count; i++)
		if (strlen(sandbox_sanitizer_rules[i].name) == len &&
		    !strncmp(name, sandbox_sanitizer_rules[i].name, len))
			return true;
	for (int i = 0; i < sandbox_ioctls_count; i++)
		if (strlen(sandbox_ioctls[i].name) == len && !strncmp(name, sandbox_ioctls[i].name, len))
			return true;
	return false;
}

TEST(security_docs_list_the_sandbox_allowlist)
{
	char *doc = read_doc();
	const char *list;

	CHECK(doc != NULL);
	if (!doc)
		return;
	list = strstr(doc, "\n### The allowlist");
	CHECK(list != NULL);
	if (!list) {
		free(doc);
		return;
	}
	/* The release rules come before the sanitizer builds' section, where
	 * mmap and mprotect appear again, unlimited. */
	for (int i = 0; i < sandbox_rules_count; i++)
		check_row(list, sandbox_rules[i].name, sandbox_rules[i].why);
	for (int i = 0; i < sandbox_ioctls_count; i++)
		check_row(list, sandbox_ioctls[i].name, sandbox_ioctls[i].why);
	const char *san = strstr(list, "\n### Sanitizer builds only");

	CHECK(san != NULL);
	for (int i = 0; san && i < sandbox_sanitizer_rules_count; i++)
		check_row(san, sandbox_sanitizer_rules[i].name, sandbox_sanitizer_rules[i].why);
	/* Nothing listed that the sandbox does not allow. */
	for (const char *p = strstr(list, "\n| `"); p; p = strstr(p + 1, "\n| `")) {
		const char *name = p + 4, *tick = strchr(name, '`');

		if (tick && !allowed(name, (size_t)(tick - name))) {
			char m[160];

			snprintf(m, sizeof(m), SECURITY_MD ": `%.*s` is listed but not in src/sandbox_rules.c",
				 (int)(tick - name), name);
			harness_fail(__FILE__, __LINE__, m);
		}
	}
	free(doc);
}
