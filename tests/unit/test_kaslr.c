/* test_kaslr.c: physical and virtual slides from observed addresses and from the kernel image's page directory; the nokaslr word. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/kaslr.h"

#define TEXT 0xffffffff81000000ull /* _text in a default x86-64 vmlinux */
#define START_KERNEL (TEXT + 0x1234560ull)

TestSuite(kaslr, .init = err_clear);

Test(kaslr, link_phys)
{
	uint64_t pa;

	cr_assert_eq(kaslr_link_phys(TEXT, &pa), 0);
	cr_assert_eq(pa, MiB(16), "LOAD_PHYSICAL_ADDR");
	cr_assert_eq(kaslr_link_phys(0xffffffff7fffffffull, &pa), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "0xffffffff7fffffff"));
	cr_assert_eq(kaslr_link_phys(KASLR_START_KERNEL_MAP + GiB(1), &pa), -EINVAL);
}

Test(kaslr, phys_slide)
{
	int64_t s = 1;

	cr_assert_eq(kaslr_phys_slide(TEXT, MiB(16), &s), 0, "%s", err_msg());
	cr_assert_eq(s, 0, "nokaslr: loaded where linked");
	cr_assert_eq(kaslr_phys_slide(TEXT, MiB(16) + MiB(734), &s), 0, "%s", err_msg());
	cr_assert_eq(s, (int64_t)MiB(734));
	cr_assert_eq(kaslr_phys_slide(START_KERNEL, MiB(16) + 0x1234560ull + MiB(4), &s), 0);
	cr_assert_eq(s, (int64_t)MiB(4), "any symbol, not just _text");
	cr_assert_eq(kaslr_phys_slide(TEXT, MiB(2), &s), 0, "%s", err_msg());
	cr_assert_eq(s, -(int64_t)MiB(14), "a move down is negative");
	cr_assert_eq(kaslr_to_run(MiB(16), s), MiB(2));
	cr_assert_eq(kaslr_phys_slide(TEXT, MiB(17), &s), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "not a multiple of 0x200000"), "%s", err_msg());
	cr_assert_eq(kaslr_phys_slide(0x1000000, MiB(16), &s), -EINVAL, "a physical link address");
}

Test(kaslr, virt_slide)
{
	int64_t s = 1;

	cr_assert_eq(kaslr_virt_slide(START_KERNEL, START_KERNEL, &s), 0);
	cr_assert_eq(s, 0);
	cr_assert_eq(kaslr_virt_slide(START_KERNEL, START_KERNEL + MiB(300), &s), 0);
	cr_assert_eq(s, (int64_t)MiB(300));
	cr_assert_eq(kaslr_to_link(START_KERNEL + MiB(300) + 7, s), START_KERNEL + 7);
	cr_assert_eq(kaslr_to_run(START_KERNEL, s), START_KERNEL + MiB(300));
	cr_assert_eq(kaslr_virt_slide(START_KERNEL, START_KERNEL - MiB(2), &s), -EINVAL,
		     "the kernel never moves down");
	cr_assert_eq(kaslr_virt_slide(START_KERNEL, START_KERNEL + KiB(4), &s), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "multiple of 0x200000"), "%s", err_msg());
	cr_assert_eq(kaslr_virt_slide(START_KERNEL, START_KERNEL + GiB(1), &s), -EINVAL,
		     "past the image mapping");
	cr_assert_not_null(strstr(err_msg(), "outside the kernel image"), "%s", err_msg());
	cr_assert_eq(kaslr_virt_slide(START_KERNEL, 0x1234560, &s), -EINVAL, "a physical address");
}

/* level2_kernel_pgt as __startup_64 leaves it: present 2 MiB pages from the
 * randomised _text (virtual index `first`) mapping physical `pa` onwards. */
static void make_pmd(uint64_t pmd[KASLR_PMD_ENTRIES], unsigned first, uint64_t pa)
{
	memset(pmd, 0, KASLR_PMD_ENTRIES * sizeof(*pmd));
	for (unsigned i = 0; i < 20; i++)
		pmd[first + i] = (pa + i * MiB(2)) | 0xe3; /* P RW A D PS */
	pmd[first + 20] = (pa + 20 * MiB(2)) | 0x80; /* not present */
}

Test(kaslr, virt_from_pmd)
{
	uint64_t pmd[KASLR_PMD_ENTRIES];
	int64_t s = 1;

	make_pmd(pmd, 8, MiB(16));
	cr_assert_eq(kaslr_virt_from_pmd(pmd, TEXT, 0, &s), 0, "%s", err_msg());
	cr_assert_eq(s, 0, "nokaslr: _text at index 8");
	make_pmd(pmd, 8 + 100, MiB(16) + MiB(512));
	cr_assert_eq(kaslr_virt_from_pmd(pmd, START_KERNEL, (int64_t)MiB(512), &s), 0, "%s", err_msg());
	cr_assert_eq(s, (int64_t)MiB(200), "virtual and physical slides differ");
	cr_assert_eq(kaslr_virt_from_pmd(pmd, TEXT, 0, &s), -ENOENT, "the wrong physical slide");
	cr_assert_not_null(strstr(err_msg(), "0x1000000"), "%s", err_msg());
	make_pmd(pmd, 2, MiB(16));
	cr_assert_eq(kaslr_virt_from_pmd(pmd, TEXT, 0, &s), -EINVAL, "a mapping below the link address");
	pmd[8] = MiB(16) | 0x1; /* present, but a 4 KiB page table */
	cr_assert_eq(kaslr_virt_from_pmd(pmd, TEXT + MiB(40), 0, &s), -ENOENT);
}

Test(kaslr, nokaslr_word)
{
	cr_assert(kaslr_disabled("nokaslr"));
	cr_assert(kaslr_disabled("console=ttyS0 nokaslr quiet"));
	cr_assert(kaslr_disabled("console=ttyS0\tnokaslr\n"));
	cr_assert(kaslr_disabled("a -- nokaslr"), "the decompressor does not stop at --");
	cr_assert_not(kaslr_disabled(NULL));
	cr_assert_not(kaslr_disabled(""));
	cr_assert_not(kaslr_disabled("nokaslr=1"));
	cr_assert_not(kaslr_disabled("xnokaslr"));
	cr_assert_not(kaslr_disabled("nokaslrx console=ttyS0"));
	cr_assert_not(kaslr_disabled("kaslr"));
	cr_assert_not(kaslr_disabled("nokasl"));
}

Test(kaslr, refusal_names_nokaslr)
{
	cr_assert_eq(kaslr_refuse("no page directory for the kernel image"), -EOPNOTSUPP);
	cr_assert_not_null(strstr(err_msg(), "nokaslr"));
	cr_assert_not_null(strstr(err_msg(), "no page directory for the kernel image"));
}
