# ref-hello.S: a greeting through the UART, written the way guests for the
# reference VMM are written: origin 0, entered at 1000:0000 with DS = CS,
# the message reached through DS with LEA and LODSB, each byte sent after
# polling the line status register until the transmitter holding register
# is empty, then HLT.  It uses no helper from lib.inc, only the port numbers
# of minikvm/abi.h.
#include "minikvm/abi.h"
	.code16
	.text
	.globl	_start

	.equ THR, UART_COM1_BASE + 0	# transmitter holding register
	.equ LSR, UART_COM1_BASE + 5	# line status register
	.equ THRE, 0x20			# LSR: THR empty

_start:
	lea	msg, %si		# DS:SI = the message (DS = CS at entry)
	cld
next:
	lodsb				# AL = [DS:SI], SI + 1
	test	%al, %al
	jz	done
	mov	%al, %ah		# keep the byte: IN overwrites AL
	mov	$LSR, %dx
wait:
	in	%dx, %al
	test	$THRE, %al
	jz	wait
	mov	%ah, %al
	mov	$THR, %dx
	out	%al, %dx
	jmp	next
done:
	hlt

msg:
	.asciz	"Hello from a reference-style guest at 1000:0000!\n"
