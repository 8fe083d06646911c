/* boot_phases.c: --phases without KVM: the boot points by symbol, their times, each initcall's time, the report. */
#include "vmm/profile/boot_phases.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"

/* init/main.c's path from start_kernel to the exec of init, in boot order. */
static const char *const kernel_points[] = { "start_kernel", "rest_init", "kernel_init",
					     "console_on_rootfs", "free_initmem",
					     "run_init_process" };

static int index_of(const struct boot_phases *b, const char *name)
{
	for (unsigned i = 0; i < b->n; i++)
		if (!strcmp(b->p[i].name, name))
			return (int)i;
	return -1;
}

/* The default points: those of init/main.c's path that `st` has; start_kernel at least. */
static int plan_default(struct boot_phases *b, const struct symtab *st, bool bzimage,
			uint64_t kernel_entry)
{
	if (bzimage && kernel_entry)
		b->p[b->n++] = (struct boot_point){ .name = "kernel", .addr = kernel_entry };
	for (unsigned i = 0; i < sizeof(kernel_points) / sizeof(kernel_points[0]); i++) {
		uint64_t a;

		if (symtab_lookup_name(st, kernel_points[i], &a) == 0 && a)
			b->p[b->n++] = (struct boot_point){ .name = kernel_points[i], .addr = a };
	}
	return index_of(b, "start_kernel") < 0 ? errf(-ENOENT, "--phases: --symbols has no start_kernel")
					       : 0;
}

/* --phase NAME...: each one, in the order given. */
static int plan_named(struct boot_phases *b, const struct symtab *st, bool bzimage,
		      uint64_t kernel_entry, const char *const *names, unsigned n)
{
	for (unsigned i = 0; i < n && i < PHASES_MAX; i++) {
		uint64_t a = 0;

		if (!strcmp(names[i], "kernel") && !(bzimage && kernel_entry))
			return errf(-EINVAL, "--phase kernel: only a bzImage's boot has a kernel proper "
				    "to enter (an ELF or PVH boot starts in it)");
		if (index_of(b, names[i]) >= 0)
			return errf(-EINVAL, "--phase %s: given twice", names[i]);
		if (!strcmp(names[i], "kernel"))
			a = kernel_entry;
		else if (symtab_lookup_name(st, names[i], &a) < 0 || !a)
			return errf(-ENOENT, "--phase %s: not in --symbols", names[i]);
		b->p[b->n++] = (struct boot_point){ .name = names[i], .addr = a };
	}
	return 0;
}

int boot_phases_plan(struct boot_phases *b, const struct symtab *st, bool bzimage,
		     uint64_t kernel_entry, const char *const *names, unsigned n,
		     struct initcall_time *calls, uint64_t cap)
{
	uint64_t addr[PHASES_MAX], entry;
	int from, to, r;

	memset(b, 0, sizeof(*b));
	r = n ? plan_named(b, st, bzimage, kernel_entry, names, n)
	      : plan_default(b, st, bzimage, kernel_entry);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < b->n; i++)
		addr[i] = b->p[i].addr;
	r = bp_schedule_init(&b->sched, addr, b->n);
	from = index_of(b, "kernel_init");
	to = index_of(b, "console_on_rootfs");
	if (to < 0) /* a kernel from before console_on_rootfs() (2020): up to free_initmem */
		to = index_of(b, "free_initmem");
	if (r == 0 && from >= 0 && to > from && symtab_lookup_name(st, "do_one_initcall", &entry) == 0 &&
	    bp_schedule_initcalls(&b->sched, entry, (unsigned)from, (unsigned)to) == 0) {
		b->initcalls = true;
		b->from = (unsigned)from;
		b->to = (unsigned)to;
	}
	b->calls = calls;
	b->cap = cap;
	return r;
}

/* The initcall that returned to `ret` at `now` into its caller's figures (the first
 * PHASES_CALL_SITES callers; the report says how many initcalls the others had). */
static void count_site(struct boot_phases *b, uint64_t ret, uint64_t now)
{
	struct call_site *s = NULL;

	for (unsigned i = 0; i < b->nsites && !s; i++)
		if (b->site[i].ret == ret)
			s = &b->site[i];
	if (!s && b->nsites < PHASES_CALL_SITES)
		s = &b->site[b->nsites++], *s = (struct call_site){ .ret = ret, .first_at = b->call_at };
	if (!s)
		return;
	s->n++;
	s->sum_ns += now - b->call_at;
	s->last_at = now;
}

int boot_phases_hit(struct boot_phases *b, uint64_t rip, uint64_t now, uint64_t fn,
		    bool *want_ret)
{
	struct bp_hit hit;
	int r = bp_schedule_hit(&b->sched, rip, &hit);

	*want_ret = false;
	if (r < 0)
		return r;
	switch (hit.kind) {
	case BP_HIT_PHASE:
		b->p[hit.phase].at = now;
		b->dropped += b->call_at != 0; /* never seen returning (the window closed) */
		b->call_at = 0;
		return (int)hit.phase;
	case BP_HIT_INITCALL:
		b->dropped += b->call_at != 0; /* one in flight: another entered first */
		b->call_fn = fn;
		b->call_at = now;
		*want_ret = true;
		break;
	case BP_HIT_INITCALL_RET:
		if (b->call_at && b->kept < b->cap)
			b->calls[b->kept++] = (struct initcall_time){ b->call_fn, now - b->call_at };
		if (b->call_at)
			count_site(b, rip, now);
		b->ncalls += b->call_at != 0;
		b->call_at = 0;
		break;
	}
	return BOOT_PHASES_INITCALL;
}

void boot_phases_enter(struct boot_phases *b, uint64_t ret)
{
	bp_schedule_enter(&b->sched, ret);
}

void boot_phases_unread(struct boot_phases *b)
{
	b->unread++;
	b->call_at = 0;
}

void boot_phases_arm(const struct boot_phases *b, struct bp_set *out)
{
	bp_schedule_arm(&b->sched, out);
}

static int slower_first(const void *a, const void *b)
{
	const struct initcall_time *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : (x->fn > y->fn) - (x->fn < y->fn);
}

/* Per caller: the sum against the span from its first initcall's entry to its last's return
 * (the rest of that span is the caller's own loop, and whatever ran between). */
static void print_sites(const struct boot_phases *b, const struct symtab *st, FILE *f)
{
	uint64_t grouped = 0;

	for (unsigned i = 0; i < b->nsites; i++) {
		const struct call_site *s = &b->site[i];
		uint64_t span = s->last_at - s->first_at, off = 0;
		const char *name = symtab_symbolize(st, s->ret, &off);

		grouped += s->n;
		fprintf(f, "vmm: phases:   %" PRIu64 " returning to ", s->n);
		if (name)
			fprintf(f, "%s+%#" PRIx64, name, off);
		else
			fprintf(f, "%#" PRIx64, s->ret);
		fprintf(f, ": %.1f ms of the %.1f ms from the first one's entry to the last one's return",
			s->sum_ns / 1e6, span / 1e6);
		if (span)
			fprintf(f, " (%.1f%%)", 100.0 * s->sum_ns / span);
		fputc('\n', f);
	}
	if (grouped < b->ncalls)
		fprintf(f, "vmm: phases:   %" PRIu64 " returning elsewhere\n", b->ncalls - grouped);
}

static void print_initcalls(const struct boot_phases *b, const struct symtab *st, unsigned top,
			    FILE *f)
{
	uint64_t sum = 0, window = 0;
	struct initcall_time *sorted = malloc(b->kept * sizeof(*sorted) + 1);

	for (uint64_t i = 0; i < b->kept; i++)
		sum += b->calls[i].ns;
	if (b->p[b->from].at && b->p[b->to].at)
		window = b->p[b->to].at - b->p[b->from].at;
	fprintf(f, "vmm: phases: %" PRIu64 " initcalls timed from %s to %s, %.1f ms in all",
		b->ncalls, b->p[b->from].name, b->p[b->to].name, sum / 1e6);
	if (window)
		fprintf(f, " of the %.1f ms between them (%.1f%%)", window / 1e6, 100.0 * sum / window);
	fputs(b->ncalls > b->kept ? "; only the first ones kept" : "", f);
	fputc('\n', f);
	if (b->dropped || b->unread)
		fprintf(f, "vmm: phases: not timed: %" PRIu64 " entered but not seen returning, %" PRIu64
			" whose return address could not be read (its stack not mapped)\n",
			b->dropped, b->unread);
	print_sites(b, st, f);
	if (!sorted)
		return;
	memcpy(sorted, b->calls, b->kept * sizeof(*sorted));
	qsort(sorted, b->kept, sizeof(*sorted), slower_first);
	if (b->kept)
		fprintf(f, "vmm: phases: the %u slowest initcalls:\n", top < b->kept ? top : (unsigned)b->kept);
	for (uint64_t i = 0; i < b->kept && i < top; i++) {
		uint64_t off = 0;
		const char *name = symtab_symbolize(st, sorted[i].fn, &off);

		if (name && !off)
			fprintf(f, "  %10.3f ms  %s\n", sorted[i].ns / 1e6, name);
		else
			fprintf(f, "  %10.3f ms  %#" PRIx64 "\n", sorted[i].ns / 1e6, sorted[i].fn);
	}
	free(sorted);
}

void boot_phases_report(const struct boot_phases *b, const struct symtab *st, unsigned top,
			FILE *f)
{
	fputs("vmm: phases (breakpoints, ms since vmm started):", f);
	for (unsigned i = 0; i < b->n; i++) {
		if (b->p[i].at)
			fprintf(f, " %s %.1f", b->p[i].name, b->p[i].at / 1e6);
		else
			fprintf(f, " %s -", b->p[i].name);
	}
	fputc('\n', f);
	if (b->initcalls)
		print_initcalls(b, st, top, f);
}
