/* The PC's CMOS real-time clock (MC146818) at ports 0x70/0x71, reading the
 * host's clock (UTC). Without it Linux sees all-ones, "update in
 * progress" forever, and its RTC code waits seconds for an update that
 * never ends. Setting the time is ignored (the clock follows the host's);
 * the rest of the CMOS RAM keeps what the guest writes; no interrupts. All
 * state lives in struct rtc: one per VM. */
#ifndef MINIKVM_DEV_RTC_H
#define MINIKVM_DEV_RTC_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "../bus.h"

#define RTC_INDEX_PORT 0x70
#define RTC_DATA_PORT 0x71
#define RTC_CMOS_SIZE 128

/* Registers. */
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80	/* update in progress: never, here */
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04 /* clear: BCD */
#define RTC_D_VALID 0x80  /* battery good, time valid */

struct rtc {
	pthread_mutex_t lock; /* vCPUs of an SMP guest share it */
	uint8_t index;
	uint8_t cmos[RTC_CMOS_SIZE];
	/* The host clock, replaceable by the unit tests. */
	time_t (*now)(void);
};

/* A moment as the RTC shows it: UTC, the Gregorian calendar. */
struct rtc_date {
	int64_t year;
	int month;   /* 1-12 */
	int day;     /* 1-31 */
	int weekday; /* 0-6, 0 = Sunday */
	int hour, minute, second;
};

/* t (seconds since 1970-01-01 00:00:00 UTC, before it when negative) as a
 * date, by arithmetic alone: gmtime would load the C library's time-zone
 * state, which opens a file (the sandbox forbids it once guests run). */
void rtc_date_from_epoch(int64_t t, struct rtc_date *d);

void rtc_init(struct rtc *r);
int rtc_register(struct rtc *r, struct bus *pio);
/* Register access by index, for the bus and the tests. */
uint8_t rtc_read(struct rtc *r, uint8_t reg);
void rtc_write(struct rtc *r, uint8_t reg, uint8_t value);

#endif
