# fibonacci.S: prints the first 15 Fibonacci numbers (0, 1, 1, 2, ... 377),
# one per line, in decimal through the COM1 UART, then halts.
	.code16
#include "lib.inc"
	.text
	.globl	_start

	.equ COUNT, 15

_start:
	xor	%ax, %ax		# F(n)
	mov	$1, %bx			# F(n+1)
	mov	$COUNT, %cx
next:
	call	uart_put_u16		# print F(n)
	push	%ax
	mov	$'\n', %al
	call	uart_putc
	pop	%ax
	# Step the pair (F(n), F(n+1)) on to (F(n+1), F(n+2)).
	xchg	%ax, %bx		# AX = F(n+1), BX = F(n)
	add	%ax, %bx		# BX = F(n) + F(n+1) = F(n+2)
	loop	next
	hlt

	LIB_UART_PUTC
	LIB_UART_PUT_U16
