/*
 * probe.c: the entry-state probe payload's body, built twice: -m32 (entered
 * from entry32.S at load + 0) and -m64 (entered from entry64.S through the
 * jump at load + 0x200). It reports, on COM1, the CPU state the boot entry
 * handed over (saved by the entry code before anything changed it), the GDT
 * as it lies in memory, the paging mode, and whether the regions the boot
 * protocol promises are mapped 1:1 and writable. Then it resets the VM
 * through the i8042 (0xFE to port 0x64). Freestanding: no libc, no headers.
 *
 * Output, one field per line, lowercase hex, "0x" prefix, no padding:
 *   probe: KEY VALUE           KEY as in vmm --dump-entry-state
 *   probe: check NAME ok | probe: check NAME FAIL 0xVA REASON
 *   probe: done
 *
 * Then it does what probe.then=ACTION on the command line asks (default
 * reset), for the console and signal tests:
 *   reset   reset the VM through the i8042
 *   spin    loop forever with interrupts off (only a signal or --timeout ends it)
 *   late-line  wait (a busy loop: no VM exit), write "probe: late line" to THR without
 *           polling the LSR (no exit at all where vmm lets KVM queue THR writes), then spin
 *   hot     before the report: loop forever in probe_hot_spot(), called from
 *           probe_hot_caller() (--profile's planted hot spot: the samples must name it)
 *   halt    CLI; HLT forever (the vCPU sleeps inside KVM_RUN)
 *   halt-at-entry  the same before the report: no VM exit reaches vmm at all
 *   boot-timer-port  write 123 to port 0x3f0 (Firecracker's boot timer), then reset
 *   boot-timer-mmio  write 123 to MMIO 0xd0000000, then reset (needs paging off)
 *   debug-exit       write 0 to the debug-exit port 0xf4 (vmm exits 64)
 *   debug-port       write the codes 0x41, 0x42, 0x61 to port 0x80 (cloud-hypervisor's
 *                    debug port: kernel, kernel, userspace), then reset
 *   cpu-model  report the CPUID leaves and MSRs vmm sets (vmm/cpu_model.c) as
 *           "probe: cpuid.LEAF.REG VALUE" / "probe: msr.INDEX VALUE", then reset
 *   echo    print each byte typed on COM1 as "probe: got 0xNN" (after "probe: echo
 *           ready"), until 'q', then reset
 *   svm-guest  enter a nested guest with AMD SVM (VMRUN; "probe: svm vmrun" first) that
 *           halts with interrupts off: the vCPU stays in guest mode. If VMRUN comes back
 *           (a #VMEXIT), "probe: svm exit CODE", then reset; without SVM in CPUID
 *           "probe: svm none", then reset
 *   flood   write probe.kib=N KiB (a multiple of 4, default 1024) of a known
 *           pattern with REP OUTSB, 4 KiB at a time (KVM may still exit once
 *           per byte), then "probe: flood done", then reset;
 *           line i (64 bytes) is i in 8 hex digits, a space, FLOOD_ALPHABET
 *           rotated left by i % 54, and a newline; with probe.read=N, then
 *           "probe: read BYTES": the first N bytes typed (waits seconds at most)
 */
#include "layout.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long uptr; /* pointer-sized in both builds */

/* Filled by the entry code (entry32.S / entry64.S) before the body runs. */
extern u64 probe_saved_rsi, probe_saved_rbx, probe_saved_rflags,
	probe_saved_rsp, probe_saved_rip;

void probe_main(void);
void *memset(void *d, int c, uptr n);
void *memcpy(void *d, const void *s, uptr n);

/* The compiler may emit calls to these even when freestanding. */
void *memset(void *d, int c, uptr n)
{
	u8 *p = d;

	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, uptr n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

/* ---- port I/O, serial output ---------------------------------------- */

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THRE 0x20
#define LSR_DR 0x01 /* data ready (16550 LSR bit 0) */
#define I8042_CMD 0x64
#define I8042_RESET 0xfe

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_serial(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, (u8)c);
}

static void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

/* 0x-prefixed lowercase hex, no padding; shifts only (no 64-bit division on i386). */
static void puthex(u64 v)
{
	int shift = 60;

	puts_serial("0x");
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		putc_serial("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void field(const char *key, u64 v)
{
	puts_serial("probe: ");
	puts_serial(key);
	putc_serial(' ');
	puthex(v);
	putc_serial('\n');
}

static void field_idx(const char *prefix, u32 idx, u64 v)
{
	char num[12];
	int n = 0;

	/* idx < 8192 (GDT limit is 16 bits): decimal without division by u64. */
	do {
		num[n++] = (char)('0' + idx % 10);
		idx /= 10;
	} while (idx);
	puts_serial("probe: ");
	puts_serial(prefix);
	while (n)
		putc_serial(num[--n]);
	putc_serial(' ');
	puthex(v);
	putc_serial('\n');
}

/* ---- CPU state -------------------------------------------------------- */

#define CR0_PG (1ULL << 31)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_LMA (1ULL << 10)
#define MSR_EFER 0xc0000080

struct cpu_state {
	u64 cr0, cr3, cr4, efer;
	u16 cs, ds, es, fs, gs, ss, tr, ldt;
	u64 gdt_base, idt_base;
	u16 gdt_limit, idt_limit;
};

/* SGDT/SIDT store a 2-byte limit and a 4-byte (8-byte in 64-bit mode) base. */
struct __attribute__((packed)) dtr {
	u16 limit;
	uptr base;
};

static void read_cpu(struct cpu_state *s)
{
	uptr v;
	u32 lo, hi;
	struct dtr g, i;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	s->cr0 = v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	s->cr3 = v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	s->cr4 = v;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
	s->efer = (u64)hi << 32 | lo;
	__asm__ volatile("mov %%cs, %0" : "=r"(s->cs));
	__asm__ volatile("mov %%ds, %0" : "=r"(s->ds));
	__asm__ volatile("mov %%es, %0" : "=r"(s->es));
	__asm__ volatile("mov %%fs, %0" : "=r"(s->fs));
	__asm__ volatile("mov %%gs, %0" : "=r"(s->gs));
	__asm__ volatile("mov %%ss, %0" : "=r"(s->ss));
	__asm__ volatile("str %0" : "=r"(s->tr));
	__asm__ volatile("sldt %0" : "=r"(s->ldt));
	__asm__ volatile("sgdt %0" : "=m"(g));
	__asm__ volatile("sidt %0" : "=m"(i));
	s->gdt_base = g.base;
	s->gdt_limit = g.limit;
	s->idt_base = i.base;
	s->idt_limit = i.limit;
}

/* ---- page-table walk -------------------------------------------------- */

enum pg_mode { PG_OFF, PG_NONPAE, PG_PAE, PG_LONG };
static const char *const pg_names[] = { "off", "nonpae", "pae", "long" };

enum walk_result { W_OK, W_NOT_PRESENT, W_NOT_WRITABLE, W_NOT_IDENTITY, W_UNREACHABLE };
static const char *const walk_names[] = { "ok", "not-present", "not-writable",
					  "not-identity", "unreachable-table" };

#define PTE_P 1ULL
#define PTE_RW 2ULL
#define PTE_PS 0x80ULL
#define ADDR_MASK 0x000ffffffffff000ULL /* bits 51:12 */

static enum pg_mode pg_mode;
static int pg_pse, pg_la57;
static u64 pg_cr3;

static enum pg_mode paging_mode(const struct cpu_state *s)
{
	if (!(s->cr0 & CR0_PG))
		return PG_OFF;
	if (!(s->cr4 & CR4_PAE))
		return PG_NONPAE;
	if (!(s->efer & EFER_LMA))
		return PG_PAE;
	return PG_LONG;
}

/*
 * Entry `idx` of the table at physical `table`. The tables are read through
 * the current mapping, i.e. assuming they lie in 1:1-mapped memory (vmm puts
 * them in low RAM, which every mode maps); a table above 4 GiB cannot be
 * addressed by the 32-bit build at all.
 */
static int read_entry(u64 table, u32 idx, int wide, u64 *e)
{
	if (table > (uptr)-1 - 4096)
		return 0;
	if (wide)
		*e = ((const volatile u64 *)(uptr)table)[idx];
	else
		*e = ((const volatile u32 *)(uptr)table)[idx];
	return 1;
}

/* Translate `va`; *pa and *w (R/W set at every level that has the bit) on success. */
static enum walk_result translate(u64 va, u64 *pa, int *w)
{
	u64 e, table;
	int level;

	*w = 1;
	if (pg_mode == PG_OFF) {
		*pa = va;
		return W_OK;
	}
	if (pg_mode == PG_NONPAE) {
		if (!read_entry(pg_cr3 & 0xfffff000ULL, (u32)(va >> 22) & 0x3ff, 0, &e))
			return W_UNREACHABLE;
		if (!(e & PTE_P))
			return W_NOT_PRESENT;
		*w &= !!(e & PTE_RW);
		if (pg_pse && (e & PTE_PS)) {
			/* 4 MiB page; PSE-36: PDE bits 20:13 are PA bits 39:32. */
			*pa = (e & 0xffc00000ULL) | ((e >> 13) & 0xffULL) << 32 |
			      (va & 0x3fffffULL);
			return W_OK;
		}
		if (!read_entry(e & 0xfffff000ULL, (u32)(va >> 12) & 0x3ff, 0, &e))
			return W_UNREACHABLE;
		if (!(e & PTE_P))
			return W_NOT_PRESENT;
		*w &= !!(e & PTE_RW);
		*pa = (e & 0xfffff000ULL) | (va & 0xfff);
		return W_OK;
	}
	if (pg_mode == PG_PAE) {
		/* 4 PDPTEs at CR3[31:5]; they have no R/W bit. */
		if (!read_entry(pg_cr3 & 0xffffffe0ULL, (u32)(va >> 30) & 3, 1, &e))
			return W_UNREACHABLE;
		if (!(e & PTE_P))
			return W_NOT_PRESENT;
		level = 2;
	} else {
		e = pg_cr3; /* CR3 as a pseudo-entry: present, writable */
		e |= PTE_P | PTE_RW;
		level = pg_la57 ? 5 : 4;
	}
	/* Long mode from PML5/PML4 down; PAE from the PD (level 2) down. */
	for (; level >= 1; level--) {
		u32 shift = 12 + 9 * (u32)(level - 1);

		table = e & ADDR_MASK;
		if (!read_entry(table, (u32)(va >> shift) & 0x1ff, 1, &e))
			return W_UNREACHABLE;
		if (!(e & PTE_P))
			return W_NOT_PRESENT;
		*w &= !!(e & PTE_RW);
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			u64 off = (1ULL << shift) - 1;

			*pa = (e & ADDR_MASK & ~off) | (va & off);
			return W_OK;
		}
	}
	return W_NOT_PRESENT; /* not reached */
}

/* Check [start, end) page by page: present, R/W at every level, VA == PA. */
static enum walk_result check_range(u64 start, u64 end, u64 *bad)
{
	u64 va, pa;
	int w;
	enum walk_result r;

	for (va = start & ~0xfffULL; va < end; va += 4096) {
		r = translate(va, &pa, &w);
		if (r == W_OK && pa != va)
			r = W_NOT_IDENTITY;
		if (r == W_OK && !w)
			r = W_NOT_WRITABLE;
		if (r != W_OK) {
			*bad = va;
			return r;
		}
		if (va + 4096 < va)
			break;
	}
	return W_OK;
}

static void report(const char *name, enum walk_result r, u64 bad)
{
	puts_serial("probe: check ");
	puts_serial(name);
	if (r == W_OK) {
		puts_serial(" ok\n");
		return;
	}
	puts_serial(" FAIL ");
	puthex(bad);
	putc_serial(' ');
	puts_serial(walk_names[r]);
	putc_serial('\n');
}

static void check(const char *name, u64 start, u64 len)
{
	u64 bad = 0;
	enum walk_result r = check_range(start, start + len, &bad);

	report(name, r, bad);
}

/* The command line's length, reading only pages that translate to themselves. */
static enum walk_result cmdline_check(u64 p, u64 *bad)
{
	u64 page = ~0ULL;
	enum walk_result r;

	for (;; p++) {
		if ((p & ~0xfffULL) != page) {
			page = p & ~0xfffULL;
			r = check_range(page, page + 1, bad);
			if (r != W_OK)
				return r;
		}
		if (p > (uptr)-1 || !*(const volatile char *)(uptr)p)
			return W_OK;
	}
}

/* ---- zero page (boot_params) fields ----------------------------------- */

#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CODE32_START 0x214
#define BP_CMD_LINE_PTR 0x228
#define BP_INIT_SIZE 0x260

static u32 bp32(u64 zp, u32 off)
{
	return *(const volatile u32 *)(uptr)(zp + off);
}

/* ---- after the report: probe.then=ACTION --------------------------------- */

static u64 cmdline_ptr;

/* The value of "KEY=" on the command line, or 0 (no bounds: vmm wrote a
 * NUL-terminated line, and cmdline_check() showed every page readable). */
static const char *cmdline_value(const char *key)
{
	const char *p = (const char *)(uptr)cmdline_ptr, *k, *q;

	for (; p && *p; p++) {
		if (p != (const char *)(uptr)cmdline_ptr && p[-1] != ' ')
			continue;
		for (k = key, q = p; *k && *q == *k; k++, q++)
			;
		if (!*k && *q == '=')
			return q + 1;
	}
	return 0;
}

static int value_is(const char *v, const char *want)
{
	while (*want && *v == *want)
		v++, want++;
	return !*want && (!*v || *v == ' ');
}

static u32 value_u32(const char *v, u32 dflt)
{
	u32 n = 0;

	if (!v || *v < '0' || *v > '9')
		return dflt;
	while (*v >= '0' && *v <= '9')
		n = n * 10 + (u32)(*v++ - '0');
	return n;
}

static const char flood_alphabet[] =
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR"; /* 54 */

static void flood(u32 kib)
{
	static char block[4096];
	u32 line = 0, i, j;

	/* FCR: FIFO on, both cleared: console input queues 16 bytes deep while
	 * the probe floods (the slow-reader test counts what vmm accepts). */
	outb(COM1 + 2, 0x07);
	for (u32 b = 0; b < kib / 4; b++) {
		for (i = 0; i < 64; i++, line++) {
			char *l = block + 64 * i;

			for (j = 0; j < 8; j++)
				l[j] = "0123456789abcdef"[(line >> (28 - 4 * j)) & 0xf];
			l[8] = ' ';
			for (j = 0; j < 54; j++)
				l[9 + j] = flood_alphabet[(j + line % 54) % 54];
			l[63] = '\n';
		}
		const char *src = block;
		uptr n = sizeof(block);

		__asm__ volatile("rep outsb" : "+S"(src), "+c"(n) : "d"((u16)COM1) : "memory");
	}
	puts_serial("probe: flood done\n");
}

static u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* probe.read=N after a flood: the first N (at most 64) bytes typed, as "probe: read BYTES";
 * it gives up after about 2^34 TSC ticks (seconds) and prints what came. */
static void read_input(u32 n)
{
	u8 got[64];
	u32 k = 0;
	u64 t0 = rdtsc();

	if (n > sizeof(got))
		n = sizeof(got);
	while (k < n && rdtsc() - t0 < (1ULL << 34)) {
		if (inb(COM1_LSR) & LSR_DR)
			got[k++] = inb(COM1);
		else
			__asm__ volatile("pause");
	}
	puts_serial("probe: read ");
	for (u32 i = 0; i < k; i++)
		putc_serial((char)got[i]);
	putc_serial('\n');
}

static void cpuid(u32 leaf, u32 r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static u64 rdmsr(u32 index)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((u64)hi << 32) | lo;
}

static void cpu_model(void)
{
	static const char *const regs[4] = { "eax", "ebx", "ecx", "edx" };
	static const struct { u32 leaf; const char *name; } leaves[] = {
		{ 1, "cpuid.1." }, { 0x40000000, "cpuid.40000000." },
		{ 0x40000001, "cpuid.40000001." },
	};
	char key[32];
	u32 r[4], i, j, k, n;

	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		cpuid(leaves[i].leaf, r);
		for (j = 0; j < 4; j++) {
			for (n = 0; leaves[i].name[n]; n++)
				key[n] = leaves[i].name[n];
			for (k = 0; regs[j][k]; k++)
				key[n++] = regs[j][k];
			key[n] = 0;
			field(key, r[j]);
		}
	}
	field("msr.1a0", rdmsr(0x1a0));
	field("msr.2ff", rdmsr(0x2ff));
}

/* ---- probe.then=svm-guest (AMD APM Vol. 2, §15.5 VMRUN, Appendix B: the VMCB) ---- */

#define CPUID_EXT1_ECX_SVM (1u << 2) /* Fn8000_0001 ECX[2] */
#define EFER_SVME (1ULL << 12)
#define MSR_VM_HSAVE_PA 0xc0010117
#define VMCB_INTERCEPT_WORD4 0x010 /* bit 0: VMRUN, which must be intercepted */
#define VMCB_IOPM_BASE 0x040
#define VMCB_MSRPM_BASE 0x048
#define VMCB_ASID 0x058		   /* 0 is the host's */
#define VMCB_EXITCODE 0x070
#define VMCB_SAVE 0x400		   /* the state save area; offsets below are into it */
#define SAVE_SEG(i) (0x10 * (i))   /* ES, CS, SS, DS: selector, attrib, limit, base */
#define SAVE_CPL 0x0cb
#define SAVE_EFER 0x0d0
#define SAVE_CR4 0x148
#define SAVE_CR3 0x150
#define SAVE_CR0 0x158
#define SAVE_DR7 0x160
#define SAVE_DR6 0x168
#define SAVE_RFLAGS 0x170
#define SAVE_RIP 0x178
#define SAVE_RSP 0x1d8
#define SAVE_G_PAT 0x268
#define RESET_DR6 0xffff0ff0ULL	   /* the power-on values (SDM Vol. 3B §18.2) */
#define RESET_DR7 0x400ULL
#define RESET_PAT 0x0007040600070406ULL
#define RFLAGS_FIXED 0x2ULL
#define SVM_VMCB PROBE_SCRATCH
#define SVM_HSAVE (PROBE_SCRATCH + 0x1000)
#define SVM_BITMAPS (PROBE_SCRATCH + 0x2000) /* 12 KiB of zeros: IOPM, and MSRPM's 8 KiB */
#define SVM_STACK_TOP (PROBE_SCRATCH + 0x8000)

static void wrmsr(u32 index, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(index), "a"((u32)v), "d"((u32)(v >> 32)));
}

static void vmcb_put(u32 off, u64 v, u32 bytes)
{
	memcpy((u8 *)(uptr)(SVM_VMCB + off), &v, bytes);
}

/* Segment register `sel` as a VMCB segment: the attributes are the descriptor's access byte
 * and its flags nibble (APM Vol. 2, §15.5.1), the limit expanded by G. */
static void vmcb_segment(u32 off, u16 sel, const struct cpu_state *s)
{
	u64 d = sel & ~7u ? *(const u64 *)(uptr)(s->gdt_base + (sel & ~7u)) : 0;
	u32 limit = (u32)((d & 0xffff) | ((d >> 32) & 0xf0000));
	u64 base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);

	if (d & (1ULL << 55)) /* G */
		limit = limit << 12 | 0xfff;
	vmcb_put(off, sel, 2);
	vmcb_put(off + 2, ((d >> 40) & 0xff) | ((d >> 44) & 0xf00), 2);
	vmcb_put(off + 4, limit, 4);
	vmcb_put(off + 8, base, 8);
}

/* The nested guest: the probe's own mode, segments and tables, halted with IF clear. */
static void svm_guest_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void svm_guest(void)
{
	static const u32 seg_off[] = { SAVE_SEG(0), SAVE_SEG(1), SAVE_SEG(2), SAVE_SEG(3) };
	struct cpu_state s;
	u32 r[4];
	u16 sels[4];

	cpuid(0x80000001, r);
	if (!(r[2] & CPUID_EXT1_ECX_SVM)) {
		puts_serial("probe: svm none\n");
		return;
	}
	read_cpu(&s);
	sels[0] = s.es, sels[1] = s.cs, sels[2] = s.ss, sels[3] = s.ds;
	memset((void *)(uptr)PROBE_SCRATCH, 0, SVM_STACK_TOP - PROBE_SCRATCH);
	wrmsr(MSR_EFER, s.efer | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, SVM_HSAVE);
	vmcb_put(VMCB_INTERCEPT_WORD4, 1, 4);
	vmcb_put(VMCB_IOPM_BASE, SVM_BITMAPS, 8);
	vmcb_put(VMCB_MSRPM_BASE, SVM_BITMAPS, 8);
	vmcb_put(VMCB_ASID, 1, 4);
	for (u32 i = 0; i < 4; i++)
		vmcb_segment(VMCB_SAVE + seg_off[i], sels[i], &s);
	vmcb_put(VMCB_SAVE + SAVE_CPL, 0, 1);
	vmcb_put(VMCB_SAVE + SAVE_EFER, s.efer | EFER_SVME, 8);
	vmcb_put(VMCB_SAVE + SAVE_CR4, s.cr4, 8);
	vmcb_put(VMCB_SAVE + SAVE_CR3, s.cr3, 8);
	vmcb_put(VMCB_SAVE + SAVE_CR0, s.cr0, 8);
	vmcb_put(VMCB_SAVE + SAVE_DR7, RESET_DR7, 8);
	vmcb_put(VMCB_SAVE + SAVE_DR6, RESET_DR6, 8);
	vmcb_put(VMCB_SAVE + SAVE_RFLAGS, RFLAGS_FIXED, 8);
	vmcb_put(VMCB_SAVE + SAVE_RIP, (uptr)svm_guest_halt, 8);
	vmcb_put(VMCB_SAVE + SAVE_RSP, SVM_STACK_TOP, 8);
	vmcb_put(VMCB_SAVE + SAVE_G_PAT, RESET_PAT, 8);
	puts_serial("probe: svm vmrun\n");
	/* VMRUN rAX: a #VMEXIT gives back only RSP, RIP and RAX of ours (the rest as the nested
	 * guest left them). */
#ifdef __x86_64__
	__asm__ volatile(".byte 0x0f, 0x01, 0xd8" /* vmrun */
			 : : "a"((uptr)SVM_VMCB)
			 : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
			   "r13", "r14", "r15", "memory", "cc");
#else
	__asm__ volatile(".byte 0x0f, 0x01, 0xd8" /* vmrun */
			 : : "a"((uptr)SVM_VMCB) : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
#endif
	field("svm exit", *(const volatile u32 *)(uptr)(SVM_VMCB + VMCB_EXITCODE));
}

/* --profile's planted hot spot: noinline, so it keeps its own symbol and frame. */
__attribute__((noinline)) void probe_hot_spot(void);
__attribute__((noinline)) void probe_hot_caller(void);

static volatile int probe_hot_stop; /* never set: a loop that could end keeps its frame */

void probe_hot_spot(void)
{
	volatile u64 spins = 0; /* on the stack: gcc keeps the frame (RBP) of a leaf that uses it */

	while (!probe_hot_stop) {
		spins = spins + 1;
		__asm__ volatile("pause");
	}
}

void probe_hot_caller(void)
{
	for (;;) /* never returns; not a tail call, so this frame stays */
		probe_hot_spot();
}

/* probe.then=echo: every byte typed on COM1 as "probe: got 0xNN" (polled, interrupts off),
 * until 'q'. */
static void echo_input(void)
{
	u8 c;

	puts_serial("probe: echo ready\n");
	do {
		while (!(inb(COM1_LSR) & LSR_DR))
			__asm__ volatile("pause");
		c = inb(COM1);
		puts_serial("probe: got ");
		puthex(c);
		putc_serial('\n');
	} while (c != 'q');
}

/* A line written long after the last exit (tens of ms natively: far past vmm's 1 ms output
 * batch, whose timer would otherwise take it), with no LSR poll between the bytes, so that
 * where vmm lets KVM queue THR writes nothing but vmm's own watcher can show it. */
static void late_line(void)
{
	const char *s = "probe: late line\n";

	for (volatile u32 i = 0; i < 50000000u; i++)
		;
	while (*s)
		outb(COM1, (u8)*s++);
}

static void then(void)
{
	const char *act = cmdline_value("probe.then");

	if (act && value_is(act, "late-line"))
		late_line();
	if (act && (value_is(act, "spin") || value_is(act, "late-line")))
		for (;;)
			__asm__ volatile("pause");
	if (act && value_is(act, "halt"))
		for (;;)
			__asm__ volatile("cli; hlt");
	if (act && value_is(act, "flood"))
		flood(value_u32(cmdline_value("probe.kib"), 1024));
	if (act && value_is(act, "flood") && cmdline_value("probe.read"))
		read_input(value_u32(cmdline_value("probe.read"), 0));
	if (act && value_is(act, "boot-timer-port"))
		outb(0x3f0, 123);
	if (act && value_is(act, "boot-timer-mmio"))
		*(volatile u8 *)(uptr)0xd0000000UL = 123;
	if (act && value_is(act, "debug-exit"))
		outb(0xf4, 0);
	if (act && value_is(act, "debug-port")) {
		outb(0x80, 0x41);
		outb(0x80, 0x42);
		outb(0x80, 0x61);
	}
	if (act && value_is(act, "cpu-model"))
		cpu_model();
	if (act && value_is(act, "echo"))
		echo_input();
	if (act && value_is(act, "svm-guest"))
		svm_guest();
	outb(I8042_CMD, I8042_RESET);
}

void probe_main(void)
{
	struct cpu_state s;
	u64 zp = probe_saved_rsi, bad = 0;
	u32 i;
	enum walk_result r;

	/* Before any port I/O: the zero page is at RSI, mapped 1:1 in vmm's states. */
	cmdline_ptr = bp32(zp, BP_CMD_LINE_PTR);
	if (cmdline_value("probe.then") && value_is(cmdline_value("probe.then"), "halt-at-entry"))
		for (;;)
			__asm__ volatile("cli; hlt");
	if (cmdline_value("probe.then") && value_is(cmdline_value("probe.then"), "hot"))
		probe_hot_caller();
	cmdline_ptr = 0;
	read_cpu(&s);
	field("rsi", probe_saved_rsi);
	field("rbx", probe_saved_rbx);
	field("rflags", probe_saved_rflags);
	field("rsp", probe_saved_rsp);
	field("rip", probe_saved_rip);
	field("cr0", s.cr0);
	field("cr3", s.cr3);
	field("cr4", s.cr4);
	field("efer", s.efer);
	field("cs.selector", s.cs);
	field("ds.selector", s.ds);
	field("es.selector", s.es);
	field("fs.selector", s.fs);
	field("gs.selector", s.gs);
	field("ss.selector", s.ss);
	field("tr.selector", s.tr);
	field("ldt.selector", s.ldt);
	field("gdt.base", s.gdt_base);
	field("gdt.limit", s.gdt_limit);
	field("idt.base", s.idt_base);
	field("idt.limit", s.idt_limit);
	/* Raw descriptors as they lie in memory (paging is 1:1, so gdt.base works). */
	for (i = 0; i <= s.gdt_limit / 8u; i++)
		field_idx("gdt.", i,
			  *(const volatile u64 *)(uptr)(s.gdt_base + 8ULL * i));

	pg_mode = paging_mode(&s);
	pg_pse = !!(s.cr4 & CR4_PSE);
	pg_la57 = !!(s.cr4 & CR4_LA57);
	pg_cr3 = s.cr3;
	puts_serial("probe: paging.mode ");
	puts_serial(pg_names[pg_mode]);
	putc_serial('\n');

	r = check_range(zp, zp + 4096, &bad);
	report("zero-page", r, bad);
	if (r != W_OK && r != W_NOT_WRITABLE) {
		/* Without a readable zero page the other regions are unknown. */
		report("cmdline", r, bad);
		report("kernel", r, bad);
	} else {
		r = cmdline_check(bp32(zp, BP_CMD_LINE_PTR), &bad);
		report("cmdline", r, bad);
		if (r == W_OK)
			cmdline_ptr = bp32(zp, BP_CMD_LINE_PTR);
		if (bp32(zp, BP_RAMDISK_SIZE))
			check("initrd", bp32(zp, BP_RAMDISK_IMAGE),
			      bp32(zp, BP_RAMDISK_SIZE));
		check("kernel", bp32(zp, BP_CODE32_START), bp32(zp, BP_INIT_SIZE));
	}
	check("gdt", s.gdt_base, (u64)s.gdt_limit + 1);
	if (probe_saved_rsp)
		check("stack", probe_saved_rsp - 1, 1);
	puts_serial("probe: done\n");
	then();
}
