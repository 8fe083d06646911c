/* dispatch.h: turns a decoded VM exit into device accesses or a final exit status (KVM-free). */
#ifndef VMM_DISPATCH_H
#define VMM_DISPATCH_H

#include <stdbool.h>

#include "devices/bus.h"
#include "vmm/kvm/kvm.h"

#define DISPATCH_CONTINUE (-1)

struct dispatch {
	struct bus pio, mmio;
	/* Set by a device (i8042 reset, debug exit) to end the run after the
	 * current access; DISPATCH_CONTINUE (initial value) keeps running.
	 * Only the exit during which it was set returns it. */
	int device_status;
	const char *device_why; /* one line for the final report */
};

/*
 * Handle one exit. Port and MMIO accesses go to the buses (unclaimed reads
 * return all-ones, unclaimed writes are dropped; `rep ins/outs` repeat
 * `count` times). Returns DISPATCH_CONTINUE to re-enter the guest, or a
 * VMM_EXIT_* status with `*why` set to a one-line description.
 */
int dispatch_exit(struct dispatch *d, const struct vm_exit *e, const char **why);

/* True if the status ends the run abnormally (the caller dumps registers). */
bool dispatch_is_failure(int status);

#endif
