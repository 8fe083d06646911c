/* rtc_cmos.h: MC146818 real-time clock and CMOS RAM (ports 0x70/0x71) on the host's wall clock. */
#ifndef VMM_DEVICES_RTC_CMOS_H
#define VMM_DEVICES_RTC_CMOS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "devices/bus.h"

struct rtc_cmos_host {
	/* The host's wall clock (CLOCK_REALTIME); the guest's time is it + an offset. */
	void (*now)(void *ctx, struct timespec *ts);
	void *ctx;
};

#define RTC_CMOS_BYTES 128

struct rtc_cmos {
	struct rtc_cmos_host host;
	uint8_t index;		     /* register selected through port 0x70 */
	bool nmi_masked;	     /* port 0x70 bit 7 */
	uint8_t ram[RTC_CMOS_BYTES]; /* alarms, A, B, CMOS RAM; time while SET */
	int64_t offset;		     /* guest seconds - host seconds (the guest set the clock) */
	int64_t flags_seen;	     /* host second of the last register C read */
	int64_t periodic_seen_ns;    /* when register C last reported PF */
};

/* Register numbers (MC146818A data sheet, "Address map"). */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32 /* the PC/AT CMOS century byte (BCD) */

#define RTC_A_UIP 0x80	   /* update in progress */
#define RTC_B_SET 0x80	   /* updates stopped while the time is written */
#define RTC_B_PIE 0x40	   /* periodic interrupt enable */
#define RTC_B_AIE 0x20	   /* alarm interrupt enable */
#define RTC_B_UIE 0x10	   /* update-ended interrupt enable */
#define RTC_B_DM_BINARY 0x04 /* data mode: binary (else BCD) */
#define RTC_B_24H 0x02	   /* 24-hour mode (else 12-hour, bit 7 of hours = PM) */
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80	   /* valid RAM and time */
#define RTC_NMI_MASK 0x80  /* port 0x70 bit 7: NMI disabled */
/* UIP is high for 244 us before each once-a-second update (data sheet, "UIP"). */
#define RTC_UIP_NS 244000

/* Power-on state: 24-hour BCD, 32.768 kHz time base, 1024 Hz rate, VRT set. */
void rtc_cmos_init(struct rtc_cmos *r, const struct rtc_cmos_host *host);

/*
 * One range of 2 ports: bus_add(pio, 0x70, 2, &rtc_cmos_ops, r).
 * Offset 0 (port 0x70), write: bits 0-6 select a register, bit 7 masks NMI;
 * reads give all-ones (write-only on the PC/AT). Offset 1 (port 0x71): the
 * selected register. Time registers follow the host clock plus the offset
 * the guest set (register B's SET bit freezes them while it writes), in
 * BCD or binary and 12- or 24-hour mode as register B says. Register A's
 * UIP bit is set in the last 244 us of each second; register C reports UF
 * (a second passed), AF (the alarm matched) and PF (a period passed) since
 * its last read, with IRQF, and clears on read; no IRQ 8 is raised: guests
 * poll. Register D reads VRT. Non-byte accesses read all-ones, writes drop.
 */
extern const struct bus_ops rtc_cmos_ops;

#endif
