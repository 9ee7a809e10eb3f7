/* Why /dev/kvm did not open (src/kvm_dev.c): the message, word for word,
 * from the facts (errno, the node's owner, group and mode, the user and
 * its groups); and the facts read from passwd and group files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/kvm_dev.h"
#include "harness.h"

static struct kvm_dev_facts facts(int err, unsigned mode, unsigned gid, const char *group,
				  unsigned euid, const char *user, bool in_group, bool listed)
{
	struct kvm_dev_facts f;

	memset(&f, 0, sizeof(f));
	f.path = "/dev/kvm";
	f.err = err;
	f.exists = err != ENOENT;
	f.mode = mode;
	f.uid = 0;
	snprintf(f.owner, sizeof(f.owner), "root");
	f.gid = gid;
	snprintf(f.group, sizeof(f.group), "%s", group);
	f.euid = euid;
	snprintf(f.user, sizeof(f.user), "%s", user);
	f.in_group = in_group;
	f.listed = listed;
	return f;
}

static void expect(int line, const struct kvm_dev_facts *f, const char *want)
{
	char buf[1024];

	kvm_dev_explain(f, buf, sizeof(buf));
	if (strcmp(buf, want) != 0) {
		char m[2200];

		snprintf(m, sizeof(m), "\n      got:  %s\n      want: %s", buf, want);
		harness_fail(__FILE__, line, m);
	}
}

TEST(kvm_dev_messages)
{
	struct kvm_dev_facts f;

	f = facts(EACCES, 0660, 994, "kvm", 1000, "ann", false, false);
	expect(__LINE__, &f,
	       "/dev/kvm: permission denied: user ann is not in group kvm (the device is root:kvm 0660); add it with `sudo usermod -aG kvm ann` and log in again, or run as root");
	f = facts(EPERM, 0660, 994, "kvm", 1000, "ann", false, true);
	expect(__LINE__, &f,
	       "/dev/kvm: permission denied: user ann is in group kvm, but this login session started before it was added (the device is root:kvm 0660); log out and in again, or run `newgrp kvm`");
	f = facts(EACCES, 0660, 994, "kvm", 1000, "ann", true, true);
	expect(__LINE__, &f,
	       "/dev/kvm: permission denied although user ann is in group kvm (the device is root:kvm 0660): a security module (SELinux, AppArmor) or a container's device rules refuse it");
	f = facts(EACCES, 0600, 0, "root", 1000, "ann", false, false);
	expect(__LINE__, &f,
	       "/dev/kvm: permission denied: the device is root:root 0600, open to root only; run as root, or let a group in (`sudo chgrp kvm /dev/kvm && sudo chmod 0660 /dev/kvm`, as the udev rule of a kvm package does) and add user ann to it");
	f = facts(EPERM, 0660, 994, "kvm", 0, "root", true, true);
	expect(__LINE__, &f,
	       "/dev/kvm: permission denied even to root (the device is root:kvm 0660): a security module (SELinux, AppArmor) or a container's device rules refuse it");
	f = facts(EACCES, 0666, 994, "kvm", 1000, "ann", false, false);
	expect(__LINE__, &f,
	       "/dev/kvm: permission denied (the device is root:kvm 0666): a security module (SELinux, AppArmor) or a container's device rules refuse it");
	/* Names not known: numbers, and USER in the command to run. */
	f = facts(EACCES, 0660, 994, "", 1000, "", false, false);
	f.owner[0] = '\0';
	expect(__LINE__, &f,
	       "/dev/kvm: permission denied: user uid 1000 is not in group 994 (the device is 0:994 0660); add it with `sudo usermod -aG 994 USER` and log in again, or run as root");
	f = facts(ENOENT, 0, 0, "", 1000, "ann", false, false);
	expect(__LINE__, &f,
	       "/dev/kvm: not found: this host has no KVM; load kvm_intel or kvm_amd (sudo modprobe kvm_intel, or kvm_amd), or enable virtualization (VT-x, AMD-V) in the firmware; inside a VM, turn on nested virtualization");
	f = facts(ENXIO, 0660, 994, "kvm", 1000, "ann", true, true);
	expect(__LINE__, &f,
	       "/dev/kvm: no KVM behind the device (No such device or address): load kvm_intel or kvm_amd (sudo modprobe kvm_intel, or kvm_amd); if neither loads, enable virtualization (VT-x, AMD-V) in the firmware");
	f = facts(ENODEV, 0660, 994, "kvm", 1000, "ann", true, true);
	expect(__LINE__, &f,
	       "/dev/kvm: no KVM behind the device (No such device): load kvm_intel or kvm_amd (sudo modprobe kvm_intel, or kvm_amd); if neither loads, enable virtualization (VT-x, AMD-V) in the firmware");
	f = facts(EROFS, 0660, 994, "kvm", 1000, "ann", true, true);
	expect(__LINE__, &f, "/dev/kvm: cannot open it read-write: Read-only file system");
	/* EACCES on a path that is not there (a directory not searchable). */
	f = facts(EACCES, 0, 0, "", 1000, "ann", false, false);
	f.exists = false;
	expect(__LINE__, &f, "/dev/kvm: cannot open it read-write: Permission denied");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(kvm_dev_gathers_names_from_passwd_and_group)
{
	char dev[64], pw[96], gr[96], text[512];
	struct kvm_dev_facts f;
	unsigned me = (unsigned)geteuid(), mygid = (unsigned)getegid();

	snprintf(dev, sizeof(dev), "/tmp/minikvm-unit-kvm-%d", (int)getpid());
	snprintf(pw, sizeof(pw), "%s.passwd", dev);
	snprintf(gr, sizeof(gr), "%s.group", dev);
	write_file(dev, "");
	chmod(dev, 0640);
	/* The matching lines first: as root, uid and gid 0 are ann's and mine. */
	snprintf(text, sizeof(text), "ann:x:%u:4242:Ann:/home/ann:/bin/sh\nroot:x:0:0:root:/root:/bin/sh\n", me);
	write_file(pw, text);
	snprintf(text, sizeof(text), "mine:x:%u:bob,ann,carl\nroot:x:0:\nother:x:4243:ann\n", mygid);
	write_file(gr, text);
	kvm_dev_gather(dev, EACCES, pw, gr, &f);
	CHECK(f.exists && f.err == EACCES && strcmp(f.path, dev) == 0);
	CHECK_EQ(f.mode, 0640);
	CHECK_EQ(f.euid, me);
	CHECK(strcmp(f.user, "ann") == 0);
	CHECK(strcmp(f.group, "mine") == 0);
	CHECK(f.in_group);  /* the file's group is the process's own */
	CHECK(f.listed);    /* "bob,ann,carl" */
	CHECK(strcmp(f.owner, "ann") == 0); /* the file is ours */
	/* Not listed: neither a member nor the primary group. */
	snprintf(text, sizeof(text), "mine:x:%u:bob,annie\n", mygid);
	write_file(gr, text);
	kvm_dev_gather(dev, EACCES, pw, gr, &f);
	CHECK(!f.listed && strcmp(f.group, "mine") == 0);
	/* No files: no names. */
	kvm_dev_gather(dev, EACCES, "/nonexistent", "/nonexistent", &f);
	CHECK(f.exists && f.user[0] == '\0' && f.group[0] == '\0');
	unlink(dev);
	kvm_dev_gather(dev, ENOENT, pw, gr, &f);
	CHECK(!f.exists && f.err == ENOENT);
	unlink(pw);
	unlink(gr);
}
