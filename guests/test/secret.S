# secret.S (test, with spy.S): one half of the isolation test.  It writes
# an 8-byte secret at the start of every 4 KiB page from the first page past
# its own image up to 0xFF000 (the last page of the default 1 MiB), says
# "secret: planted", and then stays alive for a while, so that spy.S, in a
# VM of its own running at the same time, can look for the secret.
	.code16
	.include "lib.inc"
	.text
	.globl	_start

# The secret; spy.S holds the same two values, but only XORed with its key.
	.equ SECRET_LO, 0x5ec2e7a1
	.equ SECRET_HI, 0x9d4b36f0
	.equ LINGER, 2000000		# delay-loop iterations after planting

_start:
	# ES walks the pages as segments (page address / 16), which reaches
	# all of the first MiB from real mode.  The first page is the one
	# after the image, so the guest's own code is never overwritten.
	mov	$image_end + 0xfff, %ax
	shr	$4, %ax
	and	$0xff00, %ax		# AX = segment of the first free page
plant:
	mov	%ax, %es
	movl	$SECRET_LO, %es:0
	movl	$SECRET_HI, %es:4
	add	$0x100, %ax		# the next page; 0xFF00 + 0x100 carries:
	jnc	plant			# the page at 0xFF000 was the last

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
