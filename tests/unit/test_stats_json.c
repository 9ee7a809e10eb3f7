/* --stats and --stats-json (src/stats.c): the JSON is parsed back here by a
 * small strict parser (RFC 8259 syntax, UTF-8 checked) and its fields
 * read; any name a guest file can have stays valid JSON; ports are hex
 * strings with their names; --stats names the well-known ports and says
 * what its exits are; the file is opened before the run. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/stats.h"
#include "harness.h"

/* --- a tiny JSON parser ------------------------------------------------- */

struct jv {
	char type; /* 'o' object, 'a' array, 's' string, 'n' number, 't', 'f', 'z' null */
	char *str;	  /* 's': the decoded text (UTF-8) */
	double num;	  /* 'n' */
	int n;		  /* 'o', 'a': members */
	char **keys;	  /* 'o' */
	struct jv **kids; /* 'o', 'a' */
};

struct jp {
	const char *p, *end;
	bool bad;
};

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static struct jv *jnew(char type)
{
	struct jv *v = calloc(1, sizeof(*v));

	v->type = type;
	return v;
}

static void jfree(struct jv *v)
{
	if (!v)
		return;
	for (int i = 0; i < v->n; i++) {
		jfree(v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->str);
	free(v);
}

static void put_utf8(char **out, uint32_t cp)
{
	char *o = *out;

	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	*out = o;
}

/* A raw byte sequence in a string must be well-formed UTF-8. */
static int utf8_ok(const unsigned char *s, const unsigned char *end)
{
	int n;

	if (s[0] >= 0x20 && s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (end - s < n)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

static char *jstring(struct jp *j)
{
	char *out = malloc((size_t)(j->end - j->p) * 2 + 8), *o = out;

	if (j->p >= j->end || *j->p != '"')
		goto bad;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		const unsigned char *u = (const unsigned char *)j->p;

		if (*u == '\\') {
			char e = j->p + 1 < j->end ? j->p[1] : 0;
			const char *simple = strchr("\"\\/bfnrt", e);

			if (e && simple) {
				*o++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
				j->p += 2;
			} else if (e == 'u' && j->end - j->p >= 6) {
				char hex[5] = { 0 };
				char *endp;

				memcpy(hex, j->p + 2, 4);
				uint32_t cp = (uint32_t)strtoul(hex, &endp, 16);

				if (*endp || (cp >= 0xd800 && cp <= 0xdfff))
					goto bad; /* no surrogates in our output */
				put_utf8(&o, cp);
				j->p += 6;
			} else {
				goto bad;
			}
		} else {
			int n = utf8_ok(u, (const unsigned char *)j->end);

			if (!n)
				goto bad; /* a control byte or not UTF-8 */
			memcpy(o, j->p, (size_t)n);
			o += n;
			j->p += n;
		}
	}
	if (j->p >= j->end)
		goto bad;
	j->p++;
	*o = '\0';
	return out;
bad:
	j->bad = true;
	free(out);
	return NULL;
}

static struct jv *jvalue(struct jp *j, int depth);

static struct jv *jcontainer(struct jp *j, int depth, char close)
{
	struct jv *v = jnew(close == '}' ? 'o' : 'a');

	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;

		ws(j);
		if (close == '}') {
			key = jstring(j);
			ws(j);
			if (!key || j->p >= j->end || *j->p != ':') {
				free(key);
				j->bad = true;
				return v;
			}
			j->p++;
		}
		struct jv *kid = jvalue(j, depth + 1);

		v->kids = realloc(v->kids, sizeof(*v->kids) * (size_t)(v->n + 1));
		if (close == '}') {
			v->keys = realloc(v->keys, sizeof(*v->keys) * (size_t)(v->n + 1));
			v->keys[v->n] = key;
		}
		v->kids[v->n++] = kid;
		if (j->bad)
			return v;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return v;
		}
		j->bad = true;
		return v;
	}
}

static struct jv *jvalue(struct jp *j, int depth)
{
	struct jv *v;

	ws(j);
	if (j->p >= j->end || depth > 32) {
		j->bad = true;
		return NULL;
	}
	switch (*j->p) {
	case '{':
		return jcontainer(j, depth, '}');
	case '[':
		return jcontainer(j, depth, ']');
	case '"':
		v = jnew('s');
		v->str = jstring(j);
		return v;
	case 't':
	case 'f':
	case 'n': {
		const char *word = *j->p == 't' ? "true" : *j->p == 'f' ? "false" : "null";
		size_t len = strlen(word);

		if ((size_t)(j->end - j->p) < len || strncmp(j->p, word, len) != 0) {
			j->bad = true;
			return NULL;
		}
		j->p += len;
		return jnew(*word == 'n' ? 'z' : *word);
	}
	default: {
		/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
		const char *s = j->p;
		char *endp;

		if (*s == '-')
			s++;
		if (s >= j->end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < j->end &&
							     s[1] >= '0' && s[1] <= '9')) {
			j->bad = true;
			return NULL;
		}
		v = jnew('n');
		v->num = strtod(j->p, &endp);
		j->p = endp;
		return v;
	}
	}
}

/* The parsed document, or NULL when text is not exactly one JSON value. */
static struct jv *jparse(const char *text, size_t len)
{
	struct jp j = { text, text + len, false };
	struct jv *v = jvalue(&j, 0);

	ws(&j);
	if (j.bad || j.p != j.end) {
		jfree(v);
		return NULL;
	}
	return v;
}

static struct jv *jget(const struct jv *o, const char *key)
{
	if (!o || o->type != 'o')
		return NULL;
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->kids[i];
	return NULL;
}

static struct jv *jat(const struct jv *a, int i)
{
	return a && a->type == 'a' && i < a->n ? a->kids[i] : NULL;
}

static double jnum(const struct jv *v)
{
	return v && v->type == 'n' ? v->num : -1;
}

static const char *jstr(const struct jv *v)
{
	return v && v->type == 's' ? v->str : "(not a string)";
}

TEST(json_checker_checks)
{
	static const char *bad[] = {
		"", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01", "\"\x01\"", "\"\xff\"",
		"\"\xe2\x82\"", "\"\\x\"", "[1] 2", "\"\\ud800\"", "{1: 2}",
	};
	struct jv *v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = jparse(bad[i], strlen(bad[i]));
		if (v)
			harness_fail(__FILE__, __LINE__, bad[i]);
		jfree(v);
	}
	const char *good = "{\"a\": [1, -2.5e3, \"x\\u00e9\\n\", true, null], \"b\": {}}";

	v = jparse(good, strlen(good));
	CHECK(v != NULL);
	CHECK(jnum(jat(jget(v, "a"), 1)) == -2500);
	CHECK(strcmp(jstr(jat(jget(v, "a"), 2)), "x\xc3\xa9\n") == 0);
	jfree(v);
}

/* --- the report ---------------------------------------------------------- */

static char *json_of(const struct stats_entry *e, int n, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	stats_json_print(f, e, n, 123456789);
	fclose(f);
	return buf;
}

static void fill(struct run_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 12; i++) {
		stats_count_exit(s, 2 /* KVM_EXIT_IO */);
		stats_count_port(s, 0x3fd, false);
		stats_count_exit(s, 2);
		stats_count_port(s, 0x3f8, true);
	}
	stats_count_exit(s, 2);
	stats_count_port(s, 0x1234, true);
	stats_count_exit(s, 5 /* KVM_EXIT_HLT */);
	s->setup_ns = 1000;
	s->run_ns = 2000;
	s->teardown_ns = 3000;
	s->coalesced_writes = 7;
}

TEST(stats_json_parses_back_with_every_field)
{
	struct run_stats a, b;
	struct stats_entry e[2] = {
		{ .name = "hello.bin", .outcome = "halted", .stats = &a },
		{ .name = "hello.bin#1", .outcome = "exit 3", .stats = &b },
	};
	size_t len;
	char *text;
	struct jv *v, *g, *ports, *total;

	fill(&a);
	fill(&b);
	text = json_of(e, 2, &len);
	v = jparse(text, len);
	CHECK(v != NULL);
	CHECK_EQ(jnum(jget(v, "format")), STATS_JSON_FORMAT);
	CHECK_EQ(STATS_JSON_FORMAT, 2);
	CHECK_EQ(jnum(jget(v, "wall_ns")), 123456789);
	g = jget(v, "guests");
	CHECK(g && g->type == 'a' && g->n == 2);
	CHECK(strcmp(jstr(jget(jat(g, 0), "name")), "hello.bin") == 0);
	CHECK(strcmp(jstr(jget(jat(g, 1), "outcome")), "exit 3") == 0);
	CHECK_EQ(jnum(jget(jat(g, 0), "exits")), 26);
	CHECK_EQ(jnum(jget(jget(jat(g, 0), "exits_by_reason"), "IO")), 25);
	CHECK_EQ(jnum(jget(jget(jat(g, 0), "exits_by_reason"), "HLT")), 1);
	ports = jget(jat(g, 0), "io_ports");
	CHECK(ports && ports->n == 3);
	CHECK(strcmp(jstr(jget(jat(ports, 0), "port")), "0x3fd") == 0);
	CHECK(strcmp(jstr(jget(jat(ports, 0), "name")), "COM1 LSR") == 0);
	CHECK_EQ(jnum(jget(jat(ports, 0), "in")), 12);
	CHECK_EQ(jnum(jget(jat(ports, 0), "out")), 0);
	CHECK(strcmp(jstr(jget(jat(ports, 1), "port")), "0x3f8") == 0);
	CHECK(strcmp(jstr(jget(jat(ports, 1), "name")), "COM1 THR/RBR") == 0);
	CHECK_EQ(jnum(jget(jat(ports, 1), "out")), 12);
	CHECK(strcmp(jstr(jget(jat(ports, 2), "port")), "0x1234") == 0);
	CHECK(jget(jat(ports, 2), "name") && jget(jat(ports, 2), "name")->type == 'z');
	for (const char *const *k = (const char *const[]){ "other_port_exits", "coalesced_writes",
							   "setup_ns", "run_ns", "teardown_ns", NULL };
	     *k; k++)
		CHECK(jget(jat(g, 1), *k) && jget(jat(g, 1), *k)->type == 'n');
	total = jget(v, "total");
	CHECK_EQ(jnum(jget(total, "exits")), 52);
	CHECK_EQ(jnum(jget(total, "coalesced_writes")), 14);
	CHECK_EQ(jnum(jget(total, "run_ns")), 4000);
	CHECK_EQ(jnum(jget(jat(jget(total, "io_ports"), 1), "out")), 24);
	/* tests/e2e/lib.sh's total_exits reads "total": {"exits": N on a line. */
	CHECK(strstr(text, "\n  \"total\": {\"exits\": 52, ") != NULL);
	jfree(v);
	free(text);
}

TEST(stats_json_stays_valid_for_any_name)
{
	static const char *names[] = {
		"a\"b\\c.bin",		/* quote, backslash */
		"tab\there\nnew\x01\x1f\x7f", /* control bytes */
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", /* UTF-8 */
		"latin1-\xe9.bin",	/* not UTF-8 */
		"cut-\xe2\x82",		/* a sequence cut by the 50-byte name limit */
		"\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", /* invalid, overlong, surrogate, too high */
		"",
	};
	static const char *decoded[] = {
		"a\"b\\c.bin",
		"tab\there\nnew\x01\x1f\x7f",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		"latin1-\xef\xbf\xbd.bin",
		"cut-\xef\xbf\xbd\xef\xbf\xbd",
		NULL, /* only checked to parse */
		"",
	};
	struct run_stats s;

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct stats_entry e = { .name = names[i], .outcome = "halted", .stats = &s };
		size_t len;
		char *text = json_of(&e, 1, &len);
		struct jv *v = jparse(text, len);

		if (!v) {
			harness_fail(__FILE__, __LINE__, text);
		} else if (decoded[i] &&
			   strcmp(jstr(jget(jat(jget(v, "guests"), 0), "name")), decoded[i]) != 0) {
			harness_fail(__FILE__, __LINE__, names[i]);
		}
		jfree(v);
		free(text);
	}
}

TEST(stats_names_the_well_known_ports)
{
	static const struct {
		uint16_t port;
		const char *name;
	} want[] = {
		{ 0x3f8, "COM1 THR/RBR" }, { 0x3f9, "COM1 IER" }, { 0x3fa, "COM1 IIR/FCR" },
		{ 0x3fb, "COM1 LCR" }, { 0x3fc, "COM1 MCR" }, { 0x3fd, "COM1 LSR" },
		{ 0x3fe, "COM1 MSR" }, { 0x3ff, "COM1 SCR" }, { 0x500, "hypercall" },
		{ 0xf4, "isa-debug-exit" }, { 0x60, "i8042 data" }, { 0x64, "i8042 status/command" },
		{ 0x70, "RTC index" }, { 0x71, "RTC data" }, { 0x40, "PIT counter 0" },
		{ 0x41, "PIT counter 1" }, { 0x42, "PIT counter 2" }, { 0x43, "PIT mode" },
		{ 0x20, "PIC1 command" }, { 0x21, "PIC1 data" }, { 0xa0, "PIC2 command" },
		{ 0xa1, "PIC2 data" }, { 0x510, "fw_cfg selector" }, { 0x511, "fw_cfg data" },
		{ 0x8900, "Bochs shutdown" }, { 0x608, "ACPI PM timer" },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = stats_port_name(want[i].port);

		if (!got || strcmp(got, want[i].name) != 0)
			harness_fail(__FILE__, __LINE__, want[i].name);
	}
	CHECK(stats_port_name(0x1234) == NULL);
	CHECK(stats_port_name(0x3f7) == NULL);
}

TEST(stats_text_says_exits_to_user_space_and_names_ports)
{
	struct run_stats a;
	struct stats_entry e = { .name = "hello.bin", .outcome = "halted", .stats = &a };
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	fill(&a);
	stats_print_text(f, &e, 1, 5000000);
	fclose(f);
	const char *head = "--- kvm-vmm statistics ---\n";

	CHECK(strncmp(buf, head, strlen(head)) == 0);
	CHECK(strstr(buf, "\nhello.bin: halted, 26 exits to user space\n") != NULL);
	CHECK(strstr(buf, "\n  IO                       25\n") != NULL);
	CHECK(strstr(buf, "\n  HLT                       1\n") != NULL);
	CHECK(strstr(buf, "\n  port 0x03f8 COM1 THR/RBR                  0 in         12 out\n") != NULL);
	CHECK(strstr(buf, "\n  port 0x03fd COM1 LSR                     12 in          0 out\n") != NULL);
	CHECK(strstr(buf, "\n  port 0x1234                               0 in          1 out\n") != NULL);
	CHECK(strstr(buf, "wall time: 5.000 ms\n") != NULL);
	free(buf);
}

/* --- the file: opened before the run --------------------------------------- */

TEST(stats_json_file_opened_first)
{
	struct test_pipe p = test_pipe_open();
	char err[512], path[64];
	int saved = dup(2);
	bool created;
	FILE *f;
	struct run_stats s;
	struct stats_entry e = { .name = "g", .outcome = "halted", .stats = &s };

	memset(&s, 0, sizeof(s));
	dup2(p.wr, 2);
	f = stats_json_open("/nonexistent/x.json", &created);
	dup2(saved, 2);
	close(saved);
	test_pipe_drain(&p, err, sizeof(err));
	test_pipe_close(&p);
	CHECK(f == NULL);
	CHECK(strcmp(err, "kvm-vmm: --stats-json '/nonexistent/x.json': cannot create the file: No such file or directory\n") == 0);

	CHECK(stats_json_open("-", &created) == stdout && !created);

	snprintf(path, sizeof(path), "/tmp/minikvm-unit-stats-%d.json", (int)getpid());
	unlink(path);
	f = stats_json_open(path, &created);
	CHECK(f && created && access(path, F_OK) == 0);
	stats_json_abandon(f, path, created); /* the run ended first: removed */
	CHECK(access(path, F_OK) != 0);
	f = stats_json_open(path, &created);
	CHECK(f && created);
	CHECK_EQ(stats_json_finish(f, path, &e, 1, 1), 0);
	f = fopen(path, "r");
	if (f) {
		char text[4096];
		size_t n = fread(text, 1, sizeof(text), f);
		struct jv *v = jparse(text, n);

		CHECK(v && jnum(jget(v, "format")) == 2);
		jfree(v);
		fclose(f);
	}
	/* A file that was there stays when the run ends early. */
	f = stats_json_open(path, &created);
	CHECK(f && !created);
	stats_json_abandon(f, path, created);
	CHECK(access(path, F_OK) == 0);
	unlink(path);
}
