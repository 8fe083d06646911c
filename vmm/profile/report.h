/* report.h: --profile's end: samples symbolized into folded stacks, top-N tables and samples per phase. */
#ifndef VMM_PROFILE_REPORT_H
#define VMM_PROFILE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/profile/stack.h"
#include "vmm/profile/symbols.h"
#include "vmm/timing.h"

#define PROF_TOP 10	  /* functions in the overall table */
#define PROF_TOP_CLASS 5  /* functions per guest phase */

struct prof_input {
	const struct prof_sample *s;
	size_t n;
	uint64_t dropped;	   /* samples that found the buffer full */
	unsigned hz, ncpus;
	const struct symtab *syms; /* NULL: addresses in hex */
	int64_t slide;		   /* KASLR: runtime minus link address in the kernel half */
	const char *slide_note;	   /* why the kernel half stays in hex (slide unknown); NULL: known */
	bool slide_from_idt;	   /* a 32-bit kernel's slide, read from its IDT (else its page tables) */
	bool decompressor;	   /* a bzImage boot path: PROF_EARLY is its decompressor */
	const struct timing *timing; /* vmm's phases (their times); NULL: none */
};

/*
 * The name of frame `pc` of class `cls` (a symbol, else "0x..." in `buf`;
 * user space is "[userspace]": its programs' symbols are not known).
 */
const char *prof_frame_name(const struct prof_input *in, enum prof_class cls, uint64_t pc,
			    char buf[24]);
/* The vmm timeline phase a sample at t_ns falls in: the last one stamped
 * at or before it (TIMING_PHASES if none). */
enum timing_phase prof_vmm_phase(const struct timing *t, uint64_t t_ns);
/*
 * Write one folded line per distinct stack to `folded` (the guest phase is
 * the outermost frame: "kernel;start_kernel;...;leaf N") and the tables to
 * `text` (lines starting "vmm: profile:"). 0, -ENOMEM or -EIO.
 */
int prof_report(const struct prof_input *in, FILE *folded, FILE *text);

#endif
