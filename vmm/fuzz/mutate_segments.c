/* mutate_segments.c: the FUZZ_GDT and FUZZ_SEGMENT classes: a raw GDT descriptor field, a segment register's cache. */
#include "vmm/fuzz/mutate_private.h"

/* The segment registers, for FUZZ_GDT and FUZZ_SEGMENT. */
static const struct cpu_field seg_regs[] = {
	CPU_FIELD(cs), CPU_FIELD(ds), CPU_FIELD(es), CPU_FIELD(fs),
	CPU_FIELD(gs), CPU_FIELD(ss), CPU_FIELD(tr), CPU_FIELD(ldt),
};
#define N_SEG_REGS N(seg_regs)

/* ---- FUZZ_GDT: one field of one raw descriptor; the segment registers keep the old one. ---- */

/* Fields of gdt_entry()'s flags argument (gdt.h; SDM Vol. 3A §3.4.5 Figure 3-8). */
static const struct { const char *name; unsigned shift, width; } gdt_fields[] = {
	{ "type", 0, 4 }, { "s", 4, 1 }, { "dpl", 5, 2 }, { "present", 7, 1 },
	{ "avl", 12, 1 }, { "l", 13, 1 }, { "db", 14, 1 }, { "g", 15, 1 },
};
#define N_GDT_FIELDS N(gdt_fields)

/* The inverse of gdt_entry(): flags, 32-bit base and raw 20-bit limit (SDM Vol. 3A §3.4.5). */
static void gdt_split(uint64_t e, uint16_t *flags, uint32_t *base, uint32_t *limit)
{
	*flags = (uint16_t)((e >> 40) & 0xf0ff);
	*base = (uint32_t)(((e >> 16) & 0xffffff) | ((e >> 32) & 0xff000000));
	*limit = (uint32_t)((e & 0xffff) | ((e >> 32) & 0xf0000));
}

/* Half the time the descriptor a segment register was loaded from, else any one (gdt_n > 0). */
static unsigned gdt_pick(struct fz *f)
{
	const uint8_t *s = (const uint8_t *)&f->st->cpu + seg_regs[fz_pick(f, N_SEG_REGS)].off;
	unsigned used = (unsigned)fz_load(s + offsetof(struct segment, selector), 2) >> 3; /* index, SDM §3.4.2 */
	unsigned any = fz_pick(f, f->st->gdt_n);

	return fz_pick(f, 2) && used < f->st->gdt_n ? used : any;
}

bool fz_apply_gdt(struct fz *f)
{
	unsigned i, k;
	uint16_t flags;
	uint32_t base, limit;

	if (f->st->gdt_n == 0 || f->st->gdt_n > ENTRY_GDT_MAX)
		return false;
	i = gdt_pick(f);
	k = fz_pick(f, N_GDT_FIELDS + 2);
	gdt_split(f->st->gdt[i], &flags, &base, &limit);
	if (k < N_GDT_FIELDS) {
		unsigned sh = gdt_fields[k].shift, max = (1u << gdt_fields[k].width) - 1;
		uint64_t v = fz_other_small(f, (flags >> sh) & max, max);

		flags = (uint16_t)((flags & ~(max << sh)) | (v << sh));
	} else if (k == N_GDT_FIELDS) { /* the raw 20-bit limit; G=1 scales it by 4 KiB */
		limit = (uint32_t)fz_boundary(f, limit, 0xfffff, limit >> 12);
	} else {
		base = (uint32_t)fz_boundary(f, base, 0xffffffff, base + PT_PAGE);
	}
	f->st->gdt[i] = gdt_entry(flags, base, limit);
	return fz_record(f, FUZZ_GDT, "gdt.%u.%s", i,
		      k < N_GDT_FIELDS ? gdt_fields[k].name : k == N_GDT_FIELDS ? "limit" : "base");
}

/* ---- FUZZ_SEGMENT: one field of a segment register's cache. ---- */

/* Each field's range, as the entry-state file accepts it (vmm/state.c). */
#define SEG_FIELD(fl, mx) { #fl, offsetof(struct segment, fl), sizeof(((struct segment *)0)->fl), mx }
static const struct { const char *name; size_t off; unsigned size; uint64_t max; } seg_fields[] = {
	SEG_FIELD(selector, 0xffff), SEG_FIELD(base, UINT64_MAX), SEG_FIELD(limit, 0xffffffff),
	SEG_FIELD(type, 15), SEG_FIELD(s, 1), SEG_FIELD(dpl, 3), SEG_FIELD(present, 1),
	SEG_FIELD(db, 1), SEG_FIELD(l, 1), SEG_FIELD(g, 1), SEG_FIELD(avl, 1),
	SEG_FIELD(unusable, 1),
};

/* Selector bits: RPL 1:0, TI 2 (LDT), index from bit 3 (SDM Vol. 3A §3.4.2). */
static uint64_t selector_value(struct fz *f, uint64_t cur)
{
	const uint64_t v[] = { cur + 8, cur - 8, (f->st->cpu.gdt.limit | 7ULL) + 1,
			       cur | (1 + fz_pick(f, 3)), cur | 4, 0 };
	uint64_t n = v[fz_pick(f, N(v))] & 0xffff;

	return n != cur ? n : cur ^ 8;
}

bool fz_apply_segment(struct fz *f)
{
	unsigned r = fz_pick(f, N_SEG_REGS);
	unsigned k = fz_pick(f, N(seg_fields));
	uint8_t *p = (uint8_t *)&f->st->cpu + seg_regs[r].off + seg_fields[k].off;
	uint64_t cur = fz_load(p, seg_fields[k].size), max = seg_fields[k].max, v;
	size_t off = seg_fields[k].off;

	if (max < 16)
		v = fz_other_small(f, cur <= max ? cur : 0, max);
	else if (off == offsetof(struct segment, selector))
		v = selector_value(f, cur);
	else /* base: non-canonical; limit: as if G were applied twice */
		v = fz_boundary(f, cur, max, off == offsetof(struct segment, base) ? cur ^ NONCANONICAL : cur >> 12);
	fz_store(p, seg_fields[k].size, v);
	return fz_record(f, FUZZ_SEGMENT, "%s.%s", seg_regs[r].name, seg_fields[k].name);
}
