/* snapshot.c: fuzz mode's save, restore and compare of every block of VM and vCPU state. (split from vmm/kvm.c: git log --follow vmm/kvm/vcpu.c) */
#define _GNU_SOURCE /* strerrorname_np() */
#include "vmm/kvm/kvm_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "mmu/err.h"
#include "vmm/msr_class.h"
#include "vmm/sandbox.h"
#include "vmm/timing.h"
#include "vmm/tsc.h"

#define SNAP_MAX_MSRS 512
#define APIC_TMCCT 0x390   /* timer current count: runs on its own (SDM Vol. 3A §11.5.4) */
#define MSR_IA32_TSC 0x10  /* put back past KVM's heuristic (tsc.h), compared within a bound */
#define MSR_IA32_APICBASE 0x1b /* SDM Vol. 3A §11.4.4: KVM lists it not, it is an sregs field */
/* Hyper-V TLFS: HV_X64_MSR_VP_RUNTIME and HV_X64_MSR_TIME_REF_COUNT count 100 ns
 * units by themselves (KVM lists them even for a guest that never enabled Hyper-V). */
#define MSR_HV_VP_RUNTIME 0x40000010
#define MSR_HV_TIME_REF_COUNT 0x40000020
#define PIC_MASTER 0       /* KVM_GET_IRQCHIP chip ids (api.rst) */
#define PIC_SLAVE 1
#define IOAPIC 2
#define PIT_MODE_NONE 0xff /* KVM's channel mode until a guest programs one (kvm_pit_reset()) */

/* KVM_GET_NESTED_STATE's data after its header, at most: VMX's vmcs12 and shadow vmcs12, or
 * SVM's vmcb12 (KVM_STATE_NESTED_VMX_VMCS_SIZE, KVM_STATE_NESTED_SVM_VMCB_SIZE: 4 KiB each). */
#define NESTED_DATA_MAX (2 * 0x1000)

struct vm_snapshot {
	/* Nested virtualization (the guest's own VMX/SVM guest, KVM_CAP_NESTED_STATE), as raw bytes:
	 * struct kvm_nested_state ends in flexible arrays. */
	uint8_t nested[sizeof(struct kvm_nested_state) + NESTED_DATA_MAX] __attribute__((aligned(8)));
	bool no_nested; /* the host has no KVM_CAP_NESTED_STATE (or needs more room): no block */
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_xsave xsave;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_debugregs debugregs;
	struct kvm_mp_state mp;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[SNAP_MAX_MSRS];
	} msrs;
	/* What the reset writes: msrs, with the TSC written far away first (tsc.h). */
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[SNAP_MAX_MSRS + 1];
	} restore_msrs;
	int tsc; /* MSR_IA32_TSC's entry in msrs, or -1 */
	unsigned unreachable[MSR_CLASS_PMU + 1]; /* per class, KVM's MSRs the guest cannot reach */
	unsigned read_only; /* saved and compared, not written back: the guest cannot change them */
	uint32_t tsc_khz; /* the vCPU's TSC rate (KVM_GET_TSC_KHZ), 0 if unknown */
	struct kvm_irqchip chip[3];
	struct kvm_pit_state2 pit;
	struct kvm_clock_data clock; /* kvmclock's base: each run starts at the same guest time */
};

static bool msr_listed(const uint32_t *idx, uint32_t n, uint32_t msr)
{
	for (uint32_t i = 0; i < n; i++)
		if (idx[i] == msr)
			return true;
	return false;
}

/* The MSRs KVM lists that it both reads and takes back (some are read-only), less those the
 * guest can neither read nor write: Hyper-V's without the Hyper-V interface in its CPUID, the
 * PMU's without a virtual PMU. Nothing but KVM changes those (Hyper-V's two counters run by
 * themselves), and no guest sees them. Plus the APIC base, which KVM's list leaves to sregs:
 * the reset puts it back before the LAPIC (vm_snapshot_restore()). */
static int snapshot_msr_list(struct vcpu *c, struct vm_snapshot *s)
{
	struct msr_reach reach = { .hyperv = c->hyperv_msrs, .pmu = !c->vm->pmu_off };
	struct {
		struct kvm_msr_list hdr;
		uint32_t idx[SNAP_MAX_MSRS];
	} list = { .hdr.nmsrs = SNAP_MAX_MSRS };
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} one = { .hdr.nmsrs = 1 };

	if (ioctl(c->vm->kvm_fd, KVM_GET_MSR_INDEX_LIST, &list) < 0)
		return kvm_sys_fail("KVM_GET_MSR_INDEX_LIST");
	if (list.hdr.nmsrs < SNAP_MAX_MSRS && !msr_listed(list.idx, list.hdr.nmsrs, MSR_IA32_APICBASE))
		list.idx[list.hdr.nmsrs++] = MSR_IA32_APICBASE;
	s->msrs.hdr.nmsrs = 0;
	for (uint32_t i = 0; i < list.hdr.nmsrs && i < SNAP_MAX_MSRS; i++) {
		if (!msr_guest_reachable(list.idx[i], reach)) {
			s->unreachable[msr_class_of(list.idx[i])]++;
			continue;
		}
		one.e = (struct kvm_msr_entry){ .index = list.idx[i] };
		if (ioctl(c->fd, KVM_GET_MSRS, &one) != 1 || ioctl(c->fd, KVM_SET_MSRS, &one) != 1)
			continue;
		s->msrs.e[s->msrs.hdr.nmsrs++] = one.e;
	}
	return 0;
}

/* The MSRs the reset writes: the saved ones but those the guest can only read (compared by
 * --check-reset, as saved), with the TSC preceded by a value far from it (in one KVM_SET_MSRS,
 * whose entries KVM writes in order), so that KVM takes the saved TSC as it is instead of
 * keeping the TSC running (tsc.h). */
static void snapshot_restore_msrs(struct vm_snapshot *s)
{
	uint32_t n = 0;

	s->tsc = -1;
	s->read_only = 0;
	for (uint32_t k = 0; k < s->msrs.hdr.nmsrs; k++) {
		if (msr_guest_read_only(s->msrs.e[k].index)) {
			s->read_only++;
			continue;
		}
		if (s->msrs.e[k].index == MSR_IA32_TSC) {
			s->tsc = (int)k;
			s->restore_msrs.e[n] = s->msrs.e[k];
			s->restore_msrs.e[n++].data = tsc_unsync_value(s->msrs.e[k].data);
		}
		s->restore_msrs.e[n++] = s->msrs.e[k];
	}
	s->restore_msrs.hdr.nmsrs = n;
}

struct state_block {
	const char *name;
	unsigned long get, set;
	size_t off, size;
	bool vm; /* a VM ioctl (else vCPU) */
	/* vcpu_load_state() writes all of it: the next run's load puts it back, not the reset
	 * (--check-reset puts it back first, as the valid state's load would). */
	bool loaded;
	bool compare_only; /* another block puts it back */
	/* Read back first and put back only where it differs: reading costs less than writing,
	 * and few runs change it (measured nested: PIC master 10 against 14 us, IOAPIC 7 against
	 * 11; the PIC slave's read costs what its write does). Writing back what is there already
	 * changes nothing KVM keeps (arch/x86/kvm/i8259.c, ioapic.c): for a PIC KVM_SET_IRQCHIP
	 * copies the registers and recomputes the output from them; for the IOAPIC it also
	 * clears the pins' pending bits (read back as they are, but for an edge-triggered pin
	 * whose interrupt was delivered while its line stays high: here every line is low, as
	 * vmm lowers its devices' lines first and the PIT pulses its own) and their delivered
	 * bits (which a pin's next edge clears before anything reads them), and recomputes the
	 * routes from the redirection table. */
	bool read_first;
};

/* BLOCK(name, get, set, field, a VM ioctl, read back first) */
#define BLOCK(n, g, st, field, isvm, rf) { n, g, st, offsetof(struct vm_snapshot, field), \
					   sizeof(((struct vm_snapshot *)0)->field), isvm, \
					   g == KVM_GET_SREGS || g == KVM_GET_REGS, g == KVM_GET_FPU, rf }
/* Put back in this order (as QEMU's kvm_arch_put_registers), after the PIT's block, which
 * goes back before all of them (restore_pit()): the nested state first (leaving
 * a nested guest the run left running, else the blocks after it would go to that guest's
 * state: KVM_SET_NESTED_STATE of a vCPU in no guest mode calls svm_leave_nested() or
 * vmx_leave_nested(), arch/x86/kvm/svm/nested.c, vmx/nested.c), the MSRs (the APIC base among
 * them) before the LAPIC, whose registers KVM_SET_LAPIC reads in the mode the APIC base sets
 * (kvm_apic_state_fixup(), arch/x86/kvm/lapic.c), events and mp_state last. sregs and regs
 * are left to the next run's load, which writes every field of them but the APIC base (put
 * back here) and the interrupt bitmap (which the events block clears); nothing put back here
 * depends on them. The FPU block is only compared: KVM_SET_XSAVE puts all of it back (x87 and
 * SSE state are XSAVE's legacy region, SDM Vol. 1 §13.4.1), as QEMU leaves KVM_SET_FPU out
 * where KVM has XSAVE. */
static const struct state_block blocks[] = {
	BLOCK("nested", KVM_GET_NESTED_STATE, KVM_SET_NESTED_STATE, nested, false, false),
	BLOCK("sregs", KVM_GET_SREGS, KVM_SET_SREGS, sregs, false, false),
	BLOCK("regs", KVM_GET_REGS, KVM_SET_REGS, regs, false, false),
	BLOCK("fpu", KVM_GET_FPU, KVM_SET_FPU, fpu, false, false),
	BLOCK("xsave", KVM_GET_XSAVE, KVM_SET_XSAVE, xsave, false, false),
	BLOCK("xcrs", KVM_GET_XCRS, KVM_SET_XCRS, xcrs, false, false),
	BLOCK("msrs", KVM_GET_MSRS, KVM_SET_MSRS, msrs, false, false),
	BLOCK("lapic", KVM_GET_LAPIC, KVM_SET_LAPIC, lapic, false, false),
	BLOCK("vcpu_events", KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS, events, false, false),
	BLOCK("debugregs", KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS, debugregs, false, false),
	BLOCK("mp_state", KVM_GET_MP_STATE, KVM_SET_MP_STATE, mp, false, false),
	BLOCK("pic_master", KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, chip[PIC_MASTER], true, true),
	BLOCK("pic_slave", KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, chip[PIC_SLAVE], true, false),
	BLOCK("ioapic", KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, chip[IOAPIC], true, true),
	BLOCK("pit", KVM_GET_PIT2, KVM_SET_PIT2, pit, true, false),
	BLOCK("clock", KVM_GET_CLOCK, KVM_SET_CLOCK, clock, true, false),
};
#define NBLOCKS (sizeof(blocks) / sizeof(blocks[0]))

static int block_io(struct vcpu *c, const struct state_block *b, void *p, bool set)
{
	int fd = b->vm ? c->vm->vm_fd : c->fd;
	int r = ioctl(fd, set ? b->set : b->get, p);

	/* KVM_GET/SET_MSRS return how many they did: all of them, or it failed. */
	if (b->get == KVM_GET_MSRS && r >= 0 && (uint32_t)r != ((struct kvm_msrs *)p)->nmsrs)
		return errf(-EINVAL, "%s msrs: %d of %u", set ? "KVM_SET_MSRS" : "KVM_GET_MSRS",
			    r, ((struct kvm_msrs *)p)->nmsrs);
	if (r < 0)
		return errf(-errno, "%s %s: %s", set ? "set" : "get", b->name, strerror(errno));
	return 0;
}

/* A block read back into `p` (set up with the fields the ioctl needs first). */
static int read_block(struct vcpu *c, const struct vm_snapshot *ref, unsigned i, void *p)
{
	const struct state_block *b = &blocks[i];

	memcpy(p, (const uint8_t *)ref + b->off, b->size); /* chip_id, nmsrs and indices */
	if (b->get == KVM_GET_NESTED_STATE) /* room for a nested guest's state too */
		((struct kvm_nested_state *)p)->size = (uint32_t)b->size;
	if (b->get == KVM_GET_MSRS)
		for (uint32_t k = 0; k < ref->msrs.hdr.nmsrs; k++)
			((struct kvm_msrs *)p)->entries[k].data = 0;
	return block_io(c, b, p, false);
}

/* Block i is part of snapshot s (the nested state only where the host has it). */
static bool block_present(const struct vm_snapshot *s, unsigned i)
{
	return !(s->no_nested && blocks[i].get == KVM_GET_NESTED_STATE);
}

int vm_snapshot_save(struct vcpu *c, struct vm_snapshot **out)
{
	struct vm_snapshot *s = calloc(1, sizeof(*s));
	int r, nested_max, khz;

	if (!s)
		return errf(-ENOMEM, "out of memory");
	s->chip[PIC_MASTER].chip_id = PIC_MASTER;
	s->chip[PIC_SLAVE].chip_id = PIC_SLAVE;
	s->chip[IOAPIC].chip_id = IOAPIC;
	r = snapshot_msr_list(c, s);
	khz = r == 0 ? ioctl(c->fd, KVM_GET_TSC_KHZ) : 0; /* the rate, or -1 */
	s->tsc_khz = khz > 0 ? (uint32_t)khz : 0;
	c->tsc_written_ns = timing_now(); /* the TSC is read after this */
	nested_max = ioctl(c->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NESTED_STATE);
	s->no_nested = nested_max <= 0 || (size_t)nested_max > sizeof(s->nested);
	((struct kvm_nested_state *)s->nested)->size = sizeof(s->nested); /* the room it has */
	for (unsigned i = 0; r == 0 && i < NBLOCKS; i++)
		if (block_present(s, i))
			r = block_io(c, &blocks[i], (uint8_t *)s + blocks[i].off, false);
	if (r < 0) {
		free(s);
		return r;
	}
	snapshot_restore_msrs(s);
	/* The clock as read, not moved on by the time since (no KVM_CLOCK_REALTIME). */
	s->clock.flags = 0;
	/* Events: say which fields are given, so all of them are put back. */
	s->events.flags |= KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR;
	*out = s;
	return 0;
}

/* Fields that run on by themselves whatever the guest did: left out of the comparison. */
static void mask_running_fields(unsigned i, struct vm_snapshot *s)
{
	if (!strcmp(blocks[i].name, "lapic"))
		memset(&s->lapic.regs[APIC_TMCCT], 0, 4);
	if (!strcmp(blocks[i].name, "clock"))
		memset(&s->clock, 0, sizeof(s->clock));
	if (!strcmp(blocks[i].name, "pit"))
		for (unsigned ch = 0; ch < 3; ch++)
			s->pit.channels[ch].count_load_time = 0;
	if (!strcmp(blocks[i].name, "msrs"))
		for (uint32_t k = 0; k < s->msrs.hdr.nmsrs; k++)
			if (s->msrs.e[k].index == MSR_HV_VP_RUNTIME ||
			    s->msrs.e[k].index == MSR_HV_TIME_REF_COUNT)
				s->msrs.e[k].data = 0;
}

/* The in-kernel PIT's reinject bookkeeping (ticks pending, IRQ 0 acknowledged), which
 * KVM_GET/SET_PIT2 do not carry. KVM_SET_PIT2 resets it only where it re-creates channel 0's
 * timer (modes 0-5: create_pit_timer() -> kvm_pit_reset_reinject() in arch/x86/kvm/i8254.c),
 * not for the fresh VM's mode 0xff, and a guest's specific EOI of IRQ 0 at the PIC would
 * deliver ticks the run before left pending (kvm_pit_ack_irq()). So channel 0 is loaded once
 * in mode 2 with the longest count (65536 ticks, 55 ms), and the PIT's own block, which
 * stops that timer again (destroy_pit_timer() waits for its work), follows at once, before
 * any other block: a tick of that timer raises IRQ 0 at the PIC and the IOAPIC, so it must
 * not come after they are back (the PIT's block came last until 2026-12-07: a reset that
 * took over 55 ms left IRQ 0 pending in the restored PIC; the fuzz-mode suite's
 * fuzz-reset-pit-timer-stopped-first stalls a reset there).
 * What no block carries and stays: once channel 0 has had a timer, KVM keeps its period,
 * and a read of channel 0's count in mode 0xff then moves with time where a fresh VM's reads
 * a constant (__kpit_elapsed()); README, Stability.
 * (KVM_REINJECT_CONTROL off and on resets it too, but waits for an SRCU grace period when it
 * unregisters the ack notifier: measured 545 -> 779 us median per reset, p99 16 ms.)
 * Where the run left the PIT as saved, and the saved channel 0 has no mode, no timer ran:
 * a guest can only program modes 0-5 (8254 data sheet), so channel 0 never left mode 0xff,
 * and neither that nor the PIT's block is needed (block_unchanged()). */
static int pit_reset_reinject(struct vcpu *c, const struct vm_snapshot *s)
{
	struct kvm_pit_state2 p = s->pit;

	p.channels[0].mode = 2;	     /* rate generator: a periodic timer (8254 data sheet) */
	p.channels[0].count = 65536; /* a count of 0 means 65536 */
	p.channels[0].gate = 1;
	if (ioctl(c->vm->vm_fd, KVM_SET_PIT2, &p) < 0)
		return kvm_sys_fail("KVM_SET_PIT2 (resetting reinjection)");
	return 0;
}

/* Block i read back equals the saved one, leaving out what runs on by itself (read_first
 * blocks, and the PIT). */
static bool block_unchanged(struct vcpu *c, const struct vm_snapshot *s, unsigned i)
{
	static struct vm_snapshot now, want;
	const struct state_block *b = &blocks[i];

	if (read_block(c, s, i, (uint8_t *)&now + b->off) < 0)
		return false;
	memcpy((uint8_t *)&want + b->off, (const uint8_t *)s + b->off, b->size);
	mask_running_fields(i, &now);
	mask_running_fields(i, &want);
	return !memcmp((uint8_t *)&now + b->off, (uint8_t *)&want + b->off, b->size);
}

/* Block i back as saved (the MSRs as the reset writes them, TSC first: tsc.h). Only the
 * block is copied: the ioctls may write back into their argument. */
static int put_block(struct vcpu *c, const struct vm_snapshot *s, unsigned i)
{
	static struct vm_snapshot scratch;
	const struct state_block *b = &blocks[i];

	if (b->get == KVM_GET_MSRS) {
		memcpy(&scratch.restore_msrs, &s->restore_msrs, sizeof(s->restore_msrs.hdr) +
		       s->restore_msrs.hdr.nmsrs * sizeof(s->restore_msrs.e[0]));
		c->tsc_written_ns = timing_now();
		return block_io(c, b, &scratch.restore_msrs, true);
	}
	memcpy((uint8_t *)&scratch + b->off, (const uint8_t *)s + b->off, b->size);
	return block_io(c, b, (uint8_t *)&scratch + b->off, true);
}

/* Busy until `ms` have passed (the test hook's stall: a vmm kept off the CPU there). */
static void stall(unsigned ms)
{
	uint64_t end = timing_now() + (uint64_t)ms * 1000000u;

	while (ms && timing_now() < end)
		;
}

/* The test hook leaves block i as the run left it. */
static bool hook_skips(const struct reset_hooks *h, unsigned i)
{
	return h->skip && !strcmp(h->skip, blocks[i].name);
}

/* The PIT's reinjection reset, and its block back at once (pit_reset_reinject()), unless the
 * run left the PIT as saved with channel 0 never timed. */
static int restore_pit(struct vcpu *c, const struct vm_snapshot *s, unsigned pit,
		       const struct reset_hooks *h)
{
	int r;

	if (s->pit.channels[0].mode == PIT_MODE_NONE && block_unchanged(c, s, pit))
		return 0;
	r = pit_reset_reinject(c, s);
	if (r == 0 && !hook_skips(h, pit))
		r = put_block(c, s, pit);
	return r;
}

int vm_snapshot_restore(struct vcpu *c, const struct vm_snapshot *s, const struct reset_hooks *h)
{
	unsigned pit = 0;
	int r;

	if (!c->entered) /* only the load changed the vCPU, and the next load writes the same */
		return 0;
	while (blocks[pit].get != KVM_GET_PIT2)
		pit++;
	r = restore_pit(c, s, pit, h);
	for (unsigned i = 0; r == 0 && i < NBLOCKS; i++) {
		if (i > 0 && blocks[i - 1].get == KVM_GET_IRQCHIP &&
		    blocks[i].get != KVM_GET_IRQCHIP) /* the PICs and the IOAPIC are back */
			stall(h->stall_ms);
		if (i == pit || blocks[i].loaded || !block_present(s, i) || blocks[i].compare_only ||
		    hook_skips(h, i) || (blocks[i].read_first && block_unchanged(c, s, i)))
			continue;
		r = put_block(c, s, i);
	}
	if (r == 0)
		c->entered = false;
	return r;
}

int vm_snapshot_load_state(struct vcpu *c, const struct vm_snapshot *s, const struct boot_cpu *st)
{
	return vcpu_load_state_over(c, st, &s->sregs);
}

int vm_snapshot_restore_loaded(struct vcpu *c, const struct vm_snapshot *s)
{
	int r = 0;

	for (unsigned i = 0; r == 0 && i < NBLOCKS; i++)
		if (blocks[i].loaded)
			r = put_block(c, s, i);
	return r;
}

unsigned vm_snapshot_msrs(const struct vm_snapshot *s, unsigned *hyperv_out, unsigned *pmu_out,
			  unsigned *read_only_out)
{
	*hyperv_out = s->unreachable[MSR_CLASS_HYPERV];
	*pmu_out = s->unreachable[MSR_CLASS_PMU];
	*read_only_out = s->read_only;
	return s->msrs.hdr.nmsrs - s->read_only;
}

/* The TSC read back in `now` held since the last reset (tsc.h): then it is left out of the
 * comparison as the other running fields are; if not, it differs. */
static void check_tsc(const struct vcpu *c, const struct vm_snapshot *ref, struct vm_snapshot *now,
		      struct vm_snapshot *want)
{
	__u64 *got, saved;

	if (ref->tsc < 0)
		return;
	got = &now->msrs.e[ref->tsc].data;
	saved = ref->msrs.e[ref->tsc].data;
	if (tsc_reset_held(*got, saved, timing_now() - c->tsc_written_ns, ref->tsc_khz))
		*got = want->msrs.e[ref->tsc].data = 0;
}

/* The first MSR that differs, as ":0xINDEX". */
static size_t name_msr_diff(const struct vm_snapshot *a, const struct vm_snapshot *b, char *out,
			    size_t len)
{
	for (uint32_t k = 0; k < a->msrs.hdr.nmsrs && len > 12; k++)
		if (a->msrs.e[k].data != b->msrs.e[k].data)
			return (size_t)snprintf(out, len, ":0x%x", a->msrs.e[k].index);
	return 0;
}

unsigned vm_snapshot_compare(struct vcpu *c, const struct vm_snapshot *ref, char *diff, size_t len)
{
	static struct vm_snapshot now, want;
	unsigned bad = 0;
	size_t used = 0;

	if (len)
		diff[0] = '\0';
	memcpy(&want, ref, sizeof(want));
	for (unsigned i = 0; i < NBLOCKS; i++) {
		const struct state_block *b = &blocks[i];
		bool same = !block_present(ref, i) || read_block(c, ref, i, (uint8_t *)&now + b->off) == 0;

		if (b->get == KVM_GET_VCPU_EVENTS) /* flags are an input of SET, not state */
			now.events.flags = want.events.flags;
		mask_running_fields(i, &now);
		mask_running_fields(i, &want);
		if (b->get == KVM_GET_MSRS && same)
			check_tsc(c, ref, &now, &want);
		same = same && !memcmp((uint8_t *)&now + b->off, (uint8_t *)&want + b->off, b->size);
		if (!same && used + strlen(b->name) + 2 < len)
			used += (size_t)snprintf(diff + used, len - used, "%s%s", bad ? "," : "", b->name);
		if (!same && b->get == KVM_GET_MSRS)
			used += name_msr_diff(&now, &want, diff + used, len - used);
		bad += !same;
	}
	return bad;
}

/* Add (fd, request) to out[*n] unless it is there already or out is full. */
static void add_ioctl(struct sandbox_ioctl *out, unsigned *n, unsigned max, int fd,
		      unsigned long request)
{
	for (unsigned i = 0; i < *n; i++)
		if (out[i].fd_lo == fd && out[i].request == request)
			return;
	if (*n < max)
		out[(*n)++] = (struct sandbox_ioctl){ fd, fd, request };
}

unsigned vcpu_fuzz_ioctls(struct vcpu *c, struct sandbox_ioctl *out, unsigned max)
{
	/* A run, the entry state, progress points, halt checks, register dumps. */
	static const unsigned long on_vcpu[] = { KVM_RUN, KVM_GET_REGS, KVM_SET_REGS,
						 KVM_GET_SREGS, KVM_SET_SREGS,
						 KVM_SET_GUEST_DEBUG, KVM_GET_MP_STATE };
	/* Device interrupts, the reset's dirty pages (from the bitmap, or the ring). */
	static const unsigned long on_vm[] = { KVM_IRQ_LINE, KVM_GET_DIRTY_LOG,
					       KVM_RESET_DIRTY_RINGS, KVM_CLEAR_DIRTY_LOG };
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(on_vcpu) / sizeof(on_vcpu[0]); i++)
		add_ioctl(out, &n, max, c->fd, on_vcpu[i]);
	for (size_t i = 0; i < sizeof(on_vm) / sizeof(on_vm[0]); i++)
		add_ioctl(out, &n, max, c->vm->vm_fd, on_vm[i]);
	/* The reset puts every block back; --check-reset reads them. */
	for (size_t i = 0; i < NBLOCKS; i++) {
		int fd = blocks[i].vm ? c->vm->vm_fd : c->fd;

		add_ioctl(out, &n, max, fd, blocks[i].get);
		if (!blocks[i].compare_only)
			add_ioctl(out, &n, max, fd, blocks[i].set);
	}
	return n;
}
