/* mutate_cpu.c: the FUZZ_PAGING and FUZZ_REGS classes: paging mode and tables, CR/EFER bits, CR3, general registers and RFLAGS bits. */
#include "vmm/fuzz/mutate_private.h"

/* ---- FUZZ_PAGING: paging.mode/large (tables and registers together), CR and EFER bits, CR3. ---- */

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

	fz_store(reg, 8, fz_load(reg, 8) ^ op->bit);
	return fz_record(f, c, "%s", op->name);
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
	unsigned start = fz_pick(f, PAGING_MODES - 1);

	for (unsigned j = 0; j < PAGING_MODES - 1; j++) {
		p.mode = (enum paging_mode)((f->st->paging.mode + 1 + (start + j) % (PAGING_MODES - 1)) %
					    PAGING_MODES);
		if (paging_set(f, p))
			return fz_record(f, FUZZ_PAGING, "paging.mode");
	}
	return false;
}

static bool paging_cr3(struct fz *f)
{
	uint64_t cur = f->st->cpu.cr3;
	const uint64_t v[] = { cur + PT_PAGE, cur - PT_PAGE, cur + CR3_UNALIGNED, 0,
			       cur | PA_BIT_51 };
	uint64_t n = v[fz_pick(f, N(v))];

	f->st->cpu.cr3 = n != cur ? n : cur + PT_PAGE;
	return fz_record(f, FUZZ_PAGING, "cr3");
}

bool fz_apply_paging(struct fz *f)
{
	struct pt_spec p = f->st->paging;
	bool nonpae = p.mode == PAGING_NONPAE;
	unsigned k = fz_pick(f, N_PAGING_BITS + 2 + nonpae);

	if (k < N_PAGING_BITS)
		return flip_bit(f, FUZZ_PAGING, &paging_bits[k]);
	if (k == N_PAGING_BITS)
		return paging_cr3(f);
	if (k == N_PAGING_BITS + 1)
		return paging_mode(f);
	p.large = !p.large; /* NONPAE only: 4 KiB pages <-> 4 MiB PSE pages */
	return paging_set(f, p) && fz_record(f, FUZZ_PAGING, "paging.large");
}

/* ---- FUZZ_REGS: RIP, RSP, RSI, RBX, RFLAGS bits. ---- */

static const struct cpu_field gp_regs[] = {
	CPU_FIELD(rip), CPU_FIELD(rsp), CPU_FIELD(rsi), CPU_FIELD(rbx),
};
#define N_GP_REGS N(gp_regs)

bool fz_apply_regs(struct fz *f)
{
	unsigned k = fz_pick(f, N_GP_REGS + N_RFLAGS_BITS);
	uint8_t *r;
	uint64_t cur;

	if (k >= N_GP_REGS)
		return flip_bit(f, FUZZ_REGS, &rflags_bits[k - N_GP_REGS]);
	r = (uint8_t *)&f->st->cpu + gp_regs[k].off;
	cur = fz_load(r, 8);
	fz_store(r, 8, fz_boundary(f, cur, UINT64_MAX, cur ^ NONCANONICAL));
	return fz_record(f, FUZZ_REGS, "%s", gp_regs[k].name);
}
