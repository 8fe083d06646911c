/* exitcode.h: vmm's process exit statuses (documented in README.md, "Exit codes"). */
#ifndef VMM_EXITCODE_H
#define VMM_EXITCODE_H

#include <stdint.h>

enum vmm_exit {
	VMM_EXIT_OK = 0,	   /* guest rebooted (i8042 reset) or powered off */
	VMM_EXIT_USAGE = 1,	   /* bad option, unreadable or malformed input */
	VMM_EXIT_HOST = 2,	   /* KVM or host resource failure during setup */
	VMM_EXIT_TRIPLE_FAULT = 3, /* KVM_EXIT_SHUTDOWN */
	VMM_EXIT_ENTRY_FAIL = 4,   /* KVM_EXIT_FAIL_ENTRY: invalid guest state */
	VMM_EXIT_INTERNAL = 5,	   /* KVM internal/emulation error, KVM_RUN failure,
				    * or an exit the VMM does not handle */
	VMM_EXIT_KVM_REFUSED = 6,  /* KVM_SET_SREGS/REGS rejected the entry state */
	VMM_EXIT_PANIC = 7,	   /* the guest rebooted after "Kernel panic" */
	VMM_EXIT_TIMEOUT = 8,	   /* --timeout reached */
	VMM_EXIT_DEBUG_BASE = 64,  /* + (value & 63) written to the debug-exit port */
	VMM_EXIT_SIGNAL_BASE = 128, /* + N: stopped by SIGTERM, SIGHUP or SIGINT (N) */
};

/* The status for a guest's write of `value` to the debug-exit port: 64 + its low 6 bits. */
static inline int vmm_exit_debug(uint64_t value)
{
	return VMM_EXIT_DEBUG_BASE + (int)(value & 63);
}

#endif
