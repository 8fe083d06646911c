/*
 * entry64.S: the 64-bit body's entry, linked at PROBE64_BASE by probe.ld.S (PROBE_BITS=64) and
 * reached only through the jump at load + 0x200 (entry32.S), which changes
 * no register or flag. As in entry32.S: RSP first (MOV changes no flag),
 * then our own .bss stack, then PUSHF reads RFLAGS as the entry left it.
 */

#include "layout.h"
	.code64
	.section .text.entry, "ax"
	.globl entry64
entry64:
	movq	%rsp, probe_saved_rsp(%rip)
	leaq	probe_stack_top(%rip), %rsp
	pushfq
	popq	probe_saved_rflags(%rip)
	movq	%rsi, probe_saved_rsi(%rip)
	movq	%rbx, probe_saved_rbx(%rip)
	/* The entry was the jump at load + 0x200; this code is at load + PROBE64_OFFSET. */
	leaq	entry64(%rip), %rax
	subq	$(PROBE64_OFFSET - 0x200), %rax
	movq	%rax, probe_saved_rip(%rip)
	cld
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	call	probe_main
1:	pause
	jmp	1b

	.data
	.balign 8
	.globl probe_saved_rsi, probe_saved_rbx, probe_saved_rflags
	.globl probe_saved_rsp, probe_saved_rip
probe_saved_rsi:	.quad 0
probe_saved_rbx:	.quad 0
probe_saved_rflags:	.quad 0
probe_saved_rsp:	.quad 0
probe_saved_rip:	.quad 0

	.bss
	.balign 16
probe_stack:
	.skip	4096
probe_stack_top:
