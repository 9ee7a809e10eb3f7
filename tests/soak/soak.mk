# The random-guest soak (tests/soak/README.md), included by the Makefile:
# random real-mode images and random multiboot kernels run through the
# ASan+UBSan build, each checked for a crash, a hang or a sanitizer report.
#   make test-soak                 the self-check, then SOAK_N images of seed SOAK_SEED
#   make soak N=10000 [SEED=...]   the long form
# On a machine without /dev/kvm both run in the nested lane (tests/nested/).

# 200 images: 2.5-4 minutes in the nested lane on this 2-core machine
# (a run takes 0.5-1.1 s there, depending on the machine's other work; 300
# took 224 s, 250 took 280 s under heavier load), boot included. The seed
# is fixed, so that CI soaks the same images every time; another is another
# soak: make test-soak SOAK_SEED=12345.
SOAK_N ?= 200
SOAK_SEED ?= 20240611
N ?= 10000
SEED ?= $(SOAK_SEED)

# Static: the generator also runs inside the nested lane, which has no C library.
SOAK_GEN_SRCS := tests/soak/gen.c tests/soak/gen_mb.c
$(B)/soak/gen: $(SOAK_GEN_SRCS) tests/soak/gen.h include/minikvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g $(WARNINGS) -Iinclude -static -o $@ $(SOAK_GEN_SRCS)

.PHONY: test-soak soak
test-soak: $(B)/asan/kvm-vmm $(B)/soak/gen
	@sh tests/soak/selftest.sh >$(B)/soak/selftest.log 2>&1 || { cat $(B)/soak/selftest.log; exit 1; }
	@tail -n 1 $(B)/soak/selftest.log
	sh tests/soak/soak.sh $(B)/asan/kvm-vmm $(B)/soak/gen $(SOAK_SEED) $(SOAK_N)
soak: $(B)/asan/kvm-vmm $(B)/soak/gen
	sh tests/soak/soak.sh $(B)/asan/kvm-vmm $(B)/soak/gen $(SEED) $(N)
