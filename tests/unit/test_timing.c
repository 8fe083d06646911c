/* test_timing.c: the timeline keeps first stamps, records every boot-done signal, and reports both ways. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/timing.h"

static char *report(const struct timing *t, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (json)
		timing_print_json(f, t);
	else
		timing_print_text(f, t);
	fclose(f);
	return buf;
}

Test(timing, first_stamp_wins_and_signals_accumulate)
{
	struct timing t;
	char *s;

	timing_start(&t, 1000);
	timing_mark(&t, TIMING_PARSED, 1500);
	timing_mark(&t, TIMING_PARSED, 9000);
	timing_signal(&t, TIMING_SIG_MARKER, 2001000);
	timing_signal(&t, TIMING_SIG_PORT, 3001000);
	cr_assert_eq(t.at[TIMING_PARSED], 500);
	cr_assert_eq(t.at[TIMING_BOOT_DONE], 2000000, "the first signal is boot done");
	cr_assert_eq(t.nevents, 2);
	t.kvm_missing = "KVM_GET_STATS_FD: not supported";
	s = report(&t, true);
	cr_assert_not_null(strstr(s, "\"options_parsed\":500"), "%s", s);
	cr_assert_not_null(strstr(s, "{\"signal\":\"serial-marker\",\"ns\":2000000}"), "%s", s);
	cr_assert_not_null(strstr(s, "\"kvm_stats\":null"), "%s", s);
	cr_assert_null(strstr(s, "first_kvm_run"), "unreached phases are left out");
	free(s);
	s = report(&t, false);
	cr_assert_not_null(strstr(s, "boot_done 2.000"), "%s", s);
	cr_assert_not_null(strstr(s, "not available (KVM_GET_STATS_FD: not supported)"), "%s", s);
	free(s);
}

Test(timing, counters_in_json)
{
	struct timing t;
	char *s;

	timing_start(&t, 0);
	t.nkvm = 2;
	strcpy(t.kvm[0].name, "exits");
	t.kvm[0].value = 42;
	strcpy(t.kvm[1].name, "io_exits");
	t.kvm[1].value = 40;
	t.nports = 1;
	t.ports[0].port = 0x3f8;
	t.ports[0].count = 40;
	t.console_bytes = 700;
	t.console_writes = 9;
	t.console_queued = 650;
	s = report(&t, true);
	cr_assert_not_null(strstr(s, "\"console_out\":{\"bytes\":700,\"writes\":9,\"queued\":650}}"), "%s", s);
	cr_assert_not_null(strstr(s, "\"kvm_stats\":{\"exits\":42,\"io_exits\":40}"), "%s", s);
	cr_assert_not_null(strstr(s, "\"io_ports\":{\"0x3f8\":40}"), "%s", s);
	cr_assert_eq(s[strlen(s) - 1], '\n');
	free(s);
}

Test(timing, debug_port_codes_in_order_with_their_range)
{
	struct timing t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	timing_start(&t, 1000);
	timing_debug_code(&t, 0x41, 3000);
	timing_debug_code(&t, 0x61, 5000);
	for (unsigned i = 0; i < TIMING_MAX_DEBUG_CODES; i++)
		timing_debug_code(&t, 0x90, 6000);
	cr_assert_eq(t.ncodes, TIMING_MAX_DEBUG_CODES, "the first ones kept");
	cr_assert_eq(t.codes_total, TIMING_MAX_DEBUG_CODES + 2, "all counted");
	cr_assert_eq(t.codes[0].code, 0x41);
	cr_assert_eq(t.codes[0].at, 2000);
	cr_assert_eq(t.at[TIMING_BOOT_DONE], 0, "a code is no boot-done signal");
	f = open_memstream(&buf, &len);
	timing_print_json(f, &t);
	fclose(f);
	cr_expect(strstr(buf, "\"debug_port\":[{\"code\":65,\"range\":\"kernel\",\"ns\":2000},"
			      "{\"code\":97,\"range\":\"userspace\",\"ns\":4000},") != NULL, "%s", buf);
	cr_expect(strstr(buf, "\"debug_port_total\":66") != NULL, "%s", buf);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	timing_print_text(f, &t);
	fclose(f);
	cr_expect(strstr(buf, "vmm: timing: debug port 0x41 (kernel) at 0.002 ms\n") != NULL, "%s", buf);
	cr_expect(strstr(buf, "vmm: timing: debug port: 2 more codes not kept\n") != NULL, "%s", buf);
	free(buf);
}

/* --phases: the kernel's points on the same clock, in guest_phases_ns (an empty object
 * without them), the first TIMING_MAX_GUEST_PHASES kept. */
Test(timing, guest_phases_in_json)
{
	struct timing t;
	char *buf;

	timing_start(&t, 1000);
	buf = report(&t, true);
	cr_expect(strstr(buf, "\"guest_phases_ns\":{}") != NULL, "%s", buf);
	free(buf);
	timing_guest_phase(&t, "start_kernel", 3000);
	timing_guest_phase(&t, "kernel_init", 7000);
	for (unsigned i = 0; i < TIMING_MAX_GUEST_PHASES; i++)
		timing_guest_phase(&t, "more", 9000);
	cr_assert_eq(t.nguest, TIMING_MAX_GUEST_PHASES);
	buf = report(&t, true);
	cr_expect(strstr(buf, "\"guest_phases_ns\":{\"start_kernel\":2000,\"kernel_init\":6000,\"more\":8000") != NULL,
		  "%s", buf);
	free(buf);
}
