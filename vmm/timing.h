/* timing.h: the boot timeline (--timing): phase timestamps, boot-done signals, exit counts, host cost. */
#ifndef VMM_TIMING_H
#define VMM_TIMING_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/config.h"

/* Phases in the order a run passes them; each is stamped once, the first time. */
enum timing_phase {
	TIMING_PARSED,	      /* options parsed */
	TIMING_FILES_MAPPED,  /* kernel and initrd mapped */
	TIMING_DECODED,	      /* image checked, decompressed (ELF/PVH of a bzImage) and placed */
	TIMING_VM_CREATED,    /* KVM_CREATE_VM, irqchip and PIT */
	TIMING_RAM_REGISTERED, /* KVM_SET_USER_MEMORY_REGION */
	TIMING_VCPU_CREATED,  /* KVM_CREATE_VCPU, CPUID, LAPIC */
	TIMING_STATE_LOADED,  /* entry state in the vCPU */
	TIMING_FIRST_RUN,     /* first KVM_RUN */
	TIMING_FIRST_SERIAL,  /* first byte the guest wrote to COM1 */
	TIMING_BOOT_DONE,     /* the first boot-done signal (see below) */
	TIMING_EXIT,	      /* the run ended */
	TIMING_PHASES,
};

/* Boot-done signals: Firecracker's boot timer (123 to port 0x3f0 or MMIO
 * 0xd0000000), the debug-exit port, and the --timing-marker text. */
enum timing_signal { TIMING_SIG_PORT, TIMING_SIG_MMIO, TIMING_SIG_DEBUG_EXIT,
		     TIMING_SIG_MARKER, TIMING_SIGNALS };

#define TIMING_MAX_EVENTS 16
#define TIMING_MAX_DEBUG_CODES 64
#define TIMING_MAX_COUNTERS 48
#define TIMING_TOP_PORTS 8
#define TIMING_MAX_GUEST_PHASES CONFIG_MAX_PHASES /* --phases' points, at most */

struct timing_counter {
	char name[48];
	uint64_t value;
};

struct timing {
	uint64_t start_ns;		 /* CLOCK_MONOTONIC at process start (main) */
	uint64_t at[TIMING_PHASES];	 /* ns since start; 0 = not reached */
	struct {
		enum timing_signal sig;
		uint64_t at;
	} events[TIMING_MAX_EVENTS];	 /* every boot-done signal, in order */
	unsigned nevents;
	struct {
		uint8_t code;
		uint64_t at;
	} codes[TIMING_MAX_DEBUG_CODES]; /* port 0x80 writes, the first ones, in order */
	unsigned ncodes;
	uint64_t codes_total;		 /* all of them, also those past the array */
	struct {
		const char *name;	 /* boot_phases.c's own, or a --phase argument: they outlive it */
		uint64_t at;
	} guest[TIMING_MAX_GUEST_PHASES]; /* --phases: the kernel's points as breakpoints saw them */
	unsigned nguest;
	/* Filled at the end by the machine: */
	struct timing_counter kvm[TIMING_MAX_COUNTERS]; /* KVM's binary stats (all exits) */
	unsigned nkvm;
	const char *kvm_missing;	 /* why there are none (e.g. no KVM_GET_STATS_FD) */
	struct timing_counter user[16];	 /* exits that reached vmm, by reason */
	unsigned nuser;
	struct { uint16_t port; uint64_t count; } ports[TIMING_TOP_PORTS]; /* busiest I/O ports */
	unsigned nports;
	uint64_t user_ns, sys_ns;	 /* vmm's host CPU time */
	uint64_t peak_rss_kib;		 /* peak RSS minus guest RAM still resident */
	uint64_t console_bytes, console_writes; /* guest serial output and the write()s it took */
	uint64_t console_queued; /* serial port writes KVM queued without an exit (coalesced) */
};

/* Current CLOCK_MONOTONIC time in ns. */
uint64_t timing_now(void);
/* Start the timeline (t = 0). */
void timing_start(struct timing *t, uint64_t now_ns);
/* Stamp `p` at `now_ns` unless it already has a time. */
void timing_mark(struct timing *t, enum timing_phase p, uint64_t now_ns);
/* Record a boot-done signal (and stamp TIMING_BOOT_DONE the first time). */
void timing_signal(struct timing *t, enum timing_signal s, uint64_t now_ns);

/* Record a guest phase (--phases) reached at `now_ns`; `name` must outlive the timeline. */
void timing_guest_phase(struct timing *t, const char *name, uint64_t now_ns);

/* Record a code written to the debug port (0x80). */
void timing_debug_code(struct timing *t, uint8_t code, uint64_t now_ns);

const char *timing_phase_name(enum timing_phase p);
const char *timing_signal_name(enum timing_signal s);

/* The report, for people (several lines) or as one JSON object on one line. */
void timing_print_text(FILE *f, const struct timing *t);
void timing_print_json(FILE *f, const struct timing *t);

#endif
