/* Nothing ticks: each clock register is computed from the host's time at
 * the read, in the BCD or binary and 12- or 24-hour form register B asks
 * for now, so the chip is never mid-update and UIP can never be set. */
#include "rtc.h"

#include <string.h>

static time_t host_now(void)
{
	return time(NULL);
}

/* Rounds towards minus infinity, so that a moment before 1970 falls in
 * the day (and era) it belongs to. */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* A day, counted from 1970-01-01, as year, month and day. The count is
 * moved to start at 0000-03-01 and cut into 400-year eras of 146097 days,
 * each the same: years start in March, so a leap day is the last day of
 * its year, and a day's year within the era is its day less the leap days
 * before it (one in 4 years, none in 100, one in 400), over 365. */
static void civil_from_days(int64_t days, struct rtc_date *d)
{
	int64_t z = days + 719468; /* days after 0000-03-01 */
	int64_t era = floor_div(z, 146097);
	int64_t day_of_era = z - era * 146097;		       /* 0-146096 */
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
			       day_of_era / 146096) / 365;     /* 0-399 */
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
					    year_of_era / 100); /* 0-365, from March */
	int64_t month_from_march = (5 * day_of_year + 2) / 153; /* 0-11 */

	d->day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	d->month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
	d->year = year_of_era + era * 400 + (d->month <= 2);
}

void rtc_date_from_epoch(int64_t t, struct rtc_date *d)
{
	int64_t days = floor_div(t, 86400);
	int64_t second_of_day = floor_mod(t, 86400);

	civil_from_days(days, d);
	d->weekday = (int)floor_mod(days + 4, 7); /* 1970-01-01: a Thursday */
	d->hour = (int)(second_of_day / 3600);
	d->minute = (int)(second_of_day / 60 % 60);
	d->second = (int)(second_of_day % 60);
}

void rtc_init(struct rtc *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->now = host_now;
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
	struct rtc_date d;

	rtc_date_from_epoch((int64_t)r->now(), &d);
	switch (reg) {
	case RTC_SECONDS:
		return encode(r, d.second);
	case RTC_MINUTES:
		return encode(r, d.minute);
	case RTC_HOURS:
		return hours(r, d.hour);
	case RTC_DAY_OF_WEEK:
		return encode(r, d.weekday + 1);
	case RTC_DAY_OF_MONTH:
		return encode(r, d.day);
	case RTC_MONTH:
		return encode(r, d.month);
	case RTC_YEAR:
		return encode(r, (int)(d.year % 100));
	default: /* RTC_CENTURY */
		return encode(r, (int)(d.year / 100));
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
