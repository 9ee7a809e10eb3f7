# Fuzz targets (tests/fuzz/README.md): libFuzzer binaries, one per
# tests/fuzz/fuzz_<name>.c, linked against the VMM's library sources built
# with coverage and ASan+UBSan into $(B)/fuzz/ (never mixed with the
# normal objects). Included by the Makefile.
#   make fuzz        every target for FUZZ_SECONDS (30) each, in parallel
#                    under -j; a line per target; fails on any finding
#   make test-fuzz   the same for FUZZ_TEST_SECONDS (3), then one line
#                    "fuzz: N passed, M failed": quick enough for `make test`
# Crashes, leaks and timeouts are saved under $(B)/fuzz/crashes/<name>/;
# each run grows $(B)/fuzz/corpus/<name>/, seeded from tests/fuzz/corpus/.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_TEST_SECONDS ?= 3
# Seconds of one fuzz-run-<name>; fuzz and test-fuzz set it.
FUZZ_TIME ?= $(FUZZ_SECONDS)
FUZZ_DIR := $(B)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 $(WARNINGS) -O1 -g -fno-omit-frame-pointer -MMD -MP \
	-ftrivial-auto-var-init=pattern
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
FUZZ_RUNS := $(addprefix fuzz-run-,$(FUZZ_TARGETS))
# Every library source, as the unit tests link them: the archive lends a
# target only the objects it reaches, and a new file is fuzz-built (and
# must be clang-clean) from the day it appears.
FUZZ_LIB_SRCS := $(LIB_SRCS)
# The targets' own helpers (support.c, the UART's reference model, ...):
# every tests/fuzz/*.c that is not a target.
FUZZ_HELPER_SRCS := $(filter-out tests/fuzz/fuzz_%.c,$(wildcard tests/fuzz/*.c))
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS) $(FUZZ_HELPER_SRCS))

.PHONY: fuzz test-fuzz fuzz-build $(FUZZ_RUNS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<
$(FUZZ_DIR)/libvmm.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libvmm.a
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_DIR)/libvmm.a $(LDLIBS)

# Builds (and test-fuzz's runs) use every core unless make was given -j
# itself, whose jobs they then share.
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_PAR = $(if $(filter -j% --jobserver%,$(MAKEFLAGS)),,-j$(FUZZ_JOBS))

# -k: a target that does not build is counted as failed, not the end.
fuzz-build:
	-@$(MAKE) -k --no-print-directory $(FUZZ_PAR) $(FUZZ_BINS)

# One run per target; its recipe never fails (run.sh records the result),
# so under -j every target runs to its end.
$(FUZZ_RUNS): fuzz-run-%:
	@sh tests/fuzz/run.sh run $* $(FUZZ_DIR) $(FUZZ_TIME)

# run.sh's summary fails the rule when any target failed.
fuzz:
	@rm -rf $(FUZZ_DIR)/results
	@$(MAKE) --no-print-directory fuzz-build
	@$(MAKE) --no-print-directory FUZZ_TIME=$(FUZZ_SECONDS) $(FUZZ_RUNS)
	@sh tests/fuzz/run.sh summary fuzz $(FUZZ_DIR) $(FUZZ_TARGETS)
test-fuzz:
	@rm -rf $(FUZZ_DIR)/results
	@$(MAKE) --no-print-directory fuzz-build
	@$(MAKE) --no-print-directory $(FUZZ_PAR) FUZZ_TIME=$(FUZZ_TEST_SECONDS) $(FUZZ_RUNS)
	@sh tests/fuzz/run.sh summary test-fuzz $(FUZZ_DIR) $(FUZZ_TARGETS)
