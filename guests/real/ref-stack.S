# ref-stack.S: uses the stack for real, as the guests of the reference VMM
# do: PUSH and POP, CALL and RET, and recursive routines, on the stack the
# VMM sets up (SS = CS = DS = 0x1000, SP = 0, so the first push lands at
# 1000:FFFE, physical 0x1FFFE).  It prints, through the UART:
#   stack: first push at ss:fffe     (the word pushed is read back via DS)
#   reversed: <a string reversed by pushing its bytes and popping them>
#   factorials: 1 1 2 6 24 ... 40320 (0! to 8!, by a recursive routine,
#                                     printed by a recursive decimal routine)
#   sum 1..300 by recursion: 45150   (300 nested calls, 1800 bytes of stack)
#   stack: sp back at 0 after all calls
# and halts.  The data are reached through DS with LEA and LODSB; written
# without lib.inc, with the port numbers of minikvm/abi.h.
#include "minikvm/abi.h"
	.code16
	.text
	.globl	_start

	.equ THR, UART_COM1_BASE + 0
	.equ LSR, UART_COM1_BASE + 5
	.equ THRE, 0x20
	.equ DEPTH, 300			# nesting of the recursive sum

_start:
	cld
	# --- the first push lands at SS:FFFE, and SS = DS ------------------
	mov	%sp, %bp		# SP at entry (0)
	push	$0x5aa5
	lea	msg_first, %si
	call	puts
	cmpw	$0x5aa5, 0xfffe		# DS:FFFE, the same word if SS = DS
	jne	1f
	cmp	$0, %bp
	jne	1f
	lea	msg_first_ok, %si
	jmp	2f
1:	lea	msg_first_bad, %si
2:	call	puts
	pop	%ax

	# --- a string reversed on the stack ----------------------------------
	lea	msg_reversed, %si
	call	puts
	lea	text, %si
	xor	%cx, %cx		# bytes pushed
3:	lodsb
	test	%al, %al
	jz	4f
	push	%ax
	inc	%cx
	jmp	3b
4:	jcxz	5f
	pop	%ax
	call	putc
	loop	4b
5:	mov	$'\n', %al
	call	putc

	# --- 0! .. 8!, recursively -------------------------------------------
	lea	msg_fact, %si
	call	puts
	xor	%cx, %cx		# n
6:	mov	%cx, %ax
	call	fact			# AX = n!
	call	put_dec
	cmp	$8, %cx
	je	7f
	mov	$' ', %al
	call	putc
	inc	%cx
	jmp	6b
7:	mov	$'\n', %al
	call	putc

	# --- 1 + 2 + ... + DEPTH, one nested call per term ---------------------
	lea	msg_sum, %si
	call	puts
	mov	$DEPTH, %ax
	call	sum
	call	put_dec
	mov	$'\n', %al
	call	putc

	# --- every push popped, every call returned ------------------------------
	lea	msg_sp, %si
	call	puts
	lea	msg_sp_ok, %si
	cmp	$0, %sp
	je	8f
	lea	msg_sp_bad, %si
8:	call	puts
	hlt

# fact: AX = AX! (AX <= 8), recursively: n! = n * (n - 1)!, 0! = 1.
fact:
	test	%ax, %ax
	jnz	1f
	mov	$1, %ax
	ret
1:	push	%dx
	push	%ax			# n, kept on the stack across the call
	dec	%ax
	call	fact			# AX = (n - 1)!
	pop	%dx
	mul	%dx			# DX:AX = (n - 1)! * n; DX is 0 here
	pop	%dx
	ret

# sum: AX = 1 + 2 + ... + AX, recursively, with a frame per call.
sum:
	push	%bp
	mov	%sp, %bp
	push	%ax			# n, at [BP - 2]
	test	%ax, %ax
	jz	1f
	dec	%ax
	call	sum			# AX = 1 + ... + (n - 1)
	add	-2(%bp), %ax		# SS:BP: the frame of this call
1:	mov	%bp, %sp
	pop	%bp
	ret

# put_dec: print AX in decimal, recursively: the digits above the last
# one first, then the last.
put_dec:
	push	%ax
	push	%dx
	push	%bx
	xor	%dx, %dx
	mov	$10, %bx
	div	%bx			# AX = AX / 10, DX = the last digit
	test	%ax, %ax
	jz	1f
	call	put_dec			# the digits before it
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

msg_first:	.asciz	"stack: first push at ss:fffe"
msg_first_ok:	.asciz	", read back through ds\n"
msg_first_bad:	.asciz	" NOT FOUND (SS, DS or SP not as the ABI says)\n"
msg_reversed:	.asciz	"reversed: "
text:		.asciz	"!kcats eht no deppilf"
msg_fact:	.asciz	"factorials: "
msg_sum:	.asciz	"sum 1..300 by recursion: "
msg_sp:		.asciz	"stack: sp "
msg_sp_ok:	.asciz	"back at 0 after all calls\n"
msg_sp_bad:	.asciz	"NOT back at 0\n"
