/* Why /dev/kvm did not open, in words that say what to do about it. The
 * message is built from facts gathered apart (the node's owner, group and
 * mode, who the process is and its groups), so it is unit-tested as a pure
 * function without a /dev/kvm. */
#ifndef MINIKVM_KVM_DEV_H
#define MINIKVM_KVM_DEV_H

#include <stdbool.h>
#include <stddef.h>

#define KVM_DEV_PATH "/dev/kvm"

struct kvm_dev_facts {
	const char *path; /* "/dev/kvm" */
	int err;	  /* open()'s errno */
	bool exists;	  /* stat() found the node */
	unsigned mode;	  /* its permission bits (st_mode & 07777) */
	unsigned uid, gid; /* its owner and group */
	char owner[64];	  /* their names; "" where not known */
	char group[64];
	unsigned euid;	  /* the process's user */
	char user[64];	  /* its name; "" where not known */
	bool in_group;	  /* the process has the node's group now */
	bool listed;	  /* the group database lists the user in it (a new
			   * login would have it) */
};

/* One line, without the "kvm-vmm: " prefix, e.g. "/dev/kvm: permission
 * denied: user ann is not in group kvm (the device is root:kvm 0660); add
 * it with `sudo usermod -aG kvm ann` and log in again, or run as root". */
void kvm_dev_explain(const struct kvm_dev_facts *f, char *buf, size_t size);

/* The facts about path after open() failed with err: stat(), the
 * process's groups, and the names from passwd_file and group_file
 * ("/etc/passwd", "/etc/group"; read directly, so a static build needs no
 * NSS modules). */
void kvm_dev_gather(const char *path, int err, const char *passwd_file,
		    const char *group_file, struct kvm_dev_facts *f);

/* Opens path read-write; on failure prints why (kvm_dev_explain) and
 * returns -1 with errno kept. */
int kvm_dev_open(const char *path);

#endif
