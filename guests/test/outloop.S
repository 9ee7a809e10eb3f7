# outloop.S: 20000 OUTs to the unclaimed port 0x80, then HLT: every exit is
# the cheapest kind kvm-vmm handles. bench/bare.c runs the same instruction
# bytes in a minimal loop, so the difference is the VMM's own overhead.
	.code16
	.text
_start:
	mov	$20000, %ecx
1:	out	%al, $0x80
	dec	%ecx
	jnz	1b
	hlt
