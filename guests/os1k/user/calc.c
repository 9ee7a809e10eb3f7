/* 6: an integer calculator.  + - * / % with the usual precedence, unary
 * minus and parentheses, in 32-bit arithmetic; division by zero, overflow
 * and malformed input are reported.  "q" or "quit" leaves. */
#include "ulib.h"

enum calc_error { CALC_OK, CALC_SYNTAX, CALC_DIV_ZERO, CALC_OVERFLOW };

struct parser {
	const char *p;
	enum calc_error err;
};

static int expr(struct parser *ps);

/* The next non-blank character, consumed if it is c. */
static bool accept(struct parser *ps, char c)
{
	ps->p = skip_blanks(ps->p);
	if (*ps->p != c)
		return false;
	ps->p++;
	return true;
}

static int fail(struct parser *ps, enum calc_error err)
{
	if (ps->err == CALC_OK)
		ps->err = err;
	return 0;
}

/* factor: number | '(' expr ')' | '-' factor | '+' factor */
static int factor(struct parser *ps)
{
	if (ps->err)
		return 0;
	if (accept(ps, '(')) {
		int v = expr(ps);

		return accept(ps, ')') ? v : fail(ps, CALC_SYNTAX);
	}
	if (accept(ps, '-')) {
		int v = factor(ps);

		return v == INT_MIN ? fail(ps, CALC_OVERFLOW) : -v;
	}
	if (accept(ps, '+'))
		return factor(ps);
	if (*ps->p < '0' || *ps->p > '9')
		return fail(ps, CALC_SYNTAX);

	int v = 0;

	for (; *ps->p >= '0' && *ps->p <= '9'; ps->p++)
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *ps->p - '0', &v))
			return fail(ps, CALC_OVERFLOW);
	return v;
}

/* term: factor { ('*' | '/' | '%') factor } */
static int term(struct parser *ps)
{
	int v = factor(ps);

	for (;;) {
		char op;

		if (accept(ps, '*'))
			op = '*';
		else if (accept(ps, '/'))
			op = '/';
		else if (accept(ps, '%'))
			op = '%';
		else
			return v;
		int r = factor(ps);

		if (ps->err)
			return 0;
		if (op == '*') {
			if (__builtin_mul_overflow(v, r, &v))
				return fail(ps, CALC_OVERFLOW);
			continue;
		}
		if (r == 0)
			return fail(ps, CALC_DIV_ZERO);
		if (v == INT_MIN && r == -1)
			return fail(ps, CALC_OVERFLOW);
		v = op == '/' ? v / r : v % r;
	}
}

/* expr: term { ('+' | '-') term } */
static int expr(struct parser *ps)
{
	int v = term(ps);

	for (;;) {
		bool add;

		if (accept(ps, '+'))
			add = true;
		else if (accept(ps, '-'))
			add = false;
		else
			return v;
		int r = term(ps);

		if (ps->err)
			return 0;
		if (add ? __builtin_add_overflow(v, r, &v) : __builtin_sub_overflow(v, r, &v))
			return fail(ps, CALC_OVERFLOW);
	}
}

int main(void)
{
	char line[LINE_SIZE];

	print("Calculator: integers with + - * / % and parentheses; q leaves.\n");
	for (;;) {
		print("calc> ");
		long n = readline(line, sizeof line);

		if (n == READ_EOF)
			break;
		if (n == READ_TOO_LONG) {
			printf("error: line too long (at most %d characters)\n", LINE_SIZE - 2);
			continue;
		}
		char *s = trim(line);

		if (!*s)
			continue;
		if (!strcmp(s, "q") || !strcmp(s, "quit"))
			break;

		struct parser ps = { s, CALC_OK };
		int v = expr(&ps);

		if (ps.err == CALC_OK && *skip_blanks(ps.p))
			ps.err = CALC_SYNTAX;	/* something left over */
		switch (ps.err) {
		case CALC_OK:
			printf("= %d\n", v);
			break;
		case CALC_SYNTAX:
			if (*ps.p)
				printf("error: malformed expression at \"%s\"\n", ps.p);
			else
				print("error: malformed expression: it ends too early\n");
			break;
		case CALC_DIV_ZERO:
			print("error: division by zero\n");
			break;
		case CALC_OVERFLOW:
			print("error: overflow (results must fit in 32 bits)\n");
			break;
		}
	}
	return 0;
}
