# mbtest.S: the smallest multiboot (v1) kernel that checks what the loader
# promises: the boot magic in EAX, flat 32-bit protected mode, and the
# information block in EBX with memory size and command line. It prints
# "multiboot: magic ok, mem_upper <KiB>, cmdline '<text>'" with one PUTS
# hypercall and ends through the isa-debug-exit port with value 0x10, so
# kvm-vmm (and QEMU) exit with status (0x10 << 1) | 1 = 33. The ports and
# hypercall numbers come from minikvm/abi.h: the file is assembled through
# the C preprocessor (cc -c).
#include "minikvm/abi.h"
	.code32
	.equ MB_MAGIC, 0x1badb002
	.equ MB_FLAGS, 0x00000003	# page-aligned modules, memory info
	.equ MB_BOOT_MAGIC, 0x2badb002	# in EAX at entry
	.section .text
	.globl _start
	.align 4
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

_start:
	mov	$stack_top, %esp
	mov	$buf, %edi
	cmp	$MB_BOOT_MAGIC, %eax
	jne	bad_magic
	mov	$msg_ok, %esi
	call	append
	mov	8(%ebx), %eax		# mem_upper, KiB above 1 MiB
	call	append_decimal
	mov	$msg_cmd, %esi
	call	append
	mov	16(%ebx), %esi		# cmdline (physical = linear here)
	call	append
	mov	$msg_end, %esi
	call	append
	jmp	print
bad_magic:
	mov	$msg_bad, %esi
	call	append
print:
	mov	$buf, %ebx
	mov	%edi, %ecx
	sub	$buf, %ecx
	mov	$HC_PUTS, %eax
	mov	$HC_PORT, %dx
	out	%eax, %dx
	mov	$0x10, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, %dx
	hlt

# append: copies the NUL-terminated string at ESI to EDI.
append:
	lodsb
	test	%al, %al
	jz	1f
	stosb
	jmp	append
1:	ret

# append_decimal: writes EAX in decimal at EDI.
append_decimal:
	mov	$10, %ecx
	xor	%esi, %esi		# digit count
1:	xor	%edx, %edx
	div	%ecx
	push	%edx
	inc	%esi
	test	%eax, %eax
	jnz	1b
2:	pop	%eax
	add	$'0', %al
	stosb
	dec	%esi
	jnz	2b
	ret

msg_ok:	.asciz	"multiboot: magic ok, mem_upper "
msg_cmd: .asciz	", cmdline '"
msg_end: .asciz	"'\n"
msg_bad: .asciz	"multiboot: bad magic\n"

	.section .bss
	.align 16
buf:	.skip	4096
	.skip	4096
stack_top:
