/* target.xml, the target description gdb reads with qXfer:features:read:
 * the architecture, then each feature's registers in g-packet order, as
 * regs.c's tables give them (gdb_reg_info), and the types the core and SSE
 * features use that gdb does not predefine (the EFLAGS and MXCSR bit
 * names, the 128-bit vector union). Facts from the GDB manual, "Target
 * Descriptions"; the text is generated, so it follows the tables. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "regs.h"

struct text {
	char *buf;
	size_t size, len; /* len may pass size: the length needed */
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->len < t->size ? t->buf + t->len : NULL,
		      t->len < t->size ? t->size - t->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

struct bit {
	const char *name;
	unsigned bit;
};

static void put_flags(struct text *t, const char *id, const struct bit *bits, size_t n)
{
	put(t, "<flags id=\"%s\" size=\"4\">\n", id);
	for (size_t i = 0; i < n; i++)
		put(t, "  <field name=\"%s\" start=\"%u\" end=\"%u\"/>\n", bits[i].name,
		    bits[i].bit, bits[i].bit);
	put(t, "</flags>\n");
}

/* EFLAGS (SDM vol. 1, 3.4.3). */
static void put_eflags(struct text *t)
{
	static const struct bit bits[] = {
		{ "CF", 0 }, { "PF", 2 }, { "AF", 4 }, { "ZF", 6 }, { "SF", 7 },
		{ "TF", 8 }, { "IF", 9 }, { "DF", 10 }, { "OF", 11 }, { "NT", 14 },
		{ "RF", 16 }, { "VM", 17 }, { "AC", 18 }, { "VIF", 19 }, { "VIP", 20 },
		{ "ID", 21 },
	};

	put_flags(t, "i386_eflags", bits, sizeof(bits) / sizeof(bits[0]));
}

/* MXCSR (SDM vol. 1, 10.2.3), and an XMM register seen as each vector. */
static void put_sse_types(struct text *t)
{
	static const struct bit bits[] = {
		{ "IE", 0 }, { "DE", 1 }, { "ZE", 2 }, { "OE", 3 }, { "UE", 4 },
		{ "PE", 5 }, { "DAZ", 6 }, { "IM", 7 }, { "DM", 8 }, { "ZM", 9 },
		{ "OM", 10 }, { "UM", 11 }, { "PM", 12 }, { "FZ", 15 },
	};
	static const struct { const char *id, *type; int count; } vectors[] = {
		{ "v4f", "ieee_single", 4 }, { "v2d", "ieee_double", 2 },
		{ "v16i8", "int8", 16 }, { "v8i16", "int16", 8 },
		{ "v4i32", "int32", 4 }, { "v2i64", "int64", 2 },
	};
	static const char *const fields[][2] = {
		{ "v4_float", "v4f" }, { "v2_double", "v2d" }, { "v16_int8", "v16i8" },
		{ "v8_int16", "v8i16" }, { "v4_int32", "v4i32" }, { "v2_int64", "v2i64" },
		{ "uint128", "uint128" },
	};

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		put(t, "<vector id=\"%s\" type=\"%s\" count=\"%d\"/>\n", vectors[i].id,
		    vectors[i].type, vectors[i].count);
	put(t, "<union id=\"vec128\">\n");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		put(t, "  <field name=\"%s\" type=\"%s\"/>\n", fields[i][0], fields[i][1]);
	put(t, "</union>\n");
	put_flags(t, "i386_mxcsr", bits, sizeof(bits) / sizeof(bits[0]));
}

size_t gdb_target_xml(enum gdb_layout l, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };
	struct gdb_reg_info info;
	const char *open_feature = NULL;

	if (size)
		buf[0] = '\0';
	put(&t, "<?xml version=\"1.0\"?>\n<target version=\"1.0\">\n"
		"<architecture>%s</architecture>\n", gdb_layout_arch(l));
	for (int i = 0; gdb_reg_info(l, i, &info); i++) {
		if (!open_feature || strcmp(open_feature, info.feature) != 0) {
			if (open_feature)
				put(&t, "</feature>\n");
			put(&t, "<feature name=\"%s\">\n", info.feature);
			open_feature = info.feature;
			if (strcmp(info.feature, "org.gnu.gdb.i386.core") == 0)
				put_eflags(&t);
			else if (strcmp(info.feature, "org.gnu.gdb.i386.sse") == 0)
				put_sse_types(&t);
		}
		put(&t, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%d\"%s/>\n",
		    info.name, info.bits, info.type, i,
		    strcmp(info.feature, "org.minikvm.x86.sys") == 0 ? " group=\"system\"" : "");
	}
	if (open_feature)
		put(&t, "</feature>\n");
	put(&t, "</target>\n");
	return t.len;
}
