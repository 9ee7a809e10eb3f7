# multiplication-puts.S: the same 72 lines as multiplication.S ("2x1=2" ...
# "9x9=81"), but built in memory first and printed with ONE PUTS hypercall,
# so the whole run costs two VM exits (the PUTS and the HLT).
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	cld				# STOSB walks upwards
	mov	$text, %di		# ES:DI: where the next byte goes
	mov	$2, %cl			# a: the table, 2..9
table:
	mov	$1, %ch			# b: the factor, 1..9
line:
	mov	%cl, %al		# "a"
	add	$'0', %al
	stosb
	mov	$'x', %al
	stosb
	mov	%ch, %al		# "b"
	add	$'0', %al
	stosb
	mov	$'=', %al
	stosb
	mov	%cl, %al		# "a*b": MUL r/m8 leaves AX = AL * CH
	mul	%ch
	call	fmt_u16			# AX is the whole product (AH = 0)
	mov	$'\n', %al
	stosb
	inc	%ch
	cmp	$9, %ch
	jbe	line
	inc	%cl
	cmp	$9, %cl
	jbe	table

	mov	$text, %si		# print text .. DI-1 in one go
	mov	%di, %cx
	sub	%si, %cx
	call	hc_puts
	hlt

	LIB_FMT_U16
	LIB_HC_PUTS

# The text is built in the free RAM just past the end of the image (RAM is
# zero-filled and nothing else lives there), so it adds nothing to the file.
text:
