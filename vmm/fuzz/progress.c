/* progress.c: which progress points a fuzz run watches and how far a run got (pure). */
#include "vmm/fuzz/progress.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/kaslr.h"

/* A point at linear `addr`: the kernel's entry is physical already, a symbol is a kernel
 * image address (its link-time physical address: KASLR is off here). */
static void add(struct progress_plan *pl, const struct progress_in *in, const char *name,
		uint64_t addr)
{
	struct progress_point *p = &pl->p[pl->n++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	p->addr = addr;
	p->phys = addr;
	p->soft = in->image_loaded &&
		  (addr < KASLR_START_KERNEL_MAP || kaslr_link_phys(addr, &p->phys) == 0);
}

static int find(const struct progress_plan *pl, const char *name)
{
	for (unsigned i = 0; i < pl->n; i++)
		if (!strcmp(pl->p[i].name, name))
			return (int)i;
	return -1;
}

/* A symbol point: `name` in the plan under `as`; false (with pl->missing) if it cannot be. */
static bool add_symbol(struct progress_plan *pl, const struct progress_in *in, const char *as,
		       const char *sym)
{
	uint64_t addr;

	if (!in->syms)
		return false;
	if (!in->link_addresses) {
		pl->missing = "symbol points need nokaslr on a bzImage's command line";
		return false;
	}
	if (symtab_lookup_name(in->syms, sym, &addr) < 0) {
		pl->missing = "a symbol is not in --symbols";
		return false;
	}
	add(pl, in, as, addr);
	return true;
}

static void add_defaults(struct progress_plan *pl, const struct progress_in *in)
{
	if (!in->kernel_entry)
		pl->missing = "the kernel's entry is unknown";
	else if (!in->link_addresses)
		pl->missing = "the kernel's entry moves with KASLR (add nokaslr)";
	else
		add(pl, in, "kernel", in->kernel_entry);
	add_symbol(pl, in, "start_kernel", "start_kernel");
	add_symbol(pl, in, "userspace", PROGRESS_USERSPACE_SYMBOL);
}

/* The --run-until point may not be where the valid state enters the kernel proper: that
 * point counts as passed at the start (progress_start()), so it would never end a run. */
static int check_until(const struct progress_plan *pl, const struct progress_in *in)
{
	const char *u = in->until;

	if (!in->start_in_kernel || pl->p[pl->until].addr != in->start_rip)
		return 0;
	return errf(-EINVAL, "--run-until %s: the valid state starts at it (0x%llx), so a run "
		    "would end before its first instruction: choose a later point, e.g. "
		    "start_kernel with --symbols", u, (unsigned long long)in->start_rip);
}

/* The --run-until point: one of the defaults, or a symbol added last. */
static int add_until(struct progress_plan *pl, const struct progress_in *in)
{
	const char *u = in->until;
	char why[192];
	uint64_t addr;

	if (!u || !strcmp(u, "marker"))
		return 0;
	pl->until = find(pl, u);
	if (pl->until >= 0)
		return check_until(pl, in);
	snprintf(why, sizeof(why), "--run-until %s", u);
	if (!in->link_addresses && (!strcmp(u, "kernel") || in->syms))
		return kaslr_refuse(why);
	if (!strcmp(u, "kernel"))
		return errf(-EINVAL, "--run-until kernel: the kernel's entry is unknown");
	if (!in->syms || pl->n >= PROGRESS_MAX)
		return errf(-EINVAL, "--run-until %s: %s", u,
			    in->syms ? "too many points" : "give the symbols with --symbols");
	if (symtab_lookup_name(in->syms, !strcmp(u, "userspace") ? PROGRESS_USERSPACE_SYMBOL : u,
			       &addr) < 0)
		return errf(-ENOENT, "--run-until %s: no such symbol in --symbols", u);
	add(pl, in, u, addr);
	pl->until = (int)pl->n - 1;
	return check_until(pl, in);
}

int progress_plan(struct progress_plan *pl, const struct progress_in *in)
{
	memset(pl, 0, sizeof(*pl));
	pl->until = -1;
	pl->missing = "";
	add_defaults(pl, in);
	return add_until(pl, in);
}

void progress_start(const struct progress_plan *pl, struct progress_run *r, uint64_t rip,
		    bool in_decompressor)
{
	*r = (struct progress_run){ 0 };
	for (unsigned i = 0; i < pl->n; i++)
		if (pl->p[i].addr == rip) {
			if (in_decompressor)
				r->skip |= 1u << i;
			else
				r->passed |= 1u << i;
		}
}

int progress_hit(const struct progress_plan *pl, struct progress_run *r, uint64_t rip)
{
	for (unsigned i = 0; i < pl->n; i++) {
		uint32_t bit = 1u << i;

		if (pl->p[i].addr != rip || (r->passed & bit))
			continue;
		if (r->skip & bit) {
			r->skip &= ~bit;
			return PROGRESS_SKIPPED;
		}
		r->passed |= bit;
		return (int)i;
	}
	return -1;
}

unsigned progress_pending(const struct progress_plan *pl, const struct progress_run *r,
			  uint64_t addr[PROGRESS_MAX])
{
	unsigned n = 0;

	for (unsigned i = 0; i < pl->n; i++)
		if (!(r->passed & (1u << i)) && !pl->p[i].soft)
			addr[n++] = pl->p[i].addr;
	return n;
}

int progress_furthest(const struct progress_plan *pl, const struct progress_run *r)
{
	for (int i = (int)pl->n - 1; i >= 0; i--)
		if (r->passed & (1u << i))
			return i;
	return -1;
}
