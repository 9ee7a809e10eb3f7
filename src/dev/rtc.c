#include "rtc.h"

#include <string.h>

static time_t host_now(void)
{
	return time(NULL);
}

void rtc_init(struct rtc *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->now = host_now;
	/* The C library reads its time-zone file on the first gmtime_r; at
	 * run time the sandbox forbids opening it, so that happens here. */
	tzset();
	r->cmos[RTC_REG_A] = 0x26; /* 32.768 kHz time base, 1024 Hz rate */
	r->cmos[RTC_REG_B] = RTC_B_24H; /* BCD, 24-hour: what a BIOS sets */
	r->cmos[RTC_REG_D] = RTC_D_VALID;
}

static uint8_t encode(const struct rtc *r, int value)
{
	if (r->cmos[RTC_REG_B] & RTC_B_BINARY)
		return (uint8_t)value;
	return (uint8_t)((value / 10) << 4 | value % 10);
}

static uint8_t hours(const struct rtc *r, int hour)
{
	int h12;

	if (r->cmos[RTC_REG_B] & RTC_B_24H)
		return encode(r, hour);
	/* 12-hour mode: 12, 1-11, with bit 7 for PM. */
	h12 = hour % 12 ? hour % 12 : 12;
	return (uint8_t)(encode(r, h12) | (hour >= 12 ? 0x80 : 0));
}

/* A clock register, read from the host clock at the moment of the read:
 * the chip is never caught mid-update. */
static uint8_t clock_register(const struct rtc *r, uint8_t reg)
{
	time_t t = r->now();
	struct tm tm;

	gmtime_r(&t, &tm);
	switch (reg) {
	case RTC_SECONDS:
		return encode(r, tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case RTC_MINUTES:
		return encode(r, tm.tm_min);
	case RTC_HOURS:
		return hours(r, tm.tm_hour);
	case RTC_DAY_OF_WEEK:
		return encode(r, tm.tm_wday + 1);
	case RTC_DAY_OF_MONTH:
		return encode(r, tm.tm_mday);
	case RTC_MONTH:
		return encode(r, tm.tm_mon + 1);
	case RTC_YEAR:
		return encode(r, (tm.tm_year + 1900) % 100);
	default: /* RTC_CENTURY */
		return encode(r, (tm.tm_year + 1900) / 100);
	}
}

uint8_t rtc_read(struct rtc *r, uint8_t reg)
{
	reg &= RTC_CMOS_SIZE - 1;
	switch (reg) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS:
	case RTC_DAY_OF_WEEK: case RTC_DAY_OF_MONTH: case RTC_MONTH:
	case RTC_YEAR: case RTC_CENTURY:
		return clock_register(r, reg);
	case RTC_REG_C:
		return 0; /* no interrupt flags, ever */
	default:
		return r->cmos[reg];
	}
}

void rtc_write(struct rtc *r, uint8_t reg, uint8_t value)
{
	reg &= RTC_CMOS_SIZE - 1;
	switch (reg) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS:
	case RTC_DAY_OF_WEEK: case RTC_DAY_OF_MONTH: case RTC_MONTH:
	case RTC_YEAR: case RTC_CENTURY:
	case RTC_REG_C: case RTC_REG_D:
		break; /* the time is the host's; C and D are read-only */
	case RTC_REG_A:
		r->cmos[reg] = value & (uint8_t)~RTC_A_UIP;
		break;
	default:
		r->cmos[reg] = value;
		break;
	}
}

static void rtc_io(void *opaque, struct vcpu *vcpu, uint64_t offset, void *data,
		   uint32_t len, bool is_write)
{
	struct rtc *r = opaque;
	uint8_t *bytes = data;

	(void)vcpu;
	pthread_mutex_lock(&r->lock);
	if (!is_write)
		memset(bytes, 0xff, len); /* the index port is write-only */
	if (offset == 0 && is_write)
		r->index = bytes[0] & 0x7f; /* bit 7 masks NMIs: ignored */
	else if (offset == 1 && is_write)
		rtc_write(r, r->index, bytes[0]);
	else if (offset == 1)
		bytes[0] = rtc_read(r, r->index);
	pthread_mutex_unlock(&r->lock);
}

int rtc_register(struct rtc *r, struct bus *pio)
{
	return bus_register(pio, RTC_INDEX_PORT, 2, rtc_io, r, "rtc");
}
