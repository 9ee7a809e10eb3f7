# badptr.S (test): prints "before", then asks PUTS for 0x20 bytes at
# 0xFFFFFFF0.  The end of that range wraps around 2^32 to 0x10, so a VMM that
# checks only "address + length <= RAM size" in 32 bits would accept it;
# kvm-vmm must refuse it with status 125.  The HLT is reached only if not.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$before, %si
	call	uart_puts
	mov	$0xfffffff0, %ebx
	mov	$0x20, %ecx
	mov	$HC_PUTS, %ax
	mov	$HC_PORT, %dx
	out	%ax, %dx
	hlt

	LIB_UART_PUTC
	LIB_UART_PUTS

before:	.asciz	"before\n"
