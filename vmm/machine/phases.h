/* phases.h: --phases at run time: every vCPU's debug registers armed at the kernel's boot points and re-armed as it passes them, a probe that they fire, the report. */
#ifndef VMM_MACHINE_PHASES_H
#define VMM_MACHINE_PHASES_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "mmu/guest_mem.h"
#include "vmm/boot.h"
#include "vmm/config.h"
#include "vmm/kvm/kvm.h"
#include "vmm/profile/boot_phases.h"
#include "vmm/timing.h"

struct phases {
	struct boot_phases b;	    /* the schedule and the times: under `lock` */
	struct symtab own;	    /* loaded here when no sampler did */
	const struct symtab *syms;
	struct vcpu *const *vcpus;  /* the machine's; vcpus[0] runs the probe */
	const pthread_t *threads;   /* each vCPU's thread, to kick when the set changes */
	const unsigned *aps_started; /* threads[1..*aps_started] exist */
	unsigned ncpus;
	const struct guest_mem *mem;
	struct timing *t;
	uint64_t probe_rip;	    /* the first instruction's RIP */
	uint64_t probe_at;	    /* and its linear address: armed until it fires */
	bool probing, on;
	const char *off;	    /* why it stopped; "" while on */
	bool stopped;		    /* the vCPU threads are being joined: kick none */
	pthread_mutex_t lock;
	unsigned gen;		    /* the armed set's version (each change adds one; atomic) */
	unsigned armed_gen[CONFIG_MAX_CPUS]; /* the version each vCPU has armed (its own thread's) */
};

/*
 * Before the machine starts: the points from --symbols (`syms` where the sampler loaded
 * them, else loaded here) for a kernel at its link-time addresses: an ELF or PVH entry, or a
 * bzImage told nokaslr (else -EINVAL: the message names nokaslr). `kernel_entry`: the
 * payload's physical entry (a bzImage's kernel proper); `entry`: the entry state (its first
 * instruction is the probe's).
 */
int phases_init(struct phases *ph, const struct config *cfg, const struct symtab *syms,
		const struct entry_state *entry, uint64_t kernel_entry,
		const struct guest_mem *mem, struct timing *t);
/* The boot CPU's state loaded, before any vCPU runs: the probe and the first points armed
 * on vCPU 0 (the others arm at their first exit). */
int phases_start(struct phases *ph, struct vcpu *const *vcpus, unsigned ncpus,
		 const pthread_t *threads, const unsigned *aps_started);
/* Before each KVM_RUN of vCPU `cpu`, after its exit request was cleared: its registers brought
 * up to date (a kick that came before the clear was wiped out with it). */
void phases_before_run(struct phases *ph, unsigned cpu);
/* After each exit of vCPU `cpu`, on its thread: a point passed (the set changes: every other
 * vCPU is kicked to arm it), the probe decided, this vCPU's registers brought up to date. */
void phases_after_exit(struct phases *ph, unsigned cpu, const struct vm_exit *e);
/* Before the vCPU threads are joined: no more kicks. */
void phases_stop(struct phases *ph);
/* At the end, every vCPU stopped: the report on stderr. */
void phases_finish(struct phases *ph);

#endif
