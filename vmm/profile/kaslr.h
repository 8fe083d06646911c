/* kaslr.h: where a randomised x86-64 kernel moved itself (virtual and physical slides), and the nokaslr word. */
#ifndef VMM_PROFILE_KASLR_H
#define VMM_PROFILE_KASLR_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/bits.h"

/* __START_KERNEL_map (arch/x86/include/asm/page_64_types.h): the kernel
 * image's virtual base; vmlinux's p_paddr is p_vaddr minus this. */
#define KASLR_START_KERNEL_MAP 0xffffffff80000000ull
/* KERNEL_IMAGE_SIZE with CONFIG_RANDOMIZE_BASE: the image mapping's size. */
#define KASLR_IMAGE_SIZE GiB(1)
/* The smallest CONFIG_PHYSICAL_ALIGN on x86-64; both slides are multiples. */
#define KASLR_ALIGN MiB(2)
/* The kernel image's page directory: 512 2 MiB entries (level2_kernel_pgt). */
#define KASLR_PMD_ENTRIES 512

/*
 * The link-time physical address of kernel-image virtual address `link_va`
 * (link_va - __START_KERNEL_map). -EINVAL if link_va is outside the image
 * mapping [KASLR_START_KERNEL_MAP, +KASLR_IMAGE_SIZE).
 */
int kaslr_link_phys(uint64_t link_va, uint64_t *pa);
/*
 * The physical slide (runtime minus link-time physical address) from
 * `seen_pa`, where the code linked at `link_va` was seen running with
 * paging off or identity-mapped (e.g. RIP at startup_64, the kernel
 * proper's entry). -EINVAL if link_va is outside the image or the slide is
 * not a multiple of KASLR_ALIGN.
 */
int kaslr_phys_slide(uint64_t link_va, uint64_t seen_pa, int64_t *slide);
/*
 * The virtual slide from `seen_va`, where the code linked at `link_va` was
 * seen at run time (e.g. RIP at start_kernel). -EINVAL unless the slide is a
 * non-negative multiple of KASLR_ALIGN (the kernel only moves up) and
 * seen_va stays inside the image mapping.
 */
int kaslr_virt_slide(uint64_t link_va, uint64_t seen_va, int64_t *slide);
/*
 * The virtual slide read from the guest's own page directory for the kernel
 * image (`pmd`: the KASLR_PMD_ENTRIES entries mapping KASLR_START_KERNEL_MAP
 * onwards, as head64.c's __startup_64 leaves them): the present 2 MiB entry
 * that maps the runtime physical address of `link_va` (given the physical
 * slide) says where link_va now is. -ENOENT if no entry maps it, -EINVAL as
 * kaslr_virt_slide() for what it finds.
 */
int kaslr_virt_from_pmd(const uint64_t pmd[KASLR_PMD_ENTRIES], uint64_t link_va,
			int64_t phys_slide, int64_t *slide);
/* A runtime address back to its link-time address (for symbolizing) and
 * a link-time address to its runtime one (for arming a breakpoint). */
uint64_t kaslr_to_link(uint64_t addr, int64_t slide);
uint64_t kaslr_to_run(uint64_t addr, int64_t slide);
/*
 * True if `cmdline` holds the word "nokaslr" exactly as the decompressor
 * looks for it (arch/x86/boot/cmdline.c: words split at bytes <= ' ', no
 * quoting, "nokaslr=1" is not it). NULL reads as empty.
 */
bool kaslr_disabled(const char *cmdline);
/*
 * Record the refusal to profile a kernel whose slides were not found:
 * "WHY; the kernel randomises its addresses (KASLR): boot it with
 * nokaslr ...". Returns -EOPNOTSUPP, for `return kaslr_refuse("...")`.
 */
int kaslr_refuse(const char *why);

#endif
