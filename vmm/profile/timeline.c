/* timeline.c: --trace: one Chrome trace of a run (vmm's phases, guest phases per vCPU, exit counters, console lines). */
#include "vmm/profile/timeline.h"

#include <stdio.h>

#include "devices/debug_port.h"
#include "vmm/profile/trace_json.h"

#define PID 1

static int write_names(struct trace_json *t, const struct timeline_input *in)
{
	char name[32];
	int r = trace_json_process_name(t, PID, "vmm");

	if (r == 0)
		r = trace_json_thread_name(t, PID, TIMELINE_TID_VMM, "vmm phases");
	if (r == 0)
		r = trace_json_thread_name(t, PID, TIMELINE_TID_CONSOLE, "console");
	for (unsigned i = 0; r == 0 && i < in->ncpus; i++) {
		snprintf(name, sizeof(name), "vCPU %u", i);
		r = trace_json_thread_name(t, PID, i, name);
	}
	return r;
}

/* Stamped phases are in time order (each is stamped once, as the run passes it). */
static int write_phases(struct trace_json *t, const struct timing *tm)
{
	uint64_t from = 0;
	int r = 0;

	for (unsigned p = 0; r == 0 && p < TIMING_PHASES; p++) {
		if (!tm->at[p] || tm->at[p] < from)
			continue;
		r = trace_json_slice(t, timing_phase_name(p), "vmm", PID, TIMELINE_TID_VMM, from,
				     tm->at[p] - from);
		from = tm->at[p];
	}
	for (unsigned i = 0; r == 0 && i < tm->nevents; i++)
		r = trace_json_instant(t, timing_signal_name(tm->events[i].sig), "boot-done", PID,
				       TIMELINE_TID_VMM, tm->events[i].at);
	for (unsigned i = 0; r == 0 && i < tm->ncodes; i++) {
		char name[48];

		debug_port_describe(tm->codes[i].code, name, sizeof(name));
		r = trace_json_instant(t, name, "debug-port", PID, TIMELINE_TID_VMM, tm->codes[i].at);
	}
	for (unsigned i = 0; r == 0 && i < tm->nguest; i++) /* --phases: the kernel's points */
		r = trace_json_instant(t, tm->guest[i].name, "kernel-point", PID, TIMELINE_TID_VMM,
				       tm->guest[i].at);
	return r;
}

/* Runs of samples of one class on vCPU `cpu`, each a slice to the next run's start. */
static int write_guest_cpu(struct trace_json *t, const struct timeline_input *in, unsigned cpu)
{
	const struct prof_sample *run = NULL;
	uint64_t last = 0;
	int r = 0;

	for (size_t i = 0; r == 0 && i <= in->n; i++) {
		const struct prof_sample *s = i < in->n ? &in->s[i] : NULL;

		if (s && s->cpu != cpu)
			continue;
		if (run && (!s || s->cls != run->cls))
			r = trace_json_slice(t, prof_class_name(run->cls, in->decompressor), "guest",
					     PID, cpu, run->t_ns,
					     (s ? s->t_ns : last + in->period_ns) - run->t_ns);
		if (s && (!run || s->cls != run->cls))
			run = s;
		if (s)
			last = s->t_ns;
	}
	return r;
}

/* One counter event per bucket, every kind that ever had an exit as a series. */
static int write_exits(struct trace_json *t, const struct timeline_input *in)
{
	const char *series[32];
	int64_t values[32];
	unsigned used[32], nused = 0;
	int r = 0;

	for (unsigned k = 0; k < in->nkinds && nused < 32; k++) {
		uint64_t sum = 0;

		for (size_t b = 0; b < in->nbuckets; b++)
			sum += in->exits[b * in->nkinds + k];
		if (sum)
			used[nused++] = k;
	}
	for (size_t b = 0; r == 0 && nused && b <= in->nbuckets; b++) {
		for (unsigned j = 0; j < nused; j++) {
			series[j] = in->kind_names[used[j]];
			values[j] = b < in->nbuckets ? in->exits[b * in->nkinds + used[j]] : 0;
		}
		r = trace_json_counter(t, "exits to vmm per 10 ms", PID, b * TIMELINE_BUCKET_NS,
				       series, values, nused);
	}
	return r;
}

int timeline_write(const struct timeline_input *in, FILE *f)
{
	struct trace_json t;
	int r = trace_json_begin(&t, f);

	if (r == 0)
		r = write_names(&t, in);
	if (r == 0 && in->timing)
		r = write_phases(&t, in->timing);
	for (unsigned c = 0; r == 0 && c < in->ncpus; c++)
		r = write_guest_cpu(&t, in, c);
	if (r == 0)
		r = write_exits(&t, in);
	for (size_t i = 0; r == 0 && i < in->nlines; i++)
		r = trace_json_instant(&t, in->lines[i].text, "console", PID, TIMELINE_TID_CONSOLE,
				       in->lines[i].t_ns);
	return r == 0 ? trace_json_end(&t) : r;
}
