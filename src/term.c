/* The saved settings live in this file, as the process has one terminal.
 * Raw mode starts without a flush, so keys typed early reach the guest;
 * the restore flushes, so input kvm-vmm did not read never reaches the
 * shell. */
#include "term.h"

#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;
static int saved_fd = -1;

void term_restore(void)
{
	if (saved_fd >= 0) {
		tcsetattr(saved_fd, TCSAFLUSH, &saved);
		saved_fd = -1;
	}
}

bool term_enter_raw(int fd)
{
	struct termios raw;

	if (!isatty(fd) || tcgetattr(fd, &saved) < 0)
		return false;
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | BRKINT | INPCK | ISTRIP);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	/* TCSANOW, not TCSAFLUSH: keys typed before the start are the guest's. */
	if (tcsetattr(fd, TCSANOW, &raw) < 0)
		return false;
	saved_fd = fd;
	atexit(term_restore);
	return true;
}
