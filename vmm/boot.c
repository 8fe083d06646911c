/* boot.c: pure construction of the entry state: boot GDT, segments decoded from it, control registers, tables. */
#include "vmm/boot.h"

#include <errno.h>
#include <string.h>

#include "mmu/err.h"

static int check_selector(const char *what, uint16_t sel)
{
	if (sel < 8 || (sel & 7) || (sel >> 3) >= ENTRY_GDT_MAX - 1)
		return errf(-EINVAL,
			    "boot: %s selector 0x%x must be a non-null GDT selector (multiple of 8, RPL 0) below 0x%x",
			    what, sel, (ENTRY_GDT_MAX - 1) * 8);
	return 0;
}

/* Boot GDT with code at cs, data at ds and the TSS in the first slot past both. */
static int build_gdt(struct entry_state *st, uint16_t cs, uint16_t ds, bool code64,
		     uint16_t *tss)
{
	unsigned top = (cs > ds ? cs : ds) >> 3;
	int r = check_selector("code", cs);

	if (r == 0)
		r = check_selector("data", ds);
	if (r == 0 && cs == ds)
		r = errf(-EINVAL, "boot: code and data selectors are both 0x%x", cs);
	if (r < 0)
		return r;
	*tss = (uint16_t)((top < 4 ? 4 : top + 1) << 3);
	memset(st->gdt, 0, sizeof(st->gdt));
	st->gdt_n = (*tss >> 3) + 1;
	st->gdt[cs >> 3] = gdt_entry(code64 ? GDT_FLAGS_CODE64 : GDT_FLAGS_CODE32, 0, 0xfffff);
	st->gdt[ds >> 3] = gdt_entry(GDT_FLAGS_DATA32, 0, 0xfffff);
	/* TR must hold a busy TSS for VM entry (SDM Vol. 3C §26.3.1.2). */
	st->gdt[*tss >> 3] = gdt_entry(GDT_FLAGS_TSS32, 0, GDT_TSS_LIMIT);
	return 0;
}

static const char *const proto_names[] = { "linux32", "linux64", "elf", "pvh", "elf32" };
#define NPROTOS (sizeof(proto_names) / sizeof(proto_names[0]))

const char *boot_proto_name(enum boot_proto p)
{
	return (unsigned)p < NPROTOS ? proto_names[p] : NULL;
}

int boot_proto_parse(const char *s, enum boot_proto *p)
{
	for (unsigned i = 0; i < NPROTOS; i++) {
		if (!strcmp(s, proto_names[i])) {
			*p = (enum boot_proto)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool boot_proto_is64(enum boot_proto p)
{
	return p == BOOT_LINUX64 || p == BOOT_ELF;
}

bool boot_proto_loads_elf(enum boot_proto p)
{
	return p == BOOT_ELF || p == BOOT_ELF32 || p == BOOT_PVH;
}

void entry_resolve_paging(struct entry_options *o)
{
	if (o->paging_auto)
		o->paging = boot_proto_is64(o->proto) ? PAGING_LONG : PAGING_OFF;
	o->paging_auto = false;
}

void entry_paging_regs(struct boot_cpu *c, const struct pt_spec *p)
{
	c->cr0 = X86_CR0_PE | X86_CR0_ET; /* ET is hard-wired to 1 */
	c->cr4 = 0;
	c->efer = 0;
	c->cr3 = p->mode == PAGING_OFF ? 0 : p->base;
	if (p->mode == PAGING_OFF)
		return;
	c->cr0 |= X86_CR0_PG;
	if (p->mode == PAGING_NONPAE && p->large)
		c->cr4 = X86_CR4_PSE;
	if (p->mode == PAGING_PAE || p->mode == PAGING_LONG)
		c->cr4 = X86_CR4_PAE;
	if (p->mode == PAGING_LONG)
		c->efer = X86_EFER_LME | X86_EFER_LMA;
}

static void set_segments(struct entry_state *st, uint16_t cs, uint16_t ds,
			 uint16_t tss)
{
	struct boot_cpu *c = &st->cpu;

	c->cs = gdt_segment(st->gdt[cs >> 3], cs);
	c->ds = gdt_segment(st->gdt[ds >> 3], ds);
	c->es = c->fs = c->gs = c->ss = c->ds;
	c->tr = gdt_segment(st->gdt[tss >> 3], tss);
	c->ldt = (struct segment){ .unusable = 1 };
}

int entry_build(struct entry_state *st, const struct entry_options *o,
		const struct entry_addrs *a)
{
	uint16_t cs = o->cs ? o->cs : GDT_BOOT_CS, ds = o->ds ? o->ds : GDT_BOOT_DS, tss;
	int r;

	memset(st, 0, sizeof(*st));
	r = build_gdt(st, cs, ds, boot_proto_is64(o->proto), &tss);
	if (r < 0)
		return r;
	st->proto = o->proto;
	st->paging = (struct pt_spec){ .mode = o->paging, .large = o->large_pages,
				       .base = a->tables, .limit = a->tables_limit,
				       .map_end = a->map_end };
	set_segments(st, cs, ds, tss);
	st->cpu.gdt = (struct dtable){ .base = a->gdt,
				       .limit = (uint16_t)(st->gdt_n * 8 - 1) };
	entry_paging_regs(&st->cpu, &st->paging);
	st->cpu.rflags = X86_RFLAGS_RESERVED; /* IF = 0: interrupts off */
	st->cpu.rip = a->rip;
	/* PVH passes hvm_start_info in EBX; the Linux protocols use RSI. */
	if (o->proto == BOOT_PVH)
		st->cpu.rbx = a->info;
	else
		st->cpu.rsi = a->info;
	st->cpu.rsp = a->stack;
	return 0;
}

int entry_write(struct guest_mem *gm, const struct entry_state *st,
		gpa_t gdt_lo, gpa_t gdt_hi, struct pt_result *pt)
{
	uint64_t bytes = (uint64_t)st->gdt_n * 8, end;
	void *dst;

	if (st->gdt_n == 0)
		return pt_build(gm, &st->paging, pt);
	if (__builtin_add_overflow(st->cpu.gdt.base, bytes, &end) ||
	    st->cpu.gdt.base < gdt_lo || end > gdt_hi)
		return errf(-E2BIG,
			    "entry-state: %u GDT entries at gdt.base 0x%llx leave the GDT area [0x%llx, 0x%llx)",
			    st->gdt_n, (unsigned long long)st->cpu.gdt.base,
			    (unsigned long long)gdt_lo, (unsigned long long)gdt_hi);
	dst = gm_ptr(gm, st->cpu.gdt.base, bytes);
	if (!dst)
		return errf(-E2BIG, "entry-state: GDT at 0x%llx is not RAM",
			    (unsigned long long)st->cpu.gdt.base);
	memcpy(dst, st->gdt, bytes);
	return pt_build(gm, &st->paging, pt);
}

int entry_poke(struct guest_mem *gm, const struct entry_state *st)
{
	for (unsigned i = 0; i < st->npokes && i < ENTRY_POKES_MAX; i++) {
		uint8_t *p = gm_ptr(gm, st->pokes[i].gpa, 8);

		if (!p)
			return errf(-EINVAL, "entry-state: poke.0x%llx: not 8 bytes of guest RAM",
				    (unsigned long long)st->pokes[i].gpa);
		for (unsigned b = 0; b < 8; b++) /* little-endian, as the guest reads it */
			p[b] = (uint8_t)(st->pokes[i].value >> (8 * b));
	}
	return 0;
}
