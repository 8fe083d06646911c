/* dispatch.c: VM-exit classification and bus dispatch, the run loop's pure core. */
#include "vmm/machine/dispatch.h"

#include "vmm/exitcode.h"

static void access_bus(struct bus *b, const struct vm_exit *e)
{
	/* Accesses wider than 8 bytes do not exist on x86; treat as unclaimed. */
	if (e->len == 0 || e->len > 8)
		return;
	for (unsigned i = 0; i < e->count; i++)
		(void)bus_access(b, e->addr, e->data + (size_t)i * e->len,
				 e->len, e->is_write);
}

int dispatch_exit(struct dispatch *d, const struct vm_exit *e, const char **why)
{
	bool ended_before = d->device_status != DISPATCH_CONTINUE;

	switch (e->kind) {
	case EXIT_IO:
		access_bus(&d->pio, e);
		break;
	case EXIT_MMIO:
		access_bus(&d->mmio, e);
		break;
	case EXIT_INTR:
	case EXIT_DEBUG: /* whoever set the breakpoints looks at it; the guest runs on */
		break;
	case EXIT_SYSTEM_SHUTDOWN:
	case EXIT_SYSTEM_RESET:
		*why = "guest requested shutdown/reset";
		return VMM_EXIT_OK;
	case EXIT_SHUTDOWN:
		*why = "guest triple fault (KVM_EXIT_SHUTDOWN)";
		return VMM_EXIT_TRIPLE_FAULT;
	case EXIT_FAIL_ENTRY:
		*why = "KVM could not enter the guest (KVM_EXIT_FAIL_ENTRY)";
		return VMM_EXIT_ENTRY_FAIL;
	case EXIT_INTERNAL:
		*why = "KVM internal error (KVM_EXIT_INTERNAL_ERROR)";
		return VMM_EXIT_INTERNAL;
	case EXIT_HLT:
		*why = "guest halted with no interrupt source (KVM_EXIT_HLT)";
		return VMM_EXIT_INTERNAL;
	default:
		*why = "unexpected KVM exit";
		return VMM_EXIT_INTERNAL;
	}
	/* Only the exit whose access ended the run reports it, so the end names
	 * the vCPU that made it, not the next one to leave KVM_RUN. */
	if (!ended_before && d->device_status != DISPATCH_CONTINUE) {
		*why = d->device_why ? d->device_why : "a device ended the run";
		return d->device_status;
	}
	return DISPATCH_CONTINUE;
}

bool dispatch_is_failure(int status)
{
	return status != VMM_EXIT_OK && status < VMM_EXIT_DEBUG_BASE;
}
