/* test_rtc_cmos.c: the MC146818 model: time from a fake host clock, modes, UIP, SET, flags, RAM. */
#include <criterion/criterion.h>
#include <string.h>

#include "devices/rtc_cmos.h"

/* 2026-11-25 21:37:45 UTC, a Wednesday. */
#define T0 1795642665LL

static struct timespec host_clock;
static struct rtc_cmos rtc;

static void fake_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	*ts = host_clock;
}

static void setup(void)
{
	const struct rtc_cmos_host h = { .now = fake_now };

	host_clock = (struct timespec){ .tv_sec = T0, .tv_nsec = 500000000 };
	rtc_cmos_init(&rtc, &h);
}

TestSuite(rtc, .init = setup);

static void out(uint64_t off, uint8_t v)
{
	rtc_cmos_ops.write(&rtc, off, &v, 1);
}

static uint8_t in(uint64_t off)
{
	uint8_t v = 0;

	rtc_cmos_ops.read(&rtc, off, &v, 1);
	return v;
}

static uint8_t reg(uint8_t r)
{
	out(0, r);
	return in(1);
}

static void set_reg(uint8_t r, uint8_t v)
{
	out(0, r);
	out(1, v);
}

Test(rtc, time_of_day_in_bcd_24h)
{
	cr_assert_eq(reg(RTC_SECONDS), 0x45);
	cr_assert_eq(reg(RTC_MINUTES), 0x37);
	cr_assert_eq(reg(RTC_HOURS), 0x21);
	cr_assert_eq(reg(RTC_DAY_OF_WEEK), 4, "Wednesday (1 = Sunday)");
	cr_assert_eq(reg(RTC_DAY_OF_MONTH), 0x25);
	cr_assert_eq(reg(RTC_MONTH), 0x11);
	cr_assert_eq(reg(RTC_YEAR), 0x26);
	cr_assert_eq(reg(RTC_CENTURY), 0x20);
}

Test(rtc, binary_and_12_hour_modes)
{
	set_reg(RTC_REG_B, RTC_B_DM_BINARY);
	cr_assert_eq(reg(RTC_HOURS), 0x80 | 9, "9 PM in binary with the PM bit");
	cr_assert_eq(reg(RTC_MINUTES), 37);
	set_reg(RTC_REG_B, 0);
	cr_assert_eq(reg(RTC_HOURS), 0x80 | 0x09, "9 PM in BCD");
	host_clock.tv_sec = T0 - 21 * 3600; /* 00:37 */
	cr_assert_eq(reg(RTC_HOURS), 0x12, "midnight is 12 AM");
}

Test(rtc, the_clock_follows_the_host)
{
	host_clock.tv_sec += 15;
	cr_assert_eq(reg(RTC_SECONDS), 0x00);
	cr_assert_eq(reg(RTC_MINUTES), 0x38);
}

Test(rtc, uip_only_in_the_last_244us_of_a_second)
{
	cr_assert_eq(reg(RTC_REG_A), 0x26, "DV 010, RS 0110, UIP clear");
	host_clock.tv_nsec = 1000000000 - RTC_UIP_NS;
	cr_assert_eq(reg(RTC_REG_A), 0x26 | RTC_A_UIP);
	host_clock.tv_nsec = 999999999;
	cr_assert_eq(reg(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
	host_clock.tv_nsec = 1000000000 - RTC_UIP_NS - 1;
	cr_assert_eq(reg(RTC_REG_A) & RTC_A_UIP, 0);
	set_reg(RTC_REG_A, 0xff);
	host_clock.tv_nsec = 0;
	cr_assert_eq(reg(RTC_REG_A), 0x7f, "UIP is read-only");
}

Test(rtc, set_freezes_then_moves_the_clock)
{
	set_reg(RTC_REG_B, RTC_B_SET | RTC_B_24H);
	host_clock.tv_sec += 100;
	cr_assert_eq(reg(RTC_SECONDS), 0x45, "frozen while SET");
	cr_assert_eq(reg(RTC_REG_A) & RTC_A_UIP, 0);
	set_reg(RTC_YEAR, 0x30);
	set_reg(RTC_HOURS, 0x08);
	set_reg(RTC_REG_B, RTC_B_24H);
	cr_assert_eq(reg(RTC_YEAR), 0x30);
	cr_assert_eq(reg(RTC_HOURS), 0x08);
	cr_assert_eq(reg(RTC_SECONDS), 0x45);
	host_clock.tv_sec += 2;
	cr_assert_eq(reg(RTC_SECONDS), 0x47, "runs on from the written time");
}

Test(rtc, time_writes_without_set_are_ignored)
{
	set_reg(RTC_MINUTES, 0x00);
	cr_assert_eq(reg(RTC_MINUTES), 0x37);
}

Test(rtc, register_c_reports_and_clears)
{
	uint8_t c = reg(RTC_REG_C);

	cr_assert_eq(c & RTC_C_UF, RTC_C_UF, "first read: an update happened since power-on");
	cr_assert_eq(c & RTC_C_IRQF, 0, "no interrupt enabled");
	cr_assert_eq(reg(RTC_REG_C) & (RTC_C_UF | RTC_C_PF), 0, "cleared by the read");
	host_clock.tv_sec++;
	set_reg(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	c = reg(RTC_REG_C);
	cr_assert_eq(c & (RTC_C_UF | RTC_C_IRQF), RTC_C_UF | RTC_C_IRQF);
}

Test(rtc, periodic_flag_at_the_rate_select)
{
	(void)reg(RTC_REG_C);
	host_clock.tv_nsec += 1000000; /* 1 ms > 976.5 us at 1024 Hz */
	cr_assert_eq(reg(RTC_REG_C) & RTC_C_PF, RTC_C_PF);
	host_clock.tv_nsec += 100000;
	cr_assert_eq(reg(RTC_REG_C) & RTC_C_PF, 0);
	set_reg(RTC_REG_A, 0x20); /* RS 0: no periodic flag */
	host_clock.tv_nsec += 5000000;
	cr_assert_eq(reg(RTC_REG_C) & RTC_C_PF, 0);
}

Test(rtc, alarm_with_dont_care_fields)
{
	set_reg(RTC_SECONDS_ALARM, 0x46);
	set_reg(RTC_MINUTES_ALARM, 0xc0);
	set_reg(RTC_HOURS_ALARM, 0xff);
	(void)reg(RTC_REG_C);
	host_clock.tv_sec++;
	cr_assert_eq(reg(RTC_REG_C) & RTC_C_AF, RTC_C_AF);
	host_clock.tv_sec++;
	cr_assert_eq(reg(RTC_REG_C) & RTC_C_AF, 0);
}

Test(rtc, register_d_valid_and_ram)
{
	cr_assert_eq(reg(RTC_REG_D), RTC_D_VRT);
	set_reg(RTC_REG_D, 0);
	cr_assert_eq(reg(RTC_REG_D), RTC_D_VRT, "read-only");
	set_reg(0x40, 0x5a);
	set_reg(0x7f, 0xa5);
	cr_assert_eq(reg(0x40), 0x5a);
	cr_assert_eq(reg(0x7f), 0xa5);
}

Test(rtc, index_port_masks_nmi_and_reads_all_ones)
{
	out(0, RTC_NMI_MASK | 0x40);
	cr_assert(rtc.nmi_masked);
	cr_assert_eq(rtc.index, 0x40);
	cr_assert_eq(in(0), 0xff, "port 0x70 is write-only");
	out(0, 0x40);
	cr_assert_not(rtc.nmi_masked);
}

Test(rtc, wide_accesses_read_all_ones)
{
	uint32_t v = 0;

	out(0, RTC_SECONDS);
	rtc_cmos_ops.read(&rtc, 1, &v, 4);
	cr_assert_eq(v, 0xffffffffu);
	v = 0;
	rtc_cmos_ops.write(&rtc, 0, &v, 2);
	cr_assert_eq(rtc.index, RTC_SECONDS, "a word write to the index port is dropped");
}

Test(rtc, calendar_edges)
{
	host_clock.tv_sec = 951782400; /* 2000-02-29 00:00:00, a Tuesday */
	cr_assert_eq(reg(RTC_DAY_OF_MONTH), 0x29);
	cr_assert_eq(reg(RTC_MONTH), 0x02);
	cr_assert_eq(reg(RTC_DAY_OF_WEEK), 3);
	cr_assert_eq(reg(RTC_YEAR), 0x00);
	cr_assert_eq(reg(RTC_CENTURY), 0x20);
	host_clock.tv_sec = 946684799; /* 1999-12-31 23:59:59, a Friday */
	cr_assert_eq(reg(RTC_YEAR), 0x99);
	cr_assert_eq(reg(RTC_CENTURY), 0x19);
	cr_assert_eq(reg(RTC_DAY_OF_WEEK), 6);
	cr_assert_eq(reg(RTC_HOURS), 0x23);
	host_clock.tv_sec = 4107542400; /* 2100-03-01 00:00:00 (2100 is not a leap year) */
	cr_assert_eq(reg(RTC_MONTH), 0x03);
	cr_assert_eq(reg(RTC_DAY_OF_MONTH), 0x01);
}

Test(rtc, written_time_round_trips_across_a_leap_day)
{
	set_reg(RTC_REG_B, RTC_B_SET | RTC_B_24H);
	set_reg(RTC_CENTURY, 0x20);
	set_reg(RTC_YEAR, 0x24);
	set_reg(RTC_MONTH, 0x02);
	set_reg(RTC_DAY_OF_MONTH, 0x29);
	set_reg(RTC_HOURS, 0x23);
	set_reg(RTC_MINUTES, 0x59);
	set_reg(RTC_SECONDS, 0x59);
	set_reg(RTC_REG_B, RTC_B_24H);
	host_clock.tv_sec++;
	cr_assert_eq(reg(RTC_MONTH), 0x03);
	cr_assert_eq(reg(RTC_DAY_OF_MONTH), 0x01);
	cr_assert_eq(reg(RTC_HOURS), 0x00);
	cr_assert_eq(reg(RTC_SECONDS), 0x00);
}
