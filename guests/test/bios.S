# bios.S (test): prints "before" through the UART, then asks the BIOS for
# a video service with INT 0x10, as a guest written for a PC would.  There
# is no BIOS: the interrupt vector table is zero-filled, so the CPU jumps
# to 0000:0000, and kvm-vmm must stop the guest there with status 123 and a
# report that says there is no BIOS, keeping the line printed before.
#include "lib.inc"
	.code16
	.text
	.globl	_start
_start:
	mov	$before, %si
	call	uart_puts
	mov	$0x0e41, %ax		# AH = 0x0E teletype output, AL = 'A'
	xor	%bx, %bx
	int	$0x10
	mov	$after, %si		# reached only if a BIOS answered
	call	uart_puts
	hlt

	LIB_UART_PUTC
	LIB_UART_PUTS

before:	.asciz	"before\n"
after:	.asciz	"after\n"
