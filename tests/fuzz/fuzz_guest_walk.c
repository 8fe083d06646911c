/* fuzz_guest_walk.c: libFuzzer target: what the profiler and --phases read through a hostile guest's own tables (vmm/profile/stack.c). */
#include <string.h>

#include "mmu/bits.h"
#include "mmu/pagetable.h"
#include "tests/fuzz/fuzz_util.h"
#include "vmm/profile/kaslr.h"
#include "vmm/profile/stack.h"

/* The guest's RAM; pokes land in its first RAM_SPAN bytes (tables, stack and code). */
#define RAM MiB(64)
#define RAM_SPAN MiB(32)
/* The longest read checked byte by byte against single-byte reads. */
#define READ_MAX 64

/*
 * Header: the vCPU's registers as vcpu_regs() gives them (rip, rsp, rbp,
 * cr0, cr3, cr4, efer, idt_base: 8 bytes each), a flags byte (bits 0-1
 * CPL, bit 2 CS.L with EFER.LMA), _text's and the divide-error handler's
 * link-time addresses, an address to read at (8 bytes each), and a byte of
 * read lengths.
 */
struct header {
	struct vcpu_regs r;
	uint64_t link_text, link_handler, read_va;
	uint8_t lens;
};

static struct header take_header(struct fuzz_in *in)
{
	struct header h = { 0 };
	uint8_t flags;

	h.r.rip = fuzz_take(in, 8);
	h.r.rsp = fuzz_take(in, 8);
	h.r.rbp = fuzz_take(in, 8);
	h.r.cr0 = fuzz_take(in, 8);
	h.r.cr3 = fuzz_take(in, 8);
	h.r.cr4 = fuzz_take(in, 8);
	h.r.efer = fuzz_take(in, 8);
	h.r.idt_base = fuzz_take(in, 8);
	flags = (uint8_t)fuzz_take(in, 1);
	h.r.cpl = flags & 3;
	h.r.code64 = flags & 4;
	h.link_text = fuzz_take(in, 8);
	h.link_handler = fuzz_take(in, 8);
	h.read_va = fuzz_take(in, 8);
	h.lens = (uint8_t)fuzz_take(in, 1);
	return h;
}

/* Records: a 4-byte guest-physical address (8-aligned, within RAM_SPAN) and the 8 bytes the
 * guest left there: page-table entries, stack frames, code bytes before a return address. */
static void poke(struct guest_mem *gm, struct fuzz_in *in)
{
	uint64_t gpa = (fuzz_take(in, 4) & ~7ULL) % RAM_SPAN;
	uint64_t v = fuzz_take(in, 8);

	memcpy(gm->hva + gpa, &v, sizeof(v));
}

/* One byte of linear memory as the vCPU sees it, on its own. */
static bool read_byte(const struct guest_mem *gm, const struct vcpu_regs *r, uint64_t va,
		      uint8_t *b)
{
	return prof_read_as_vcpu(gm, r, va, b, 1);
}

/* A read of n bytes gives what n one-byte reads give (crossing pages and the
 * top of the address space alike), or fails exactly when one of them does. */
static void check_read(const struct guest_mem *gm, const struct vcpu_regs *r, uint64_t va,
		       size_t n)
{
	uint8_t whole[READ_MAX], one;
	bool ok = prof_read_as_vcpu(gm, r, va, whole, n), all = true;

	for (size_t i = 0; i < n; i++) {
		if (!read_byte(gm, r, va + i, &one)) {
			all = false;
			break;
		}
		if (ok && one != whole[i])
			fuzz_fail("prof_read_as_vcpu: a byte differs from its one-byte read");
	}
	if (ok != all)
		fuzz_fail("prof_read_as_vcpu: fails where its one-byte reads do not, or not where they do");
}

/* The frame-pointer chain: the RIP first, at most PROF_MAX_DEPTH frames, every return address
 * in the RIP's half, and only 64-bit ring-0 code with paging is walked. */
static void check_walk(const struct guest_mem *gm, const struct vcpu_regs *r)
{
	struct prof_sample s;
	unsigned frames = prof_walk(gm, r, &s);
	bool walked = r->code64 && r->cpl == 0 && (r->cr0 & X86_CR0_PG);

	if (s.depth < 1 || s.depth > PROF_MAX_DEPTH || frames != s.depth - 1u || s.pc[0] != r->rip)
		fuzz_fail("prof_walk: depth or first frame wrong");
	if (!walked && frames)
		fuzz_fail("prof_walk: walked code it must leave alone");
	for (unsigned i = 1; i < s.depth; i++)
		if ((s.pc[i] >= PROF_KERNEL_HALF) != (r->rip >= PROF_KERNEL_HALF))
			fuzz_fail("prof_walk: a return address outside the RIP's half");
	if (prof_classify(r) >= PROF_CLASSES)
		fuzz_fail("prof_classify: no such class");
}

/* Slides the guest's tables give are what kaslr.h promises, whatever the tables hold. */
static void check_slides(const struct guest_mem *gm, const struct header *h)
{
	bool la57 = (h->r.efer & X86_EFER_LMA) && (h->r.cr4 & X86_CR4_LA57);
	int64_t slide = -1;

	if (prof_kaslr_slide(gm, h->r.cr3, la57, h->link_text, &slide) == 0 &&
	    (slide < 0 || slide % (int64_t)KASLR_ALIGN || (uint64_t)slide >= KASLR_IMAGE_SIZE))
		fuzz_fail("prof_kaslr_slide: a slide that cannot be");
	slide = -1;
	if (prof_kaslr_slide32(gm, &h->r, h->link_handler, &slide) == 0 &&
	    (slide < 0 || slide % (int64_t)KiB(4)))
		fuzz_fail("prof_kaslr_slide32: a slide that cannot be");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem gm = fuzz_ram(RAM);
	struct fuzz_in in = { data, size };
	struct header h = take_header(&in);

	while (fuzz_more(&in))
		poke(&gm, &in);
	check_walk(&gm, &h.r);
	check_slides(&gm, &h);
	check_read(&gm, &h.r, h.read_va, (h.lens & 63) + 1u);
	check_read(&gm, &h.r, h.r.rip - 8, 8);
	check_read(&gm, &h.r, h.r.rsp, 16);
	check_read(&gm, &h.r, h.r.idt_base, 8);
	fuzz_ram_reset();
	return 0;
}
