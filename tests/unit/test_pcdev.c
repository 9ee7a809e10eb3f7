/* The PC devices a Linux guest gets: i8042, CMOS RTC, and the UART's RTS
 * flow control of host input. */
#include <string.h>
#include <unistd.h>

#include "../../src/dev/i8042.h"
#include "../../src/dev/rtc.h"
#include "../../src/dev/uart.h"
#include "harness.h"

TEST(i8042_answers_controller_commands)
{
	struct i8042 k;

	i8042_init(&k);
	uint8_t st = i8042_read(&k, I8042_CMD_PORT);

	CHECK_EQ(st & I8042_STR_OBF, 0);
	CHECK(st & I8042_STR_SYS);
	CHECK_EQ(st & 0x02, 0); /* input buffer never full: no waiting */
	i8042_write(&k, I8042_CMD_PORT, 0x20); /* read CTR */
	CHECK(i8042_read(&k, I8042_CMD_PORT) & I8042_STR_OBF);
	uint8_t ctr = i8042_read(&k, I8042_DATA_PORT);

	CHECK_EQ(i8042_read(&k, I8042_CMD_PORT) & I8042_STR_OBF, 0);
	i8042_write(&k, I8042_CMD_PORT, 0x60); /* write CTR */
	i8042_write(&k, I8042_DATA_PORT, (uint8_t)(ctr | 0x01));
	i8042_write(&k, I8042_CMD_PORT, 0x20);
	CHECK_EQ(i8042_read(&k, I8042_DATA_PORT), ctr | 0x01);
	i8042_write(&k, I8042_CMD_PORT, 0xaa); /* self test */
	CHECK_EQ(i8042_read(&k, I8042_DATA_PORT), 0x55);
	i8042_write(&k, I8042_CMD_PORT, 0xab); /* keyboard port test */
	CHECK_EQ(i8042_read(&k, I8042_DATA_PORT), 0x00);
	i8042_write(&k, I8042_DATA_PORT, 0xf2); /* to a keyboard that is not there */
	CHECK_EQ(i8042_read(&k, I8042_CMD_PORT) & I8042_STR_OBF, 0);
	CHECK(!k.reset);
}

TEST(i8042_reset_line)
{
	struct i8042 k;

	i8042_init(&k);
	i8042_write(&k, I8042_CMD_PORT, 0xff); /* pulse nothing */
	CHECK(!k.reset);
	i8042_write(&k, I8042_CMD_PORT, 0xd1); /* output port, reset high */
	i8042_write(&k, I8042_DATA_PORT, 0x03);
	CHECK(!k.reset);
	i8042_write(&k, I8042_CMD_PORT, 0xd0);
	CHECK_EQ(i8042_read(&k, I8042_DATA_PORT), 0x03);
	i8042_write(&k, I8042_CMD_PORT, 0xfe); /* what reboot=k writes */
	CHECK(k.reset);
	i8042_init(&k);
	i8042_write(&k, I8042_CMD_PORT, 0xd1);
	i8042_write(&k, I8042_DATA_PORT, 0x02); /* reset line low */
	CHECK(k.reset);
}

/* 2026-11-25 22:11:26 UTC, a Wednesday. */
static time_t fixed_now(void)
{
	return 1795644686;
}

TEST(rtc_reads_the_host_clock)
{
	struct rtc r;

	rtc_init(&r);
	r.now = fixed_now;
	CHECK_EQ(rtc_read(&r, RTC_SECONDS), 0x26);
	CHECK_EQ(rtc_read(&r, RTC_MINUTES), 0x11);
	CHECK_EQ(rtc_read(&r, RTC_HOURS), 0x22);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_WEEK), 4);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_MONTH), 0x25);
	CHECK_EQ(rtc_read(&r, RTC_MONTH), 0x11);
	CHECK_EQ(rtc_read(&r, RTC_YEAR), 0x26);
	CHECK_EQ(rtc_read(&r, RTC_CENTURY), 0x20);
	CHECK_EQ(rtc_read(&r, RTC_REG_A) & RTC_A_UIP, 0); /* never mid-update */
	CHECK(rtc_read(&r, RTC_REG_D) & RTC_D_VALID);
	/* Binary, then 12-hour mode, as register B selects. */
	rtc_write(&r, RTC_REG_B, RTC_B_24H | RTC_B_BINARY);
	CHECK_EQ(rtc_read(&r, RTC_HOURS), 22);
	CHECK_EQ(rtc_read(&r, RTC_YEAR), 26);
	rtc_write(&r, RTC_REG_B, RTC_B_BINARY);
	CHECK_EQ(rtc_read(&r, RTC_HOURS), 0x80 | 10);
	/* Setting the time is ignored; CMOS RAM keeps what is written. */
	rtc_write(&r, RTC_SECONDS, 0);
	CHECK_EQ(rtc_read(&r, RTC_SECONDS), 26);
	rtc_write(&r, 0x40, 0xab);
	CHECK_EQ(rtc_read(&r, 0x40), 0xab);
	rtc_write(&r, RTC_REG_A, 0xa6);
	CHECK_EQ(rtc_read(&r, RTC_REG_A), 0x26);
}

TEST(uart_input_waits_for_rts)
{
	struct test_pipe p = test_pipe_open();
	struct console_in in;
	struct uart u;

	console_in_init(&in, p.rd, NULL);
	uart_init(&u, NULL, &in);
	u.input_needs_rts = true;
	CHECK(write(p.wr, "ab", 2) == 2);
	/* A driver probing the chip reads RBR before it raises RTS: the host
	 * bytes stay where they are. */
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(uart_read(&u, UART_RBR), 0);
	CHECK(console_in_pending(&in));
	uart_write(&u, UART_MCR, UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT2);
	CHECK(uart_read(&u, UART_LSR) & UART_LSR_DR);
	CHECK_EQ(uart_read(&u, UART_RBR), 'a');
	CHECK_EQ(uart_read(&u, UART_RBR), 'b');
	CHECK(!console_in_pending(&in));
	test_pipe_close(&p);
}

TEST(console_wait_taken_returns_when_drained)
{
	struct test_pipe p = test_pipe_open();
	struct console_in in;
	uint8_t b;

	console_in_init(&in, p.rd, NULL);
	console_in_wait_taken(&in, 1000); /* nothing buffered: at once */
	CHECK(write(p.wr, "x", 1) == 1);
	CHECK(console_in_ready(&in));
	console_in_wait_taken(&in, 10); /* times out with the byte still there */
	CHECK(console_in_pending(&in));
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'x');
	CHECK(!console_in_pending(&in));
	test_pipe_close(&p);
}
