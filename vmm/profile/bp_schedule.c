/* bp_schedule.c: the debug-register re-arming schedule for boot phases and initcalls; no KVM. */
#include "vmm/profile/bp_schedule.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/err.h"

int bp_schedule_init(struct bp_schedule *s, const uint64_t *phase, unsigned n)
{
	memset(s, 0, sizeof(*s));
	if (n > BP_MAX_PHASES)
		return errf(-EINVAL, "breakpoints: %u phase points, at most %d", n, BP_MAX_PHASES);
	for (unsigned i = 0; i < n; i++) {
		if (!phase[i])
			return errf(-EINVAL, "breakpoints: phase point %u has address 0", i);
		for (unsigned j = 0; j < i; j++) {
			if (phase[j] == phase[i])
				return errf(-EINVAL, "breakpoints: phase points %u and %u are both at %#" PRIx64,
					    j, i, phase[i]);
		}
		s->phase[i] = phase[i];
	}
	s->nphase = n;
	return 0;
}

int bp_schedule_initcalls(struct bp_schedule *s, uint64_t entry, unsigned from, unsigned to)
{
	if (from >= to || to >= s->nphase)
		return errf(-EINVAL, "breakpoints: do_initcalls from phase %u to %u of %u", from, to, s->nphase);
	if (!entry)
		return errf(-EINVAL, "breakpoints: do_one_initcall at address 0");
	for (unsigned i = 0; i < s->nphase; i++) {
		if (s->phase[i] == entry)
			return errf(-EINVAL, "breakpoints: do_one_initcall %#" PRIx64 " is also phase point %u",
				    entry, i);
	}
	s->initcall = entry;
	s->initcalls_from = from;
	s->initcalls_to = to;
	return 0;
}

/* Between do_initcalls' start and end points. */
static bool bp_in_initcalls(const struct bp_schedule *s)
{
	return s->initcall && s->next > s->initcalls_from && s->next <= s->initcalls_to;
}

void bp_schedule_arm(const struct bp_schedule *s, struct bp_set *out)
{
	memset(out, 0, sizeof(*out));
	if (bp_in_initcalls(s)) {
		out->addr[out->n++] = s->initcall;
		if (s->ret)
			out->addr[out->n++] = s->ret;
	}
	for (unsigned i = s->next; i < s->nphase && out->n < BP_SLOTS; i++)
		out->addr[out->n++] = s->phase[i];
}

bool bp_schedule_armed(const struct bp_schedule *s, uint64_t rip)
{
	struct bp_set set;

	bp_schedule_arm(s, &set);
	for (unsigned i = 0; i < set.n; i++) {
		if (set.addr[i] == rip)
			return true;
	}
	return false;
}

int bp_schedule_hit(struct bp_schedule *s, uint64_t rip, struct bp_hit *hit)
{
	memset(hit, 0, sizeof(*hit));
	if (!bp_schedule_armed(s, rip))
		return -ENOENT; /* a stale hit, not an error worth a message */
	if (bp_in_initcalls(s) && s->ret == rip) {
		hit->kind = BP_HIT_INITCALL_RET;
		s->ret = 0;
		return 0;
	}
	if (bp_in_initcalls(s) && s->initcall == rip) {
		hit->kind = BP_HIT_INITCALL;
		return 0;
	}
	for (unsigned i = s->next; i < s->nphase; i++) {
		if (s->phase[i] != rip)
			continue;
		*hit = (struct bp_hit){ .kind = BP_HIT_PHASE, .phase = i, .skipped = i - s->next };
		s->next = i + 1;
		if (!bp_in_initcalls(s))
			s->ret = 0;
		break;
	}
	return 0;
}

void bp_schedule_enter(struct bp_schedule *s, uint64_t ret)
{
	if (bp_in_initcalls(s))
		s->ret = ret;
}

bool bp_schedule_done(const struct bp_schedule *s)
{
	return s->next >= s->nphase;
}
