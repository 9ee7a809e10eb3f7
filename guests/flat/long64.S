/* long64.S: a flat 64-bit binary for kvm-vmm --long-mode, entered directly
 * in long mode. Linked at 0x1000, but position independent (every data
 * reference is RIP-relative), so it runs the same at any --load offset.
 *
 * It prints RSP at entry (the top of RAM: 0x400000 with the default 4 MiB),
 * checks long mode (CR0.PG/PE, CR4.PAE, EFER.LME/LMA read with rdmsr), the
 * selectors and descriptor tables, and the VMM's page tables (CR3, the
 * PML4 -> PDPT -> PD chain, 2 MiB pages); uses the stack (a recursive
 * factorial, push/pop of 64-bit values); stores the 64-bit magic
 * 0x0123456789abcdef at physical 0x200000 for the --dump-mem test; prints
 * one line through the PUTS hypercall and the others through the UART
 * (polling LSR before each byte), and halts: status 0.
 * A failed check prints "long64: FAIL <what>" and ends with EXIT 3.
 * Loops are short: ring 0 long mode is emulated on kvm-pvm.
 */
#include "minikvm/abi.h"

#define UART_THR (UART_COM1_BASE + 0)
#define UART_LSR (UART_COM1_BASE + 5)
#define LSR_THRE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)
#define CR0_PE 1
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MAGIC_ADDR 0x200000	/* the first byte of the second 2 MiB page */
#define MAGIC 0x0123456789abcdef
#define FAIL_STATUS 3

/* CHECK value, expected, message: on a mismatch, fail with the message.
 * Both operands are compared as 64-bit values. */
.macro CHECK value, expected, msg
	cmpq	\expected, \value
	je	9f
	lea	\msg(%rip), %rsi
	jmp	fail
9:
.endm

	.code64
	.text
	.globl	_start
_start:
	mov	%rsp, %r15		/* RSP at entry, before the first push */

	/* --- RSP: the top of RAM --- */
	lea	l_rsp(%rip), %rsi
	call	uart_puts
	mov	%r15, %rax
	call	put_hex
	lea	l_nl(%rip), %rsi
	call	uart_puts
	mov	%r15, %rax
	and	$(LM_PAGE_SIZE - 1), %rax
	CHECK	%rax, $0, m_rsp

	/* --- long mode --- */
	mov	%cr0, %rax
	mov	$(CR0_PG | CR0_PE), %edx	/* zero-extended: bit 31 alone */
	and	%rdx, %rax
	CHECK	%rax, %rdx, m_cr0
	mov	%cr4, %rax
	and	$CR4_PAE, %eax
	CHECK	%rax, $CR4_PAE, m_cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	and	$(EFER_LME | EFER_LMA), %eax
	CHECK	%rax, $(EFER_LME | EFER_LMA), m_efer
	lea	l_mode(%rip), %rsi
	call	uart_puts

	/* --- selectors and descriptor tables --- */
	xor	%eax, %eax
	mov	%cs, %ax
	CHECK	%rax, $FLAT_CODE_SEL, m_cs
	sgdt	dtr(%rip)
	movzwl	dtr(%rip), %eax
	CHECK	%rax, $(FLAT_GDT_ENTRIES * 8 - 1), m_gdt
	CHECK	dtr+2(%rip), $FLAT_GDT_ADDR, m_gdt
	sidt	dtr(%rip)
	movzwl	dtr(%rip), %eax
	CHECK	%rax, $FLAT_IDT_LIMIT, m_idt
	CHECK	dtr+2(%rip), $FLAT_IDT_ADDR, m_idt
	lea	l_tables(%rip), %rsi
	call	uart_puts

	/* --- the page tables: CR3 -> PML4[0] -> PDPT[0] -> PD[0], PD[1];
	 * accessed and dirty bits may be set, so only the frame, P, RW and
	 * PS are compared --- */
	mov	%cr3, %rax
	CHECK	%rax, $LM_PML4, m_cr3
	mov	$0x000ffffffffff003, %rdx	/* frame, RW, P */
	mov	LM_PML4, %rax
	and	%rdx, %rax
	CHECK	%rax, $(LM_PDPT | 3), m_pml4
	mov	LM_PDPT, %rax
	and	%rdx, %rax
	CHECK	%rax, $(LM_PD_FIRST | 3), m_pdpt
	or	$0x80, %rdx			/* PS */
	mov	LM_PD_FIRST, %rax
	and	%rdx, %rax
	CHECK	%rax, $0x83, m_pd
	mov	LM_PD_FIRST + 8, %rax
	and	%rdx, %rax
	CHECK	%rax, $(LM_PAGE_SIZE | 0x83), m_pd
	lea	l_paging(%rip), %rsi
	call	uart_puts

	/* --- the stack: call/ret (a recursive factorial), push/pop --- */
	mov	$20, %edi
	call	factorial
	mov	%rax, %rbx
	movabs	$2432902008176640000, %rax
	CHECK	%rbx, %rax, m_fact
	movabs	$0x1122334455667788, %rax
	push	%rax
	push	%r15
	pop	%rcx
	pop	%rdx
	CHECK	%rcx, %r15, m_push
	CHECK	%rdx, %rax, m_push
	mov	%rsp, %rax		/* nothing left on the stack: RSP is back */
	CHECK	%rax, %r15, m_push
	lea	l_fact(%rip), %rsi
	call	uart_puts
	mov	%rbx, %rax
	call	put_dec
	lea	l_stack(%rip), %rsi
	call	uart_puts

	/* --- the magic for --dump-mem, read back --- */
	movabs	$MAGIC, %rax
	mov	%rax, MAGIC_ADDR
	mov	MAGIC_ADDR, %rdx
	CHECK	%rdx, %rax, m_magic
	lea	l_magic(%rip), %rsi
	call	uart_puts

	/* --- one line through PUTS: RBX is a guest-physical address, which
	 * the identity mapping makes the same as the virtual one --- */
	lea	l_puts(%rip), %rbx
	mov	$(l_puts_end - l_puts), %ecx
	mov	$HC_PUTS, %eax
	mov	$HC_PORT, %dx
	out	%ax, %dx

	lea	l_end(%rip), %rsi
	call	uart_puts
	hlt
1:	jmp	1b

/* factorial: RAX = RDI!, by recursion (RDI + 1 frames). */
factorial:
	cmp	$1, %rdi
	ja	1f
	mov	$1, %eax
	ret
1:	push	%rdi
	dec	%rdi
	call	factorial
	pop	%rdi
	imul	%rdi, %rax
	ret

/* fail: prints "long64: FAIL " and the string at RSI, then EXIT FAIL_STATUS. */
fail:
	push	%rsi
	lea	l_fail(%rip), %rsi
	call	uart_puts
	pop	%rsi
	call	uart_puts
	mov	$FAIL_STATUS, %ebx
	mov	$HC_EXIT, %eax
	mov	$HC_PORT, %dx
	out	%al, %dx
	hlt

/* uart_putc: sends AL through COM1 after LSR shows THR empty. */
uart_putc:
	push	%rdx
	push	%rax			/* IN below overwrites AL */
	mov	$UART_LSR, %dx
1:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%rax
	mov	$UART_THR, %dx
	out	%al, %dx
	pop	%rdx
	ret

/* uart_puts: sends the NUL-terminated string at RSI; RSI ends after it. */
uart_puts:
	push	%rax
1:	lodsb
	test	%al, %al
	jz	2f
	call	uart_putc
	jmp	1b
2:	pop	%rax
	ret

/* put_hex: prints RAX as "0x" and its hex digits, without leading zeros. */
put_hex:
	push	%rax
	push	%rcx
	push	%rdx
	mov	%rax, %rdx
	mov	$'0', %al
	call	uart_putc
	mov	$'x', %al
	call	uart_putc
	mov	$60, %ecx
1:	mov	%rdx, %rax		/* skip leading zero digits, keep the last */
	shr	%cl, %rax
	test	$0xf, %al
	jnz	2f
	sub	$4, %ecx
	jnz	1b
2:	mov	%rdx, %rax
	shr	%cl, %rax
	and	$0xf, %eax
	cmp	$10, %al
	jb	3f
	add	$('a' - '0' - 10), %al
3:	add	$'0', %al
	call	uart_putc
	sub	$4, %ecx
	jns	2b
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

/* put_dec: prints RAX (unsigned) in decimal, one digit pushed per frame. */
put_dec:
	push	%rax
	push	%rdx
	push	%rcx
	mov	$10, %ecx
	xor	%edx, %edx
	div	%rcx			/* RAX = RAX / 10, RDX = last digit */
	test	%rax, %rax
	jz	1f
	call	put_dec			/* the leading digits first */
1:	lea	'0'(%rdx), %eax
	call	uart_putc
	pop	%rcx
	pop	%rdx
	pop	%rax
	ret

l_rsp:		.asciz	"long64: RSP at entry "
l_nl:		.asciz	"\n"
l_mode:		.asciz	"long64: long mode: CR0.PG and CR0.PE, CR4.PAE, EFER.LME and EFER.LMA set\n"
l_tables:	.asciz	"long64: CS 0x08, GDT at 0x500, IDT at 0x518\n"
l_paging:	.asciz	"long64: CR3 0x100000 -> PDPT 0x101000 -> PD 0x102000, 2 MiB pages from 0\n"
l_fact:		.asciz	"long64: 20! = "
l_stack:	.asciz	" by recursion; push and pop of 64-bit values\n"
l_magic:	.asciz	"long64: magic 0x0123456789abcdef stored at 0x200000\n"
l_puts:		.ascii	"long64: this line through PUTS\n"
l_puts_end:
l_end:		.asciz	"long64: hlt\n"
l_fail:		.asciz	"long64: FAIL "
m_rsp:		.asciz	"RSP at entry is not a multiple of 2 MiB\n"
m_cr0:		.asciz	"CR0.PG or CR0.PE clear\n"
m_cr4:		.asciz	"CR4.PAE clear\n"
m_efer:		.asciz	"EFER.LME or EFER.LMA clear\n"
m_cs:		.asciz	"CS is not 0x08\n"
m_gdt:		.asciz	"GDTR is not 0x500, limit 23\n"
m_idt:		.asciz	"IDTR is not 0x518, limit 2047\n"
m_cr3:		.asciz	"CR3 is not 0x100000\n"
m_pml4:		.asciz	"PML4[0] does not point at 0x101000\n"
m_pdpt:		.asciz	"PDPT[0] does not point at 0x102000\n"
m_pd:		.asciz	"PD[0] or PD[1] is not a 2 MiB page at 0 or 0x200000\n"
m_fact:		.asciz	"20! is wrong: call/ret or the stack is broken\n"
m_push:		.asciz	"push/pop of 64-bit values is broken\n"
m_magic:	.asciz	"the magic at 0x200000 does not read back\n"

	.balign	8
dtr:		.skip	16
