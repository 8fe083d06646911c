/* stack.c: a sample's address class and its guest frame-pointer chain, read through the guest's page tables. */
#include "vmm/profile/stack.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/err.h"
#include "mmu/pagetable.h"
#include "vmm/boot.h"
#include "vmm/profile/kaslr.h"

enum prof_class prof_classify(const struct vcpu_regs *r)
{
	if (!(r->cr0 & X86_CR0_PG))
		return PROF_EARLY;
	if (r->cpl == 3)
		return PROF_USER;
	if (r->code64)
		return r->rip >= PROF_KERNEL_HALF ? PROF_KERNEL : PROF_EARLY;
	return r->rip >= PROF_KERNEL_32 ? PROF_KERNEL : PROF_EARLY;
}

const char *prof_class_name(enum prof_class c, bool decompressor)
{
	switch (c) {
	case PROF_EARLY: return decompressor ? "decompressor" : "early";
	case PROF_KERNEL: return "kernel";
	case PROF_USER: return "userspace";
	default: return "?";
	}
}

/* How a vCPU's linear addresses reach guest-physical ones: its paging mode, CR4.PSE for
 * 32-bit paging, CR4.LA57 (5-level) for long mode, and CR3. */
struct linear_view {
	enum paging_mode mode;
	bool pse, la57;
	uint64_t cr3;
};

static struct linear_view view_of(const struct vcpu_regs *r)
{
	bool lma = r->efer & X86_EFER_LMA;

	return (struct linear_view){
		.mode = lma ? PAGING_LONG : !(r->cr0 & X86_CR0_PG) ? PAGING_OFF
			: r->cr4 & X86_CR4_PAE ? PAGING_PAE : PAGING_NONPAE,
		.pse = r->cr4 & X86_CR4_PSE, .la57 = lma && (r->cr4 & X86_CR4_LA57), .cr3 = r->cr3 };
}

/* Copy linear [va, va + n) through the tables `v` names, page by page. */
static bool read_linear(const struct guest_mem *gm, const struct linear_view *v, uint64_t va,
			void *buf, size_t n)
{
	uint8_t *out = buf;

	while (n) {
		struct pt_walk w;
		size_t chunk = PT_PAGE - (va & (PT_PAGE - 1));
		const uint8_t *p;
		int r = v->la57 ? pt_translate_la57(gm, v->cr3, va, &w)
				: pt_translate(gm, v->mode, v->pse, v->cr3, va, &w);

		chunk = chunk < n ? chunk : n;
		if (r < 0)
			return false;
		p = gm_ptr(gm, w.pa, chunk);
		if (!p)
			return false;
		memcpy(out, p, chunk);
		out += chunk;
		va += chunk;
		n -= chunk;
	}
	return true;
}

bool prof_read_as_vcpu(const struct guest_mem *gm, const struct vcpu_regs *r, uint64_t va,
		       void *buf, size_t n)
{
	struct linear_view v = view_of(r);

	return read_linear(gm, &v, va, buf, n);
}

/* Whether the bytes before `ret` end a CALL: E8 rel32, or FF /2 with a
 * ModRM of 1, 2, 5 or 6 bytes in all (register, disp8, RIP-relative and
 * REX-prefixed forms). Retpoline kernels call thunks with E8. */
static bool follows_call(const struct guest_mem *gm, const struct linear_view *v, uint64_t ret)
{
	static const unsigned ff_back[] = { 2, 3, 6, 7 };
	uint8_t b[8];

	if (ret < sizeof(b) || !read_linear(gm, v, ret - sizeof(b), b, sizeof(b)))
		return false;
	if (b[8 - 5] == 0xe8)
		return true;
	for (unsigned i = 0; i < sizeof(ff_back) / sizeof(ff_back[0]); i++) {
		unsigned at = 8 - ff_back[i];

		if (b[at] == 0xff && (b[at + 1] & 0x38) == 0x10)
			return true;
	}
	return false;
}

/* Return addresses must stay in the half the RIP is in. */
static bool same_half(uint64_t a, uint64_t b)
{
	return (a >= PROF_KERNEL_HALF) == (b >= PROF_KERNEL_HALF);
}

unsigned prof_walk(const struct guest_mem *gm, const struct vcpu_regs *r, struct prof_sample *s)
{
	uint64_t fp = r->rbp, low = r->rsp, frame[2];
	struct linear_view v = view_of(r);

	s->pc[0] = r->rip;
	s->depth = 1;
	if (!r->code64 || r->cpl != 0 || !(r->cr0 & X86_CR0_PG))
		return 0;
	while (s->depth < PROF_MAX_DEPTH) {
		if ((fp & 7) || fp < low || fp - low > PROF_MAX_FRAME ||
		    !read_linear(gm, &v, fp, frame, sizeof(frame)))
			break;
		if (!same_half(frame[1], r->rip) || !follows_call(gm, &v, frame[1]))
			break;
		s->pc[s->depth++] = frame[1];
		low = fp + 16;
		fp = frame[0];
	}
	return s->depth - 1u;
}

/* One 8-byte paging entry, present; -EFAULT if absent or outside RAM. */
static int entry_at(const struct guest_mem *gm, uint64_t table, unsigned idx, uint64_t *e)
{
	const uint64_t *p = gm_ptr(gm, (table & PTE_ADDR_MASK) + idx * 8ULL, 8);

	if (!p || !(*p & PTE_P))
		return errf(-EFAULT, "profile: the kernel's page tables do not map its image");
	*e = *p;
	return 0;
}

int prof_kaslr_slide(const struct guest_mem *gm, uint64_t cr3, bool la57, uint64_t link_text,
		     int64_t *slide)
{
	const uint64_t base = KASLR_START_KERNEL_MAP;
	uint64_t pml4 = cr3, pml4e = 0, pdpte = 0; /* the PML4: at CR3, or below a PML5 entry */
	const uint64_t *pd;
	int r = la57 ? entry_at(gm, cr3, (base >> 48) & 511, &pml4) : 0;

	if (r == 0)
		r = entry_at(gm, pml4, (base >> 39) & 511, &pml4e);

	if (r == 0)
		r = entry_at(gm, pml4e, (base >> 30) & 511, &pdpte);
	if (r < 0)
		return r;
	pd = gm_ptr(gm, pdpte & PTE_ADDR_MASK, KASLR_PMD_ENTRIES * 8ULL);
	if (!pd || (pdpte & PTE_PS))
		return errf(-EFAULT, "profile: the kernel image's page directory is not in RAM");
	for (unsigned i = 0; i < KASLR_PMD_ENTRIES; i++)
		if (pd[i] & PTE_P)
			return kaslr_virt_slide(link_text, base + i * MiB(2) + link_text % MiB(2),
						slide);
	return errf(-ENOENT, "profile: no page of the kernel image is mapped");
}

/* An 8-byte IDT gate's handler offset (SDM Vol. 3 §6.11, Figure 6-2): bits 15:0 in bytes 0-1,
 * bits 31:16 in bytes 6-7. */
static uint32_t gate_offset(const uint8_t g[8])
{
	return (uint32_t)g[0] | (uint32_t)g[1] << 8 | (uint32_t)g[6] << 16 | (uint32_t)g[7] << 24;
}

int prof_kaslr_slide32(const struct guest_mem *gm, const struct vcpu_regs *r,
		       uint64_t link_handler, int64_t *slide)
{
	uint8_t gate[8];
	uint32_t handler;

	if (!prof_read_as_vcpu(gm, r, r->idt_base, gate, sizeof(gate)))
		return errf(-EFAULT, "profile: the 32-bit kernel's IDT at %#" PRIx64 " is not mapped",
			    r->idt_base);
	handler = gate_offset(gate);
	if (handler < link_handler || (handler - link_handler) % KiB(4))
		return errf(-EINVAL, "profile: IDT vector 0 points at %#x, not the divide-error handler (linked at %#" PRIx64 ") moved by whole pages",
			    handler, link_handler);
	*slide = (int64_t)(handler - link_handler);
	return 0;
}
