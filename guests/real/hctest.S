# hctest.S: checks every hypercall and the UART registers a guest may rely
# on (docs/guest-abi.md), printing "PASS: <what>" or "FAIL: <what>" for each
# check, then a summary line, then ends with the EXIT hypercall: status 0 if
# every check passed, 1 otherwise.
#
# The guest cannot see its own output, so for the printing calls it checks
# what it can (the call returns, registers are kept) and prints a line of
# its own through the call ("putchar: Z", "puts: ..."); the golden
# transcripts in tests/golden/ check that those bytes arrived in order.
#
# Input: GETCHAR is read until it reports the end of input, and the bytes
# read are echoed as `input: "..."`, so one binary serves any stdin:
# tests/golden/hctest-eof.out (stdin /dev/null), hctest-ab.out (stdin "ab").
# The UART is used (LSR polled, THR written) before the first GETCHAR on
# purpose: standard input is one stream, so a byte the VMM's UART may have
# buffered already must still come out of GETCHAR, in order.
	.code16
#include "lib.inc"
	.text
	.globl	_start

	.equ MAX_INPUT, 64		# GETCHAR bytes kept; more is a failure

# Register values loaded before each hypercall, one distinct pattern per
# register, so a call that changes any bit of a register is noticed.
	.equ PAT_EBX, 0xb0b1b2b3
	.equ PAT_ECX, 0xc0c1c2c3
	.equ PAT_EDX, 0xd0d10000 + HC_PORT	# DX is the port
	.equ PAT_ESI, 0x51525354
	.equ PAT_EDI, 0xd1d2d3d4
	.equ PAT_EBP, 0xbebfbabe

# LOAD_PATTERNS: fill every general register but EAX and ESP with its pattern.
	.macro LOAD_PATTERNS
	mov	$PAT_EBX, %ebx
	mov	$PAT_ECX, %ecx
	mov	$PAT_EDX, %edx
	mov	$PAT_ESI, %esi
	mov	$PAT_EDI, %edi
	mov	$PAT_EBP, %ebp
	.endm

# SAVE_REGS: remember all eight 32-bit general registers (flags untouched).
	.macro SAVE_REGS
	.irp	reg, eax, ebx, ecx, edx, esi, edi, ebp, esp
	mov	%\reg, saved_\reg
	.endr
	.endm

# CHECK_REGS [except]: mark the current check failed if any register other
# than `except` differs from what SAVE_REGS saw.  Changes only the flags.
	.macro CHECK_REGS except
	.irp	reg, eax, ebx, ecx, edx, esi, edi, ebp, esp
	.ifnc	\reg, \except
	cmp	%\reg, saved_\reg
	FAIL_UNLESS e
	.endif
	.endr
	.endm

# FAIL_UNLESS cc: mark the current check failed unless condition cc holds.
	.macro FAIL_UNLESS cc
	j\cc	1f
	movb	$1, failed
1:
	.endm

# BEGIN_CHECK / END_CHECK what: every check sits between the two; END_CHECK
# prints its verdict line.
	.macro BEGIN_CHECK
	movb	$0, failed
	.endm
	.macro END_CHECK what
	mov	$\what, %si
	call	report
	.endm

_start:
	cld

	# --- VERSION, called with an 8-bit OUT ---------------------------------
	# Only AL is written to the port, so AH and the upper half of EAX may
	# hold anything; the VMM must replace AX with 1.
	BEGIN_CHECK
	LOAD_PATTERNS
	mov	$0x6a6b6c00 + HC_VERSION, %eax
	SAVE_REGS
	out	%al, %dx
	CHECK_REGS eax
	cmp	$HC_ABI_VERSION, %ax
	FAIL_UNLESS e
	END_CHECK what_version

	# --- PUTCHAR, called with a 16-bit OUT ----------------------------------
	# The line reads "putchar: Z" with the Z sent by the hypercall between
	# two UART writes.  EXIT, PUTCHAR and PUTS leave even EAX unchanged.
	mov	$str_putchar, %si
	call	uart_puts
	BEGIN_CHECK
	LOAD_PATTERNS
	mov	$(PAT_EBX & 0xffffff00) + 'Z', %ebx	# BL is the byte
	mov	$0x6a6b0000 + HC_PUTCHAR, %eax
	SAVE_REGS
	out	%ax, %dx
	CHECK_REGS
	mov	$'\n', %al
	call	uart_putc
	END_CHECK what_putchar

	# --- PUTS, called with a 32-bit OUT, so EAX is exactly the number -------
	BEGIN_CHECK
	LOAD_PATTERNS
	mov	$REAL_LOAD_ADDR + str_puts, %ebx	# guest-physical: DS * 16 + offset
	mov	$str_puts_len, %ecx
	mov	$HC_PUTS, %eax
	SAVE_REGS
	out	%eax, %dx
	CHECK_REGS
	END_CHECK what_puts

	# --- PUTS of length 0 ---------------------------------------------------
	# EBX points at visible text, so printing anything at all would show
	# between the quotes of `puts, length 0: ""`.
	mov	$str_puts_empty, %si
	call	uart_puts
	BEGIN_CHECK
	LOAD_PATTERNS
	mov	$REAL_LOAD_ADDR + str_not_shown, %ebx
	xor	%ecx, %ecx
	mov	$HC_PUTS, %ax
	SAVE_REGS
	out	%ax, %dx
	CHECK_REGS
	mov	$str_quote_nl, %si
	call	uart_puts
	END_CHECK what_puts_empty

	# --- GETCHAR until the end of input -------------------------------------
	# Each call starts with junk in EAX's upper half: a byte must come back
	# as AX = 0..255, the end of input as all of EAX ones.  The bytes go to
	# `input` (free RAM past the image) and are echoed afterwards.
	BEGIN_CHECK
read_next:
	LOAD_PATTERNS			# overwrites EDI: hence input_end
	mov	$0x77770000 + HC_GETCHAR, %eax
	SAVE_REGS
	out	%ax, %dx
	CHECK_REGS eax
	cmp	$0xffff, %ax
	je	read_done
	test	%ah, %ah		# a byte is 0..255
	FAIL_UNLESS z
	mov	input_end, %di		# where this byte goes
	cmp	$input + MAX_INPUT, %di
	jb	1f
	movb	$1, failed		# more input than expected: keep reading
	jmp	read_next		# (to reach the end) but not storing
1:	stosb
	mov	%di, input_end
	jmp	read_next
read_done:
	cmp	$0xffffffff, %eax
	FAIL_UNLESS e
	# The echo: input: "<bytes>"
	mov	$str_input, %si
	call	uart_puts
	mov	$input, %si
1:	cmp	input_end, %si
	jae	2f
	lodsb
	call	uart_putc
	jmp	1b
2:	mov	$str_quote_nl, %si
	call	uart_puts
	END_CHECK what_getchar

	# --- GETCHAR again: the end of input stays the end ----------------------
	BEGIN_CHECK
	LOAD_PATTERNS
	mov	$0x77770000 + HC_GETCHAR, %eax
	SAVE_REGS
	out	%ax, %dx
	CHECK_REGS eax
	cmp	$0xffffffff, %eax
	FAIL_UNLESS e
	END_CHECK what_getchar_again

	# --- unclaimed ports read as all ones; writes to them are dropped -------
	BEGIN_CHECK
	xor	%eax, %eax
	in	$0x99, %al		# 8 bits, immediate port
	cmp	$0xff, %al
	FAIL_UNLESS e
	mov	$0x55, %al
	out	%al, $0x99		# dropped: the next read is still 0xff
	xor	%eax, %eax
	in	$0x99, %al
	cmp	$0xff, %al
	FAIL_UNLESS e
	mov	$0x2f8, %dx		# COM2: no device there
	xor	%eax, %eax
	in	%dx, %ax		# 16 bits
	cmp	$0xffff, %ax
	FAIL_UNLESS e
	xor	%eax, %eax
	in	%dx, %eax		# 32 bits
	cmp	$0xffffffff, %eax
	FAIL_UNLESS e
	END_CHECK what_unclaimed

	# --- UART scratch register ----------------------------------------------
	BEGIN_CHECK
	mov	$UART_SCR, %dx
	mov	$0xa5, %al
	out	%al, %dx
	in	%dx, %al
	cmp	$0xa5, %al
	FAIL_UNLESS e
	mov	$0x5a, %al
	out	%al, %dx
	in	%dx, %al
	cmp	$0x5a, %al
	FAIL_UNLESS e
	END_CHECK what_scr

	# --- UART divisor latch (LCR.DLAB) --------------------------------------
	# With DLAB set, offsets 0 and 1 are DLL and DLM: writing them must not
	# send a byte (the golden transcript would show it) nor touch IER.
	# With DLAB clear again, offset 1 is IER with its old value.  The
	# original LCR and divisor are put back afterwards.
	BEGIN_CHECK
	mov	$UART_IER, %dx
	in	%dx, %al
	mov	%al, old_ier
	mov	$UART_LCR, %dx
	in	%dx, %al
	mov	%al, old_lcr
	or	$LCR_DLAB, %al
	out	%al, %dx
	in	%dx, %al		# LCR reads back with DLAB set
	test	$LCR_DLAB, %al
	FAIL_UNLESS nz
	mov	$UART_DLL, %dx
	in	%dx, %al
	mov	%al, old_dll
	mov	$0x03, %al		# divisor 0x0103: DLM differs from IER
	out	%al, %dx
	mov	$UART_DLM, %dx
	in	%dx, %al
	mov	%al, old_dlm
	mov	$0x01, %al
	out	%al, %dx
	mov	$UART_DLL, %dx
	in	%dx, %al
	cmp	$0x03, %al
	FAIL_UNLESS e
	mov	$UART_DLM, %dx
	in	%dx, %al
	cmp	$0x01, %al
	FAIL_UNLESS e
	mov	old_dll, %al		# restore the divisor while DLAB is set
	mov	$UART_DLL, %dx
	out	%al, %dx
	mov	old_dlm, %al
	mov	$UART_DLM, %dx
	out	%al, %dx
	mov	old_lcr, %al		# DLAB off
	mov	$UART_LCR, %dx
	out	%al, %dx
	in	%dx, %al
	cmp	old_lcr, %al
	FAIL_UNLESS e
	mov	$UART_IER, %dx		# offset 1 is IER again, unchanged
	in	%dx, %al
	cmp	old_ier, %al
	FAIL_UNLESS e
	END_CHECK what_dlab

	# --- UART line status ---------------------------------------------------
	BEGIN_CHECK
	mov	$UART_LSR, %dx
	in	%dx, %al
	and	$LSR_THRE | LSR_TEMT, %al
	cmp	$LSR_THRE | LSR_TEMT, %al
	FAIL_UNLESS e
	END_CHECK what_lsr

	# --- summary, then EXIT with the verdict --------------------------------
	mov	$str_summary, %si	# "hctest: "
	call	uart_puts
	xor	%ax, %ax
	mov	checks, %al
	sub	passes, %al		# AX = checks that failed
	jnz	some_failed
	mov	$str_all, %si		# "all N checks passed"
	call	uart_puts
	mov	checks, %al
	call	uart_put_u16
	mov	$str_passed, %si
	call	uart_puts
	xor	%bl, %bl		# status 0
	call	hc_exit
some_failed:				# "K of N checks FAILED"
	call	uart_put_u16
	mov	$str_of, %si
	call	uart_puts
	mov	checks, %al
	call	uart_put_u16
	mov	$str_failed, %si
	call	uart_puts
	mov	$1, %bl			# status 1
	call	hc_exit

# report: count the check just made and print its verdict line,
# "PASS: <SI>" or "FAIL: <SI>", from the `failed` flag.
report:
	push	%si
	incb	checks
	mov	$str_pass, %si
	cmpb	$0, failed
	jne	1f
	incb	passes
	jmp	2f
1:	mov	$str_fail, %si
2:	call	uart_puts
	pop	%si
	call	uart_puts
	push	%ax
	mov	$'\n', %al
	call	uart_putc
	pop	%ax
	ret

	LIB_UART_PUTC
	LIB_UART_PUTS
	LIB_UART_PUT_U16
	LIB_HC_EXIT

# --- variables ---------------------------------------------------------------
	.balign	4
saved_eax:	.long	0
saved_ebx:	.long	0
saved_ecx:	.long	0
saved_edx:	.long	0
saved_esi:	.long	0
saved_edi:	.long	0
saved_ebp:	.long	0
saved_esp:	.long	0
input_end:	.word	input		# one past the last byte read
failed:		.byte	0		# set by a failing step of the current check
checks:		.byte	0		# checks made
passes:		.byte	0		# checks passed
old_lcr:	.byte	0
old_ier:	.byte	0
old_dll:	.byte	0
old_dlm:	.byte	0

# --- text --------------------------------------------------------------------
str_pass:	.asciz	"PASS: "
str_fail:	.asciz	"FAIL: "
str_putchar:	.asciz	"putchar: "
str_puts:	.ascii	"puts: one string, one exit\n"
		.equ	str_puts_len, . - str_puts
str_puts_empty:	.asciz	"puts, length 0: \""
str_not_shown:	.asciz	"(PUTS printed bytes it was not asked to)"
str_input:	.asciz	"input: \""
str_quote_nl:	.asciz	"\"\n"
str_summary:	.asciz	"hctest: "
str_all:	.asciz	"all "
str_passed:	.asciz	" checks passed\n"
str_of:		.asciz	" of "
str_failed:	.asciz	" checks FAILED\n"

what_version:	.asciz	"VERSION returns 1 in AX, other registers unchanged"
what_putchar:	.asciz	"PUTCHAR prints BL, every register unchanged"
what_puts:	.asciz	"PUTS prints ECX bytes at EBX, every register unchanged"
what_puts_empty: .asciz	"PUTS of length 0 prints nothing and returns"
what_getchar:	.asciz	"GETCHAR returns the input bytes, then 0xFFFF (all of EAX) at its end"
what_getchar_again: .asciz "GETCHAR returns 0xFFFF again after the end of input"
what_unclaimed:	.asciz	"unclaimed ports read as all ones (8, 16, 32 bits), writes dropped"
what_scr:	.asciz	"UART scratch register reads back what was written"
what_dlab:	.asciz	"UART DLAB maps DLL and DLM at offsets 0 and 1, IER again without it"
what_lsr:	.asciz	"UART LSR has THRE and TEMT set"

# The GETCHAR bytes are kept in the free RAM past the end of the image.
image_end:
	.set	input, image_end
