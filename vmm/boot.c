/* boot.c: pure construction of the entry CPU state from a GDT and the boot protocol's rules. */
#include "vmm/boot.h"

#include <errno.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/layout.h"

static int segment_at(struct segment *s, const uint64_t *table, unsigned n,
		      uint16_t selector)
{
	unsigned index = selector >> 3;

	if (index == 0 || index >= n)
		return errf(-EINVAL,
			    "boot: selector 0x%x is outside the %u-entry GDT",
			    selector, n);
	*s = gdt_segment(table[index], selector);
	return 0;
}

static struct segment unusable_segment(void)
{
	return (struct segment){ .unusable = 1 };
}

int boot_cpu_linux32(struct boot_cpu *c, const uint64_t *table, unsigned n,
		     gpa_t gdt_gpa, gpa_t entry, gpa_t zero_page)
{
	int r;

	memset(c, 0, sizeof(*c));
	r = segment_at(&c->cs, table, n, GDT_BOOT_CS);
	if (r == 0)
		r = segment_at(&c->ds, table, n, GDT_BOOT_DS);
	if (r == 0)
		r = segment_at(&c->tr, table, n, GDT_BOOT_TSS);
	if (r < 0)
		return r;
	c->es = c->ss = c->fs = c->gs = c->ds;
	c->ldt = unusable_segment();
	c->gdt = (struct dtable){ .base = gdt_gpa,
				  .limit = (uint16_t)(n * 8 - 1) };
	c->idt = (struct dtable){ .base = 0, .limit = 0 };
	c->cr0 = X86_CR0_PE | X86_CR0_ET; /* paging off; ET is hard-wired to 1 */
	c->rflags = X86_RFLAGS_RESERVED;  /* IF = 0: interrupts off */
	c->rip = entry;
	c->rsi = zero_page;
	c->rsp = LAYOUT_STACK_TOP;
	return 0;
}

int boot_gdt_write(struct guest_mem *gm, gpa_t gpa, const uint64_t *table,
		   unsigned n)
{
	void *dst = gm_ptr(gm, gpa, (uint64_t)n * 8);

	if (!dst)
		return errf(-E2BIG, "boot: GDT at 0x%llx is not RAM",
			    (unsigned long long)gpa);
	memcpy(dst, table, (size_t)n * 8);
	return 0;
}
