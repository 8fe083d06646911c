/*
 * probe.ld.S: linker script for both bodies, run through the C preprocessor
 * with -DPROBE_BITS=32 or 64. The 32-bit body starts at PROBE_LOAD with
 * entry32.S's .text.entry (entry32 at +0, the 64-bit jump at +0x200) and
 * must end, .bss included, before PROBE64_BASE; the 64-bit body starts at
 * PROBE64_BASE and must end before PROBE_SCRATCH (probe.then=svm-guest's pages).
 */
#include "layout.h"

#if PROBE_BITS == 32
OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(entry32)
#define BASE PROBE_LOAD
#define LIMIT PROBE64_BASE
#else
OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(entry64)
#define BASE PROBE64_BASE
#define LIMIT PROBE_SCRATCH
#endif

/* Separate RX and RW segments (no RWX warning); objcopy -O binary keeps the layout. */
PHDRS
{
	text PT_LOAD FLAGS(5);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = BASE;
	.text : {
		KEEP(*(.text.entry))
		*(.text .text.*)
	} :text
	.rodata : { *(.rodata .rodata.*) } :text
	.data : { *(.data .data.*) } :data
	.bss : {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		__bss_end = .;
	} :data
	ASSERT(. <= LIMIT, "probe body too large for its slot (see layout.h)")
	/DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr) }
}
