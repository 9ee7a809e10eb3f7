# badptr2.S (test): prints "before", then asks PUTS for 0x100 bytes at
# 0x000FFFF0: the range starts inside the default 1 MiB of RAM but runs
# 0xF0 bytes past its end.  kvm-vmm must refuse it with status 125.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$before, %si
	call	uart_puts
	mov	$0x000ffff0, %ebx
	mov	$0x100, %ecx
	mov	$HC_PUTS, %ax
	mov	$HC_PORT, %dx
	out	%ax, %dx
	hlt

	LIB_UART_PUTC
	LIB_UART_PUTS

before:	.asciz	"before\n"
