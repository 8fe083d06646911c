/* nmi_sc.h: port 0x61, the PC's NMI status and control register: PIT channel 2's gate and output, the speaker bit. */
#ifndef VMM_DEVICES_NMI_SC_H
#define VMM_DEVICES_NMI_SC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"

/*
 * Bits of I/O port 61h (Intel ICH/PCH datasheets, "NMI_SC"; IBM PC/AT "port B"):
 * bits 0-3 read back as written, bit 4 toggles with the DRAM refresh, bit 5 is
 * the 8254's counter 2 output, bits 6-7 (NMI sources) are never set here.
 */
#define NMI_SC_TIM_CNT2_EN 0x01 /* counter 2's gate */
#define NMI_SC_SPKR_DAT_EN 0x02
#define NMI_SC_WRITABLE 0x0f
#define NMI_SC_REF_TOGGLE 0x10
#define NMI_SC_TMR2_OUT_STS 0x20

/* The 8254's input clock, 1.193182 MHz (KVM's KVM_PIT_FREQ, QEMU's PIT_FREQ). */
#define PIT_INPUT_HZ 1193182ULL

struct nmi_sc_host {
	/* Counter 2's output now: 1 or 0, or negative where it cannot be read. */
	int (*timer2_out)(void *ctx);
	void *ctx;
};

struct nmi_sc {
	struct nmi_sc_host host;
	uint8_t control; /* bits 0-3 as the guest last wrote them */
	bool refresh;	 /* bit 4 as the last read gave it */
};

/* Power-on state: all bits clear (counter 2's gate low, speaker off). */
void nmi_sc_init(struct nmi_sc *s, const struct nmi_sc_host *host);

/*
 * An 8254 counter's OUT `elapsed_ns` after its count was loaded, as KVM's
 * in-kernel PIT computes it for a counter without a timer (arch/x86/kvm/i8254.c,
 * pit_get_out(), which its read-back status command reports too): d = the input
 * clock's ticks since the load; mode 0 (and KVM's power-on mode 0xff) d >= count,
 * 1 d < count, 2 d a non-zero multiple of count, 3 d mod count in the first half,
 * 4 and 5 d == count. `count` is KVM's (0 loads as 0x10000); a count of 0 reads 0.
 */
int nmi_sc_pit_out(uint8_t mode, uint32_t count, uint64_t elapsed_ns);

/*
 * One byte wide at port 0x61 (LAYOUT_NMI_SC_PORT). A read gives bits 0-3 as
 * written, bit 4 flipped at each read (a refresh toggle that moves with the
 * guest's reads, not with time, so loops that wait for it end and repeat),
 * bit 5 host.timer2_out() (0 where that fails). A write keeps bits 0-3. The
 * gate bit is not passed on to KVM's counter 2 (see README, Devices). Wider
 * accesses read all-ones and their writes are dropped.
 */
extern const struct bus_ops nmi_sc_ops;

#endif
