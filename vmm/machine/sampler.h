/* sampler.h: --profile and --trace at run time: a sampling timer per vCPU thread, exit and console records, the files at the end. */
#ifndef VMM_MACHINE_SAMPLER_H
#define VMM_MACHINE_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mmu/guest_mem.h"
#include "vmm/config.h"
#include "vmm/kvm/kvm.h"
#include "vmm/profile/stack.h"
#include "vmm/profile/symbols.h"
#include "vmm/profile/timeline.h"
#include "vmm/timing.h"

/* Samples kept (~270 bytes each, touched only as used): 4.4 minutes at 1000 Hz. */
#define SAMPLER_MAX_SAMPLES (1u << 18)
/* Exit counters: 10 minutes of 10 ms buckets; console lines kept. */
#define SAMPLER_MAX_BUCKETS 60000u
#define SAMPLER_MAX_LINES 16384u
#define SAMPLER_PROFILE_SIGNAL SIGPROF

struct sampler {
	bool profile, trace;
	unsigned hz, ncpus;
	uint64_t period_ns;
	const struct timing *timing;
	const struct guest_mem *mem;
	bool decompressor;	/* a bzImage boot path */
	bool kaslr;		/* the kernel may have moved itself (no nokaslr) */
	struct symtab syms;
	bool have_syms;
	FILE *folded, *trace_file;
	const char *folded_path;
	/* Samples: a slot is claimed with an atomic add, by any vCPU thread. */
	struct prof_sample *s;
	size_t n, cap;
	uint64_t dropped;
	uint64_t kernel_cr3;	/* a ring-0 CR3 of the kernel half, for the KASLR slide */
	bool kernel_la57;	/* its tables are 5-level (CR4.LA57: the CPU has LA57) */
	bool kernel32_taken;	/* kernel32 holds a 32-bit kernel sample's registers */
	struct vcpu_regs kernel32; /* vCPU 0's last, for a 32-bit kernel's KASLR slide (its IDT) */
	timer_t timer[CONFIG_MAX_CPUS];
	bool timer_ok[CONFIG_MAX_CPUS];
	unsigned attached;	/* vCPU threads whose timer is set */
	/* --trace: exits to vmm per bucket and kind; console lines. */
	uint32_t *exits;
	struct timeline_line *lines;
	size_t nlines;
	char cur[TIMELINE_LINE_MAX + 1];
	size_t curlen;
};

/*
 * Before the machine starts: load --symbols, open --profile-out and --trace
 * (they are written at the end, under the sandbox), reserve the buffers.
 * `proto` and `cmdline` tell whether a decompressor runs and may randomise
 * the kernel's place. -errno with a message.
 */
int sampler_init(struct sampler *p, const struct config *cfg, unsigned ncpus,
		 const struct guest_mem *mem, enum boot_proto proto, const struct timing *t);
/* From vCPU `cpu`'s own thread, before the sandbox: its timer, SIGPROF at
 * `hz` to this thread, which sets c's immediate_exit. */
int sampler_attach(struct sampler *p, struct vcpu *c, unsigned cpu);
/* After each KVM_RUN of vCPU `cpu` (its thread): one sample if its timer fired. */
void sampler_after_run(struct sampler *p, struct vcpu *c, unsigned cpu);
/* An exit that reached vmm (any thread), and a console byte. */
void sampler_exit(struct sampler *p, unsigned kind);
void sampler_console(struct sampler *p, uint8_t c);
/* The descriptors written at the end (for the sandbox); returns how many (<= 2). */
unsigned sampler_fds(const struct sampler *p, int fds[2]);
/* At the end, every vCPU stopped: timers off, the report on stderr, the files. */
void sampler_finish(struct sampler *p);

#endif
