/* stack.h: one profile sample of a vCPU: where it ran (address class) and its guest frame-pointer chain. */
#ifndef VMM_PROFILE_STACK_H
#define VMM_PROFILE_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/guest_mem.h"
#include "vmm/kvm/kvm.h"

#define PROF_MAX_DEPTH 32
/* A caller's frame lies at most this far above its callee's (kernel
 * stacks are 16 KiB; 64 KiB leaves room for large frames). */
#define PROF_MAX_FRAME 0x10000ULL
/* x86-64's upper half, where a 64-bit kernel runs: bit 63 set. Its canonical addresses start
 * at 0xffff800000000000 with 4-level paging and at 0xff00000000000000 with 5-level paging
 * (where Linux puts its direct map and vmalloc area, e.g. BPF JIT code, below the former). */
#define PROF_KERNEL_HALF 0x8000000000000000ULL
/* PAGE_OFFSET of a 32-bit Linux kernel with the default 3G/1G split. */
#define PROF_KERNEL_32 0xc0000000ULL

/*
 * The guest's phase told by the address class of the sample, without
 * breakpoints: paging off, or ring 0 below the kernel's half (the bzImage
 * decompressor, the kernel's identity-mapped head code, a guest such as
 * the probe), the kernel (ring 0 in its half), and user space (ring 3).
 */
enum prof_class { PROF_EARLY, PROF_KERNEL, PROF_USER, PROF_CLASSES };

struct prof_sample {
	uint64_t t_ns;	/* since the timeline's start */
	uint16_t cpu;
	uint8_t cls;	/* enum prof_class */
	uint8_t depth;	/* pc[0] is the RIP, then return addresses, innermost first */
	uint64_t pc[PROF_MAX_DEPTH];
};

/* Copy guest-virtual [va, va + n) as the vCPU in `r` sees it, through its paging mode (5- or
 * 4-level, PAE, 32-bit or none), page by page; false if any of it is unmapped. */
bool prof_read_as_vcpu(const struct guest_mem *gm, const struct vcpu_regs *r, uint64_t va,
		       void *buf, size_t n);
/* The address class of a vCPU's state. */
enum prof_class prof_classify(const struct vcpu_regs *r);
/* "decompressor" (or "early" where there is none: ELF, PVH), "kernel", "userspace". */
const char *prof_class_name(enum prof_class c, bool decompressor);
/*
 * Fill s->pc with the RIP and the return addresses of the guest's
 * frame-pointer chain (RBP, then [RBP] and [RBP + 8] per frame), read
 * through the guest's 4- or 5-level page tables at CR3. Only 64-bit ring-0 code
 * is walked. A frame ends the chain unless it lies 8-aligned above the
 * last one (within PROF_MAX_FRAME) and its return address follows a CALL
 * instruction, so a kernel built without frame pointers (ORC) gives the
 * RIP alone rather than noise. Returns the frames found beyond the RIP.
 */
unsigned prof_walk(const struct guest_mem *gm, const struct vcpu_regs *r, struct prof_sample *s);
/*
 * A randomised kernel's virtual slide from its own page tables at `cr3`
 * (a ring-0 CR3 of the kernel proper; 5-level tables if `la57`, its
 * CR4.LA57): head64.c leaves no 2 MiB entry of the kernel image's page
 * directory present below _text, so the first present one is where
 * `link_text` (_text's link-time address) now lies.
 * -EFAULT/-ENOENT if the tables do not say, -EINVAL for a slide that
 * cannot be (kaslr_virt_slide()).
 */
int prof_kaslr_slide(const struct guest_mem *gm, uint64_t cr3, bool la57, uint64_t link_text,
		     int64_t *slide);
/*
 * A randomised 32-bit kernel's slide from its IDT, read through its own
 * tables (r: the registers of a ring-0 sample of the kernel proper, 32-bit
 * or PAE paging): vector 0's gate holds where the divide-error handler,
 * linked at `link_handler`, now lies. -EFAULT if the IDT is not mapped,
 * -EINVAL unless the slide is a non-negative multiple of 4 KiB.
 */
int prof_kaslr_slide32(const struct guest_mem *gm, const struct vcpu_regs *r,
		       uint64_t link_handler, int64_t *slide);

#endif
