/* kvm.h: the VMM's only interface to KVM (vmm/kvm/); callers never see <linux/kvm.h>, kvm_run or the handles inside. */
#ifndef VMM_KVM_KVM_H
#define VMM_KVM_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/guest_mem.h"
#include "vmm/boot.h"
#include "vmm/timing.h"

struct vm;
struct vcpu;

enum exit_kind {
	EXIT_IO,	      /* port I/O: addr = port, data/len/count */
	EXIT_MMIO,	      /* MMIO: addr = GPA, data/len */
	EXIT_INTR,	      /* KVM_RUN interrupted by a signal: just re-run */
	EXIT_HLT,	      /* guest halted (only without an in-kernel irqchip) */
	EXIT_SHUTDOWN,	      /* triple fault */
	EXIT_FAIL_ENTRY,      /* VM entry failed; detail = hardware reason */
	EXIT_INTERNAL,	      /* KVM internal error; detail = suberror */
	EXIT_SYSTEM_SHUTDOWN, /* KVM_EXIT_SYSTEM_EVENT shutdown */
	EXIT_SYSTEM_RESET,    /* KVM_EXIT_SYSTEM_EVENT reset */
	EXIT_SYSTEM_CRASH,    /* KVM_EXIT_SYSTEM_EVENT crash */
	EXIT_DEBUG,	      /* vcpu_set_debug(): addr = linear RIP, count = vector (1 #DB, 3 #BP) */
	EXIT_OTHER,	      /* anything else; reason = KVM exit reason */
};

struct vm_exit {
	enum exit_kind kind;
	uint64_t addr;
	uint8_t *data; /* IO: count * len bytes; MMIO: len bytes */
	unsigned len, count;
	bool is_write;
	uint32_t reason; /* raw KVM exit reason */
	uint64_t detail;
	bool has_rip;	 /* vcpu_sync_regs() is on: rip is the guest's RIP at the exit */
	uint64_t rip;
};

/* Open /dev/kvm, create the VM (irqchip, PIT, TSS) and map `gm` into it;
 * stamps TIMING_VM_CREATED and TIMING_RAM_REGISTERED in `t`. */
int vm_create(struct vm **out, const struct guest_mem *gm, struct timing *t);
void vm_destroy(struct vm *vm);
/* Before any vCPU exists: no virtual PMU for them (KVM_CAP_PMU_CAPABILITY's
 * KVM_PMU_CAP_DISABLE) where KVM offers the choice. Either way the VM then knows whether its
 * vCPUs have one (fuzz mode: the reset leaves out the MSRs a guest cannot reach). */
int vm_pmu_off(struct vm *vm);
/* Drive ISA interrupt line `irq` of the in-kernel PIC/IOAPIC. */
int vm_irq_line(struct vm *vm, unsigned irq, bool level);

/* PIT counter `ch` (0-2) as KVM_GET_PIT2 gives it: its mode, its count (0x10000 for a
 * loaded 0) and when the count was loaded (CLOCK_MONOTONIC ns, KVM's ktime_get()). */
int vm_pit_counter(struct vm *vm, unsigned ch, uint8_t *mode, uint32_t *count,
		   int64_t *load_ns);

/* Wire ISA IRQ 0 to IOAPIC pin 2, as on a PC (with the ACPI tables' MADT). */
int vm_route_pc_irqs(struct vm *vm);
/* -EINVAL (message naming --cpus) if KVM cannot run `n` vCPUs in one VM. */
int vm_check_vcpus(struct vm *vm, unsigned n);
/* Byte writes to ports [port, port + size) no longer exit: KVM queues them in the VM's
 * coalesced-write ring (vmm/kvm/coalesced.h). -EOPNOTSUPP where KVM cannot. */
int vm_coalesce_pio(struct vm *vm, uint16_t port, uint32_t size);
/* The VM's coalesced-write ring as vCPU `c`'s mapping shows it (one page, shared by all). */
struct coalesced_ring;
int vcpu_coalesced_ring(struct vcpu *c, struct coalesced_ring *out);

/* Create vCPU `index` of `ncpus` (its APIC ID) with the host-supported CPUID
 * describing that vCPU; every vCPU but index 0 waits for INIT/SIPI. */
int vcpu_create(struct vm *vm, unsigned index, unsigned ncpus, struct vcpu **out);
/*
 * As firmware does for the boot CPU once every vCPU exists: virtual-wire mode,
 * PIC interrupts through LINT0 (ExtINT) and NMI through LINT1 (MP spec
 * §3.6.2.2), by KVM_SET_LAPIC. Only after the last vCPU is created: KVM builds
 * its map of APIC IDs (the one that delivers IPIs) when it resets a vCPU being
 * created, before that vCPU counts as online, so the last one created is left
 * out until the map is built again; KVM_SET_LAPIC builds it again
 * (kvm_apic_set_state() in arch/x86/kvm/lapic.c). Before, the LAPIC was set
 * while vCPU 0 was created: a guest that never touches its LAPIC's registers
 * (memtest86+) could not start the last vCPU (its INIT was dropped: vCPU 1 of
 * 2 stayed KVM_MP_STATE_UNINITIALIZED, nested on Debian's 6.1 KVM).
 */
int vcpu_virtual_wire(struct vcpu *c);
/* The only place that sets registers: load `s` into the vCPU. */
int vcpu_load_state(struct vcpu *c, const struct boot_cpu *s);
/* Make the current or next KVM_RUN return at once (kvm_run->immediate_exit;
 * async-signal-safe), and undo it. */
void vcpu_request_exit(struct vcpu *c);
void vcpu_clear_exit_request(struct vcpu *c);
/*
 * Guest debugging (KVM_SET_GUEST_DEBUG): execute breakpoints at the linear addresses
 * addr[0..n) in DR0-DR3 (n <= VCPU_BREAKPOINTS; the guest's own debug registers are kept
 * aside), and with the flags: VCPU_DEBUG_SOFT, every INT3 the guest executes exits as
 * EXIT_DEBUG vector 3 (vmm patches them in: a hardware breakpoint needs the CPU to honour
 * DR7 for the guest, which a nested TCG L1 does not); VCPU_DEBUG_STEP, an EXIT_DEBUG after
 * every instruction; VCPU_DEBUG_INJECT_DB or _BP, the #DB or #BP that just exited goes to
 * the guest at the next entry (it was the guest's own: RFLAGS.TF, its DR7, its INT3s), a
 * #DB with the DR6 bits it would have set (dr6_after_guest_db()). n = 0 and no flags: off.
 * A hit exits before the instruction runs.
 */
#define VCPU_BREAKPOINTS 4
#define VCPU_DEBUG_SOFT 1u
#define VCPU_DEBUG_STEP 2u
#define VCPU_DEBUG_INJECT_DB 4u
#define VCPU_DEBUG_INJECT_BP 8u
int vcpu_set_debug(struct vcpu *c, const uint64_t *addr, unsigned n, unsigned flags);
/* Run on past the hardware breakpoint that just fired, leaving it armed (RFLAGS.RF). */
int vcpu_resume_over_breakpoint(struct vcpu *c);
/* Put RIP at `rip` (after a software breakpoint: back onto the restored instruction). */
int vcpu_set_rip(struct vcpu *c, uint64_t rip);
/* Have KVM copy the general registers into kvm_run at every exit (KVM_CAP_SYNC_REGS,
 * KVM_SYNC_X86_REGS), so each decoded exit carries the guest's RIP without a KVM_GET_REGS;
 * 1 if on, 0 where the kernel does not offer it. */
int vcpu_sync_regs(struct vcpu *c);
/* KVM_RUN once and decode the exit; -errno if the ioctl failed. */
int vcpu_run(struct vcpu *c, struct vm_exit *out);
/* Finish what the last exit left half done inside KVM (an MMIO read, a string
 * I/O instruction: api.rst, the note under KVM_EXIT_MMIO): KVM_RUN with
 * immediate_exit, so no further guest instruction runs. Before any state is
 * saved, compared or put back, or the next KVM_RUN completes the old
 * instruction against the new state. */
int vcpu_finish_pending_io(struct vcpu *c);
/* Whether KVM_RUN was called since the last vm_snapshot_restore() (or ever). */
bool vcpu_entered(const struct vcpu *c);
/* Whether the last KVM_RUN's exit may have left an instruction half done (false after a
 * shutdown, a failed entry, a debug exit, a signal: vcpu_finish_pending_io() then has
 * nothing to do but enter and leave). */
bool vcpu_io_may_be_pending(const struct vcpu *c);
/* Print the vCPU's registers, control registers and segments to `f`. */
void vcpu_dump(struct vcpu *c, FILE *f);

/* Open the vCPU's statistics and read their descriptors (for --timing only,
 * before the sandbox: only pread() of the values is left for the end). Not
 * fatal: vcpu_read_stats() then says why there are none. */
void vcpu_open_stats(struct vcpu *c);
/* KVM's counters for the vCPU (every exit, also those KVM handles itself),
 * the non-zero cumulative ones, at most `max`; none with *missing saying why
 * where the kernel has no binary statistics. */
unsigned vcpu_read_stats(struct vcpu *c, struct timing_counter *out, unsigned max,
			 const char **missing);
/* The range of statistics descriptors of vCPUs c[0..n) that the end of the
 * run reads with pread() (they are opened one after another); -1, -1 if none. */
void vcpu_stats_fds(struct vcpu *const *c, unsigned n, int *lo, int *hi);

/* Fuzz mode: every block of vCPU and VM state (registers, sregs, FPU, XSAVE,
 * XCRs, MSRs, LAPIC, events, debug registers, mp_state, PIC, IOAPIC, PIT). */
struct vm_snapshot;
int vm_snapshot_save(struct vcpu *c, struct vm_snapshot **out);
/* The reset's test hooks (the fuzz-mode suite's); zeros for none, never NULL. */
struct reset_hooks {
	const char *skip;  /* one block to leave as the run left it, so --check-reset must name it */
	unsigned stall_ms; /* wait this long once the PICs and the IOAPIC are back, as a host
			    * that descheduled vmm there would */
};
/* Every block back (the FPU's through XSAVE's) but the two that vcpu_load_state() writes
 * whole (sregs, regs), which the next run's vm_snapshot_load_state() writes; nothing where
 * the vCPU was not entered since the last restore (then only that load changed it), not
 * the PIT where a run left it as saved without a timer, nor the PIC master or the IOAPIC
 * where they read back as saved. */
int vm_snapshot_restore(struct vcpu *c, const struct vm_snapshot *s, const struct reset_hooks *h);
/* vcpu_load_state() after vm_snapshot_restore(): over the saved sregs (as KVM holds them
 * after a load of the valid state) instead of reading them back. */
int vm_snapshot_load_state(struct vcpu *c, const struct vm_snapshot *s, const struct boot_cpu *st);
/* For --check-reset: sregs and regs back as saved, i.e. as the valid state's load writes them. */
int vm_snapshot_restore_loaded(struct vcpu *c, const struct vm_snapshot *s);
/* How many MSRs the reset puts back; in *hyperv_out and *pmu_out how many of KVM's the
 * snapshot leaves out because the guest cannot reach them, in *read_only_out how many it
 * holds (and --check-reset compares) but does not write, as the guest cannot change them
 * (msr_class.h). */
unsigned vm_snapshot_msrs(const struct vm_snapshot *s, unsigned *hyperv_out, unsigned *pmu_out,
			  unsigned *read_only_out);
/* Read every block back and compare with `ref` (leaving out what runs on by itself: the
 * LAPIC timer count, Hyper-V's runtime and reference counters, the PIT's load times; the TSC
 * must lie between its saved value and that plus the time since the reset wrote it, tsc.h);
 * returns how many differ and names them in `diff`. */
unsigned vm_snapshot_compare(struct vcpu *c, const struct vm_snapshot *ref, char *diff, size_t len);
/* Before any vCPU exists: KVM's dirty ring of at most `max_bytes` per vCPU for the dirty log
 * where KVM has one (KVM_CAP_DIRTY_LOG_RING) and the machine has 1 vCPU; else, or with 0, its
 * bitmap (vm_dirty_ring_entries() says which). */
int vm_dirty_ring_enable(struct vm *vm, unsigned ncpus, uint32_t max_bytes);
/* --hot-pages, before vm_dirty_log_start() and with the bitmap: reading the bitmap neither
 * clears nor write-protects (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2), so a page whose bit is
 * never cleared stays writable and is named by every vm_dirty_pages(); -ENOTSUP without. */
int vm_dirty_log_manual(struct vm *vm);
/* With vm_dirty_log_manual(): clear the bits of pages[0..n) of `slot` and write-protect those
 * pages again (KVM_CLEAR_DIRTY_LOG), so their next write is logged. */
int vm_dirty_reprotect(struct vm *vm, unsigned slot, const uint64_t *pages, uint64_t n);
/* Log the guest's writes to RAM (slot 0: RAM below the hole, 1: above 4 GiB) from now on. */
int vm_dirty_log_start(struct vm *vm, const struct guest_mem *gm);
/* The pages of `slot` written since the last call for it (page indexes within the slot, each
 * once) in (*pages)[0..*n), valid until the next call (for any slot) or KVM_RUN. With a ring it costs what was written;
 * with the bitmap a scan of the slot's (KVM_GET_DIRTY_LOG, which also clears it, but with
 * vm_dirty_log_manual(): then vm_dirty_reprotect() does). */
int vm_dirty_pages(struct vm *vm, unsigned slot, const uint64_t **pages, uint64_t *n);
/* Entries of each vCPU's dirty ring; 0: the dirty log is KVM's bitmap. */
uint32_t vm_dirty_ring_entries(const struct vm *vm);
/* KVM_EXIT_DIRTY_RING_FULL exits so far (KVM's, handled inside vcpu_run()). */
uint64_t vm_dirty_ring_full_exits(const struct vm *vm);
/* 1 if the vCPU is halted (*irqs_off: RFLAGS.IF clear), 0 if not, -errno. */
int vcpu_halted(struct vcpu *c, bool *irqs_off);
/* The guest's RIP now (0 if it cannot be read). */
uint64_t vcpu_rip(struct vcpu *c);

/* What a profile sample needs of a vCPU's registers (--profile). */
struct vcpu_regs {
	uint64_t rip, rsp, rbp;
	uint64_t rdi, rax; /* a call's first argument (--phases): x86-64's, i386's (regparm) */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t idt_base; /* IDTR.base: where a 32-bit kernel's slide is read */
	unsigned cpl;	/* CS.DPL: the privilege level it runs at */
	bool code64;	/* CS.L with EFER.LMA: 64-bit code */
};
/* KVM_GET_REGS and KVM_GET_SREGS into *out (both on the sandbox's list). */
int vcpu_regs(struct vcpu *c, struct vcpu_regs *out);

/* The ioctls the run loops of vCPUs c[0..n) still make (descriptor range,
 * request) for the seccomp filter; returns how many were written to `out`
 * (at most `max`). */
struct sandbox_ioctl;
unsigned vcpu_run_ioctls(struct vcpu *const *c, unsigned n, struct sandbox_ioctl *out,
			 unsigned max);
/* What --phases adds on vCPUs c[0..n): KVM_SET_GUEST_DEBUG and KVM_SET_REGS (RF). */
unsigned vcpu_phases_ioctls(struct vcpu *const *c, unsigned n, struct sandbox_ioctl *out,
			    unsigned max);
/* The same for fuzz mode's one vCPU: a run, its reset (every state block of
 * vm_snapshot_*, the dirty log), progress points (KVM_SET_GUEST_DEBUG). */
unsigned vcpu_fuzz_ioctls(struct vcpu *c, struct sandbox_ioctl *out, unsigned max);

#endif
