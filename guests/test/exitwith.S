# exitwith.S (test): ends with the status its input asks for, to test how
# kvm-vmm clamps guest statuses.  It reads two bytes with GETCHAR: a mode
# and a value.
#   'e' v: the EXIT hypercall with BL = v
#   'd' v: a 32-bit OUT of v (zero-extended) to isa-debug-exit, port 0xF4,
#          which asks for status (v << 1) | 1
# Anything else (or too little input) prints one line and ends with
# EXIT 99.
#include "lib.inc"
	.code16
	.text
	.globl	_start
_start:
	call	getc
	mov	%al, %cl		# CL = the mode
	call	getc
	movzbl	%al, %ebx		# EBX = the value, zero-extended
	cmp	$'e', %cl
	je	by_exit
	cmp	$'d', %cl
	je	by_debug_exit
bad_input:
	mov	$msg_bad, %si
	call	uart_puts
	mov	$99, %bl
	call	hc_exit

by_exit:
	call	hc_exit			# status BL

by_debug_exit:
	mov	%ebx, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, %dx
	mov	$msg_not_stopped, %si	# not reached: the write ends the run
	call	uart_puts
	mov	$98, %bl
	call	hc_exit

# getc: AL = the next input byte (GETCHAR); at the end of input, give up.
getc:
	push	%dx
	mov	$HC_GETCHAR, %ax
	mov	$HC_PORT, %dx
	out	%ax, %dx
	pop	%dx
	cmp	$0xffff, %ax
	je	1f
	ret
1:	pop	%ax			# the return address: not going back
	jmp	bad_input

	LIB_UART_PUTC
	LIB_UART_PUTS
	LIB_HC_EXIT

msg_bad:	.asciz	"exitwith: expected input 'e' or 'd', then a byte\n"
msg_not_stopped: .asciz	"exitwith: the write to isa-debug-exit did not stop the guest\n"
