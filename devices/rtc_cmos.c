/* rtc_cmos.c: MC146818 RTC: time registers derived from the host clock, CMOS RAM, polled flags. */
#include "devices/rtc_cmos.h"

#include <string.h>

#define NS_PER_S 1000000000LL
#define REG_A_DEFAULT 0x26 /* DV = 010 (32.768 kHz time base), RS = 0110 (1024 Hz) */
#define REG_A_WRITABLE 0x7f
#define REG_B_DEFAULT RTC_B_24H
#define HOURS_PM 0x80

void rtc_cmos_init(struct rtc_cmos *r, const struct rtc_cmos_host *host)
{
	memset(r, 0, sizeof(*r));
	r->host = *host;
	r->ram[RTC_REG_A] = REG_A_DEFAULT;
	r->ram[RTC_REG_B] = REG_B_DEFAULT;
}

static void host_now(const struct rtc_cmos *r, int64_t *sec, int64_t *ns)
{
	struct timespec ts;

	r->host.now(r->host.ctx, &ts);
	*sec = (int64_t)ts.tv_sec;
	*ns = ts.tv_nsec;
}

static uint8_t to_bcd(unsigned v)
{
	return (uint8_t)((v / 10) << 4 | v % 10);
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static bool binary(const struct rtc_cmos *r)
{
	return r->ram[RTC_REG_B] & RTC_B_DM_BINARY;
}

static uint8_t encode(const struct rtc_cmos *r, unsigned v)
{
	return binary(r) ? (uint8_t)v : to_bcd(v);
}

static unsigned decode(const struct rtc_cmos *r, uint8_t v)
{
	return binary(r) ? v : from_bcd(v);
}

/* Hours as the chip shows them: 0-23, or 1-12 with bit 7 for PM. */
static uint8_t encode_hours(const struct rtc_cmos *r, unsigned h)
{
	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return encode(r, h);
	return (uint8_t)(encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? HOURS_PM : 0));
}

static unsigned decode_hours(const struct rtc_cmos *r, uint8_t v)
{
	unsigned h;

	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return decode(r, v);
	h = decode(r, v & (uint8_t)~HOURS_PM) % 12;
	return (v & HOURS_PM) ? h + 12 : h;
}

/*
 * Calendar arithmetic on the proleptic Gregorian calendar, UTC, without
 * libc: glibc's gmtime_r()/timegm() read /etc/localtime on first use, a
 * system call the sandbox forbids (H. Hinnant, "chrono-Compatible Low-Level
 * Date Algorithms": days_from_civil / civil_from_days).
 */
struct civil {
	int64_t year;
	unsigned month, day, hour, minute, second, weekday; /* weekday 0 = Sunday */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static struct civil civil_from_seconds(int64_t t)
{
	int64_t days = floor_div(t, 86400), sod = t - days * 86400;
	int64_t z = days + 719468, era = floor_div(z, 146097), doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	struct civil c = {
		.day = (unsigned)(doy - (153 * mp + 2) / 5 + 1),
		.month = (unsigned)(mp < 10 ? mp + 3 : mp - 9),
		.hour = (unsigned)(sod / 3600), .minute = (unsigned)(sod / 60 % 60),
		.second = (unsigned)(sod % 60),
		.weekday = (unsigned)((days % 7 + 11) % 7), /* 1970-01-01 was a Thursday */
	};

	c.year = yoe + era * 400 + (c.month <= 2);
	return c;
}

/* The time registers for guest second `t` (0x00-0x09 without the alarms, and the century). */
static void time_registers(const struct rtc_cmos *r, int64_t t, uint8_t out[RTC_CMOS_BYTES])
{
	struct civil c = civil_from_seconds(t);
	unsigned year = (unsigned)(c.year < 0 ? 0 : c.year);

	out[RTC_SECONDS] = encode(r, c.second);
	out[RTC_MINUTES] = encode(r, c.minute);
	out[RTC_HOURS] = encode_hours(r, c.hour);
	out[RTC_DAY_OF_WEEK] = encode(r, c.weekday + 1); /* 1 = Sunday */
	out[RTC_DAY_OF_MONTH] = encode(r, c.day);
	out[RTC_MONTH] = encode(r, c.month);
	out[RTC_YEAR] = encode(r, year % 100);
	out[RTC_CENTURY] = to_bcd(year / 100 % 100);
}

static bool is_time_register(uint8_t reg)
{
	return reg <= RTC_YEAR && reg != RTC_SECONDS_ALARM && reg != RTC_MINUTES_ALARM &&
	       reg != RTC_HOURS_ALARM;
}

/* The guest's time from the frozen registers it wrote while SET was on
 * (out-of-range fields, as a guest may write, just give another second). */
static int64_t written_time(const struct rtc_cmos *r)
{
	int64_t year = from_bcd(r->ram[RTC_CENTURY]) * 100 + decode(r, r->ram[RTC_YEAR]);
	unsigned month = decode(r, r->ram[RTC_MONTH]);

	month = month < 1 ? 1 : month > 12 ? 12 : month;
	return days_from_civil(year, month, decode(r, r->ram[RTC_DAY_OF_MONTH])) * 86400 +
	       decode_hours(r, r->ram[RTC_HOURS]) * 3600 +
	       decode(r, r->ram[RTC_MINUTES]) * 60 + decode(r, r->ram[RTC_SECONDS]);
}

static bool alarm_field_matches(uint8_t alarm, uint8_t now)
{
	return (alarm & 0xc0) == 0xc0 || alarm == now; /* 11xxxxxx: "don't care" */
}

/* Flags raised since the last register C read; reading clears them. */
static uint8_t read_flags(struct rtc_cmos *r, int64_t sec, int64_t ns)
{
	unsigned rs = r->ram[RTC_REG_A] & 0x0f;
	int64_t now_ns = sec * NS_PER_S + ns;
	uint8_t c = 0, t[RTC_CMOS_BYTES];

	if (sec + r->offset != r->flags_seen) {
		c |= RTC_C_UF;
		time_registers(r, sec + r->offset, t);
		if (alarm_field_matches(r->ram[RTC_SECONDS_ALARM], t[RTC_SECONDS]) &&
		    alarm_field_matches(r->ram[RTC_MINUTES_ALARM], t[RTC_MINUTES]) &&
		    alarm_field_matches(r->ram[RTC_HOURS_ALARM], t[RTC_HOURS]))
			c |= RTC_C_AF;
	}
	/* Rate select 1..15: period 2^(rs-1) / 32768 s (1, 2 give 256/128 Hz on the PC). */
	if (rs) {
		int64_t period = (NS_PER_S << (rs < 3 ? rs + 7 : rs - 1)) >> 15;

		if (now_ns - r->periodic_seen_ns >= period) {
			c |= RTC_C_PF;
			r->periodic_seen_ns = now_ns;
		}
	}
	r->flags_seen = sec + r->offset;
	if (((c & RTC_C_PF) && (r->ram[RTC_REG_B] & RTC_B_PIE)) ||
	    ((c & RTC_C_AF) && (r->ram[RTC_REG_B] & RTC_B_AIE)) ||
	    ((c & RTC_C_UF) && (r->ram[RTC_REG_B] & RTC_B_UIE)))
		c |= RTC_C_IRQF;
	return c;
}

static uint8_t read_register(struct rtc_cmos *r, uint8_t reg)
{
	bool frozen = r->ram[RTC_REG_B] & RTC_B_SET;
	int64_t sec, ns;
	uint8_t t[RTC_CMOS_BYTES];

	host_now(r, &sec, &ns);
	if ((is_time_register(reg) || reg == RTC_CENTURY) && !frozen) {
		time_registers(r, sec + r->offset, t);
		return t[reg];
	}
	switch (reg) {
	case RTC_REG_A:
		return (uint8_t)(r->ram[reg] |
				 (!frozen && ns >= NS_PER_S - RTC_UIP_NS ? RTC_A_UIP : 0));
	case RTC_REG_C:
		return read_flags(r, sec, ns);
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return r->ram[reg];
	}
}

/* SET on: freeze the time registers at the current time; SET off: the
 * time the guest wrote becomes the clock's, as an offset from the host's. */
static void write_reg_b(struct rtc_cmos *r, uint8_t v)
{
	bool was_set = r->ram[RTC_REG_B] & RTC_B_SET;
	int64_t sec, ns;

	host_now(r, &sec, &ns);
	if (!was_set && (v & RTC_B_SET)) {
		uint8_t t[RTC_CMOS_BYTES];

		time_registers(r, sec + r->offset, t);
		for (uint8_t reg = 0; reg <= RTC_YEAR; reg++)
			if (is_time_register(reg))
				r->ram[reg] = t[reg];
		r->ram[RTC_CENTURY] = t[RTC_CENTURY];
	}
	r->ram[RTC_REG_B] = v;
	if (was_set && !(v & RTC_B_SET))
		r->offset = written_time(r) - sec;
}

static void write_register(struct rtc_cmos *r, uint8_t reg, uint8_t v)
{
	switch (reg) {
	case RTC_REG_A:
		r->ram[reg] = v & REG_A_WRITABLE;
		break;
	case RTC_REG_B:
		write_reg_b(r, v);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break; /* read-only */
	default:
		/* Time registers only take effect while SET; otherwise the clock runs on. */
		if (!is_time_register(reg) || (r->ram[RTC_REG_B] & RTC_B_SET))
			r->ram[reg] = v;
	}
}

static void rtc_read(void *dev, uint64_t off, void *data, unsigned len)
{
	struct rtc_cmos *r = dev;

	if (len != 1 || off == 0) {
		memset(data, 0xff, len);
		return;
	}
	*(uint8_t *)data = read_register(r, r->index);
}

static void rtc_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct rtc_cmos *r = dev;
	uint8_t v = *(const uint8_t *)data;

	if (len != 1)
		return;
	if (off == 0) {
		r->index = v & (uint8_t)~RTC_NMI_MASK;
		r->nmi_masked = v & RTC_NMI_MASK;
		return;
	}
	write_register(r, r->index, v);
}

const struct bus_ops rtc_cmos_ops = {
	.read = rtc_read,
	.write = rtc_write,
};
