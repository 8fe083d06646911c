/* timing.c: the boot timeline as data, and its text and JSON reports. */
#include "vmm/timing.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "devices/debug_port.h"
#include "lib/json.h"

static const char *const phase_names[TIMING_PHASES] = {
	[TIMING_PARSED] = "options_parsed",
	[TIMING_FILES_MAPPED] = "files_mapped",
	[TIMING_DECODED] = "image_decoded",
	[TIMING_VM_CREATED] = "vm_created",
	[TIMING_RAM_REGISTERED] = "ram_registered",
	[TIMING_VCPU_CREATED] = "vcpu_created",
	[TIMING_STATE_LOADED] = "entry_state_loaded",
	[TIMING_FIRST_RUN] = "first_kvm_run",
	[TIMING_FIRST_SERIAL] = "first_serial_byte",
	[TIMING_BOOT_DONE] = "boot_done",
	[TIMING_EXIT] = "exit",
};

static const char *const signal_names[TIMING_SIGNALS] = {
	[TIMING_SIG_PORT] = "boot-timer-port-0x3f0",
	[TIMING_SIG_MMIO] = "boot-timer-mmio-0xd0000000",
	[TIMING_SIG_DEBUG_EXIT] = "debug-exit-port",
	[TIMING_SIG_MARKER] = "serial-marker",
};

uint64_t timing_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void timing_start(struct timing *t, uint64_t now_ns)
{
	memset(t, 0, sizeof(*t));
	t->start_ns = now_ns;
}

/* At least 1 ns, so that 0 keeps meaning "not reached". */
static uint64_t since_start(const struct timing *t, uint64_t now_ns)
{
	return now_ns > t->start_ns ? now_ns - t->start_ns : 1;
}

void timing_mark(struct timing *t, enum timing_phase p, uint64_t now_ns)
{
	if ((unsigned)p < TIMING_PHASES && !t->at[p])
		t->at[p] = since_start(t, now_ns);
}

void timing_signal(struct timing *t, enum timing_signal s, uint64_t now_ns)
{
	if (t->nevents < TIMING_MAX_EVENTS) {
		t->events[t->nevents].sig = s;
		t->events[t->nevents++].at = since_start(t, now_ns);
	}
	timing_mark(t, TIMING_BOOT_DONE, now_ns);
}

void timing_guest_phase(struct timing *t, const char *name, uint64_t now_ns)
{
	if (t->nguest < TIMING_MAX_GUEST_PHASES) {
		t->guest[t->nguest].name = name;
		t->guest[t->nguest++].at = since_start(t, now_ns);
	}
}

void timing_debug_code(struct timing *t, uint8_t code, uint64_t now_ns)
{
	if (t->ncodes < TIMING_MAX_DEBUG_CODES) {
		t->codes[t->ncodes].code = code;
		t->codes[t->ncodes++].at = since_start(t, now_ns);
	}
	t->codes_total++;
}

const char *timing_phase_name(enum timing_phase p)
{
	return (unsigned)p < TIMING_PHASES ? phase_names[p] : NULL;
}

const char *timing_signal_name(enum timing_signal s)
{
	return (unsigned)s < TIMING_SIGNALS ? signal_names[s] : NULL;
}

static void ms(FILE *f, uint64_t ns)
{
	fprintf(f, "%" PRIu64 ".%03" PRIu64, ns / 1000000, ns / 1000 % 1000);
}

static void counters_text(FILE *f, const char *what, const struct timing_counter *c, unsigned n)
{
	fprintf(f, "vmm: timing: %s:", what);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, " %s %" PRIu64, c[i].name, c[i].value);
	fputc('\n', f);
}

void timing_print_text(FILE *f, const struct timing *t)
{
	fputs("vmm: timing: ms since start:", f);
	for (unsigned p = 0; p < TIMING_PHASES; p++) {
		if (!t->at[p])
			continue;
		fprintf(f, " %s ", phase_names[p]);
		ms(f, t->at[p]);
	}
	fputc('\n', f);
	for (unsigned i = 0; i < t->nevents; i++) {
		fprintf(f, "vmm: timing: boot-done signal %s at ", signal_names[t->events[i].sig]);
		ms(f, t->events[i].at);
		fputs(" ms\n", f);
	}
	for (unsigned i = 0; i < t->ncodes; i++) {
		char name[48];

		debug_port_describe(t->codes[i].code, name, sizeof(name));
		fprintf(f, "vmm: timing: %s at ", name);
		ms(f, t->codes[i].at);
		fputs(" ms\n", f);
	}
	if (t->codes_total > t->ncodes)
		fprintf(f, "vmm: timing: debug port: %" PRIu64 " more codes not kept\n",
			t->codes_total - t->ncodes);
	if (t->nkvm)
		counters_text(f, "all VM exits (KVM stats)", t->kvm, t->nkvm);
	else
		fprintf(f, "vmm: timing: all VM exits: not available (%s)\n",
			t->kvm_missing ? t->kvm_missing : "unknown");
	counters_text(f, "exits to vmm", t->user, t->nuser);
	fputs("vmm: timing: busiest I/O ports:", f);
	for (unsigned i = 0; i < t->nports; i++)
		fprintf(f, " 0x%x %" PRIu64, t->ports[i].port, t->ports[i].count);
	fputc('\n', f);
	fputs("vmm: timing: host CPU user ", f);
	ms(f, t->user_ns);
	fputs(" ms system ", f);
	ms(f, t->sys_ns);
	fprintf(f, " ms, peak RSS without guest RAM %" PRIu64 " KiB\n", t->peak_rss_kib);
	fprintf(f, "vmm: timing: console output %" PRIu64 " bytes in %" PRIu64 " writes; %" PRIu64
		" serial port writes queued by KVM without an exit\n",
		t->console_bytes, t->console_writes, t->console_queued);
}

static void counters_json(FILE *f, const char *key, const struct timing_counter *c, unsigned n)
{
	fprintf(f, ",\"%s\":{", key);
	for (unsigned i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		json_print_string(f, c[i].name); /* KVM's stats names come from the kernel */
		fprintf(f, ":%" PRIu64, c[i].value);
	}
	fputc('}', f);
}

void timing_print_json(FILE *f, const struct timing *t)
{
	fputs("{\"vmm_timing\":1,\"phases_ns\":{", f);
	for (unsigned p = 0, first = 1; p < TIMING_PHASES; p++) {
		if (!t->at[p])
			continue;
		fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",", phase_names[p], t->at[p]);
		first = 0;
	}
	fputs("},\"guest_phases_ns\":{", f);
	for (unsigned i = 0; i < t->nguest; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", t->guest[i].name, t->guest[i].at);
	fputs("},\"boot_done\":[", f);
	for (unsigned i = 0; i < t->nevents; i++)
		fprintf(f, "%s{\"signal\":\"%s\",\"ns\":%" PRIu64 "}", i ? "," : "",
			signal_names[t->events[i].sig], t->events[i].at);
	fputs("],\"debug_port\":[", f);
	for (unsigned i = 0; i < t->ncodes; i++)
		fprintf(f, "%s{\"code\":%u,\"range\":\"%s\",\"ns\":%" PRIu64 "}", i ? "," : "",
			t->codes[i].code, debug_port_range_name(debug_port_range_of(t->codes[i].code)),
			t->codes[i].at);
	fprintf(f, "],\"debug_port_total\":%" PRIu64, t->codes_total);
	if (t->nkvm) {
		counters_json(f, "kvm_stats", t->kvm, t->nkvm);
	} else {
		fputs(",\"kvm_stats\":null,\"kvm_stats_missing\":", f);
		json_print_string(f, t->kvm_missing ? t->kvm_missing : "unknown");
	}
	counters_json(f, "exits_to_vmm", t->user, t->nuser);
	fputs(",\"io_ports\":{", f);
	for (unsigned i = 0; i < t->nports; i++)
		fprintf(f, "%s\"0x%x\":%" PRIu64, i ? "," : "", t->ports[i].port, t->ports[i].count);
	fprintf(f, "},\"host_cpu_ns\":{\"user\":%" PRIu64 ",\"system\":%" PRIu64
		   "},\"peak_rss_kib_without_guest_ram\":%" PRIu64
		   ",\"console_out\":{\"bytes\":%" PRIu64 ",\"writes\":%" PRIu64
		   ",\"queued\":%" PRIu64 "}}\n",
		t->user_ns, t->sys_ns, t->peak_rss_kib, t->console_bytes, t->console_writes,
		t->console_queued);
}
