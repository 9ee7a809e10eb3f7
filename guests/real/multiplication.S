# multiplication.S: prints the multiplication tables 2 to 9, one product
# per line ("2x1=2" ... "9x9=81", 72 lines), sending every byte with its own
# PUTCHAR hypercall, then halts.  multiplication-puts.S prints the same text
# with a single PUTS, and guests/test/multiplication-uart.S with UART writes:
# together they compare the cost of the output paths.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$2, %cl			# a: the table, 2..9
table:
	mov	$1, %ch			# b: the factor, 1..9
line:
	mov	%cl, %al		# "a"
	add	$'0', %al
	call	emit
	mov	$'x', %al
	call	emit
	mov	%ch, %al		# "b"
	add	$'0', %al
	call	emit
	mov	$'=', %al
	call	emit
	mov	%cl, %al		# "a*b": MUL r/m8 leaves AX = AL * CH
	mul	%ch
	call	put_u8
	mov	$'\n', %al
	call	emit
	inc	%ch
	cmp	$9, %ch
	jbe	line
	inc	%cl
	cmp	$9, %cl
	jbe	table
	hlt

# put_u8: print AL (0..99 here) in decimal with PUTCHAR.  DIV r/m8 divides
# AX, so AH is cleared first.
put_u8:
	push	%ax
	push	%bx
	xor	%ah, %ah
	mov	$10, %bl
	div	%bl			# AL = tens, AH = units
	test	%al, %al
	jz	1f			# no leading zero
	add	$'0', %al
	call	emit
1:	mov	%ah, %al
	add	$'0', %al
	call	emit
	pop	%bx
	pop	%ax
	ret

# emit: print AL. guests/test/multiplication-uart.S defines UART_OUTPUT to
# build the same program writing each byte to the THR of the UART instead.
#ifdef UART_OUTPUT
emit:
	push	%dx
	mov	$UART_THR, %dx
	out	%al, %dx
	pop	%dx
	ret
#else
	LIB_HC_PUTC
	.set	emit, hc_putc
#endif
