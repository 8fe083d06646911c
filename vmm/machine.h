/* machine.h: one VM: guest RAM, devices, the KVM VM and vCPU, and the run loop. */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "devices/boot_timer.h"
#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/rtc_cmos.h"
#include "devices/uart8250.h"
#include "mmu/guest_mem.h"
#include "vmm/config.h"
#include "vmm/console_out.h"
#include "vmm/flush_timer.h"
#include "vmm/dispatch.h"
#include "vmm/kvm.h"
#include "vmm/load.h"
#include "vmm/panic_watch.h"
#include "vmm/text_watch.h"
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
	struct uart8250 uart;
	struct i8042 i8042;
	struct debug_exit debug_exit;
	struct rtc_cmos rtc;
	struct boot_timer boot_timer;
	/* --timing: the timeline (owned by main), its format, the marker. */
	struct timing *timing;
	int timing_format; /* enum config_timing */
	bool watch_marker;
	const char *marker_text;
	struct text_watch marker;
	bool discard_output; /* fuzz mode: the console is watched, not written */
	uint64_t run_deadline_ns; /* fuzz mode: machine_step() runs nothing from then on */
	uint32_t port_exits[65536]; /* userspace I/O exits by port */
	struct panic_watch panic;
	unsigned timeout_ms; /* 0: none */
	bool verbose;	    /* print exit counts at the end */
	uint64_t exits[EXIT_OTHER + 1]; /* VM exits seen, by kind */
	struct vm *vm;
	struct vcpu *vcpu;
	/* Console output, batched across exits; written outside the lock. */
	struct console_out out;
	struct flush_timer flush;
	/* VMM_TEST_RUN_DELAY_MS: a sleep between the stop check and the first
	 * KVM_RUN, so tests can land a signal exactly there. */
	struct timespec test_run_delay;
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
/* Give the entry state to the vCPU; a failure means KVM refused it. */
int machine_load_state(struct machine *m);
/* Install the seccomp filter (after every setup step). */
int machine_sandbox(struct machine *m);
/* Run until the guest ends; returns a VMM_EXIT_* status. */
int machine_run(struct machine *m);
/* Every vmm device back to its power-on state. */
void machine_reset_devices(struct machine *m);
/* One KVM_RUN and its exit handled (fuzz mode): DISPATCH_CONTINUE or a
 * VMM_EXIT_* status as machine_run() ends with; -EINTR when a stop signal
 * is pending (nothing run), -EIO when KVM_RUN failed (err_msg() says why). */
int machine_step(struct machine *m, struct vm_exit *e, const char **why);
/* Console input: hand bytes to the UART, waiting while its FIFO is full. */
void machine_console_input(struct machine *m, const uint8_t *buf, size_t n);
/* Ask the run loop to stop (from another thread): machine_run() returns 0. */
void machine_request_quit(struct machine *m);

#endif
