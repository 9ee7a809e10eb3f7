# The ThreadSanitizer build and lane (issue 11), included by the Makefile.
# kvm-vmm runs a thread per vCPU, an input thread per guest at a terminal,
# and main's wait loop, which all share the guests' state: ASan sees none
# of the races between them, TSan does. TSan's runtime is clang's and it
# cannot link statically, so this build is dynamic; the nested lane carries
# it with its libraries (tests/tsan/nested-tsan.sh).
#   make tsan       build/tsan/kvm-vmm
#   make test-tsan  tests/tsan/races.c (no KVM needed), then the e2e suites
#                   with the build: on this host's /dev/kvm, or without one
#                   in the nested lane; any TSan report fails
TSAN_CC ?= clang
TSAN_FLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer

$(B)/tsan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(TSAN_CC) $(CPPFLAGS) $(CFLAGS) $(TSAN_FLAGS) -c -o $@ $<
$(B)/tsan/kvm-vmm: $(patsubst %.c,$(B)/tsan/obj/%.o,$(VMM_SRCS))
	$(TSAN_CC) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# --help names the install paths, as in the other builds (Makefile).
$(B)/tsan/obj/src/cli_help.o: override CPPFLAGS += -DDATADIR='"$(DATADIR)"' -DDOCDIR='"$(DOCDIR)"'
$(B)/tsan/obj/src/cli_help.o: $(B)/install-paths

# The races' unit-level checks: the library objects of this build.
$(B)/tsan/race-tests: $(B)/tsan/obj/tests/tsan/races.o $(patsubst %.c,$(B)/tsan/obj/%.o,$(LIB_SRCS))
	$(TSAN_CC) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: tsan test-tsan
tsan: $(B)/tsan/kvm-vmm
# The suites run on this host's /dev/kvm when there is one, else in the
# nested lane (as asan-nested does). TSAN_SUITES: which of suites.sh's;
# os1k.sh is left out by default (two minutes more in the lane, for input
# paths tty.sh also takes). Summary lines: tsan-unit, one per suite, and
# tsan-reports (8 by default). A unit run that TSan stopped (status 66)
# printed no summary of its own: it gets a failed one.
TSAN_SUITES ?= run flat qemu-compat lines output tty
TSAN_ARGS = $(B)/tsan/kvm-vmm $(B)/guests tests/golden $(B)/os1k $(TSAN_SUITES)
test-tsan: $(B)/tsan/kvm-vmm $(B)/tsan/race-tests guests $(OS1K_IMAGES)
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(B)/tsan/race-tests; r=$$?; \
	[ $$r -ne 66 ] || { echo "FAIL a ThreadSanitizer report (above)"; echo "tsan-unit: 0 passed, 1 failed"; }; \
	if [ -c /dev/kvm ]; then sh tests/tsan/suites.sh $(TSAN_ARGS) || r=1; \
	else sh tests/tsan/nested-tsan.sh $(TSAN_ARGS) || r=1; fi; exit $$r
