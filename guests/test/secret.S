# secret.S (test, with spy.S): one half of the isolation test.  It writes
# an 8-byte secret at the start of every 4 KiB page of the default 1 MiB
# of RAM but the pages of its own image: 0x00000 to 0x0F000 below the load
# address, and from the first page past the image (physical) up to 0xFF000,
# the last page.  Then it says "secret: planted" and stays alive for a
# while, so that spy.S, in a VM of its own running at the same time, can
# look for the secret.
	.code16
#include "lib.inc"
	.text
	.globl	_start

# The secret; spy.S holds the same two values, but only XORed with its key.
	.equ SECRET_LO, 0x5ec2e7a1
	.equ SECRET_HI, 0x9d4b36f0
	.equ LINGER, 2000000		# delay-loop iterations after planting

_start:
	# ES walks the pages as segments (page address / 16), which reaches
	# all of the first MiB from real mode.  The pages from DS (the load
	# address, REAL_SEGMENT) up to the first one past the image are
	# skipped, so the code of this guest is never overwritten.  The stack
	# (SS = DS, from offset 0xFFFE down) only shares a page with a secret
	# at the far end of that page.
	mov	%ds, %bx		# BX = segment of the image
	mov	$image_end + 0xfff, %cx
	shr	$4, %cx
	and	$0xff00, %cx
	add	%bx, %cx		# CX = segment of the first page past it
	xor	%ax, %ax		# from the page at 0x00000
plant:
	cmp	%bx, %ax
	jb	1f			# below the image
	cmp	%cx, %ax
	jb	2f			# the image itself: skipped
1:	mov	%ax, %es
	movl	$SECRET_LO, %es:0
	movl	$SECRET_HI, %es:4
2:	add	$0x100, %ax		# the next page; 0xFF00 + 0x100 carries:
	jnc	plant			# the page at 0xFF000 was the last
	push	%ds
	pop	%es			# ES as at entry

	mov	$planted, %si
	call	uart_puts

	mov	$LINGER, %ecx		# keep the VM (and its memory) alive
1:	dec	%ecx
	jnz	1b
	hlt

	LIB_UART_PUTC
	LIB_UART_PUTS

planted: .asciz	"secret: planted\n"
image_end:
