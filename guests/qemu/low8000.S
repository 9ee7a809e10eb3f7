/* low8000: a multiboot kernel linked at 0x8000 (physical), below the
 * 0x9000 page where QEMU puts its multiboot information (and where kvm-vmm
 * may put its own): code, data and stack fit in 0x8000-0x8FFF. It prints
 * "low8000: loaded at 0x8000, cmdline '<text>'" through the UART (checking
 * the boot magic first; "no cmdline" when the information block's flags
 * lack bit 2, as under QEMU, whose fixed block at 0x9500 is zeroed by the
 * copy of its own page-padded kernel buffer that starts at 0x8000) and exits through isa-debug-exit with 0x10
 * (status 33); a bad magic prints a line and exits with 0x11. */
#include "minikvm/abi.h"
	.equ MB_MAGIC, 0x1badb002
	.equ MB_FLAGS, 0x00000003
	.text
	.code32
	.globl _start
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
_start:
	cli
	cld
	mov	$stack_top, %esp
	mov	$0x11, %edi		/* exit value */
	cmp	$0x2badb002, %eax
	je	1f
	mov	$msg_bad, %esi
	call	puts
	jmp	done
1:	mov	%ebx, %ebp
	mov	$msg_ok, %esi
	call	puts
	mov	$_start, %eax
	and	$~0xfff, %eax		/* the page the image starts on */
	call	puthex
	testl	$4, (%ebp)		/* flags: cmdline valid */
	jz	2f
	mov	$msg_cmd, %esi
	call	puts
	mov	16(%ebp), %esi
	call	puts
	mov	$msg_end, %esi
	call	puts
	jmp	4f
2:	mov	$msg_none, %esi
	call	puts
4:
	mov	$0x10, %edi
done:	mov	%edi, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, %dx
3:	hlt
	jmp	3b

/* puts: the NUL-terminated string at ESI to the UART */
puts:	lodsb
	test	%al, %al
	jz	9f
	call	putc
	jmp	puts
9:	ret
/* putc: AL to the UART, once LSR.THRE is set */
putc:	mov	%al, %ah
	mov	$(UART_COM1_BASE + 5), %dx
2:	in	%dx, %al
	test	$0x20, %al
	jz	2b
	mov	%ah, %al
	mov	$UART_COM1_BASE, %dx
	out	%al, %dx
	ret
/* puthex: "0x" and EAX in hex, no leading zeros */
puthex:	mov	%eax, %ebx
	mov	$'0', %al
	call	putc
	mov	$'x', %al
	call	putc
	mov	$28, %ecx
	xor	%esi, %esi		/* a digit printed yet */
1:	mov	%ebx, %eax
	shr	%cl, %eax
	and	$0xf, %eax
	jnz	2f
	test	%esi, %esi
	jnz	2f
	test	%ecx, %ecx
	jnz	4f
2:	mov	$1, %esi
	add	$'0', %al
	cmp	$'9', %al
	jbe	3f
	add	$('a' - '9' - 1), %al
3:	push	%ecx
	call	putc
	pop	%ecx
4:	sub	$4, %ecx
	jns	1b
	ret

msg_ok:	.asciz	"low8000: loaded at "
msg_cmd: .asciz	", cmdline '"
msg_end: .asciz	"'\n"
msg_none: .asciz ", no cmdline (flags bit 2 clear)\n"
msg_bad: .asciz	"low8000: FAIL: bad boot magic\n"
	.align 16
	.skip	512
stack_top:
