# matrix.S: computes the 8x8 integer matrix product C = A x B with 16-bit
# MUL, then prints C as 8 lines of 8 unsigned decimal numbers separated by
# single spaces, with one PUTS hypercall, and halts.
#
# A and B are the data below; tests/golden/matrix-ab.txt holds the same 16
# rows so the test suite can compute C on its own (keep the two in step).
# They are chosen so that C has a row of zeros, 5-digit entries and one
# entry (50000) above 32767, which catches a signed print; every entry
# fits in 16 bits, and the guest checks that rather than print a wrapped sum.
	.code16
#include "lib.inc"
	.text
	.globl	_start

	.equ N, 8			# rows = columns
	.equ ROW, 2 * N			# bytes in one row of words

_start:
	cld

	# --- C[i][j] = sum over k of A[i][k] * B[k][j] ------------------------
	# SI walks A's rows and BP B's columns (as a byte offset); in the k loop
	# BX steps along A's row (+2) and BP down B's column (+ROW).  MUL r/m16
	# overwrites DX:AX with the product, so neither may carry anything
	# across it: the running sum is kept in DI (C's pointer waits on the
	# stack meanwhile) and CX counts k.
	mov	$mat_a, %si		# &A[i][0]
	mov	$mat_c, %di		# &C[i][j], written in order
row:
	xor	%bp, %bp		# j * 2: column offset into B
col:
	push	%di
	xor	%di, %di		# the sum of the products
	mov	%si, %bx		# &A[i][k]
	push	%bp
	add	$mat_b, %bp		# &B[k][j]
	mov	$N, %cx			# k counts down
term:
	mov	(%bx), %ax
	mulw	%ds:(%bp)		# DX:AX = A[i][k] * B[k][j]; DX overwritten
	test	%dx, %dx		# a product above 16 bits?
	jnz	overflow
	add	%ax, %di
	jc	overflow		# the sum above 16 bits?
	add	$2, %bx
	add	$ROW, %bp
	loop	term
	mov	%di, %ax
	pop	%bp
	pop	%di
	stosw				# C[i][j] = the sum; DI to the next entry
	add	$2, %bp
	cmp	$ROW, %bp
	jb	col
	add	$ROW, %si
	cmp	$mat_a + N * ROW, %si
	jb	row

	# --- C as text, built at `text`, then printed with one PUTS -----------
	mov	$mat_c, %si
	mov	$text, %di
	mov	$N, %dl			# rows left
print_row:
	mov	$N, %dh			# numbers left in this row
print_num:
	lodsw
	call	fmt_u16
	mov	$' ', %al		# a space between numbers,
	dec	%dh
	jnz	1f
	mov	$'\n', %al		# a newline after the last one
1:	stosb
	test	%dh, %dh
	jnz	print_num
	dec	%dl
	jnz	print_row

	mov	$text, %si
	mov	%di, %cx
	sub	%si, %cx
	call	hc_puts
	hlt

overflow:
	mov	$msg_overflow, %si
	mov	$msg_overflow_len, %cx
	call	hc_puts
	mov	$1, %bl
	call	hc_exit

	LIB_FMT_U16
	LIB_HC_PUTS
	LIB_HC_EXIT

msg_overflow:
	.ascii	"matrix: an entry of C does not fit in 16 bits\n"
	.equ msg_overflow_len, . - msg_overflow

	.balign	2
mat_a:
	.word	  3,  0, 12,  7,  1,   0,  9,  4
	.word	  0, 25,  6,  0, 18,   2,  0, 11
	.word	 14,  5,  0, 33,  0,   8, 21,  0
	.word	  1,  1,  1,  1,  1,   1,  1,  1
	.word	  0,  0,  0,  0,  0,   0,  0,  0
	.word	 99, 47,  0, 60, 13,  88,  0, 72
	.word	  7, 19, 30,  2, 45,   0, 16,  5
	.word	  0,  3,  0,  0,  0, 250,  0,  0
mat_b:
	.word	  4, 17,  0,  9,  2,  11,  0, 30
	.word	  8,  0, 23,  5,  1,   0, 64,  6
	.word	  0, 12,  7,  0, 19,   3,  2,  0
	.word	 15,  6,  0, 41,  0,   9, 13,  1
	.word	  2,  0, 27,  3, 36,   0,  5, 20
	.word	  0, 10,  1,  0,  7, 200,  0,  4
	.word	 31,  0,  9, 16,  0,   2, 50,  0
	.word	  5, 22,  0,  0, 12,   8,  3, 77

# C and its text go in the free RAM past the end of the image (zero-filled,
# unused), so they add nothing to the file: 128 bytes of C, then the text.
image_end:
	.set	mat_c, image_end
	.set	text, image_end + N * ROW
