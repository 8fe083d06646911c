/* stats.c: KVM's binary statistics per vCPU, and the descriptor spans the sandbox allows. (split from vmm/kvm.c: git log --follow vmm/kvm/vcpu.c) */
#define _GNU_SOURCE /* strerrorname_np() */
#include "vmm/kvm/kvm_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/sandbox.h"

#define STATS_TYPE(flags) ((flags) & KVM_STATS_TYPE_MASK)

void vcpu_open_stats(struct vcpu *c)
{
	struct kvm_stats_header *h = &c->stats_hdr;
	size_t len;

	if (ioctl(c->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0) {
		c->stats_missing = "this kernel has no KVM_GET_STATS_FD (Linux 5.14+)";
		return;
	}
	c->stats_fd = ioctl(c->fd, KVM_GET_STATS_FD, NULL);
	if (c->stats_fd < 0 || pread(c->stats_fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h)) {
		c->stats_missing = "KVM_GET_STATS_FD failed";
		return;
	}
	len = (size_t)h->num_desc * (sizeof(struct kvm_stats_desc) + h->name_size);
	c->stats_desc = malloc(len);
	if (!c->stats_desc || h->num_desc > 1024 ||
	    pread(c->stats_fd, c->stats_desc, len, h->desc_offset) != (ssize_t)len) {
		free(c->stats_desc);
		c->stats_desc = NULL;
		c->stats_missing = "cannot read the KVM statistics descriptors";
		return;
	}
	c->stats_missing = NULL;
}

unsigned vcpu_read_stats(struct vcpu *c, struct timing_counter *out, unsigned max,
			 const char **missing)
{
	const struct kvm_stats_header *h = &c->stats_hdr;
	size_t step = sizeof(struct kvm_stats_desc) + h->name_size;
	unsigned n = 0;

	*missing = c->stats_missing;
	for (uint32_t i = 0; c->stats_desc && i < h->num_desc && n < max; i++) {
		const struct kvm_stats_desc *d = (const void *)(c->stats_desc + i * step);
		uint64_t v;

		/* Counters only (one u64, cumulative): exits by reason and the rest. */
		if (STATS_TYPE(d->flags) != KVM_STATS_TYPE_CUMULATIVE || d->size != 1 ||
		    pread(c->stats_fd, &v, sizeof(v), h->data_offset + d->offset) != sizeof(v) || !v)
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)h->name_size, d->name);
		out[n++].value = v;
	}
	return n;
}

/* [*lo, *hi] spans the descriptors fd(c[i]) that are not -1; both -1 if none. */
static void fd_span(struct vcpu *const *c, unsigned n, int (*fd)(const struct vcpu *),
		    int *lo, int *hi)
{
	*lo = *hi = -1;
	for (unsigned i = 0; i < n; i++) {
		int f = fd(c[i]);

		if (f < 0)
			continue;
		*lo = *lo < 0 || f < *lo ? f : *lo;
		*hi = f > *hi ? f : *hi;
	}
}

static int stats_fd(const struct vcpu *c)
{
	return c->stats_desc ? c->stats_fd : -1;
}

static int run_fd(const struct vcpu *c)
{
	return c->fd;
}

void vcpu_stats_fds(struct vcpu *const *c, unsigned n, int *lo, int *hi)
{
	fd_span(c, n, stats_fd, lo, hi);
}

/* The first `max` of list[0..k) into `out`; how many. */
static unsigned put_ioctls(const struct sandbox_ioctl *list, unsigned k, struct sandbox_ioctl *out,
			   unsigned max)
{
	k = k < max ? k : max;
	memcpy(out, list, k * sizeof(list[0]));
	return k;
}

unsigned vcpu_run_ioctls(struct vcpu *const *c, unsigned n, struct sandbox_ioctl *out,
			 unsigned max)
{
	int lo, hi;

	fd_span(c, n, run_fd, &lo, &hi);
	const struct sandbox_ioctl list[] = {
		{ lo, hi, KVM_RUN },				/* the run loops */
		{ c[0]->vm->vm_fd, c[0]->vm->vm_fd, KVM_IRQ_LINE }, /* device interrupts */
		{ lo, hi, KVM_GET_REGS },			/* register dumps */
		{ lo, hi, KVM_GET_SREGS },
		{ c[0]->vm->vm_fd, c[0]->vm->vm_fd, KVM_GET_PIT2 }, /* port 0x61's counter 2 */
	};
	return put_ioctls(list, sizeof(list) / sizeof(list[0]), out, max);
}

unsigned vcpu_phases_ioctls(struct vcpu *const *c, unsigned n, struct sandbox_ioctl *out,
			    unsigned max)
{
	int lo, hi;

	fd_span(c, n, run_fd, &lo, &hi);
	const struct sandbox_ioctl list[] = {
		{ lo, hi, KVM_SET_GUEST_DEBUG },
		{ lo, hi, KVM_SET_REGS },
		{ lo, hi, KVM_GET_DEBUGREGS }, /* the guest's own #DB: its DR6 */
		{ lo, hi, KVM_SET_DEBUGREGS },
	};
	return put_ioctls(list, sizeof(list) / sizeof(list[0]), out, max);
}

/* ---- Fuzz mode: the VM's state as blocks, saved once and put back before each run ---- */
