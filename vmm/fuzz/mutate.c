/* mutate.c: the fuzz mode's mutator: boundary values in the fields of a valid entry state, one PRNG stream per run. */
#include "vmm/fuzz/mutate.h"

#include <asm/bootparam.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "loader/memmap.h"
#include "loader/pvh.h"

/* Reserved paging-structure bits (SDM Vol. 3A §4.3 Table 4-4, §4.5 Tables 4-15 to 4-19):
 * physical-address bit 51 lies above MAXPHYADDR on every CPU with M < 52;
 * bits 20:13 of a 2 MiB PDE and bit 21 of a 4 MiB (PSE) PDE are reserved. */
#define PA_BIT_51 (1ULL << 51) /* also reserved in CR3 (SDM Vol. 3A §4.5.2) */
#define PDE_2M_RSVD (1ULL << 13)
#define PDE_4M_RSVD (1ULL << 21)
#define NONCANONICAL (1ULL << 47) /* flips bit 47 away from bits 63:48 (SDM Vol. 1 §3.3.7.1) */
#define CR3_UNALIGNED 0x20ULL	  /* a PAE PDPT is 32-byte aligned (SDM Vol. 3A §4.4.1) */
#define PAGING_MODES (PAGING_LONG + 1)
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CLASS_TRIES 32 /* class draws before falling back to FUZZ_REGS, which always applies */

const unsigned fuzz_class_weight[FUZZ_CLASSES] = {
	[FUZZ_PAGING] = 20, [FUZZ_GDT] = 20, [FUZZ_SEGMENT] = 15,
	[FUZZ_REGS] = 15, [FUZZ_PTE] = 15, [FUZZ_BOOTINFO] = 15,
};

static const char *const class_names[FUZZ_CLASSES] = {
	"paging", "gdt", "segment", "regs", "pte", "bootinfo",
};

const char *fuzz_class_name(enum fuzz_class c)
{
	return (unsigned)c < FUZZ_CLASSES ? class_names[c] : NULL;
}

struct fz {
	struct entry_state *st;
	const struct fuzz_target *t;
	struct fuzz_mutation *out;
	enum paging_mode mode0; /* the mode the tables in t->mem were built for */
	gpa_t base0;
	uint64_t rng;
};

/* SplitMix64 (Steele, Lea, Flood, OOPSLA 2014; constants from Vigna's splitmix64.c). */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), n > 0. */
static unsigned pick(struct fz *f, unsigned n)
{
	return (unsigned)(splitmix64(&f->rng) % n);
}

__attribute__((format(printf, 3, 4)))
static bool record(struct fz *f, enum fuzz_class c, const char *fmt, ...)
{
	struct fuzz_mutation *o = f->out;
	va_list ap;

	va_start(ap, fmt);
	o->cls[o->n] = c;
	vsnprintf(o->field[o->n], sizeof(o->field[0]), fmt, ap);
	va_end(ap);
	o->n++;
	return true;
}

static uint64_t load(const void *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size); /* little-endian host: the low `size` bytes */
	return v;
}

static void store(void *p, unsigned size, uint64_t v)
{
	memcpy(p, &v, size);
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
}

/* A value of `mask`'s width that differs from cur: 0, all ones, +/-1, one bit flipped or `special`. */
static uint64_t boundary(struct fz *f, uint64_t cur, uint64_t mask, uint64_t special)
{
	unsigned width = 64 - (unsigned)__builtin_clzll(mask);
	uint64_t v;

	cur &= mask;
	switch (pick(f, 6)) {
	case 0: v = 0; break;
	case 1: v = mask; break;
	case 2: v = cur + 1; break;
	case 3: v = cur - 1; break;
	case 4: v = special; break;
	default: v = cur ^ (1ULL << pick(f, width)); break;
	}
	v &= mask;
	return v != cur ? v : cur ^ 1;
}

/* A value in [0, max] other than cur (cur <= max). */
static uint64_t other_small(struct fz *f, uint64_t cur, uint64_t max)
{
	return (cur + 1 + pick(f, (unsigned)max)) % (max + 1);
}

/* ---- Guest memory as the guest will see it: RAM overlaid with the pokes. ---- */

static int poke_index(const struct entry_state *st, uint64_t gpa)
{
	int last = -1;

	for (unsigned i = 0; i < st->npokes && i < ENTRY_POKES_MAX; i++)
		if (st->pokes[i].gpa == gpa)
			last = (int)i; /* entry_poke() writes in order: the last one wins */
	return last;
}

static bool word_get(const struct fz *f, uint64_t gpa, uint64_t *v)
{
	int i = poke_index(f->st, gpa);
	const uint8_t *p;

	if (i >= 0) {
		*v = f->st->pokes[i].value;
		return true;
	}
	p = f->t->mem ? gm_ptr(f->t->mem, gpa, 8) : NULL;
	if (!p)
		return false;
	*v = 0;
	for (unsigned b = 0; b < 8; b++)
		*v |= (uint64_t)p[b] << (8 * b);
	return true;
}

static void word_put(struct entry_state *st, uint64_t gpa, uint64_t v)
{
	int i = poke_index(st, gpa);

	if (i < 0) {
		i = (int)st->npokes++;
		st->pokes[i].gpa = gpa;
	}
	st->pokes[i].value = v;
}

/* `len` (1-8) little-endian bytes at gpa, which may straddle two 8-byte words. */
static bool mem_read(const struct fz *f, uint64_t gpa, unsigned len, uint64_t *v)
{
	uint64_t w;

	*v = 0;
	for (unsigned b = 0; b < len; b++) {
		if (!word_get(f, (gpa + b) & ~7ULL, &w))
			return false;
		*v |= ((w >> (8 * ((gpa + b) & 7))) & 0xff) << (8 * b);
	}
	return true;
}

/* Read-modify-write of the one or two aligned words holding [gpa, gpa+len) as pokes. */
static bool mem_write(struct fz *f, uint64_t gpa, unsigned len, uint64_t v)
{
	uint64_t lo = gpa & ~7ULL, hi = (gpa + len - 1) & ~7ULL, w;
	unsigned need = (poke_index(f->st, lo) < 0) + (hi != lo && poke_index(f->st, hi) < 0);

	if (hi < lo || f->st->npokes + need > ENTRY_POKES_MAX ||
	    !word_get(f, lo, &w) || !word_get(f, hi, &w))
		return false;
	for (unsigned b = 0; b < len; b++) {
		uint64_t a = gpa + b, shift = 8 * (a & 7);

		word_get(f, a & ~7ULL, &w);
		w = (w & ~(0xffULL << shift)) | (((v >> (8 * b)) & 0xff) << shift);
		word_put(f->st, a & ~7ULL, w);
	}
	return true;
}

/* ---- FUZZ_PAGING: paging.mode/large (tables and registers together), CR and EFER bits, CR3. ---- */

struct bit_op {
	const char *name;
	size_t off; /* in struct boot_cpu */
	uint64_t bit;
};

#define CPU_BIT(reg, n, b) { #reg "." n, offsetof(struct boot_cpu, reg), b }
static const struct bit_op paging_bits[] = {
	CPU_BIT(cr0, "pe", X86_CR0_PE), CPU_BIT(cr0, "et", X86_CR0_ET),
	CPU_BIT(cr0, "wp", X86_CR0_WP), CPU_BIT(cr0, "nw", X86_CR0_NW),
	CPU_BIT(cr0, "cd", X86_CR0_CD), CPU_BIT(cr0, "pg", X86_CR0_PG),
	CPU_BIT(cr4, "pse", X86_CR4_PSE), CPU_BIT(cr4, "pae", X86_CR4_PAE),
	CPU_BIT(cr4, "pge", X86_CR4_PGE), CPU_BIT(cr4, "la57", X86_CR4_LA57),
	CPU_BIT(cr4, "vmxe", X86_CR4_VMXE), CPU_BIT(cr4, "osxsave", X86_CR4_OSXSAVE),
	CPU_BIT(cr4, "smep", X86_CR4_SMEP), CPU_BIT(cr4, "smap", X86_CR4_SMAP),
	CPU_BIT(cr4, "pke", X86_CR4_PKE), CPU_BIT(efer, "sce", X86_EFER_SCE),
	CPU_BIT(efer, "lme", X86_EFER_LME), CPU_BIT(efer, "lma", X86_EFER_LMA),
	CPU_BIT(efer, "nxe", X86_EFER_NXE),
};
#define N_PAGING_BITS N(paging_bits)

static const struct bit_op rflags_bits[] = {
	CPU_BIT(rflags, "if", X86_RFLAGS_IF), CPU_BIT(rflags, "tf", X86_RFLAGS_TF),
	CPU_BIT(rflags, "vm", X86_RFLAGS_VM), CPU_BIT(rflags, "ac", X86_RFLAGS_AC),
	CPU_BIT(rflags, "nt", X86_RFLAGS_NT), CPU_BIT(rflags, "df", X86_RFLAGS_DF),
	CPU_BIT(rflags, "iopl", X86_RFLAGS_IOPL), CPU_BIT(rflags, "bit1", X86_RFLAGS_RESERVED),
};
#define N_RFLAGS_BITS N(rflags_bits)

static bool flip_bit(struct fz *f, enum fuzz_class c, const struct bit_op *op)
{
	uint8_t *reg = (uint8_t *)&f->st->cpu + op->off;

	store(reg, 8, load(reg, 8) ^ op->bit);
	return record(f, c, "%s", op->name);
}

/* Switch to paging spec p if its tables fit, moving the paging bits of CR0/CR3/CR4/EFER along. */
static bool paging_set(struct fz *f, struct pt_spec p)
{
	struct boot_cpu was = { 0 }, now = { 0 };
	struct boot_cpu *c = &f->st->cpu;
	uint64_t bytes;

	if (p.mode != PAGING_OFF && (!p.base || !pt_size(&p, &bytes) || bytes > p.limit))
		return false;
	entry_paging_regs(&was, &f->st->paging);
	entry_paging_regs(&now, &p);
	c->cr0 ^= was.cr0 ^ now.cr0;
	c->cr3 ^= was.cr3 ^ now.cr3;
	c->cr4 ^= was.cr4 ^ now.cr4;
	c->efer ^= was.efer ^ now.efer;
	f->st->paging = p;
	return true;
}

static bool paging_mode(struct fz *f)
{
	struct pt_spec p = f->st->paging;
	unsigned start = pick(f, PAGING_MODES - 1);

	for (unsigned j = 0; j < PAGING_MODES - 1; j++) {
		p.mode = (enum paging_mode)((f->st->paging.mode + 1 + (start + j) % (PAGING_MODES - 1)) %
					    PAGING_MODES);
		if (paging_set(f, p))
			return record(f, FUZZ_PAGING, "paging.mode");
	}
	return false;
}

static bool paging_cr3(struct fz *f)
{
	uint64_t cur = f->st->cpu.cr3;
	const uint64_t v[] = { cur + PT_PAGE, cur - PT_PAGE, cur + CR3_UNALIGNED, 0,
			       cur | PA_BIT_51 };
	uint64_t n = v[pick(f, N(v))];

	f->st->cpu.cr3 = n != cur ? n : cur + PT_PAGE;
	return record(f, FUZZ_PAGING, "cr3");
}

static bool apply_paging(struct fz *f)
{
	struct pt_spec p = f->st->paging;
	bool nonpae = p.mode == PAGING_NONPAE;
	unsigned k = pick(f, N_PAGING_BITS + 2 + nonpae);

	if (k < N_PAGING_BITS)
		return flip_bit(f, FUZZ_PAGING, &paging_bits[k]);
	if (k == N_PAGING_BITS)
		return paging_cr3(f);
	if (k == N_PAGING_BITS + 1)
		return paging_mode(f);
	p.large = !p.large; /* NONPAE only: 4 KiB pages <-> 4 MiB PSE pages */
	return paging_set(f, p) && record(f, FUZZ_PAGING, "paging.large");
}

/* The segment registers, for FUZZ_GDT and FUZZ_SEGMENT. */
struct cpu_field {
	const char *name;
	size_t off; /* in struct boot_cpu */
};
#define CPU_FIELD(r) { #r, offsetof(struct boot_cpu, r) }
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
	const uint8_t *s = (const uint8_t *)&f->st->cpu + seg_regs[pick(f, N_SEG_REGS)].off;
	unsigned used = (unsigned)load(s + offsetof(struct segment, selector), 2) >> 3; /* index, SDM §3.4.2 */
	unsigned any = pick(f, f->st->gdt_n);

	return pick(f, 2) && used < f->st->gdt_n ? used : any;
}

static bool apply_gdt(struct fz *f)
{
	unsigned i, k;
	uint16_t flags;
	uint32_t base, limit;

	if (f->st->gdt_n == 0 || f->st->gdt_n > ENTRY_GDT_MAX)
		return false;
	i = gdt_pick(f);
	k = pick(f, N_GDT_FIELDS + 2);
	gdt_split(f->st->gdt[i], &flags, &base, &limit);
	if (k < N_GDT_FIELDS) {
		unsigned sh = gdt_fields[k].shift, max = (1u << gdt_fields[k].width) - 1;
		uint64_t v = other_small(f, (flags >> sh) & max, max);

		flags = (uint16_t)((flags & ~(max << sh)) | (v << sh));
	} else if (k == N_GDT_FIELDS) { /* the raw 20-bit limit; G=1 scales it by 4 KiB */
		limit = (uint32_t)boundary(f, limit, 0xfffff, limit >> 12);
	} else {
		base = (uint32_t)boundary(f, base, 0xffffffff, base + PT_PAGE);
	}
	f->st->gdt[i] = gdt_entry(flags, base, limit);
	return record(f, FUZZ_GDT, "gdt.%u.%s", i,
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
			       cur | (1 + pick(f, 3)), cur | 4, 0 };
	uint64_t n = v[pick(f, N(v))] & 0xffff;

	return n != cur ? n : cur ^ 8;
}

static bool apply_segment(struct fz *f)
{
	unsigned r = pick(f, N_SEG_REGS);
	unsigned k = pick(f, N(seg_fields));
	uint8_t *p = (uint8_t *)&f->st->cpu + seg_regs[r].off + seg_fields[k].off;
	uint64_t cur = load(p, seg_fields[k].size), max = seg_fields[k].max, v;
	size_t off = seg_fields[k].off;

	if (max < 16)
		v = other_small(f, cur <= max ? cur : 0, max);
	else if (off == offsetof(struct segment, selector))
		v = selector_value(f, cur);
	else /* base: non-canonical; limit: as if G were applied twice */
		v = boundary(f, cur, max, off == offsetof(struct segment, base) ? cur ^ NONCANONICAL : cur >> 12);
	store(p, seg_fields[k].size, v);
	return record(f, FUZZ_SEGMENT, "%s.%s", seg_regs[r].name, seg_fields[k].name);
}

/* ---- FUZZ_REGS: RIP, RSP, RSI, RBX, RFLAGS bits. ---- */

static const struct cpu_field gp_regs[] = {
	CPU_FIELD(rip), CPU_FIELD(rsp), CPU_FIELD(rsi), CPU_FIELD(rbx),
};
#define N_GP_REGS N(gp_regs)

static bool apply_regs(struct fz *f)
{
	unsigned k = pick(f, N_GP_REGS + N_RFLAGS_BITS);
	uint8_t *r;
	uint64_t cur;

	if (k >= N_GP_REGS)
		return flip_bit(f, FUZZ_REGS, &rflags_bits[k - N_GP_REGS]);
	r = (uint8_t *)&f->st->cpu + gp_regs[k].off;
	cur = load(r, 8);
	store(r, 8, boundary(f, cur, UINT64_MAX, cur ^ NONCANONICAL));
	return record(f, FUZZ_REGS, "%s", gp_regs[k].name);
}

/* ---- FUZZ_PTE: one present paging-structure entry, as a poke. ---- */

static const char *const pte_ops[] = { "p", "addr", "reserved", "nx", "ps", "rw", "us" };
#define N_PTE_OPS N(pte_ops)

/* Whether op applies to present entry e (w bytes): 32-bit paging has no NX and no
 * reserved bit outside a 4 MiB PDE; setting a set bit or clearing a clear one is no change. */
static bool pte_op_ok(unsigned op, unsigned w, uint64_t e)
{
	switch (op) {
	case 2: return w == 8 || (e & PTE_PS);
	case 3: return w == 8 && !(e & PTE_NX);
	case 5: return e & PTE_RW;
	case 6: return !(e & PTE_US);
	default: return true;
	}
}

static uint64_t pte_op(struct fz *f, unsigned op, unsigned w, uint64_t e)
{
	bool ps = e & PTE_PS;
	unsigned low = !ps ? 12 : w == 4 ? 22 : 21; /* lowest address bit of the page or table */

	switch (op) {
	case 0: return e & ~PTE_P;
	case 1: return e ^ (1ULL << (low + pick(f, 8)));
	case 2: return e | (w == 4 ? PDE_4M_RSVD : ps ? PDE_2M_RSVD : PA_BIT_51);
	case 3: return e | PTE_NX;
	case 4: return e ^ PTE_PS;
	case 5: return e & ~PTE_RW;
	default: return e | PTE_US;
	}
}

/* One of the ops that apply to e, uniformly (op 0, clear P, always applies). */
static unsigned pte_pick_op(struct fz *f, unsigned w, uint64_t e)
{
	unsigned ok[N_PTE_OPS], n = 0;

	for (unsigned op = 0; op < N_PTE_OPS; op++)
		if (pte_op_ok(op, w, e))
			ok[n++] = op;
	return ok[pick(f, n)];
}

/* A present entry in the tables, scanning from a random one. */
static bool pte_find(struct fz *f, unsigned w, uint64_t *gpa, uint64_t *e)
{
	uint64_t n = f->t->table_bytes / w, start;

	if (n == 0 || n > UINT32_MAX)
		return false;
	start = pick(f, (unsigned)n);
	for (uint64_t j = 0; j < n; j++) {
		*gpa = f->base0 + ((start + j) % n) * w;
		if (mem_read(f, *gpa, w, e) && (*e & PTE_P))
			return true;
	}
	return false;
}

static bool apply_pte(struct fz *f)
{
	unsigned w = f->mode0 == PAGING_NONPAE ? 4 : 8, op;
	uint64_t gpa, e;

	if (f->mode0 == PAGING_OFF || !pte_find(f, w, &gpa, &e))
		return false;
	op = pte_pick_op(f, w, e);
	if (!mem_write(f, gpa, w, pte_op(f, op, w, e)))
		return false;
	return record(f, FUZZ_PTE, "pte.0x%llx.%s", (unsigned long long)gpa, pte_ops[op]);
}

/* ---- FUZZ_BOOTINFO: a boot_params or hvm_start_info field, as pokes. ---- */

enum vkind { V_ANY, V_ADDR, V_COUNT, V_TYPE, V_SUBARCH };
struct info_field {
	const char *name;
	size_t off;
	unsigned size;
	enum vkind kind;
};

#define BP(fl, sz, k) { #fl, offsetof(struct boot_params, hdr.fl), sz, k }
static const struct info_field bp_fields[] = {
	BP(hardware_subarch, 4, V_SUBARCH), BP(cmd_line_ptr, 4, V_ADDR),
	{ "e820_entries", offsetof(struct boot_params, e820_entries), 1, V_COUNT },
};
#define HVM(fl, sz, k) { #fl, offsetof(struct hvm_start_info, fl), sz, k }
static const struct info_field hvm_fields[] = {
	HVM(magic, 4, V_ANY), HVM(version, 4, V_ANY), HVM(cmdline_paddr, 8, V_ADDR),
	HVM(memmap_paddr, 8, V_ADDR), HVM(memmap_entries, 4, V_COUNT),
};
/* An e820 entry and an hvm_memmap_table_entry share the layout of these three fields. */
static const struct info_field map_fields[] = {
	{ "addr", offsetof(struct boot_e820_entry, addr), 8, V_ADDR },
	{ "size", offsetof(struct boot_e820_entry, size), 8, V_ANY },
	{ "type", offsetof(struct boot_e820_entry, type), 4, V_TYPE },
};
_Static_assert(offsetof(struct hvm_memmap_table_entry, size) == offsetof(struct boot_e820_entry, size) &&
	       offsetof(struct hvm_memmap_table_entry, type) == offsetof(struct boot_e820_entry, type),
	       "map entry layouts");
static const struct { const char *name; uint8_t bit; } loadflags[] = {
	{ "loaded_high", LOADED_HIGH }, { "keep_segments", KEEP_SEGMENTS },
	{ "can_use_heap", CAN_USE_HEAP },
};

static uint64_t info_value(struct fz *f, enum vkind k, uint64_t cur, uint64_t mask)
{
	const uint64_t addr[] = { 0, gm_low_size(f->t->mem), cur | 1, mask };
	const uint64_t count[] = { 0, 1, E820_MAX_ENTRIES_ZEROPAGE, E820_MAX_ENTRIES_ZEROPAGE + 1, mask };
	uint64_t v;

	switch (k) {
	case V_ADDR: v = addr[pick(f, 4)] & mask; break;
	case V_COUNT: v = count[pick(f, 5)] & mask; break;
	case V_SUBARCH: /* a known one, the first unknown one or all ones */
		v = pick(f, X86_NR_SUBARCHS + 2);
		v = v <= X86_NR_SUBARCHS ? v : mask;
		break;
	case V_TYPE: return boundary(f, cur, mask, cur == MEMMAP_RAM ? MEMMAP_RESERVED : MEMMAP_RAM);
	default: return boundary(f, cur, mask, cur + PT_PAGE);
	}
	return v != cur ? v : boundary(f, cur, mask, cur ^ 1);
}

static bool info_poke(struct fz *f, uint64_t gpa, const struct info_field *fl, const char *name)
{
	uint64_t cur, end;

	if (__builtin_add_overflow(gpa, fl->size, &end) || !mem_read(f, gpa, fl->size, &cur) ||
	    !mem_write(f, gpa, fl->size, info_value(f, fl->kind, cur, size_mask(fl->size))))
		return false;
	return record(f, FUZZ_BOOTINFO, "%s", name);
}

/* Entry i < min(max(count, 1), slots) of the table at `table`. */
static bool info_entry(struct fz *f, const char *what, uint64_t table, uint64_t count,
		       unsigned slots, size_t esize)
{
	unsigned i = pick(f, count == 0 ? 1 : count < slots ? (unsigned)count : slots);
	const struct info_field *fl = &map_fields[pick(f, N(map_fields))];
	uint64_t gpa;
	char name[48];

	if (__builtin_add_overflow(table, i * esize + fl->off, &gpa))
		return false;
	snprintf(name, sizeof(name), "%s.%u.%s", what, i, fl->name);
	return info_poke(f, gpa, fl, name);
}

static bool apply_bootparams(struct fz *f, gpa_t zp)
{
	unsigned k = pick(f, N(loadflags) + N(bp_fields) + 1);
	uint64_t v;
	char name[48];

	if (k < N(loadflags)) {
		gpa_t at = zp + offsetof(struct boot_params, hdr.loadflags);

		if (!mem_read(f, at, 1, &v) || !mem_write(f, at, 1, v ^ loadflags[k].bit))
			return false;
		return record(f, FUZZ_BOOTINFO, "bootparams.loadflags.%s", loadflags[k].name);
	}
	k -= N(loadflags);
	if (k < N(bp_fields)) {
		snprintf(name, sizeof(name), "bootparams.%s", bp_fields[k].name);
		return info_poke(f, zp + bp_fields[k].off, &bp_fields[k], name);
	}
	if (!mem_read(f, zp + offsetof(struct boot_params, e820_entries), 1, &v))
		return false;
	return info_entry(f, "bootparams.e820", zp + offsetof(struct boot_params, e820_table), v,
			  E820_MAX_ENTRIES_ZEROPAGE, sizeof(struct boot_e820_entry));
}

static bool apply_hvm(struct fz *f, gpa_t si)
{
	unsigned k = pick(f, N(hvm_fields) + 1);
	uint64_t table, n;
	char name[48];

	if (k < N(hvm_fields)) {
		snprintf(name, sizeof(name), "hvm_start_info.%s", hvm_fields[k].name);
		return info_poke(f, si + hvm_fields[k].off, &hvm_fields[k], name);
	}
	if (!mem_read(f, si + offsetof(struct hvm_start_info, memmap_paddr), 8, &table) ||
	    !mem_read(f, si + offsetof(struct hvm_start_info, memmap_entries), 4, &n))
		return false;
	return info_entry(f, "hvm_start_info.memmap", table, n, MEMMAP_MAX,
			  sizeof(struct hvm_memmap_table_entry));
}

static bool apply_bootinfo(struct fz *f)
{
	return f->st->proto == BOOT_PVH ? apply_hvm(f, f->t->info) : apply_bootparams(f, f->t->info);
}

/* ---- Driver ---- */

static bool (*const appliers[FUZZ_CLASSES])(struct fz *) = {
	[FUZZ_PAGING] = apply_paging, [FUZZ_GDT] = apply_gdt, [FUZZ_SEGMENT] = apply_segment,
	[FUZZ_REGS] = apply_regs, [FUZZ_PTE] = apply_pte, [FUZZ_BOOTINFO] = apply_bootinfo,
};

static enum fuzz_class draw_class(struct fz *f)
{
	unsigned r = pick(f, FUZZ_WEIGHT_TOTAL), c = 0;

	while (c < FUZZ_CLASSES - 1 && r >= fuzz_class_weight[c])
		r -= fuzz_class_weight[c++];
	return (enum fuzz_class)c;
}

/* One mutation; a class that cannot apply to this state is drawn again. */
static void mutate_one(struct fz *f)
{
	for (unsigned i = 0; i < CLASS_TRIES; i++)
		if (appliers[draw_class(f)](f))
			return;
	apply_regs(f);
}

/* Near mode with a validator: redraw until at most one violation, else keep the last. */
static void mutate_near(struct fz *f)
{
	const struct fuzz_target *t = f->t;
	struct entry_state orig = *f->st;

	for (unsigned i = 0; i < FUZZ_NEAR_TRIES; i++) {
		if (i > 0) {
			*f->st = orig;
			memset(f->out, 0, sizeof(*f->out));
		}
		mutate_one(f);
		if (t->violations(t->ctx, f->st) <= 1)
			return;
	}
}

void fuzz_mutate(struct entry_state *st, const struct fuzz_target *t, uint64_t seed,
		 uint64_t index, enum fuzz_mode mode, struct fuzz_mutation *out)
{
	struct fz f = { .st = st, .t = t, .out = out, .mode0 = st->paging.mode,
			.base0 = st->paging.base, .rng = seed };

	memset(out, 0, sizeof(*out));
	if (index == 0)
		return; /* the baseline: the valid state itself */
	f.rng = splitmix64(&f.rng) ^ (index * 0x9e3779b97f4a7c15ULL); /* one stream per (seed, index) */
	if (mode == FUZZ_WILD) {
		for (unsigned n = 1 + pick(&f, FUZZ_MAX_MUTATIONS); n > 0; n--)
			mutate_one(&f);
	} else if (t->violations) {
		mutate_near(&f);
	} else {
		mutate_one(&f);
	}
}
