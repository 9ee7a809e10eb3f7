/* paging32.S: a flat 32-bit kernel for kvm-vmm --paging, the reference's
 * protected-mode protocol. Linked at 0x80001000 (the load offset 0x1000 seen
 * through the high mapping); the entry point is the first byte.
 *
 * It checks what the VMM promises at entry (registers, EFLAGS, segment
 * selectors, GDT and IDT, CR0/CR3/CR4, the two page tables, and that the
 * high mapping aliases the low one), prints one line per check through the
 * UART (polling LSR before each byte) and one line through the PUTS
 * hypercall, reads one input byte through GETCHAR (OUT to the hypercall
 * port, then IN from it, the reference's way) and prints it, and ends
 * through isa-debug-exit with 0x10: kvm-vmm exits with status 33.
 * A failed check prints "paging32: FAIL <what>" and ends with 0x11
 * (status 35). Every address in the code is a high one (0x8000xxxx), so
 * the kernel also runs when entered at the low alias (--entry 0x1000).
 */
#include "minikvm/abi.h"

#define VIRT(p) ((p) + P32_HIGH_BASE)
#define PHYS(v) ((v) - P32_HIGH_BASE)
#define STACK_TOP VIRT(0x80000)	/* physical 0x7F000-0x7FFFF: free RAM */
#define ALIAS_PHYS 0x200000	/* checked through both mappings */
#define UART_THR (UART_COM1_BASE + 0)
#define UART_LSR (UART_COM1_BASE + 5)
#define LSR_THRE 0x20
#define EXIT_PASS 0x10		/* status (0x10 << 1) | 1 = 33 */
#define EXIT_FAIL 0x11		/* status 35 */

/* CHECK value, expected, message: on a mismatch, fail with the message. */
.macro CHECK value, expected, msg
	cmpl	\expected, \value
	je	9f
	mov	$\msg, %esi
	jmp	fail
9:
.endm

	.code32
	.text
	.globl	_start
_start:
	/* The registers as the VMM left them, before anything changes them. */
	mov	%eax, entry_regs + 0
	mov	%ebx, entry_regs + 4
	mov	%ecx, entry_regs + 8
	mov	%edx, entry_regs + 12
	mov	%esi, entry_regs + 16
	mov	%edi, entry_regs + 20
	mov	%ebp, entry_regs + 24
	mov	%esp, entry_regs + 28
	mov	$STACK_TOP, %esp
	pushfl
	popl	entry_eflags

	/* --- registers, EFLAGS, selectors, GDT, IDT --- */
	xor	%eax, %eax
	mov	$entry_regs, %esi
	mov	$8, %ecx
1:	or	(%esi), %eax
	add	$4, %esi
	loop	1b
	CHECK	%eax, $0, m_regs
	CHECK	entry_eflags, $0x2, m_eflags
	xor	%eax, %eax
	mov	%cs, %ax
	CHECK	%eax, $FLAT_CODE_SEL, m_cs
	mov	%ds, %ax
	CHECK	%eax, $FLAT_DATA_SEL, m_data
	mov	%es, %ax
	CHECK	%eax, $FLAT_DATA_SEL, m_data
	mov	%fs, %ax
	CHECK	%eax, $FLAT_DATA_SEL, m_data
	mov	%gs, %ax
	CHECK	%eax, $FLAT_DATA_SEL, m_data
	mov	%ss, %ax
	CHECK	%eax, $FLAT_DATA_SEL, m_data
	sgdt	dtr
	movzwl	dtr, %eax
	CHECK	%eax, $(FLAT_GDT_ENTRIES * 8 - 1), m_gdt
	CHECK	dtr + 2, $FLAT_GDT_ADDR, m_gdt
	sidt	dtr
	movzwl	dtr, %eax
	CHECK	%eax, $FLAT_IDT_LIMIT, m_idt
	CHECK	dtr + 2, $FLAT_IDT_ADDR, m_idt
	mov	$l_entry, %esi
	call	uart_puts

	/* --- control registers --- */
	mov	%cr0, %eax
	and	$0x80000001, %eax	/* PG, PE */
	CHECK	%eax, $0x80000001, m_cr0
	mov	%cr3, %eax
	CHECK	%eax, $P32_PAGE_DIR, m_cr3
	mov	%cr4, %eax
	CHECK	%eax, $0, m_cr4
	mov	$l_cr, %esi
	call	uart_puts

	/* --- the page directory, read through the low (identity) mapping;
	 * the CPU may have set the accessed bit, so only the frame and
	 * present/writable are compared --- */
	mov	P32_PAGE_DIR, %eax
	and	$0xfffff003, %eax
	CHECK	%eax, $(P32_LOW_TABLE | 3), m_pde0
	mov	P32_PAGE_DIR + 512 * 4, %eax
	and	$0xfffff003, %eax
	CHECK	%eax, $(P32_HIGH_TABLE | 3), m_pde512
	mov	P32_LOW_TABLE + 4 * (ALIAS_PHYS >> 12), %eax
	and	$0xfffff003, %eax
	CHECK	%eax, $(ALIAS_PHYS | 3), m_pte
	mov	P32_HIGH_TABLE + 4 * (ALIAS_PHYS >> 12), %eax
	and	$0xfffff003, %eax
	CHECK	%eax, $(ALIAS_PHYS | 3), m_pte
	mov	$l_tables, %esi
	call	uart_puts

	/* --- the two mappings alias: high write, low read, and back; the
	 * image itself is at physical 0x1000 --- */
	movl	$0x5aa5c33c, VIRT(ALIAS_PHYS)
	mov	ALIAS_PHYS, %eax
	CHECK	%eax, $0x5aa5c33c, m_alias
	movl	$0x0ff0e11e, ALIAS_PHYS + 4
	mov	VIRT(ALIAS_PHYS + 4), %eax
	CHECK	%eax, $0x0ff0e11e, m_alias
	mov	FLAT_LOAD_DEFAULT, %eax
	CHECK	%eax, _start, m_image
	mov	$l_alias, %esi
	call	uart_puts

	/* --- one line through PUTS: EBX is the guest-PHYSICAL address --- */
	mov	$PHYS(l_puts), %ebx
	mov	$(l_puts_end - l_puts), %ecx
	mov	$HC_PUTS, %eax
	mov	$HC_PORT, %dx
	out	%ax, %dx

	/* --- one input byte: OUT GETCHAR, then IN; RAX gets it too --- */
	mov	$HC_GETCHAR, %eax
	mov	$HC_PORT, %dx
	out	%al, %dx
	mov	%eax, %edi		/* the hypercall's result in EAX */
	xor	%eax, %eax
	in	%dx, %eax		/* the same result through IN */
	CHECK	%eax, %edi, m_getchar
	cmp	$0xffffffff, %eax
	je	2f
	cmp	$0xff, %eax
	ja	3f
	mov	%al, l_input_byte
	mov	$l_input, %esi
	call	uart_puts
	jmp	4f
3:	mov	$m_getchar, %esi
	jmp	fail
2:	mov	$l_eof, %esi
	call	uart_puts
4:
	mov	$l_exit, %esi
	call	uart_puts
	mov	$EXIT_PASS, %eax
	out	%al, $DEBUG_EXIT_PORT
5:	hlt				/* not reached: HLT does not end this guest */
	jmp	5b

/* fail: prints "paging32: FAIL " and the NUL-terminated string at ESI, then
 * ends through isa-debug-exit with EXIT_FAIL. */
fail:
	push	%esi
	mov	$l_fail, %esi
	call	uart_puts
	pop	%esi
	call	uart_puts
	mov	$EXIT_FAIL, %eax
	out	%al, $DEBUG_EXIT_PORT
1:	hlt
	jmp	1b

/* uart_puts: sends the NUL-terminated string at ESI through COM1, reading
 * LSR before each byte until THR is empty. Preserves every register but
 * ESI (left after the NUL). */
uart_puts:
	push	%eax
	push	%edx
1:	mov	$UART_LSR, %dx
2:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	2b
	lodsb
	test	%al, %al
	jz	3f
	mov	$UART_THR, %dx
	out	%al, %dx
	jmp	1b
3:	pop	%edx
	pop	%eax
	ret

l_entry:	.asciz	"paging32: entry: registers 0, EFLAGS 0x2, CS 0x08, data 0x10, GDT at 0x500, IDT at 0x518\n"
l_cr:		.asciz	"paging32: CR0.PG and CR0.PE set, CR3 0x100000, CR4 0\n"
l_tables:	.asciz	"paging32: PDE 0 -> 0x101000, PDE 512 -> 0x102000, 0x200000 mapped low and high\n"
l_alias:	.asciz	"paging32: 0x80200000 aliases 0x200000; image at physical 0x1000\n"
l_puts:		.ascii	"paging32: this line through PUTS, at a physical address\n"
l_puts_end:
l_input:	.ascii	"paging32: input '"
l_input_byte:	.asciz	"?'\n"
l_eof:		.asciz	"paging32: input EOF\n"
l_exit:		.asciz	"paging32: exit through isa-debug-exit 0x10\n"
l_fail:		.asciz	"paging32: FAIL "
m_regs:		.asciz	"general registers at entry are not all 0\n"
m_eflags:	.asciz	"EFLAGS at entry is not 0x2\n"
m_cs:		.asciz	"CS is not 0x08\n"
m_data:		.asciz	"a data segment register is not 0x10\n"
m_gdt:		.asciz	"GDTR is not 0x500, limit 23\n"
m_idt:		.asciz	"IDTR is not 0x518, limit 2047\n"
m_cr0:		.asciz	"CR0.PG or CR0.PE clear\n"
m_cr3:		.asciz	"CR3 is not 0x100000\n"
m_cr4:		.asciz	"CR4 is not 0\n"
m_pde0:		.asciz	"PDE 0 does not point at 0x101000\n"
m_pde512:	.asciz	"PDE 512 does not point at 0x102000\n"
m_pte:		.asciz	"the PTE of 0x200000 is wrong\n"
m_alias:	.asciz	"0x80200000 does not alias 0x200000\n"
m_image:	.asciz	"the image is not at physical 0x1000\n"
m_getchar:	.asciz	"GETCHAR: IN and EAX disagree, or not a byte\n"

	.balign	4
entry_regs:	.skip	32
entry_eflags:	.long	0
dtr:		.skip	8
