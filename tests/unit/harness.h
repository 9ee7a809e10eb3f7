/* A tiny test harness: each TEST registers itself; CHECK records a failure
 * with its line and carries on, so one run shows every broken expectation. */
#ifndef MINIKVM_TEST_HARNESS_H
#define MINIKVM_TEST_HARNESS_H

#include <stdio.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void harness_register(struct unit_test *t);
void harness_fail(const char *file, int line, const char *expr);

#define TEST(name)                                                        \
	static void name(void);                                           \
	static struct unit_test name##_entry = { #name, name, NULL };     \
	__attribute__((constructor)) static void name##_register(void)    \
	{                                                                 \
		harness_register(&name##_entry);                          \
	}                                                                 \
	static void name(void)

#define CHECK(expr)                                                       \
	do {                                                              \
		if (!(expr))                                              \
			harness_fail(__FILE__, __LINE__, #expr);          \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		unsigned long long va_ = (unsigned long long)(a);         \
		unsigned long long vb_ = (unsigned long long)(b);         \
		if (va_ != vb_) {                                         \
			char m_[256];                                     \
			snprintf(m_, sizeof(m_), "%s == %s (0x%llx != 0x%llx)", \
				 #a, #b, va_, vb_);                       \
			harness_fail(__FILE__, __LINE__, m_);             \
		}                                                         \
	} while (0)

/* A pipe pair for feeding a console or capturing its output. */
struct test_pipe {
	int rd, wr;
};
struct test_pipe test_pipe_open(void);
void test_pipe_close(struct test_pipe *p);
/* Reads what is waiting (non-blocking) into buf, NUL-terminated. */
size_t test_pipe_drain(struct test_pipe *p, char *buf, size_t size);

/* What the code under test writes to stderr between the two calls (into
 * a temporary file, so no size limit blocks it), NUL-terminated in buf;
 * stderr is restored by test_stderr_end(), which returns buf. */
void test_stderr_begin(void);
const char *test_stderr_end(char *buf, size_t size);

#endif
