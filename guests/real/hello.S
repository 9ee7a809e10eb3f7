# hello.S: prints "Hello, KVM!" through the COM1 UART and halts.  Like a
# driver for the real chip, it reads LSR before every byte it writes to THR,
# so each byte costs two VM exits (LSR read, THR write).
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$greeting, %si
	call	uart_puts
	hlt

	LIB_UART_PUTC
	LIB_UART_PUTS

greeting:
	.asciz	"Hello, KVM!\n"
