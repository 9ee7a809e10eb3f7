# multiplication-uart.S: multiplication.S with each byte written straight to
# the UART's THR (no LSR poll: kvm-vmm's transmitter is always ready), for
# the benchmark's comparison of output paths.
#define UART_OUTPUT 1
#include "multiplication.S"
