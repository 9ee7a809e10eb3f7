/* The explanation follows the facts in order: when the process is root or
 * the mode bits already let it in, the refusal is put down to a security
 * module or a container's device rules; then group membership, old login
 * sessions, and last a mode that admits no group. */
#include "kvm_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

/* "root", or "uid 1000" where the name is not known. */
static const char *who(const char *name, unsigned id, char *buf, size_t size)
{
	if (name[0])
		return name;
	snprintf(buf, size, "%u", id);
	return buf;
}

static const char *security_module = "a security module (SELinux, AppArmor) or a container's device rules refuse it";

static void explain_denied(const struct kvm_dev_facts *f, char *buf, size_t size)
{
	char ob[16], gb[16], ub[24], node[160];
	const char *owner = who(f->owner, f->uid, ob, sizeof(ob));
	const char *group = who(f->group, f->gid, gb, sizeof(gb));
	const char *user = f->user;
	bool group_rw = (f->mode & 060) == 060, owner_rw = (f->mode & 0600) == 0600;
	bool others_rw = (f->mode & 006) == 006;

	if (!user[0]) {
		snprintf(ub, sizeof(ub), "uid %u", f->euid);
		user = ub;
	}
	snprintf(node, sizeof(node), "the device is %s:%s %04o", owner, group, f->mode);
	if (f->euid == 0)
		snprintf(buf, size, "%s: permission denied even to root (%s): %s", f->path, node,
			 security_module);
	else if (others_rw || (f->euid == f->uid && owner_rw))
		snprintf(buf, size, "%s: permission denied (%s): %s", f->path, node,
			 security_module);
	else if (group_rw && f->in_group)
		snprintf(buf, size, "%s: permission denied although user %s is in group %s (%s): %s",
			 f->path, user, group, node, security_module);
	else if (group_rw && f->listed)
		snprintf(buf, size,
			 "%s: permission denied: user %s is in group %s, but this login session started before it was added (%s); log out and in again, or run `newgrp %s`",
			 f->path, user, group, node, group);
	else if (group_rw)
		snprintf(buf, size,
			 "%s: permission denied: user %s is not in group %s (%s); add it with `sudo usermod -aG %s %s` and log in again, or run as root",
			 f->path, user, group, node, group, f->user[0] ? f->user : "USER");
	else
		snprintf(buf, size,
			 "%s: permission denied: %s, open to %s only; run as root, or let a group in (`sudo chgrp kvm %s && sudo chmod 0660 %s`, as the udev rule of a kvm package does) and add user %s to it",
			 f->path, node, owner, f->path, f->path, user);
}

void kvm_dev_explain(const struct kvm_dev_facts *f, char *buf, size_t size)
{
	switch (f->err) {
	case ENOENT:
		snprintf(buf, size,
			 "%s: not found: this host has no KVM; load kvm_intel or kvm_amd (sudo modprobe kvm_intel, or kvm_amd), or enable virtualization (VT-x, AMD-V) in the firmware; inside a VM, turn on nested virtualization",
			 f->path);
		break;
	case ENXIO:
	case ENODEV:
		snprintf(buf, size,
			 "%s: no KVM behind the device (%s): load kvm_intel or kvm_amd (sudo modprobe kvm_intel, or kvm_amd); if neither loads, enable virtualization (VT-x, AMD-V) in the firmware",
			 f->path, strerror(f->err));
		break;
	case EACCES:
	case EPERM:
		if (f->exists) {
			explain_denied(f, buf, size);
			break;
		}
		/* fall through */
	default:
		snprintf(buf, size, "%s: cannot open it read-write: %s", f->path,
			 strerror(f->err));
		break;
	}
}

/* src into dst, cut to fit. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The name of the line whose third field is id in a passwd or group file,
 * and for a group its members (the fourth field); for a user, its primary
 * group (also the fourth field). 0 when found. */
static int db_lookup(const char *file, unsigned id, char *name, size_t name_size,
		     char *fourth, size_t fourth_size)
{
	FILE *f = file ? fopen(file, "re") : NULL;
	char line[1024];
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		char *field[4] = { line, NULL, NULL, NULL };
		char *end;

		line[strcspn(line, "\n")] = '\0';
		for (int i = 1; i < 4; i++) {
			char *colon = field[i - 1] ? strchr(field[i - 1], ':') : NULL;

			if (colon) {
				*colon = '\0';
				field[i] = colon + 1;
			}
		}
		if (!field[2] || !*field[2] || strtoul(field[2], &end, 10) != id || *end)
			continue;
		copy_text(name, name_size, field[0]);
		if (fourth) {
			char *colon = field[3] ? strchr(field[3], ':') : NULL;

			if (colon)
				*colon = '\0';
			copy_text(fourth, fourth_size, field[3] ? field[3] : "");
		}
		found = 0;
	}
	fclose(f);
	return found;
}

static bool listed_in(const char *members, const char *user)
{
	size_t len = strlen(user);

	for (const char *p = members; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, user, len) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

void kvm_dev_gather(const char *path, int err, const char *passwd_file,
		    const char *group_file, struct kvm_dev_facts *f)
{
	struct stat st;
	char members[1024] = "", primary[32] = "";
	gid_t groups[256];
	int n;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->err = err;
	f->euid = (unsigned)geteuid();
	if (stat(path, &st) < 0)
		return;
	f->exists = true;
	f->mode = (unsigned)(st.st_mode & 07777);
	f->uid = (unsigned)st.st_uid;
	f->gid = (unsigned)st.st_gid;
	db_lookup(passwd_file, f->uid, f->owner, sizeof(f->owner), NULL, 0);
	db_lookup(group_file, f->gid, f->group, sizeof(f->group), members, sizeof(members));
	if (db_lookup(passwd_file, f->euid, f->user, sizeof(f->user), primary, sizeof(primary)) == 0)
		f->listed = listed_in(members, f->user) ||
			    strtoul(primary, NULL, 10) == f->gid;
	f->in_group = getegid() == st.st_gid;
	n = getgroups((int)(sizeof(groups) / sizeof(groups[0])), groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == st.st_gid)
			f->in_group = true;
}

int kvm_dev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int saved = errno;
		struct kvm_dev_facts f;
		char msg[768];

		kvm_dev_gather(path, saved, "/etc/passwd", "/etc/group", &f);
		kvm_dev_explain(&f, msg, sizeof(msg));
		err_print("%s", msg);
		errno = saved;
	}
	return fd;
}
