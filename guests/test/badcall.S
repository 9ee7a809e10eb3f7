# badcall.S (test): prints "before", then makes hypercall number 99, which
# does not exist.  kvm-vmm must stop the guest there with status 125; the
# HLT after the call is reached only if it does not (status 0: a failure).
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$before, %si
	call	uart_puts
	mov	$99, %ax
	mov	$HC_PORT, %dx
	out	%ax, %dx
	hlt

	LIB_UART_PUTC
	LIB_UART_PUTS

before:	.asciz	"before\n"
