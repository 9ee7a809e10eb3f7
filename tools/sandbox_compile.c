/* Compiles the sandbox's allowlist (src/sandbox_rules.c) into a seccomp
 * BPF program with libseccomp. Used at development time only, by
 * tools/gen-sandbox-filter.c, which writes the program into
 * src/sandbox_filter.c, and by the unit test that checks that file is
 * current: kvm-vmm itself loads the finished program and so spends no
 * start-up time (or memory) compiling it. */
#include "sandbox_compile.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* libseccomp's SCMP_A* macros leave the second datum out, which clang's
 * -Wmissing-field-initializers refuses. */
static struct scmp_arg_cmp arg(unsigned int n, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	return (struct scmp_arg_cmp){ .arg = n, .op = op, .datum_a = a, .datum_b = b };
}

static int add_rule(scmp_filter_ctx ctx, const struct sandbox_rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->name);

	if (nr == __NR_SCMP_ERROR)
		return -EINVAL;
	switch (r->limit) {
	case SANDBOX_ANY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case SANDBOX_IOCTL_LISTED:
		for (int i = 0; i < sandbox_ioctls_count; i++) {
			int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
						   arg(1, SCMP_CMP_EQ, sandbox_ioctls[i].request, 0));
			if (err)
				return err;
		}
		return 0;
	case SANDBOX_THREADS_ONLY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	case SANDBOX_OWN_PROCESS:
		/* kvm-vmm patches its own pid in when it loads the program. */
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					arg(0, SCMP_CMP_EQ, SANDBOX_PID_PLACEHOLDER, 0));
	case SANDBOX_NOT_EXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	case SANDBOX_FAILS_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	}
	return -EINVAL;
}

static int add_rules(scmp_filter_ctx ctx, bool sanitizer)
{
	int err = 0;

	for (int i = 0; !err && i < sandbox_rules_count; i++) {
		err = add_rule(ctx, &sandbox_rules[i]);
		/* The hot calls first: a VM exit costs one ioctl and the
		 * program's walk to it. */
		if (!err && i < 3)
			err = seccomp_syscall_priority(ctx, seccomp_syscall_resolve_name(sandbox_rules[i].name),
						       (uint8_t)(255 - i));
	}
	for (int i = 0; !err && sanitizer && i < sandbox_sanitizer_rules_count; i++)
		err = add_rule(ctx, &sandbox_sanitizer_rules[i]);
	return err;
}

int sandbox_compile(bool sanitizer, struct sock_filter *prog, size_t max, size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	FILE *tmp = tmpfile();
	long bytes;
	int err;

	if (!ctx || !tmp) {
		if (ctx)
			seccomp_release(ctx);
		if (tmp)
			fclose(tmp);
		return -ENOMEM;
	}
	err = add_rules(ctx, sanitizer);
	if (!err)
		err = seccomp_export_bpf(ctx, fileno(tmp));
	seccomp_release(ctx);
	bytes = err ? 0 : lseek(fileno(tmp), 0, SEEK_END);
	if (!err && (bytes <= 0 || bytes % (long)sizeof(*prog) || (size_t)bytes / sizeof(*prog) > max))
		err = -E2BIG;
	if (!err && pread(fileno(tmp), prog, (size_t)bytes, 0) != bytes)
		err = -EIO;
	fclose(tmp);
	*len = err ? 0 : (size_t)bytes / sizeof(*prog);
	return err;
}

const char *sandbox_compiler_version(void)
{
	static char version[32];
	const struct scmp_version *v = seccomp_version();

	snprintf(version, sizeof(version), "libseccomp %u.%u.%u", v->major, v->minor, v->micro);
	return version;
}
