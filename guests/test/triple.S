# triple.S (test): prints "before", then triple-faults, which kvm-vmm must
# report as a guest fault (KVM_EXIT_SHUTDOWN) with status 123.
#
# It loads an interrupt table of limit 0 and executes UD2.  Where the CPU
# delivers real-mode exceptions itself (SVM, VMX with unrestricted guest),
# the #UD vector lies outside the table, which raises #GP; #GP's vector is
# outside too, which makes a double fault, and the #DF vector is outside as
# well: shutdown.
#
# Where KVM delivers them in software instead (kvm-pvm, VMX without
# unrestricted guest), its real-mode delivery ignores the limit and reads
# the vector at base + 4 * 6 regardless.  So the base is put at 0xFFFFFF00,
# far above guest RAM: the vector cannot be read, and KVM turns an
# exception it cannot deliver into a triple fault too.  Two choices matter
# here, both checked on kvm-pvm:
#  - a faulting instruction (UD2), not INT3: INT3 is an instruction that
#    KVM's emulator itself runs, and when its vector cannot be read the
#    emulator retries it forever, without an exit (with base 0 it jumps
#    through the zeroed vector to 0000:0000 instead);
#  - LIDTL, not LIDT: with a 16-bit operand size LIDT keeps only 24 bits of
#    the base, 0xFFFF00, which is RAM once the guest has 16 MiB of it.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$before, %si
	call	uart_puts
	lidtl	no_idt
	ud2
	hlt				# not reached

	LIB_UART_PUTC
	LIB_UART_PUTS

before:	.asciz	"before\n"
no_idt:
	.word	0			# limit: no vector is inside the table
	.long	0xffffff00		# base: not guest RAM (see above)
