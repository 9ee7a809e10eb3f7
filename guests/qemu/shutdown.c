/* shutdown: the Bochs/QEMU shutdown port 0x8900. Prints a line, then
 * writes "Shutdown" to the port byte by byte: a VMM that has the port
 * ends the run there (kvm-vmm: status 0). QEMU 7.2's pc machine no longer
 * has it (it went with the Bochs BIOS): the write is dropped, the kernel
 * prints a second line and exits through isa-debug-exit with EXIT_FAIL
 * (status 35), which is what the QEMU golden output expects. */
#include "lib.h"

void kmain(void)
{
	printf("shutdown: writing \"Shutdown\" to port 0x%x\n", BOCHS_SHUTDOWN_PORT);
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (u8)*s);
	delay_tsc(64);
	printf("shutdown: still running after the shutdown port\n");
	debug_exit(EXIT_FAIL);
}
