/* test_nmi_sc.c: unit tests for devices/nmi_sc.c: port 0x61's bits and the 8254 output KVM would report. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/nmi_sc.h"

static struct nmi_sc s;
static struct bus b;
static int out_now; /* what the fake counter 2 answers */
static unsigned out_reads;

static int fake_timer2_out(void *ctx)
{
	cr_assert_eq(ctx, &out_now, "timer2_out got the wrong ctx");
	out_reads++;
	return out_now;
}

static void setup(void)
{
	const struct nmi_sc_host host = { fake_timer2_out, &out_now };

	out_now = 0;
	out_reads = 0;
	nmi_sc_init(&s, &host);
	bus_init(&b);
	cr_assert_eq(bus_add(&b, 0x61, 1, &nmi_sc_ops, &s), 0);
}

TestSuite(nmi_sc, .init = setup);

static uint8_t inb(void)
{
	uint8_t v = 0x5a;

	cr_assert_eq(bus_access(&b, 0x61, &v, 1, false), 0);
	return v;
}

static void outb(uint8_t v)
{
	cr_assert_eq(bus_access(&b, 0x61, &v, 1, true), 0);
}

/* `ticks` input-clock ticks and 100 ns, in ns: inside that tick (a tick is 838 ns). */
static uint64_t ns_of(uint64_t ticks)
{
	return ticks * 1000000000ULL / PIT_INPUT_HZ + 100;
}

Test(nmi_sc, power_on_reads_zero_but_the_toggle)
{
	cr_assert_eq(inb() & ~NMI_SC_REF_TOGGLE, 0);
}

Test(nmi_sc, low_four_bits_read_back_as_written)
{
	outb(0xff);
	cr_assert_eq(inb() & 0xcf, NMI_SC_WRITABLE, "bits 6-7 are never set, 4-5 not written");
	outb(NMI_SC_TIM_CNT2_EN);
	cr_assert_eq(inb() & NMI_SC_WRITABLE, NMI_SC_TIM_CNT2_EN);
}

Test(nmi_sc, refresh_bit_flips_at_each_read)
{
	uint8_t a = inb(), c = inb(), d = inb();

	cr_assert_neq(a & NMI_SC_REF_TOGGLE, c & NMI_SC_REF_TOGGLE);
	cr_assert_eq(a & NMI_SC_REF_TOGGLE, d & NMI_SC_REF_TOGGLE);
}

Test(nmi_sc, bit5_is_counter2_output_read_at_each_access)
{
	cr_assert_eq(inb() & NMI_SC_TMR2_OUT_STS, 0);
	out_now = 1;
	cr_assert_eq(inb() & NMI_SC_TMR2_OUT_STS, NMI_SC_TMR2_OUT_STS);
	out_now = -1; /* the host could not read it */
	cr_assert_eq(inb() & NMI_SC_TMR2_OUT_STS, 0);
	cr_assert_eq(out_reads, 3);
}

Test(nmi_sc, no_host_reads_output_low)
{
	nmi_sc_init(&s, NULL);
	cr_assert_eq(inb() & NMI_SC_TMR2_OUT_STS, 0);
}

Test(nmi_sc, wide_accesses_read_ones_and_write_nothing)
{
	uint16_t w = 0x0f0f;

	cr_assert_eq(bus_access(&b, 0x61, &w, 2, true), -ENOENT, "a 2-byte access straddles the 1-byte range");
	cr_assert_eq(inb() & NMI_SC_WRITABLE, 0);
	nmi_sc_ops.write(&s, 0, &w, 2);
	cr_assert_eq(inb() & NMI_SC_WRITABLE, 0);
	w = 0;
	nmi_sc_ops.read(&s, 0, &w, 2);
	cr_assert_eq(w, 0xffff);
	cr_assert_eq(out_reads, 2, "only the byte reads asked the counter");
}

/* Mode 0 (interrupt on terminal count): what Linux's pit_calibrate_tsc() and memtest86+ poll. */
Test(nmi_sc, mode0_goes_high_at_the_count)
{
	cr_assert_eq(nmi_sc_pit_out(0, 59659, ns_of(59658)), 0, "50 ms count, one tick early");
	cr_assert_eq(nmi_sc_pit_out(0, 59659, ns_of(59659)), 1);
	cr_assert_eq(nmi_sc_pit_out(0, 59659, UINT64_MAX), 1, "no overflow for any elapsed time");
	cr_assert_eq(nmi_sc_pit_out(0xff, 0x10000, ns_of(0xffff)), 0, "KVM's power-on mode is mode 0's");
	cr_assert_eq(nmi_sc_pit_out(0xff, 0x10000, ns_of(0x10000)), 1);
}

Test(nmi_sc, mode1_is_low_until_the_count)
{
	cr_assert_eq(nmi_sc_pit_out(1, 100, ns_of(99)), 1);
	cr_assert_eq(nmi_sc_pit_out(1, 100, ns_of(100)), 0);
}

Test(nmi_sc, mode2_pulses_at_each_multiple)
{
	cr_assert_eq(nmi_sc_pit_out(2, 100, 0), 0, "not at the load");
	cr_assert_eq(nmi_sc_pit_out(2, 100, ns_of(100)), 1);
	cr_assert_eq(nmi_sc_pit_out(2, 100, ns_of(150)), 0);
	cr_assert_eq(nmi_sc_pit_out(2, 100, ns_of(300)), 1);
}

Test(nmi_sc, mode3_square_wave_high_first_half)
{
	cr_assert_eq(nmi_sc_pit_out(3, 100, ns_of(49)), 1);
	cr_assert_eq(nmi_sc_pit_out(3, 100, ns_of(50)), 0);
	cr_assert_eq(nmi_sc_pit_out(3, 101, ns_of(50)), 1, "odd counts: (count + 1) / 2 high");
	cr_assert_eq(nmi_sc_pit_out(3, 100, ns_of(199)), 0);
	cr_assert_eq(nmi_sc_pit_out(3, 100, ns_of(200)), 1);
}

Test(nmi_sc, modes4_and_5_strobe_at_the_count)
{
	for (uint8_t m = 4; m <= 5; m++) {
		cr_assert_eq(nmi_sc_pit_out(m, 100, ns_of(99)), 0);
		cr_assert_eq(nmi_sc_pit_out(m, 100, ns_of(100)), 1);
		cr_assert_eq(nmi_sc_pit_out(m, 100, ns_of(101)), 0);
	}
}

Test(nmi_sc, zero_count_reads_low)
{
	for (uint8_t m = 0; m <= 5; m++)
		cr_assert_eq(nmi_sc_pit_out(m, 0, ns_of(1000)), 0, "mode %u", m);
}

Test(nmi_sc, tick_arithmetic_matches_the_exact_product)
{
	/* 1 s is exactly PIT_INPUT_HZ ticks; 1 s - 1 ns one fewer. */
	cr_assert_eq(nmi_sc_pit_out(0, (uint32_t)PIT_INPUT_HZ, 1000000000ULL), 1);
	cr_assert_eq(nmi_sc_pit_out(0, (uint32_t)PIT_INPUT_HZ, 999999999ULL), 0);
}
