# minimal.S: the smallest guest there is, a single HLT byte.  It shows the
# cost of creating a VM and running it until its first exit; it prints
# nothing and ends with status 0.
	.code16
	.text
	.globl	_start
_start:
	hlt
