# spin.S (test): prints "spinning", then loops forever without exits, for
# kvm-vmm's --timeout (status 124) and signal handling (130, 143).
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$msg, %si
	call	uart_puts
	jmp	.

	LIB_UART_PUTC
	LIB_UART_PUTS

msg:	.asciz	"spinning\n"
