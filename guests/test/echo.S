# echo.S (test): copies UART input to UART output until the input ends,
# then prints "EOF" and halts.  The VMM signals the end of input as a
# modem hang-up: MSR.DCD drops once stdin is at end-of-file and every byte
# has been read.  A polling loop, as there are no interrupts.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
poll:
	# Read MSR before LSR: if DCD was already clear, no byte can arrive
	# after it, so an LSR without DR that follows means the input is over.
	mov	$UART_MSR, %dx
	in	%dx, %al
	mov	%al, %ah		# AH = MSR
	mov	$UART_LSR, %dx
	in	%dx, %al
	test	$LSR_DR, %al
	jnz	echo_byte
	test	$MSR_DCD, %ah
	jnz	poll			# carrier up: more may come
	mov	$eof, %si
	call	uart_puts
	hlt
echo_byte:
	mov	$UART_RBR, %dx
	in	%dx, %al
	call	uart_putc
	jmp	poll

	LIB_UART_PUTC
	LIB_UART_PUTS

eof:	.asciz	"EOF\n"
