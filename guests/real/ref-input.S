# ref-input.S: reads its input to the end and echoes it upper-cased, the
# way guests of the reference VMM read input: a GETCHAR hypercall (the call
# number written to the hypercall port), then an IN from that same port,
# which returns the result of the call.  Only the IN result is used, so a
# VMM that answered the IN with anything else would show here.  The IN is
# 16 bits wide: 0x00-0xFF is a byte, 0xFFFF the end of input.  Letters
# a-z come out as A-Z, every other byte unchanged, through the UART (LSR
# polled first); at the end one line "[N bytes]", then HLT.  The data are
# reached through DS with LEA and LODSB; written without lib.inc, with the
# numbers of minikvm/abi.h.
#include "minikvm/abi.h"
	.code16
	.text
	.globl	_start

	.equ THR, UART_COM1_BASE + 0
	.equ LSR, UART_COM1_BASE + 5
	.equ THRE, 0x20

_start:
	cld
	xor	%cx, %cx		# bytes read
next:
	mov	$HC_GETCHAR, %al
	mov	$HC_PORT, %dx
	out	%al, %dx		# GETCHAR
	mov	$0x1234, %ax		# not a result: the IN must replace it
	in	%dx, %ax		# AX = the byte, or 0xFFFF at the end
	cmp	$0xffff, %ax
	je	end
	test	%ah, %ah
	jnz	bad
	inc	%cx
	cmp	$'a', %al
	jb	1f
	cmp	$'z', %al
	ja	1f
	sub	$'a' - 'A', %al
1:	call	putc
	jmp	next

end:
	lea	msg_count, %si		# "["
	call	puts
	mov	%cx, %ax
	call	put_dec
	lea	msg_bytes, %si		# " bytes]\n"
	call	puts
	hlt

bad:					# AX is neither a byte nor the end
	lea	msg_bad, %si
	call	puts
	mov	$HC_EXIT, %al
	mov	$1, %bl
	mov	$HC_PORT, %dx
	out	%al, %dx
	hlt

# put_dec: print AX in decimal (recursively: the leading digits first).
put_dec:
	push	%ax
	push	%dx
	push	%bx
	xor	%dx, %dx
	mov	$10, %bx
	div	%bx
	test	%ax, %ax
	jz	1f
	call	put_dec
1:	mov	%dl, %al
	add	$'0', %al
	call	putc
	pop	%bx
	pop	%dx
	pop	%ax
	ret

# puts: print the NUL-terminated string at DS:SI.
puts:
	push	%ax
	push	%si
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	pop	%si
	pop	%ax
	ret

# putc: print AL through the UART, once LSR says THR is empty.
putc:
	push	%dx
	push	%ax
	mov	$LSR, %dx
1:	in	%dx, %al
	test	$THRE, %al
	jz	1b
	pop	%ax
	mov	$THR, %dx
	out	%al, %dx
	pop	%dx
	ret

msg_count:	.asciz	"["
msg_bytes:	.asciz	" bytes]\n"
msg_bad:	.asciz	"\nref-input: IN from the hypercall port returned neither a byte nor 0xFFFF\n"
