# exit7.S (test): prints "bye" with one PUTS, then ends with the EXIT
# hypercall and status 7, which kvm-vmm must pass on as its own status.
	.code16
#include "lib.inc"
	.text
	.globl	_start
_start:
	mov	$msg, %si
	mov	$msg_len, %cx
	call	hc_puts
	mov	$7, %bl
	call	hc_exit			# does not return (a HLT would give 0)

	LIB_HC_PUTS
	LIB_HC_EXIT

msg:	.ascii	"bye\n"
	.equ	msg_len, . - msg
