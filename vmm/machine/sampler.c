/* sampler.c: --profile and --trace at run time: a sampling timer per vCPU thread, exit and console records, the files at the end. */
#define _GNU_SOURCE /* gettid() */
#include "vmm/machine/sampler.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/profile/kaslr.h"
#include "vmm/profile/report.h"

#define NKINDS (EXIT_OTHER + 1)

static const char *const kind_names[NKINDS] = {
	[EXIT_IO] = "io", [EXIT_MMIO] = "mmio", [EXIT_INTR] = "intr", [EXIT_HLT] = "hlt",
	[EXIT_SHUTDOWN] = "shutdown", [EXIT_FAIL_ENTRY] = "fail_entry",
	[EXIT_INTERNAL] = "internal", [EXIT_SYSTEM_SHUTDOWN] = "system_shutdown",
	[EXIT_SYSTEM_RESET] = "system_reset", [EXIT_SYSTEM_CRASH] = "system_crash",
	[EXIT_DEBUG] = "debug", [EXIT_OTHER] = "other",
};

/* Thread-local in the executable (local-exec TLS): safe to touch in the handler. */
static __thread struct vcpu *volatile self;
static __thread volatile sig_atomic_t due;

static void on_tick(int sig)
{
	(void)sig;
	due = 1;
	if (self)
		vcpu_request_exit(self);
}

/* Untouched pages cost nothing (MAP_NORESERVE): the buffers are sized for long runs. */
static void *reserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

#define OUT_BUFFER 65536

/* The file, with its stdio buffer given now: stdio would fstat() it to size one at the first
 * write, which the sandbox does not allow (README "Sandbox"). */
static int open_out(const char *path, const char *opt, FILE **f)
{
	char *buf = malloc(OUT_BUFFER);

	*f = buf ? fopen(path, "w") : NULL;
	if (!*f) {
		int e = buf ? errno : ENOMEM;

		free(buf);
		return errf(-e, "%s %s: %s", opt, path, strerror(e));
	}
	setvbuf(*f, buf, _IOFBF, OUT_BUFFER); /* kept for the process's life */
	return 0;
}

static int init_buffers(struct sampler *p)
{
	struct sigaction sa = { .sa_handler = on_tick, .sa_flags = SA_RESTART };

	if (p->profile && !(p->s = reserve(SAMPLER_MAX_SAMPLES * sizeof(*p->s))))
		return errf(-ENOMEM, "--profile: no memory for the samples");
	p->cap = SAMPLER_MAX_SAMPLES;
	if (p->trace && (!(p->exits = reserve(SAMPLER_MAX_BUCKETS * NKINDS * sizeof(uint32_t))) ||
			 !(p->lines = reserve(SAMPLER_MAX_LINES * sizeof(*p->lines)))))
		return errf(-ENOMEM, "--trace: no memory for the records");
	/* The report at the end allocates under the sandbox, which allows brk, not mmap. */
	mallopt(M_MMAP_MAX, 0);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SAMPLER_PROFILE_SIGNAL, &sa, NULL) < 0)
		return errf(-errno, "sigaction: %s", strerror(errno));
	return 0;
}

int sampler_init(struct sampler *p, const struct config *cfg, unsigned ncpus,
		 const struct guest_mem *mem, enum boot_proto proto, const struct timing *t)
{
	int r = 0;

	*p = (struct sampler){ .profile = cfg->profile_hz != 0, .trace = cfg->trace != NULL,
			       .hz = cfg->profile_hz, .ncpus = ncpus, .timing = t, .mem = mem,
			       .folded_path = cfg->profile_out };
	p->period_ns = p->hz ? 1000000000ULL / p->hz : 0;
	p->decompressor = proto == BOOT_LINUX32 || proto == BOOT_LINUX64;
	p->kaslr = p->decompressor && !kaslr_disabled(cfg->append);
	if (cfg->symbols) {
		r = symtab_load_file(&p->syms, cfg->symbols);
		p->have_syms = r == 0;
	}
	if (r == 0 && p->profile)
		r = open_out(cfg->profile_out, "--profile-out", &p->folded);
	if (r == 0 && p->trace)
		r = open_out(cfg->trace, "--trace", &p->trace_file);
	return r < 0 ? r : init_buffers(p);
}

int sampler_attach(struct sampler *p, struct vcpu *c, unsigned cpu)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID,
			       .sigev_signo = SAMPLER_PROFILE_SIGNAL };
	struct timespec every = { .tv_sec = (time_t)(p->period_ns / 1000000000ULL),
				  .tv_nsec = (long)(p->period_ns % 1000000000ULL) };
	struct itimerspec its = { .it_interval = every, .it_value = every };
	int r = 0;

	self = c;
	ev._sigev_un._tid = gettid(); /* sigev_notify_thread_id */
	if (p->profile && timer_create(CLOCK_MONOTONIC, &ev, &p->timer[cpu]) < 0)
		r = errf(-errno, "--profile: timer_create: %s", strerror(errno));
	else if (p->profile && timer_settime(p->timer[cpu], 0, &its, NULL) < 0)
		r = errf(-errno, "--profile: timer_settime: %s", strerror(errno));
	p->timer_ok[cpu] = p->profile && r == 0;
	__atomic_fetch_add(&p->attached, 1, __ATOMIC_SEQ_CST);
	return r;
}

void sampler_after_run(struct sampler *p, struct vcpu *c, unsigned cpu)
{
	struct vcpu_regs regs;
	struct prof_sample *s;
	size_t i;

	if (!p || !due)
		return;
	due = 0;
	/* An AP before its SIPI (or in its real-mode trampoline) is not the boot's work. */
	if (vcpu_regs(c, &regs) < 0 || (cpu && !(regs.cr0 & X86_CR0_PE)))
		return;
	i = __atomic_fetch_add(&p->n, 1, __ATOMIC_RELAXED);
	if (i >= p->cap) {
		__atomic_fetch_add(&p->dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	s = &p->s[i];
	s->t_ns = timing_now() - p->timing->start_ns;
	s->cpu = (uint16_t)cpu;
	s->cls = (uint8_t)prof_classify(&regs);
	prof_walk(p->mem, &regs, s);
	if (s->cls == PROF_KERNEL && regs.code64) {
		/* Both from one sample; LA57 never changes once the kernel proper runs. */
		__atomic_store_n(&p->kernel_la57, (regs.cr4 & X86_CR4_LA57) != 0, __ATOMIC_RELAXED);
		__atomic_store_n(&p->kernel_cr3, regs.cr3, __ATOMIC_RELAXED);
	}
	else if (s->cls == PROF_KERNEL && regs.cpl == 0 && cpu == 0) {
		/* The boot CPU's latest, when the kernel's own IDT has long replaced the early one
		 * (vCPU 0's thread alone writes it; it is read after every vCPU thread ended). */
		p->kernel32 = regs;
		p->kernel32_taken = true;
	}
}

void sampler_exit(struct sampler *p, unsigned kind)
{
	uint64_t b;

	if (!p || !p->trace || kind >= NKINDS)
		return;
	b = (timing_now() - p->timing->start_ns) / TIMELINE_BUCKET_NS;
	if (b < SAMPLER_MAX_BUCKETS)
		__atomic_fetch_add(&p->exits[b * NKINDS + kind], 1, __ATOMIC_RELAXED);
}

/* Called under the machine lock (the UART's transmit callback). */
void sampler_console(struct sampler *p, uint8_t c)
{
	struct timeline_line *l;

	if (!p || !p->trace)
		return;
	if (c != '\n') {
		if (c != '\r' && p->curlen < TIMELINE_LINE_MAX)
			p->cur[p->curlen++] = (char)c;
		return;
	}
	if (p->nlines < SAMPLER_MAX_LINES) {
		l = &p->lines[p->nlines++];
		l->t_ns = timing_now() - p->timing->start_ns;
		memcpy(l->text, p->cur, p->curlen);
		l->text[p->curlen] = '\0';
	}
	p->curlen = 0;
}

unsigned sampler_fds(const struct sampler *p, int fds[2])
{
	unsigned n = 0;

	if (p && p->folded)
		fds[n++] = fileno(p->folded);
	if (p && p->trace_file)
		fds[n++] = fileno(p->trace_file);
	return n;
}

/* err_msg() in `note`, returned. */
static const char *copy_note(char *note, size_t len)
{
	snprintf(note, len, "%s", err_msg());
	return note;
}

/* The kernel is placed by its IDT: only 32-bit kernel samples were taken (no 4-level tables). */
static bool placed_by_idt(const struct sampler *p)
{
	return !p->kernel_cr3 && p->kernel32_taken;
}

/* A 32-bit kernel's slide, from where its IDT's vector 0 points: the divide-error handler
 * (asm_exc_divide_error since Linux 5.8, divide_error before). */
static int find_slide32(const struct sampler *p, int64_t *slide)
{
	char why[200];
	uint64_t handler;

	if (symtab_lookup_name(&p->syms, "asm_exc_divide_error", &handler) < 0 &&
	    symtab_lookup_name(&p->syms, "divide_error", &handler) < 0)
		return kaslr_refuse("--symbols has no asm_exc_divide_error (IDT vector 0's handler) to place a 32-bit kernel by");
	if (prof_kaslr_slide32(p->mem, &p->kernel32, handler, slide) < 0)
		return kaslr_refuse(copy_note(why, sizeof(why)));
	return 0;
}

/* The kernel half's slide: 0 unless a decompressor may have moved it. */
static const char *find_slide(const struct sampler *p, int64_t *slide)
{
	static char note[320];
	uint64_t text;

	*slide = 0;
	if (!p->kaslr || !p->have_syms)
		return NULL;
	if (placed_by_idt(p))
		return find_slide32(p, slide) == 0 ? NULL : copy_note(note, sizeof(note));
	if (symtab_lookup_name(&p->syms, "_text", &text) < 0 &&
	    symtab_lookup_name(&p->syms, "startup_64", &text) < 0)
		kaslr_refuse("--symbols has no _text or startup_64 to place the kernel by");
	else if (!p->kernel_cr3)
		kaslr_refuse("no sample in the kernel's half");
	else if (prof_kaslr_slide(p->mem, p->kernel_cr3, p->kernel_la57, text, slide) == 0)
		return NULL;
	return copy_note(note, sizeof(note));
}

static void write_profile(struct sampler *p, size_t n)
{
	struct prof_input in = { .s = p->s, .n = n, .dropped = p->dropped, .hz = p->hz,
				 .ncpus = p->ncpus, .syms = p->have_syms ? &p->syms : NULL,
				 .decompressor = p->decompressor, .timing = p->timing };

	in.slide_note = find_slide(p, &in.slide);
	in.slide_from_idt = placed_by_idt(p);
	if (prof_report(&in, p->folded, stderr) < 0 || fflush(p->folded) != 0)
		fprintf(stderr, "vmm: profile: %s\n", err_msg());
	else
		fprintf(stderr, "vmm: profile: folded stacks in %s (flamegraph.pl %s >boot.svg)\n",
			p->folded_path, p->folded_path);
}

static void write_trace(struct sampler *p, size_t n)
{
	uint64_t b = (timing_now() - p->timing->start_ns) / TIMELINE_BUCKET_NS + 1;
	struct timeline_input in = {
		.timing = p->timing, .ncpus = p->ncpus, .s = p->s, .n = n,
		.period_ns = p->period_ns, .decompressor = p->decompressor, .exits = p->exits,
		.nbuckets = b < SAMPLER_MAX_BUCKETS ? b : SAMPLER_MAX_BUCKETS, .nkinds = NKINDS,
		.kind_names = kind_names, .lines = p->lines, .nlines = p->nlines,
	};

	if (timeline_write(&in, p->trace_file) < 0)
		fprintf(stderr, "vmm: trace: %s\n", err_msg());
}

void sampler_finish(struct sampler *p)
{
	sigset_t prof;
	size_t n;

	if (!p)
		return;
	/* No more samples: the signal is blocked in this thread (the others are joined); the
	 * timers run on harmlessly (timer_settime() on them is not on the sandbox's list). */
	sigemptyset(&prof);
	sigaddset(&prof, SAMPLER_PROFILE_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &prof, NULL);
	n = p->n < p->cap ? p->n : p->cap;
	if (p->profile)
		write_profile(p, n);
	if (p->trace)
		write_trace(p, n);
}
