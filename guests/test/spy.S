# spy.S (test, with secret.S): the other half of the isolation test.  Run at
# the same time as secret.S, each in its own VM, it looks at the first 8
# bytes of every 4 KiB page of the first MiB but those of its own image
# (0x00000 to 0x0F000, and from the first page past the image, physical, up
# to 0xFF000) for the pattern of secret.S, three times over, and reports:
#   spy: own write visible                      (memory reads work at all)
#   spy: PASS, saw only its own memory          or
#   spy: FAIL, foreign data at 0xXXXXX          (then EXIT with status 1)
#
# The pattern must not appear in this guest's own memory, or the spy would
# find itself: the image holds it only XORed with KEY, and the decoded
# value lives in ESI:EDI alone, never in memory.
	.code16
#include "lib.inc"
	.text
	.globl	_start

# secret.S's pattern (these must match it).  The assembler folds the XOR
# below, so the plain values never reach the binary.
	.equ SECRET_LO, 0x5ec2e7a1
	.equ SECRET_HI, 0x9d4b36f0
	.equ KEY, 0x5a5a5a5a

	.equ HEAD_START, 200000		# delay first, so the secret is planted
	.equ PAUSE, 200000		# delay between the three scans
	.equ SCANS, 3
	.equ MARK_SEG, 0x8000		# the spy's own marker goes to 0x80000

_start:
	mov	$HEAD_START, %ecx
	call	delay

	# --- its own marker, written through one segment:offset and read back
	# through another that names the same byte (0x7FFF:0x10 = 0x80000) ---
	mov	$MARK_SEG, %ax
	mov	%ax, %es
	mov	marker, %eax
	mov	%eax, %es:0
	mov	marker + 4, %eax
	mov	%eax, %es:4
	mov	$MARK_SEG - 1, %ax
	mov	%ax, %fs
	mov	%fs:0x10, %eax
	cmp	marker, %eax
	jne	unreadable
	mov	%fs:0x14, %eax
	cmp	marker + 4, %eax
	jne	unreadable
	mov	$msg_visible, %si
	call	uart_puts

	# --- the scans --------------------------------------------------------
	mov	hidden, %esi		# ESI:EDI = the pattern, decoded
	xor	$KEY, %esi
	mov	hidden + 4, %edi
	xor	$KEY, %edi
	mov	$SCANS, %bp
	mov	%ds, %bx		# BX = segment of the image (REAL_SEGMENT)
	mov	$image_end + 0xfff, %dx
	shr	$4, %dx
	and	$0xff00, %dx
	add	%bx, %dx		# DX = segment of the first page past it
scan:
	xor	%ax, %ax		# from the page at 0x00000
page:
	cmp	%bx, %ax
	jb	1f			# below the image
	cmp	%dx, %ax
	jb	2f			# the image itself (holds KEY-ed values only)
1:	mov	%ax, %es
	cmp	%es:0, %esi
	jne	2f
	cmp	%es:4, %edi
	je	found
2:	add	$0x100, %ax		# next page; carry after the one at 0xFF000
	jnc	page
	mov	$PAUSE, %ecx
	call	delay
	dec	%bp
	jnz	scan

	mov	$msg_pass, %si
	call	uart_puts
	hlt

found:					# AX = the page's segment
	mov	$msg_fail, %si
	call	uart_puts
	call	put_hex16		# page address = segment * 16: its hex
	mov	$msg_fail_end, %si	# digits, then one more 0
	call	uart_puts
	mov	$1, %bl
	call	hc_exit

unreadable:
	mov	$msg_unreadable, %si
	call	uart_puts
	mov	$1, %bl
	call	hc_exit

# delay: spin ECX iterations (ECX ends at 0).
delay:
1:	dec	%ecx
	jnz	1b
	ret

# put_hex16: print AX as 4 hex digits through the UART.
put_hex16:
	push	%ax
	push	%bx
	push	%cx
	mov	%ax, %bx
	mov	$4, %cx
1:	rol	$4, %bx			# the top nibble to the bottom
	mov	%bl, %al
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '0' - 10, %al
2:	call	uart_putc
	loop	1b
	pop	%cx
	pop	%bx
	pop	%ax
	ret

	LIB_UART_PUTC
	LIB_UART_PUTS
	LIB_HC_EXIT

	.balign	4
hidden:	.long	SECRET_LO ^ KEY, SECRET_HI ^ KEY
marker:	.ascii	"spy mark"

msg_visible:	.asciz	"spy: own write visible\n"
msg_pass:	.asciz	"spy: PASS, saw only its own memory\n"
msg_fail:	.asciz	"spy: FAIL, foreign data at 0x"
msg_fail_end:	.asciz	"0\n"
msg_unreadable:	.asciz	"spy: FAIL, its own write at 0x80000 did not read back\n"
image_end:
