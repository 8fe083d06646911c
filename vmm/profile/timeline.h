/* timeline.h: --trace: one Chrome trace of a run (vmm's phases, guest phases per vCPU, exit counters, console lines). */
#ifndef VMM_PROFILE_TIMELINE_H
#define VMM_PROFILE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/profile/stack.h"
#include "vmm/timing.h"

#define TIMELINE_LINE_MAX 120	    /* console bytes kept per line */
#define TIMELINE_BUCKET_NS 10000000ULL /* exit counters: 10 ms buckets */
/* Track ids (Chrome "tid"): vCPU N is N; these follow the largest vCPU id. */
#define TIMELINE_TID_VMM 1000
#define TIMELINE_TID_CONSOLE 1001

struct timeline_line {
	uint64_t t_ns; /* when its newline went out */
	char text[TIMELINE_LINE_MAX + 1];
};

struct timeline_input {
	const struct timing *timing;	/* vmm's phases and boot-done signals */
	unsigned ncpus;
	const struct prof_sample *s;	/* samples (NULL, 0 without --profile) */
	size_t n;
	uint64_t period_ns;		/* between samples */
	bool decompressor;		/* names PROF_EARLY (prof_class_name) */
	const uint32_t *exits;		/* [bucket][kind]: exits to vmm per bucket */
	size_t nbuckets;
	unsigned nkinds;
	const char *const *kind_names;
	const struct timeline_line *lines;
	size_t nlines;
};

/*
 * Write the trace to `f`: vmm's phases as slices on the "vmm" track (each
 * named after the stamp that ends it), boot-done signals there as instant
 * events, the guest's phase by address class as slices per vCPU (runs of
 * samples of one class), the exits that reached vmm by kind as one counter
 * per TIMELINE_BUCKET_NS, and console lines as instants on the "console"
 * track. 0 or -EIO.
 */
int timeline_write(const struct timeline_input *in, FILE *f);

#endif
