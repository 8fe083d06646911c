/* machine.h: one VM: guest RAM, devices, the KVM VM and vCPU, and the run loop. */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "mmu/guest_mem.h"
#include "loader/acpi.h"
#include "vmm/config.h"
#include "vmm/machine/board.h"
#include "vmm/console/input.h"
#include "vmm/console/output.h"
#include "vmm/machine/flush_timer.h"
#include "vmm/machine/phases.h"
#include "vmm/machine/sampler.h"
#include "vmm/machine/dispatch.h"
#include "vmm/kvm/coalesced.h"
#include "vmm/kvm/kvm.h"
#include "vmm/load.h"
#include "vmm/console/panic_watch.h"
#include "vmm/console/text_watch.h"
#include "vmm/timing.h"

#define MACHINE_MAX_VIOLATIONS 32

struct machine {
	struct guest_mem mem;
	struct entry_state entry;
	struct pt_result pt;
	struct load_result load;
	/* entry_validate() findings, "name: detail" each. */
	char violations[MACHINE_MAX_VIOLATIONS][320];
	unsigned nviolations;
	struct dispatch io;
	struct board board;	/* the devices on io's buses */
	bool acpi;		/* tables written (not --no-acpi) */
	struct acpi_tables acpi_tables;
	/* --timing: the timeline (owned by main), its format, the marker. */
	struct timing *timing;
	int timing_format; /* enum config_timing */
	bool watch_marker;
	const char *marker_text;
	struct text_watch marker;
	bool discard_output; /* fuzz mode: the console is watched, not written */
	/* Fuzz mode: no virtual PMU where KVM lets vmm choose (vm_pmu_off()): the reset then
	 * need not put the PMU's MSRs back, nor can counter overflows end runs at times of the
	 * host's making. */
	bool no_pmu;
	/* Fuzz mode: the dirty log as KVM's dirty ring of at most this many bytes where it has
	 * one (vm_dirty_ring_enable()); 0: its bitmap. */
	uint32_t dirty_ring_bytes;
	bool uart_line;	     /* the UART's IRQ line inside KVM as vmm last set it */
	uint64_t run_deadline_ns; /* fuzz mode: machine_step() runs nothing from then on */
	uint32_t port_exits[65536]; /* userspace I/O exits by port */
	struct panic_watch panic;
	unsigned timeout_ms; /* 0: none */
	bool verbose;	    /* print exit counts at the end */
	uint64_t exits[EXIT_OTHER + 1]; /* VM exits seen, by kind */
	struct vm *vm;
	struct vcpu *vcpu; /* the boot CPU, vcpus[0] */
	unsigned ncpus;
	struct vcpu *vcpus[CONFIG_MAX_CPUS];
	/* threads[0] is the caller of machine_start() (the boot CPU's); the
	 * others run one vCPU each from machine_start_aps() on. */
	pthread_t threads[CONFIG_MAX_CPUS];
	unsigned aps_started;
	/* The VM's end as another vCPU saw it: set once under `lock`, then the
	 * boot CPU's thread is kicked; `over` tells every vCPU thread to stop. */
	bool ended, over;
	int end_status;
	const char *end_why;
	unsigned end_cpu;
	/* Console output, batched across exits (vmm/machine/console_out.c):
	 * out_lock guards it and is never held across a write (it is taken
	 * inside `lock` where both are held); out_room: the writer made room. */
	struct console_out out;
	pthread_mutex_t out_lock;
	pthread_cond_t out_room;
	/* Bytes a write error other than a gone reader discarded (ENOSPC, EFBIG...), and the
	 * first such error: said once at the end. Only the boot CPU's thread writes them. */
	uint64_t out_discarded;
	int out_errno;
	struct flush_timer flush;
	struct sampler *prof; /* --profile, --trace (owned by main); NULL: neither */
	struct phases *phases; /* --phases (owned by main); NULL: off */
	/* VMM_TEST_RUN_DELAY_MS: a sleep between the stop check and the first
	 * KVM_RUN, so tests can land a signal exactly there. */
	struct timespec test_run_delay;
	/* THR writes KVM queued without an exit (vmm/machine/serial_ring.c; ring NULL with
	 * --no-serial-coalescing, in fuzz mode, or where KVM cannot), and the thread that kicks
	 * the boot CPU when queued bytes wait a whole tick. */
	struct coalesced_ring serial_ring;
	pthread_t ring_watcher;
	bool ring_watching;
	/* Serialises the console input thread against vCPU device accesses. */
	pthread_mutex_t lock;
	pthread_cond_t rx_space;
	volatile bool quit_requested;
};

/*
 * Allocate RAM, load the kernel described by `cfg`, apply an --entry-state
 * file, write the GDT and page tables, and validate the entry state (the
 * findings land in m->violations). No KVM yet.
 */
int machine_prepare(struct machine *m, const struct config *cfg, struct timing *timing);
/* Create the KVM VM and vCPU and wire the devices. The calling thread
 * becomes the vCPU thread: call machine_run() from it. */
int machine_start(struct machine *m);
/* Give the entry state to the boot CPU; a failure means KVM refused it. */
int machine_load_state(struct machine *m);
/* Start one thread per other vCPU (they wait for INIT/SIPI from the guest);
 * before machine_sandbox(). */
int machine_start_aps(struct machine *m);
/* Let KVM queue the UART's THR writes instead of exiting (and start the watcher thread);
 * before machine_sandbox(). -EOPNOTSUPP where KVM cannot: every write then exits. */
int machine_coalesce_serial(struct machine *m);
/* Hand the queued writes to the UART, in order (under `lock`: before an exit is handled). */
void machine_drain_serial_ring(struct machine *m);
/* Stop and join the watcher thread (idempotent). */
void machine_stop_serial_watch(struct machine *m);
/* Install the seccomp filter (after every setup step); with `selftest` (the
 * VMM_SECCOMP_SELFTEST test hook) then make that forbidden call. */
int machine_sandbox(struct machine *m, const char *selftest);
/* What every filter of a machine allows: its flush timer; never munmap() of its RAM. */
struct sandbox_policy;
void machine_sandbox_common(struct machine *m, struct sandbox_policy *p);
/* Run the boot CPU until the guest ends (on any vCPU), stop the other vCPU
 * threads; returns a VMM_EXIT_* status. */
int machine_run(struct machine *m);
/* Record that vCPU `cpu` ended the VM with `status` and `why`, unless another vCPU did first
 * (the first end wins: its status and registers are reported). */
void machine_end(struct machine *m, unsigned cpu, int status, const char *why);
/* Every vmm device back to its power-on state. */
void machine_reset_devices(struct machine *m);
/* The IRQ lines vmm's devices drive inside KVM back low (before KVM's PIC and IOAPIC state
 * is put back; uart8250_init() starts low without saying so); only a line vmm raised costs
 * an ioctl. */
int machine_lower_device_irqs(struct machine *m);
/* One KVM_RUN and its exit handled (fuzz mode): DISPATCH_CONTINUE or a
 * VMM_EXIT_* status as machine_run() ends with; -EINTR when a stop signal
 * is pending (nothing run), -EIO when KVM_RUN failed (err_msg() says why). */
int machine_step(struct machine *m, struct vm_exit *e, const char **why);
/* For the vCPU threads (vmm/machine/vcpu_threads.c): count an exit; handle it under
 * the lock (DISPATCH_CONTINUE or the VM's end status); stop every other
 * vCPU thread and wait for it (idempotent; from the boot CPU's thread). */
void machine_count_exit(struct machine *m, const struct vm_exit *e);
int machine_handle_exit(struct machine *m, const struct vm_exit *e, const char **why);
void machine_stop_aps(struct machine *m);
/* Console output (vmm/machine/console_out.c). From the boot CPU's thread
 * before KVM_RUN: write the batch once due, and until there is room for
 * every vCPU's next exit (returns early on a stop). From another vCPU's
 * thread before KVM_RUN: wait for that room (or for `over`). Wake those
 * waiters (after setting `over`). At the end, every other vCPU stopped:
 * write the rest, blocking only while no stop is pending, then only what
 * goes without blocking; a note on stderr counts what was left. */
void machine_poll_output(struct machine *m);
void machine_wait_output_room(struct machine *m);
void machine_wake_output_waiters(struct machine *m);
void machine_flush_output(struct machine *m);
/* At the end (vmm/machine/report.c): --timing's figures, --verbose's exit counts. */
void machine_print_timing(struct machine *m);
void machine_print_exit_counts(const struct machine *m);
/* The buffer --timing's mincore() writes into (the only one the sandbox allows). */
const void *machine_resident_vec(void);
/* Where the console's input thread hands typed bytes and Ctrl-A x. */
struct console_sink machine_console_sink(struct machine *m);
/* Ask the run loop to stop (from another thread): machine_run() returns 0. */
void machine_request_quit(struct machine *m);

#endif
