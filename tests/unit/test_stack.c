/* test_stack.c: a profile sample's address class, frame-pointer walk through 4- and 5-level tables, KASLR slide from the kernel's page directory or, for a 32-bit kernel, its IDT. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "mmu/pagetable.h"
#include "vmm/boot.h"
#include "vmm/profile/stack.h"

#define RAM (4u << 20)
#define KVA 0xffffffff81000000ULL /* mapped by PD entry 8 onto physical 2 MiB */
#define KPA 0x200000ULL
#define CR3 0x1000ULL

static struct guest_mem gm;

static uint64_t *at(uint64_t pa)
{
	return (uint64_t *)(gm.hva + pa);
}

static void put64(uint64_t va, uint64_t v)
{
	memcpy(gm.hva + KPA + (va - KVA), &v, 8);
}

static void setup(void)
{
	err_clear();
	gm = (struct guest_mem){ .hva = calloc(1, RAM), .size = RAM };
	cr_assert_not_null(gm.hva);
	*at(CR3 + 511 * 8) = 0x2000 | PTE_P | PTE_RW;	    /* PML4[511] */
	*at(0x2000 + 510 * 8) = 0x3000 | PTE_P | PTE_RW;    /* PDPT[510] */
	*at(0x3000 + 8 * 8) = KPA | PTE_P | PTE_RW | PTE_PS; /* PD[8]: 2 MiB */
}

static void teardown(void)
{
	free(gm.hva);
}

TestSuite(stack, .init = setup, .fini = teardown);

static struct vcpu_regs kernel_regs(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	return (struct vcpu_regs){ .rip = rip, .rsp = rsp, .rbp = rbp, .cr0 = X86_CR0_PE | X86_CR0_PG,
				   .cr3 = CR3, .cr4 = X86_CR4_PAE, .efer = X86_EFER_LMA, .code64 = true };
}

Test(stack, classes)
{
	struct vcpu_regs r = kernel_regs(KVA, 0, 0);

	cr_assert_eq(prof_classify(&r), PROF_KERNEL);
	r.cpl = 3;
	cr_assert_eq(prof_classify(&r), PROF_USER);
	r = kernel_regs(0x1000000, 0, 0);
	cr_assert_eq(prof_classify(&r), PROF_EARLY);
	r.cr0 = X86_CR0_PE;
	r.code64 = false;
	r.rip = 0xc1000000; /* paging off: whatever the address */
	cr_assert_eq(prof_classify(&r), PROF_EARLY);
	r.cr0 |= X86_CR0_PG;
	cr_assert_eq(prof_classify(&r), PROF_KERNEL); /* a 32-bit kernel above PAGE_OFFSET */
	cr_assert_str_eq(prof_class_name(PROF_EARLY, true), "decompressor");
	cr_assert_str_eq(prof_class_name(PROF_EARLY, false), "early");
}

/* Two frames: fp1 -> (fp2, ret1), fp2 -> (0, ret2); each return follows an E8 call. */
static struct vcpu_regs two_frames(void)
{
	uint64_t fp1 = KVA + 0x100010, fp2 = KVA + 0x100040;

	*(gm.hva + KPA + 0x1000) = 0xe8;
	*(gm.hva + KPA + 0x2000) = 0xe8;
	put64(fp1, fp2);
	put64(fp1 + 8, KVA + 0x1005);
	put64(fp2, 0);
	put64(fp2 + 8, KVA + 0x2005);
	return kernel_regs(KVA + 0x3000, KVA + 0x100000, fp1);
}

Test(stack, walks_the_frame_pointer_chain)
{
	struct vcpu_regs r = two_frames();
	struct prof_sample s;

	cr_assert_eq(prof_walk(&gm, &r, &s), 2);
	cr_assert_eq(s.depth, 3);
	cr_assert_eq(s.pc[0], KVA + 0x3000);
	cr_assert_eq(s.pc[1], KVA + 0x1005);
	cr_assert_eq(s.pc[2], KVA + 0x2005);
}

Test(stack, stops_where_a_return_follows_no_call)
{
	struct vcpu_regs r = two_frames();
	struct prof_sample s;

	*(gm.hva + KPA + 0x2000) = 0x90;
	cr_assert_eq(prof_walk(&gm, &r, &s), 1);
	*(gm.hva + KPA + 0x2003) = 0xff; /* call *%rax: FF /2, ModRM 0xd0 */
	*(gm.hva + KPA + 0x2004) = 0xd0;
	cr_assert_eq(prof_walk(&gm, &r, &s), 2);
}

Test(stack, rip_alone_without_a_chain)
{
	struct vcpu_regs r = two_frames();
	struct prof_sample s;

	r.rbp = KVA + 0x0ff000; /* below RSP: not a frame of this stack */
	cr_assert_eq(prof_walk(&gm, &r, &s), 0);
	cr_assert_eq(s.depth, 1);
	r = two_frames();
	r.rbp = 0xffffffff90000000ULL; /* unmapped */
	cr_assert_eq(prof_walk(&gm, &r, &s), 0);
	r = two_frames();
	r.cpl = 3; /* user stacks are not walked */
	cr_assert_eq(prof_walk(&gm, &r, &s), 0);
}

/* 5-level tables (CR4.LA57, as Linux runs where the CPU has LA57): a PML5 at 0x4000 whose last
 * entry leads to the same PML4. */
#define PML5 0x4000ULL

static struct vcpu_regs la57_regs(struct vcpu_regs r)
{
	*at(PML5 + 511 * 8) = CR3 | PTE_P | PTE_RW;
	r.cr3 = PML5;
	r.cr4 |= X86_CR4_LA57;
	return r;
}

Test(stack, five_level_kernel_addresses_below_4_level_ones_are_the_kernels)
{
	/* Linux's 5-level vmalloc area (BPF JIT code) starts at 0xffa0000000000000. */
	struct vcpu_regs r = kernel_regs(0xffa0000000001000ULL, 0, 0);

	cr_assert_eq(prof_classify(&r), PROF_KERNEL);
	r.rip = 0x00007fffffffe000ULL;
	cr_assert_eq(prof_classify(&r), PROF_EARLY, "the lower half, at ring 0: not the kernel's");
}

Test(stack, walks_the_chain_through_5_level_tables)
{
	struct vcpu_regs r = la57_regs(two_frames());
	struct prof_sample s;
	uint64_t ret = 0;

	cr_assert_eq(prof_walk(&gm, &r, &s), 2);
	cr_assert_eq(s.pc[2], KVA + 0x2005);
	cr_assert(prof_read_as_vcpu(&gm, &r, r.rbp + 8, &ret, sizeof(ret)));
	cr_assert_eq(ret, KVA + 0x1005);
	/* The same CR3 read as 4-level tables finds nothing at the kernel's address. */
	r.cr4 &= ~X86_CR4_LA57;
	cr_assert_eq(prof_walk(&gm, &r, &s), 0);
	cr_assert_not(prof_read_as_vcpu(&gm, &r, r.rbp + 8, &ret, sizeof(ret)));
}

Test(stack, kaslr_slide_from_the_page_directory)
{
	int64_t slide = -1;

	cr_assert_eq(prof_kaslr_slide(&gm, CR3, false, KVA, &slide), 0, "%s", err_msg());
	cr_assert_eq(slide, 0);
	*at(0x3000 + 8 * 8) = 0;
	*at(0x3000 + 13 * 8) = KPA | PTE_P | PTE_PS;
	cr_assert_eq(prof_kaslr_slide(&gm, CR3, false, KVA, &slide), 0, "%s", err_msg());
	cr_assert_eq(slide, 5 * (2 << 20));
	*at(0x3000 + 13 * 8) = 0;
	cr_assert_eq(prof_kaslr_slide(&gm, CR3, false, KVA, &slide), -ENOENT);
	*at(CR3 + 511 * 8) = 0;
	cr_assert_eq(prof_kaslr_slide(&gm, CR3, false, KVA, &slide), -EFAULT);
}

Test(stack, kaslr_slide_through_5_level_tables)
{
	int64_t slide = -1;

	*at(PML5 + 511 * 8) = CR3 | PTE_P | PTE_RW;
	*at(0x3000 + 8 * 8) = 0;
	*at(0x3000 + 13 * 8) = KPA | PTE_P | PTE_PS;
	cr_assert_eq(prof_kaslr_slide(&gm, PML5, true, KVA, &slide), 0, "%s", err_msg());
	cr_assert_eq(slide, 5 * (2 << 20));
	/* Read as 4-level, the PML5's entry 511 is taken for the PML4's: a wrong table. */
	cr_assert_neq(prof_kaslr_slide(&gm, PML5, false, KVA, &slide), 0);
	*at(PML5 + 511 * 8) = 0;
	cr_assert_eq(prof_kaslr_slide(&gm, PML5, true, KVA, &slide), -EFAULT);
}

/* A 32-bit kernel's IDT at 0xc0100000 (physical 0x100000, through a 4 MiB or a 2 MiB page), its
 * vector 0 gate pointing at the divide-error handler `runtime`. */
#define IDT_VA 0xc0100000ULL
#define IDT_PA 0x100000ULL
#define LINK_HANDLER 0xc1800ab0ULL

static struct vcpu_regs kernel32_regs(bool pae, uint32_t runtime)
{
	uint8_t gate[8] = { (uint8_t)runtime, (uint8_t)(runtime >> 8), 0x60, 0, 0, 0x8e,
			    (uint8_t)(runtime >> 16), (uint8_t)(runtime >> 24) };

	memcpy(gm.hva + IDT_PA, gate, sizeof(gate));
	if (pae) {
		*at(0x10000 + 3 * 8) = 0x11000 | PTE_P;		/* PDPTE 3: 0xc0000000 on */
		*at(0x11000) = 0 | PTE_P | PTE_RW | PTE_PS;		/* PD[0]: 2 MiB at 0 */
	} else {
		uint32_t pde = PTE_P | PTE_RW | PTE_PS;		/* 4 MiB at 0 */

		memcpy(gm.hva + 0x10000 + 768 * 4, &pde, 4);	/* 0xc0000000 >> 22 */
	}
	return (struct vcpu_regs){ .rip = 0xc9000000, .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x10000,
				   .cr4 = pae ? X86_CR4_PAE : X86_CR4_PSE, .idt_base = IDT_VA };
}

Test(stack, kaslr_slide_of_a_32bit_kernel_from_its_idt)
{
	int64_t slide = -1;
	struct vcpu_regs r = kernel32_regs(false, LINK_HANDLER + 0x8000000);

	cr_assert_eq(prof_kaslr_slide32(&gm, &r, LINK_HANDLER, &slide), 0, "%s", err_msg());
	cr_assert_eq(slide, 0x8000000);
	r = kernel32_regs(true, LINK_HANDLER + 0x2000000);
	cr_assert_eq(prof_kaslr_slide32(&gm, &r, LINK_HANDLER, &slide), 0, "%s", err_msg());
	cr_assert_eq(slide, 0x2000000, "PAE paging");
	r = kernel32_regs(true, LINK_HANDLER);
	cr_assert_eq(prof_kaslr_slide32(&gm, &r, LINK_HANDLER, &slide), 0, "%s", err_msg());
	cr_assert_eq(slide, 0, "nokaslr, or a kernel that stayed");
}

Test(stack, kaslr_slide32_refuses_what_is_not_a_move)
{
	int64_t slide = -1;
	struct vcpu_regs r = kernel32_regs(false, LINK_HANDLER + 0x10);

	cr_assert_eq(prof_kaslr_slide32(&gm, &r, LINK_HANDLER, &slide), -EINVAL, "not whole pages");
	cr_assert(strstr(err_msg(), "IDT vector 0 points at 0xc1800ac0"), "%s", err_msg());
	r = kernel32_regs(false, LINK_HANDLER - 0x1000000);
	cr_assert_eq(prof_kaslr_slide32(&gm, &r, LINK_HANDLER, &slide), -EINVAL, "a kernel moves up only");
	r.idt_base = 0xd0000000; /* no page maps it */
	cr_assert_eq(prof_kaslr_slide32(&gm, &r, LINK_HANDLER, &slide), -EFAULT);
	cr_assert(strstr(err_msg(), "IDT at 0xd0000000 is not mapped"), "%s", err_msg());
	cr_assert_eq(slide, -1, "left alone on failure");
}

/* --phases reads an initcall's return address as the vCPU sees memory: through 4-level, PAE or
 * 32-bit tables, or none (paging off: linear is physical). */
Test(stack, reads_memory_as_the_vcpu_sees_it_in_every_paging_mode)
{
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	struct vcpu_regs r = kernel_regs(KVA, KVA + 0x100, 0);

	put64(KVA + 0x100, 0xffffffff81234567ULL);
	cr_assert(prof_read_as_vcpu(&gm, &r, KVA + 0x100, &v64, 8));
	cr_assert_eq(v64, 0xffffffff81234567ULL, "4-level");
	memcpy(gm.hva + IDT_PA + 0x40, "\x78\x56\x34\xc1", 4);
	for (int pae = 0; pae <= 1; pae++) {
		r = kernel32_regs(pae, LINK_HANDLER);
		v32 = 0;
		cr_assert(prof_read_as_vcpu(&gm, &r, IDT_VA + 0x40, &v32, 4), "pae %d", pae);
		cr_assert_eq(v32, 0xc1345678, "pae %d", pae);
		cr_assert_not(prof_read_as_vcpu(&gm, &r, 0xd0000000, &v32, 4), "unmapped, pae %d", pae);
	}
	r = (struct vcpu_regs){ .cr0 = X86_CR0_PE };
	v32 = 0;
	cr_assert(prof_read_as_vcpu(&gm, &r, IDT_PA + 0x40, &v32, 4));
	cr_assert_eq(v32, 0xc1345678, "paging off");
}
