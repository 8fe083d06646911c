/* validate.c: boot-protocol and CPU-architecture checks of an entry state, each violation named. */
#include "vmm/validate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "loader/memmap.h"
#include "mmu/bits.h"

#define PAGE 4096ULL

struct checker {
	const struct guest_mem *gm;
	const struct entry_state *st;
	violation_fn report;
	void *ctx;
	unsigned count;
};

/* A violation named `name`, or `name:what` where `what` is not NULL (a segment or region);
 * the name and detail are formatted only here, when there is one to report. */
static void violation(struct checker *c, const char *name, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void violation(struct checker *c, const char *name, const char *what, const char *fmt, ...)
{
	char full[64], detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (what)
		snprintf(full, sizeof(full), "%s:%s", name, what);
	c->count++;
	c->report(c->ctx, what ? full : name, detail);
}

static void check_flags(struct checker *c)
{
	const struct boot_cpu *cpu = &c->st->cpu;

	if (cpu->rflags & X86_RFLAGS_IF)
		violation(c, "interrupts-enabled", NULL, "rflags 0x%" PRIx64 " has IF set; the protocol wants interrupts off", cpu->rflags);
	if (!(cpu->rflags & X86_RFLAGS_RESERVED))
		violation(c, "rflags-bit1-clear", NULL, "rflags 0x%" PRIx64 ": bit 1 must be 1", cpu->rflags);
	if ((cpu->cr0 & X86_CR0_PG) && !(cpu->cr0 & X86_CR0_PE))
		violation(c, "pg-without-pe", NULL, "cr0 0x%" PRIx64 " enables paging without protected mode", cpu->cr0);
}

static void check_paging_regs(struct checker *c)
{
	const struct boot_cpu *cpu = &c->st->cpu;
	const uint64_t cr4_bits = X86_CR4_PAE | X86_CR4_PSE;
	struct boot_cpu want = *cpu;

	entry_paging_regs(&want, &c->st->paging);
	if ((cpu->cr0 & X86_CR0_PG) != (want.cr0 & X86_CR0_PG) ||
	    (cpu->cr4 & cr4_bits) != (want.cr4 & cr4_bits) ||
	    cpu->efer != want.efer || (cpu->cr3 != want.cr3 && want.cr3))
		violation(c, "paging-mode-mismatch", NULL,
			  "cr0 0x%" PRIx64 " cr3 0x%" PRIx64 " cr4 0x%" PRIx64 " efer 0x%" PRIx64 " do not describe paging.mode %s (tables at 0x%" PRIx64 ")",
			  cpu->cr0, cpu->cr3, cpu->cr4, cpu->efer,
			  paging_mode_name(c->st->paging.mode), c->st->paging.base);
	if ((cpu->efer & X86_EFER_LME) && (cpu->cr0 & X86_CR0_PG) &&
	    (!(cpu->cr4 & X86_CR4_PAE) || !(cpu->efer & X86_EFER_LMA)))
		violation(c, "long-mode-needs-pae-and-lma", NULL, "EFER.LME with CR0.PG needs CR4.PAE and EFER.LMA (SDM Vol. 3A §9.8.5)");
	if ((cpu->cr4 & X86_CR4_PAE) && !(cpu->efer & X86_EFER_LMA) && (cpu->cr3 & 0x1f))
		violation(c, "pae-cr3-misaligned", NULL, "PAE CR3 0x%" PRIx64 " must be 32-byte aligned", cpu->cr3);
}

static void check_proto(struct checker *c)
{
	const struct entry_state *st = c->st;

	const char *name = boot_proto_name(st->proto);
	char v[48];

	if (boot_proto_is64(st->proto) && (st->paging.mode != PAGING_LONG || !st->cpu.cs.l)) {
		snprintf(v, sizeof(v), "%s-needs-long-mode", name);
		violation(c, v, NULL, "the %s entry is 64-bit code: it needs paging.mode long and cs.l 1", name);
	}
	if (!boot_proto_is64(st->proto) && (st->paging.mode == PAGING_LONG || st->cpu.cs.l)) {
		snprintf(v, sizeof(v), "%s-in-long-mode", name);
		violation(c, v, NULL, "the %s entry runs 32-bit code: paging.mode long or cs.l 1 puts it in long mode", name);
	}
	if (st->proto == BOOT_PVH && st->paging.mode != PAGING_OFF)
		violation(c, "pvh-needs-paging-off", NULL, "the PVH ABI enters with paging off (CR0.PG 0, CR4 0)");
	if (!(st->cpu.cs.type & 8) || !st->cpu.cs.s)
		violation(c, "cs-not-code", NULL, "cs.type 0x%x s %u is not a code segment", st->cpu.cs.type, st->cpu.cs.s);
}

static bool same_segment(const struct segment *a, const struct segment *b)
{
	return a->base == b->base && a->limit == b->limit && a->type == b->type &&
	       a->s == b->s && a->dpl == b->dpl && a->present == b->present &&
	       a->db == b->db && a->l == b->l && a->g == b->g && a->avl == b->avl;
}

static void check_segment(struct checker *c, const char *name, const struct segment *s)
{
	const struct entry_state *st = c->st;
	unsigned index = s->selector >> 3;

	if (s->unusable && s->selector < 4)
		return; /* a null selector: allowed for data segments */
	if ((s->selector & 4) || (uint32_t)index * 8 + 7 > st->cpu.gdt.limit) {
		violation(c, "selector-outside-gdt", name, "%s selector 0x%x is outside the GDT (limit 0x%x)", name, s->selector, st->cpu.gdt.limit);
		return;
	}
	struct segment d = gdt_segment(index < st->gdt_n ? st->gdt[index] : 0, s->selector);

	if (!same_segment(s, &d))
		violation(c, "segment-differs-from-gdt", name, "%s (selector 0x%x) differs from GDT entry %u 0x%" PRIx64, name, s->selector, index, index < st->gdt_n ? st->gdt[index] : 0);
}

static void check_segments(struct checker *c)
{
	const struct boot_cpu *cpu = &c->st->cpu;
	const struct { const char *name; const struct segment *s; } segs[] = {
		{ "cs", &cpu->cs }, { "ds", &cpu->ds }, { "es", &cpu->es }, { "fs", &cpu->fs },
		{ "gs", &cpu->gs }, { "ss", &cpu->ss }, { "tr", &cpu->tr },
	};

	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		check_segment(c, segs[i].name, segs[i].s);
}

/* Every page of the region: RAM, not under the page tables, and with paging on mapped 1:1
 * and writable. A large page found 1:1 and writable is so for all its pages, so the walk
 * goes on after it (a kernel's zero-fill region spans thousands of 4 KiB pages). */
static void check_region(struct checker *c, const struct region *r)
{
	const struct entry_state *st = c->st;
	uint64_t tables = 0;

	if (pt_size(&st->paging, &tables) &&
	    ranges_overlap(st->paging.base, tables, r->start, r->len))
		violation(c, "tables-overlap", r->name, "the page tables [0x%" PRIx64 ", 0x%" PRIx64 ") overwrite %s [0x%" PRIx64 ", 0x%" PRIx64 ")",
			  st->paging.base, st->paging.base + tables, r->name, r->start, r->start + r->len);
	if (!gm_ptr(c->gm, r->start, r->len)) {
		violation(c, "region-not-ram", r->name, "%s [0x%" PRIx64 ", 0x%" PRIx64 ") is not guest RAM", r->name, r->start, r->start + r->len);
		return;
	}
	for (uint64_t va = r->start & ~(PAGE - 1); va < r->start + r->len;) {
		struct pt_walk w;
		int rc = pt_translate(c->gm, st->paging.mode, (st->cpu.cr4 & X86_CR4_PSE) != 0,
				      st->cpu.cr3, va, &w);
		uint64_t step = rc == 0 && w.page_size > PAGE ? w.page_size : PAGE;

		if (rc < 0 || w.pa != va || !w.writable) {
			violation(c, "region-not-mapped", r->name, "%s page 0x%" PRIx64 " is %s", r->name, va,
				  rc < 0 ? "not mapped (or its tables are invalid)" :
				  w.pa != va ? "not identity-mapped" : "read-only");
			return;
		}
		va = (va & ~(step - 1)) + step;
	}
}

/* The tables must sit in one e820 RAM range, which the map then reserves
 * for them (load_write_memmap()): never in the legacy hole below 1 MiB or
 * across the end of RAM, where the kernel's view and ours would differ. */
static void check_tables_in_ram(struct checker *c)
{
	const struct pt_spec *p = &c->st->paging;
	struct memmap_entry map[MEMMAP_MAX];
	unsigned n = memmap_build(c->gm, map);
	uint64_t bytes = 0;

	if (!pt_size(p, &bytes) || bytes == 0 || memmap_ram_holds(map, n, p->base, bytes))
		return;
	violation(c, "tables-not-ram", NULL, "the page tables [0x%" PRIx64 ", 0x%" PRIx64 ") are not inside one RAM range of the memory map",
		  p->base, p->base + bytes);
}

unsigned entry_validate(const struct guest_mem *gm, const struct entry_state *st,
			const struct region *regions, unsigned nregions,
			violation_fn report, void *ctx)
{
	struct checker c = { .gm = gm, .st = st, .report = report, .ctx = ctx };

	check_flags(&c);
	check_paging_regs(&c);
	check_proto(&c);
	check_segments(&c);
	check_tables_in_ram(&c);
	for (unsigned i = 0; i < nregions; i++)
		if (regions[i].len)
			check_region(&c, &regions[i]);
	return c.count;
}
