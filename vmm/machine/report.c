/* report.c: the figures at the end of a run: VM exits by kind and port, KVM's counters over every vCPU, host cost. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "vmm/machine/machine.h"

static const char *const exit_names[] = {
	[EXIT_IO] = "io", [EXIT_MMIO] = "mmio", [EXIT_INTR] = "intr",
	[EXIT_HLT] = "hlt", [EXIT_SHUTDOWN] = "shutdown",
	[EXIT_FAIL_ENTRY] = "fail-entry", [EXIT_INTERNAL] = "internal",
	[EXIT_SYSTEM_SHUTDOWN] = "system-shutdown",
	[EXIT_SYSTEM_RESET] = "system-reset", [EXIT_SYSTEM_CRASH] = "system-crash",
	[EXIT_DEBUG] = "debug",
	[EXIT_OTHER] = "other",
};

/* mincore()'s output: static, so the sandbox can allow mincore() into it only. */
static unsigned char vec[16384];

const void *machine_resident_vec(void)
{
	return vec;
}

/* Guest RAM pages resident now (mincore() in chunks: no allocation under the sandbox). */
static uint64_t guest_resident_kib(const struct guest_mem *gm)
{
	uint64_t pages = 0, chunk = sizeof(vec) * 4096;

	for (uint64_t off = 0; off < gm->size; off += chunk) {
		uint64_t len = gm->size - off < chunk ? gm->size - off : chunk;

		if (mincore(gm->hva + off, len, vec) < 0)
			return 0;
		for (uint64_t i = 0; i < (len + 4095) / 4096; i++)
			pages += vec[i] & 1;
	}
	return pages * 4;
}

void machine_print_exit_counts(const struct machine *m)
{
	const char *const *names = exit_names;
	uint64_t total = 0;

	for (unsigned i = 0; i <= EXIT_OTHER; i++)
		total += m->exits[i];
	fprintf(stderr, "vmm: %llu exits to userspace:", (unsigned long long)total);
	for (unsigned i = 0; i <= EXIT_OTHER; i++)
		if (m->exits[i])
			fprintf(stderr, " %s %llu", names[i], (unsigned long long)m->exits[i]);
	fputc('\n', stderr);
	if (m->serial_ring.ring)
		fprintf(stderr, "vmm: %llu serial writes queued by KVM without an exit%s\n",
			(unsigned long long)m->serial_ring.taken,
			m->serial_ring.bad ? " (its ring was out of range: some were dropped)" : "");
}

/* The busiest ports, most exits first. */
static void top_ports(const struct machine *m, struct timing *t)
{
	t->nports = 0;
	for (unsigned port = 0; port < 65536; port++) {
		uint64_t c = m->port_exits[port];
		unsigned i;

		if (!c || (t->nports == TIMING_TOP_PORTS && t->ports[TIMING_TOP_PORTS - 1].count >= c))
			continue;
		i = t->nports < TIMING_TOP_PORTS ? t->nports++ : TIMING_TOP_PORTS - 1;
		for (; i > 0 && t->ports[i - 1].count < c; i--)
			t->ports[i] = t->ports[i - 1];
		t->ports[i].port = (uint16_t)port;
		t->ports[i].count = c;
	}
}

/* KVM's counters summed over every vCPU (the same names, in vCPU 0's order). */
static void read_kvm_counters(struct machine *m, struct timing *t)
{
	static struct timing_counter more[TIMING_MAX_COUNTERS];
	const char *missing;

	t->nkvm = vcpu_read_stats(m->vcpu, t->kvm, TIMING_MAX_COUNTERS, &t->kvm_missing);
	for (unsigned c = 1; c < m->ncpus; c++) {
		unsigned n = vcpu_read_stats(m->vcpus[c], more, TIMING_MAX_COUNTERS, &missing);

		for (unsigned i = 0; i < n; i++) {
			unsigned k = 0;

			while (k < t->nkvm && strcmp(t->kvm[k].name, more[i].name))
				k++;
			if (k < t->nkvm)
				t->kvm[k].value += more[i].value;
			else if (t->nkvm < TIMING_MAX_COUNTERS) /* zero on vCPU 0 */
				t->kvm[t->nkvm++] = more[i];
		}
	}
}

void machine_print_timing(struct machine *m)
{
	struct timing *t = m->timing;
	struct rusage ru;

	read_kvm_counters(m, t);
	for (unsigned i = 0; i <= EXIT_OTHER && t->nuser < 16; i++) {
		if (!m->exits[i])
			continue;
		snprintf(t->user[t->nuser].name, sizeof(t->user[0].name), "%s", exit_names[i]);
		t->user[t->nuser++].value = m->exits[i];
	}
	top_ports(m, t);
	t->console_bytes = m->out.bytes;
	t->console_writes = m->out.writes;
	t->console_queued = m->serial_ring.taken;
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		t->user_ns = (uint64_t)ru.ru_utime.tv_sec * 1000000000ULL + (uint64_t)ru.ru_utime.tv_usec * 1000;
		t->sys_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000ULL + (uint64_t)ru.ru_stime.tv_usec * 1000;
		uint64_t guest = guest_resident_kib(&m->mem);

		/* 0 rather than a wrap where mincore() counts more than the peak did. */
		t->peak_rss_kib = (uint64_t)ru.ru_maxrss > guest ? (uint64_t)ru.ru_maxrss - guest : 0;
	}
	if (m->timing_format == TIMING_JSON)
		timing_print_json(stderr, t);
	else
		timing_print_text(stderr, t);
}
