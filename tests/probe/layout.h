/* layout.h: where the probe lives; shared by the entry code, the linker script and (by value) mkbzimage.py. */
#ifndef PROBE_LAYOUT_H
#define PROBE_LAYOUT_H

/* pref_address in the header: vmm loads a relocatable bzImage there. */
#define PROBE_LOAD 0x1000000
/* The 64-bit body (probe64.bin) starts this far into the protected-mode code. */
#define PROBE64_OFFSET 0x8000
#define PROBE64_BASE (PROBE_LOAD + PROBE64_OFFSET)
/* init_size: everything, .bss included, ends below PROBE_LOAD + PROBE_INIT_SIZE. */
#define PROBE_INIT_SIZE 0x100000
/* probe.then=svm-guest's pages (VMCB, host save area, I/O and MSR bitmaps, the nested guest's
 * stack): the last 32 KiB of init_size, which the bodies stay below. */
#define PROBE_SCRATCH (PROBE_LOAD + PROBE_INIT_SIZE - 0x8000)

#endif
