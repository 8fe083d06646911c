/*
 * entry32.S: the first bytes of the probe's protected-mode code (load address
 * + 0, the 32-bit boot protocol's entry) and the 64-bit entry's jump at
 * load + 0x200. Linked at PROBE_LOAD (0x1000000) by probe.ld.S (PROBE_BITS=32).
 *
 * Order matters: nothing may change a register or a flag before it is saved.
 * MOV changes no flag, so ESP is stored first, then our own stack (in .bss)
 * is loaded and PUSHF reads EFLAGS exactly as the entry left it. No other
 * assumption is made about the entry stack: it is never touched.
 */

#include "layout.h"
	.code32
	.section .text.entry, "ax"
	.globl entry32
entry32:
	movl	%esp, probe_saved_rsp
	movl	$probe_stack_top, %esp
	pushfl
	popl	probe_saved_rflags
	movl	%esi, probe_saved_rsi
	movl	%ebx, probe_saved_rbx
	/* Where this code really runs: the return address of a call is measured. */
	call	1f
1:	popl	%eax
	subl	$(1b - entry32), %eax
	movl	%eax, probe_saved_rip
	cld
	/* Zero .bss (the stack is empty now); never rely on the loader for it. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	call	probe_main
	/* probe_main resets the VM; never HLT (IF=0 would hang the vCPU). */
2:	pause
	jmp	2b

	/*
	 * 64-bit entry (load + 0x200, long mode). E9 rel32 encodes the same
	 * relative jump in 32- and 64-bit mode and changes no register or flag.
	 */
	.org	0x200
	.globl entry64_stub
entry64_stub:
	jmp	PROBE64_BASE

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
