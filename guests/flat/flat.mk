# flat, the guests of the two flat-binary boot protocols (guests/flat):
#   $(B)/guests/flat/paging32.bin  --paging: 32-bit protected mode with
#                                  paging, linked at 0x80001000
#   $(B)/guests/flat/long64.bin    --long-mode: 64-bit code, position
#                                  independent, linked at 0x1000
# Included from the top Makefile, which defines B, CC and LD. The sources
# go through the C preprocessor (gcc -c on a .S file) so that they take
# every port, address and number from include/minikvm/abi.h.

FLAT_DIR := guests/flat
FLAT_OUT := $(B)/guests/flat
FLAT_IMAGES := $(FLAT_OUT)/paging32.bin $(FLAT_OUT)/long64.bin

.PHONY: flat
flat: $(FLAT_IMAGES)
all: $(FLAT_IMAGES)
# test-asan and test-nested build `guests`, not `all`
guests: $(FLAT_IMAGES)

# The entry point is the first byte of each image: everything, data
# included, is in .text, so the flat file is exactly that section.
$(FLAT_OUT)/paging32.bin: $(FLAT_DIR)/paging32.S include/minikvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -m32 -c -I include -o $(FLAT_OUT)/paging32.o $<
	$(LD) -m elf_i386 -Ttext 0x80001000 -e 0x80001000 --oformat binary -o $@ $(FLAT_OUT)/paging32.o
$(FLAT_OUT)/long64.bin: $(FLAT_DIR)/long64.S include/minikvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -m64 -c -I include -o $(FLAT_OUT)/long64.o $<
	$(LD) -m elf_x86_64 -Ttext 0x1000 -e 0x1000 --oformat binary -o $@ $(FLAT_OUT)/long64.o
