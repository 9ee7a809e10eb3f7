# flood.S (test): floods stdout: 16000 bytes (250 lines of 64) built past
# the image, then one PUTS hypercall of them after another, forever. For
# output that nobody reads (a full pipe, --timeout, SIGTERM), a reader that
# goes away (EPIPE) and write errors (/dev/full): tests/e2e/output.sh.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	cld
	mov	$text, %di		# ES:DI: 250 copies of the line
	mov	$250, %bx
1:	mov	$line, %si
	mov	$64, %cx
	rep movsb
	dec	%bx
	jnz	1b
2:	mov	$text, %si
	mov	$16000, %cx
	call	hc_puts
	jmp	2b

	LIB_HC_PUTS

line:	.ascii	"flood: 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQR\n"
# The lines are built in the free RAM just past the image.
text:
