/* The RTC's own UTC calendar (rtc_date_from_epoch), which replaced gmtime
 * so that no C library time-zone state is loaded: known moments, the leap
 * days the Gregorian rules add and leave out, and agreement with gmtime
 * across six centuries. */
#include <stdint.h>
#include <time.h>

#include "../../src/dev/rtc.h"
#include "harness.h"

struct known_moment {
	int64_t t;
	int64_t year;
	int month, day, weekday, hour, minute, second;
};

static const struct known_moment known_moments[] = {
	{ 0, 1970, 1, 1, 4, 0, 0, 0 },		    /* the epoch, a Thursday */
	{ -1, 1969, 12, 31, 3, 23, 59, 59 },	    /* the second before it */
	{ 68169600, 1972, 2, 29, 2, 0, 0, 0 },	    /* the first leap day after it */
	{ 951827696, 2000, 2, 29, 2, 12, 34, 56 },  /* 2000: a leap year (400) */
	{ 951868800, 2000, 3, 1, 3, 0, 0, 0 },
	{ 4107542399, 2100, 2, 28, 0, 23, 59, 59 }, /* 2100: no leap year (100) */
	{ 4107542400, 2100, 3, 1, 1, 0, 0, 0 },
	{ 13574563200, 2400, 2, 29, 2, 0, 0, 0 },
	{ -2203891200, 1900, 3, 1, 4, 0, 0, 0 },    /* 1900: no leap year either */
	{ 1795644686, 2026, 11, 25, 3, 22, 11, 26 },
};

TEST(rtc_date_known_moments)
{
	for (size_t i = 0; i < sizeof(known_moments) / sizeof(known_moments[0]); i++) {
		const struct known_moment *k = &known_moments[i];
		struct rtc_date d;

		rtc_date_from_epoch(k->t, &d);
		CHECK_EQ(d.year, k->year);
		CHECK_EQ(d.month, k->month);
		CHECK_EQ(d.day, k->day);
		CHECK_EQ(d.weekday, k->weekday);
		CHECK_EQ(d.hour, k->hour);
		CHECK_EQ(d.minute, k->minute);
		CHECK_EQ(d.second, k->second);
	}
}

/* What the RTC reported before, through gmtime_r, at moments spread over
 * 1900-2500: a stride of 37 days and 3607 s visits every weekday and
 * every hour. */
TEST(rtc_date_agrees_with_gmtime)
{
	int mismatches = 0;

	for (int64_t t = -2208988800; t < 16725225600; t += 37 * 86400 + 3607) {
		time_t tt = (time_t)t;
		struct tm tm;
		struct rtc_date d;

		gmtime_r(&tt, &tm);
		rtc_date_from_epoch(t, &d);
		if (d.year != tm.tm_year + 1900 || d.month != tm.tm_mon + 1 ||
		    d.day != tm.tm_mday || d.weekday != tm.tm_wday || d.hour != tm.tm_hour ||
		    d.minute != tm.tm_min || d.second != tm.tm_sec)
			mismatches++;
	}
	CHECK_EQ(mismatches, 0);
}

static time_t at_2100_03_01(void)
{
	return 4107542400; /* 00:00:00 UTC, a Monday */
}

/* The century register, the first date past a leap day 2100 does not
 * have, in the BIOS's BCD. */
TEST(rtc_reads_2100_03_01)
{
	struct rtc r;

	rtc_init(&r);
	r.now = at_2100_03_01;
	CHECK_EQ(rtc_read(&r, RTC_CENTURY), 0x21);
	CHECK_EQ(rtc_read(&r, RTC_YEAR), 0x00);
	CHECK_EQ(rtc_read(&r, RTC_MONTH), 0x03);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_MONTH), 0x01);
	CHECK_EQ(rtc_read(&r, RTC_DAY_OF_WEEK), 2); /* Sunday is 1 */
	CHECK_EQ(rtc_read(&r, RTC_HOURS), 0x00);
}
