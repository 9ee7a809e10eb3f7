# counter.S: prints the digits 0 to 9, one per line, through the COM1 UART
# (polling LSR before each byte), then halts.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$'0', %al		# the digit to print next
next:
	call	uart_putc
	push	%ax
	mov	$'\n', %al
	call	uart_putc
	pop	%ax
	inc	%al
	cmp	$'9', %al
	jbe	next
	hlt

	LIB_UART_PUTC
