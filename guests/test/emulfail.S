# emulfail.S: runs one instruction (popcnt) that KVM's instruction emulator
# does not implement. Where KVM emulates real mode (kvm-pvm) the VMM must
# stop the guest and report an emulation failure with the instruction's
# bytes; where the CPU runs real mode itself (VT-x/SVM) the guest goes on.
	.code16
#include "lib.inc"
	.text
_start:
	mov	$before, %si
	call	uart_puts
	popcnt	%ax, %bx
	mov	$after, %si
	call	uart_puts
	hlt

	LIB_UART_PUTC
	LIB_UART_PUTS

before:	.asciz	"before\n"
after:	.asciz	"after\n"
