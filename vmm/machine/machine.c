/* machine.c: wiring of RAM, devices and KVM, and the vCPU run loop. */
#define _GNU_SOURCE /* sigabbrev_np() */
#include "vmm/machine/machine.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/huge_map.h"
#include "mmu/err.h"
#include "vmm/acpi_place.h"
#include "vmm/console/input.h"
#include "vmm/exitcode.h"
#include "vmm/file.h"
#include "vmm/layout.h"
#include "vmm/payload_cache.h"
#include "vmm/sandbox.h"
#include "vmm/state.h"
#include "vmm/machine/stop.h"

/* Guest RAM starts on a 2 MiB boundary and asks for transparent huge pages, so
 * that KVM can map it with 2 MiB pages (one nested page fault per 2 MiB, not
 * per 4 KiB). The high slot starts at 4 GiB = hva + 3 GiB, also aligned. */
static int alloc_ram(struct guest_mem *gm, uint64_t size)
{
	uint8_t *ram = size > SIZE_MAX ? NULL : huge_map((size_t)size, 1);

	if (!ram)
		return errf(-ENOMEM, "cannot allocate %llu MiB of guest RAM: %s",
			    (unsigned long long)(size >> 20), strerror(errno));
	gm->hva = ram;
	gm->size = size;
	return 0;
}

/* Room for every vCPU's last exit: see CONSOLE_OUT_CAPACITY. */
static int alloc_out(struct machine *m)
{
	size_t cap = CONSOLE_OUT_CAPACITY(m->ncpus);
	uint8_t *buf = malloc(cap);

	if (!buf)
		return errf(-ENOMEM, "cannot allocate %zu KiB of console output buffer", cap >> 10);
	console_out_init(&m->out, buf, cap);
	return 0;
}

/* --payload-cache DIR, else the default under $VMM_CACHE_DIR or the XDG cache directory
 * (where scripts/ cache too: pcache_default_dir()); NULL (no cache) with --no-payload-cache. */
static const char *payload_cache_dir(const struct config *cfg, char buf[PATH_MAX])
{
	if (cfg->no_payload_cache)
		return NULL;
	if (cfg->payload_cache)
		return cfg->payload_cache;
	return pcache_default_dir(getenv("VMM_CACHE_DIR"), getenv("XDG_CACHE_HOME"),
				  getenv("HOME"), buf);
}

static int load_files(struct machine *m, const struct config *cfg)
{
	static struct pcache_store store;
	char dirbuf[PATH_MAX];
	const char *dir = payload_cache_dir(cfg, dirbuf);
	struct file_map kernel, initrd = { 0 };
	struct load_request req = { .cmdline = cfg->append, .entry = cfg->entry,
				    .keep_segments = cfg->keep_segments,
				    .hardware_subarch = cfg->hardware_subarch };
	int r = file_map(cfg->kernel, "kernel", &kernel);

	if (dir && pcache_store_init(&store, dir) == 0)
		req.payloads = &store.ops;

	if (r < 0)
		return r;
	if (cfg->initrd && (r = file_map(cfg->initrd, "initrd", &initrd)) < 0) {
		file_unmap(&kernel);
		return r;
	}
	req.kernel = kernel.data;
	req.kernel_len = kernel.len;
	req.initrd = initrd.data;
	req.initrd_len = initrd.len;
	timing_mark(m->timing, TIMING_FILES_MAPPED, timing_now());
	r = load_linux(&m->mem, &req, &m->entry, &m->load);
	timing_mark(m->timing, TIMING_DECODED, timing_now());
	file_unmap(&kernel);
	file_unmap(&initrd);
	return r;
}

static int apply_state_file(struct machine *m, const char *path)
{
	struct file_map f;
	int r = file_map_max(path, "entry state", STATE_FILE_MAX, &f);

	if (r < 0)
		return r;
	r = state_parse((const char *)f.data, f.len, &m->entry);
	file_unmap(&f);
	return r;
}

static void record_violation(void *ctx, const char *name, const char *detail)
{
	struct machine *m = ctx;

	if (m->nviolations < MACHINE_MAX_VIOLATIONS)
		snprintf(m->violations[m->nviolations++], sizeof(m->violations[0]),
			 "%s: %s", name, detail);
}

static void validate(struct machine *m)
{
	struct region regions[LOAD_MAX_REGIONS];
	unsigned n = load_regions(&m->load, &m->entry, regions);

	entry_validate(&m->mem, &m->entry, regions, n, record_violation, m);
}

int machine_prepare(struct machine *m, const struct config *cfg, struct timing *timing)
{
	pthread_condattr_t monotonic;
	int r;

	memset(m, 0, sizeof(*m));
	m->timing = timing;
	m->timing_format = cfg->timing;
	if (cfg->timing_marker) {
		m->marker_text = cfg->timing_marker;
		text_watch_init(&m->marker, cfg->timing_marker);
		m->watch_marker = true;
	}
	m->timeout_ms = cfg->timeout_ms;
	m->verbose = cfg->verbose;
	m->ncpus = cfg->cpus ? cfg->cpus : 1;
	m->acpi = !cfg->no_acpi;
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->out_lock, NULL);
	pthread_cond_init(&m->out_room, NULL);
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC); /* console_input()'s waits */
	pthread_cond_init(&m->rx_space, &monotonic);
	pthread_condattr_destroy(&monotonic);
	r = alloc_out(m);
	if (r == 0)
		r = alloc_ram(&m->mem, cfg->mem);
	if (r == 0)
		r = load_files(m, cfg);
	if (r == 0 && cfg->entry_state_file)
		r = apply_state_file(m, cfg->entry_state_file);
	if (r < 0)
		return r;
	m->entry.paging.limit = load_table_room(&m->mem, m->entry.paging.base);
	r = entry_write(&m->mem, &m->entry, LAYOUT_GDT, LAYOUT_GDT_END, &m->pt);
	if (r == 0)
		r = load_write_memmap(&m->mem, &m->entry, m->pt.bytes);
	if (r == 0 && m->acpi)
		r = acpi_place(&m->mem, &m->entry, m->load.protocol, m->ncpus, &m->acpi_tables);
	if (r == 0)
		r = entry_poke(&m->mem, &m->entry);
	if (r == 0)
		validate(m);
	return r;
}

static void uart_tx(void *ctx, uint8_t c)
{
	struct machine *m = ctx;

	panic_watch_feed(&m->panic, c);
	sampler_console(m->prof, c);
	if (!m->timing->at[TIMING_FIRST_SERIAL])
		timing_mark(m->timing, TIMING_FIRST_SERIAL, timing_now());
	if (m->watch_marker && text_watch_feed(&m->marker, c))
		timing_signal(m->timing, TIMING_SIG_MARKER, timing_now());
	if (m->discard_output)
		return;
	pthread_mutex_lock(&m->out_lock); /* never held across a write */
	if (console_out_put(&m->out, c, timing_now()))
		flush_timer_arm(&m->flush, m->out.deadline_ns);
	pthread_mutex_unlock(&m->out_lock);
}

static void uart_irq(void *ctx, bool level)
{
	struct machine *m = ctx;

	if (vm_irq_line(m->vm, LAYOUT_COM1_IRQ, level) == 0)
		m->uart_line = level;
}

int machine_lower_device_irqs(struct machine *m)
{
	int r = m->uart_line ? vm_irq_line(m->vm, LAYOUT_COM1_IRQ, false) : 0;

	if (r == 0)
		m->uart_line = false;
	return r;
}

/* A reset after the kernel printed its panic banner is a panic, not a reboot. */
static void guest_reset(struct machine *m, const char *how)
{
	m->io.device_status = m->panic.seen ? VMM_EXIT_PANIC : VMM_EXIT_OK;
	m->io.device_why = m->panic.seen ? "guest kernel panic (\"" PANIC_WATCH_TEXT "\", then reset)"
					 : how;
}

static void i8042_reset(void *ctx)
{
	guest_reset(ctx, "guest reset through the i8042");
}

static void acpi_reset(void *ctx)
{
	guest_reset(ctx, "guest reset through the ACPI reset register");
}

/* Only S5 is declared (the DSDT's \_S5): other sleep types change nothing. */
static void acpi_sleep(void *ctx, unsigned slp_typ)
{
	struct machine *m = ctx;

	if (slp_typ != LAYOUT_ACPI_S5_SLP_TYP)
		return;
	m->io.device_status = VMM_EXIT_OK;
	m->io.device_why = "guest powered off (ACPI S5)";
}

static void debug_exit(void *ctx, uint32_t value)
{
	struct machine *m = ctx;

	timing_signal(m->timing, TIMING_SIG_DEBUG_EXIT, timing_now());
	m->io.device_status = vmm_exit_debug(value);
	m->io.device_why = "guest wrote to the debug-exit port";
}

static void boot_timer_fired(void *ctx, bool mmio)
{
	struct machine *m = ctx;

	timing_signal(m->timing, mmio ? TIMING_SIG_MMIO : TIMING_SIG_PORT, timing_now());
}

/* A progress code on port 0x80: a timeline event (printed with --timing, drawn with --trace). */
static void debug_port_code(void *ctx, uint8_t code)
{
	struct machine *m = ctx;

	timing_debug_code(m->timing, code, timing_now());
}

/* Port 0x61's bit 5: KVM's counter 2 read now, its output worked out as KVM does. */
static int timer2_out(void *ctx)
{
	struct machine *m = ctx;
	uint8_t mode;
	uint32_t count;
	int64_t load_ns;
	uint64_t now_ns;

	if (vm_pit_counter(m->vm, 2, &mode, &count, &load_ns) < 0)
		return -1;
	now_ns = timing_now(); /* CLOCK_MONOTONIC, as KVM's load time */
	return nmi_sc_pit_out(mode, count,
			      load_ns > 0 && now_ns > (uint64_t)load_ns ? now_ns - (uint64_t)load_ns : 0);
}

static void wall_clock(void *ctx, struct timespec *ts)
{
	(void)ctx;
	clock_gettime(CLOCK_REALTIME, ts);
}

/* Every device in its power-on state (also the fuzz mode's reset between runs). */
void machine_reset_devices(struct machine *m)
{
	const struct board_host h = {
		.uart = { .tx = uart_tx, .set_irq = uart_irq, .ctx = m },
		.i8042 = { .reset = i8042_reset, .ctx = m },
		.nmi_sc = { .timer2_out = timer2_out, .ctx = m },
		.debug_exit = { .exit = debug_exit, .ctx = m },
		.rtc = { .now = wall_clock },
		.boot_timer = { .booted = boot_timer_fired, .ctx = m },
		.debug_port = { .code = debug_port_code, .ctx = m },
		.pm = { .sleep = acpi_sleep, .reset = acpi_reset, .ctx = m },
	};

	m->io.device_status = DISPATCH_CONTINUE;
	m->io.device_why = NULL;
	board_reset(&m->board, &h);
	memset(&m->panic, 0, sizeof(m->panic));
	if (m->watch_marker)
		text_watch_init(&m->marker, m->marker_text);
}

static int add_devices(struct machine *m)
{
	machine_reset_devices(m);
	return board_wire(&m->board, &m->io.pio, &m->io.mmio, m->acpi);
}

int machine_start(struct machine *m)
{
	const char *delay = getenv("VMM_TEST_RUN_DELAY_MS");
	unsigned long ms = delay ? strtoul(delay, NULL, 10) : 0;
	int r;

	m->test_run_delay = (struct timespec){ .tv_sec = (time_t)(ms / 1000),
					       .tv_nsec = (long)(ms % 1000) * 1000000 };
	stop_init(); /* the caller becomes the vCPU thread */
	/* Armed now: setitimer() is not on the run loop's seccomp allow-list. SIGALRM, as alarm(). */
	if (m->timeout_ms) {
		struct itimerval t = { .it_value = { .tv_sec = m->timeout_ms / 1000,
						     .tv_usec = (m->timeout_ms % 1000) * 1000 } };

		setitimer(ITIMER_REAL, &t, NULL);
	}
	r = vm_create(&m->vm, &m->mem, m->timing);

	if (r == 0 && m->no_pmu)
		r = vm_pmu_off(m->vm);
	if (r == 0 && m->dirty_ring_bytes)
		r = vm_dirty_ring_enable(m->vm, m->ncpus, m->dirty_ring_bytes);
	if (r == 0)
		r = vm_check_vcpus(m->vm, m->ncpus);
	if (r == 0 && m->acpi)
		r = vm_route_pc_irqs(m->vm);
	if (r == 0)
		r = add_devices(m);
	for (unsigned i = 0; r == 0 && i < m->ncpus; i++)
		r = vcpu_create(m->vm, i, m->ncpus, &m->vcpus[i]);
	if (r == 0) /* after the last vCPU: see kvm.h */
		r = vcpu_virtual_wire(m->vcpus[0]);
	m->vcpu = m->vcpus[0];
	m->threads[0] = pthread_self();
	if (r == 0)
		stop_attach(m->vcpu);
	if (r == 0 && m->prof)
		r = sampler_attach(m->prof, m->vcpu, 0);
	if (r == 0 && flush_timer_init(&m->flush, m->vcpu) < 0 && m->verbose)
		fprintf(stderr, "vmm: console output unbatched: %s\n", err_msg());
	for (unsigned i = 0; r == 0 && m->timing_format != TIMING_OFF && i < m->ncpus; i++)
		vcpu_open_stats(m->vcpus[i]);
	timing_mark(m->timing, TIMING_VCPU_CREATED, timing_now());
	return r;
}

void machine_sandbox_common(struct machine *m, struct sandbox_policy *p)
{
	p->ram = m->mem.hva;
	p->ram_size = m->mem.size;
	if (flush_timer_id(&m->flush) >= 0)
		p->timers[p->ntimers++] = flush_timer_id(&m->flush);
}

int machine_sandbox(struct machine *m, const char *selftest)
{
	struct sandbox_ioctl ioctls[12];
	const unsigned max = sizeof(ioctls) / sizeof(ioctls[0]);
	struct sandbox_policy p = sandbox_policy_none();
	int r;

	_Static_assert(SANDBOX_MAX_FDS >= 3, "stdout and the sampler's two files");
	p.ioctls = ioctls;
	p.nioctls = vcpu_run_ioctls(m->vcpus, m->ncpus, ioctls, max);
	if (m->phases) /* the vCPUs' breakpoints, RF to step over one, the guest's own #DB */
		p.nioctls += vcpu_phases_ioctls(m->vcpus, m->ncpus, ioctls + p.nioctls, max - p.nioctls);
	p.write_fds[p.nwrite_fds++] = STDOUT_FILENO; /* the guest's serial output */
	p.nwrite_fds += sampler_fds(m->prof, &p.write_fds[p.nwrite_fds]); /* --profile-out, --trace */
	p.console = true;
	machine_sandbox_common(m, &p);
	vcpu_stats_fds(m->vcpus, m->ncpus, &p.stats_lo, &p.stats_hi);
	if (m->timing_format != TIMING_OFF) { /* the figures at the end */
		p.rusage = true;
		p.mincore_vec = machine_resident_vec();
	}
	sandbox_on_death(console_restore);
	r = sandbox_install(&p);
	return r == 0 && selftest ? sandbox_selftest(selftest, &p) : r;
}

int machine_load_state(struct machine *m)
{
	int r = vcpu_load_state(m->vcpu, &m->entry.cpu);

	timing_mark(m->timing, TIMING_STATE_LOADED, timing_now());
	return r;
}

int machine_handle_exit(struct machine *m, const struct vm_exit *e, const char **why)
{
	int status;

	pthread_mutex_lock(&m->lock);
	machine_drain_serial_ring(m); /* the writes KVM queued came before this exit */
	status = dispatch_exit(&m->io, e, why);
	if (uart8250_can_receive(&m->board.uart))
		pthread_cond_broadcast(&m->rx_space);
	pthread_mutex_unlock(&m->lock);
	return status;
}

/* Every vCPU thread stopped, then the output, the figures and, for a
 * failure, the registers of vCPU `cpu` (the one that ended the VM); for
 * --timeout, which no vCPU caused, those of every vCPU. */
static int report(struct machine *m, int status, const char *why, unsigned cpu)
{
	machine_stop_aps(m);
	machine_stop_serial_watch(m);
	pthread_mutex_lock(&m->lock);
	machine_drain_serial_ring(m);
	pthread_mutex_unlock(&m->lock);
	machine_flush_output(m);
	timing_mark(m->timing, TIMING_EXIT, timing_now());
	sampler_finish(m->prof); /* before --timing=json, whose object is stderr's last line */
	phases_finish(m->phases);
	if (m->timing_format != TIMING_OFF)
		machine_print_timing(m);
	if (m->verbose)
		machine_print_exit_counts(m);
	if (dispatch_is_failure(status)) {
		unsigned ender = cpu < m->ncpus ? cpu : 0;

		fprintf(stderr, "\nvmm: %s\n", why);
		for (unsigned i = 0; i < m->ncpus; i++)
			if (status == VMM_EXIT_TIMEOUT || i == ender)
				vcpu_dump(m->vcpus[i], stderr);
	} else if (m->verbose && why && *why) {
		fprintf(stderr, "vmm: %s\n", why);
	}
	return status;
}

/* A stop request ends the run: Ctrl-A x (0), --timeout (8, with a register
 * dump) or a termination signal (128 + its number, as a shell reports a
 * death by that signal, but with the terminal restored and output flushed). */
static int stopped(struct machine *m, enum stop_reason why, int signo)
{
	char msg[64];

	switch (why) {
	case STOP_QUIT:
		return report(m, VMM_EXIT_OK, "", 0);
	case STOP_TIMEOUT:
		return report(m, VMM_EXIT_TIMEOUT, "--timeout reached", 0);
	default:
		snprintf(msg, sizeof(msg), "stopped by signal %d (%s)", signo,
			 sigabbrev_np(signo) ? sigabbrev_np(signo) : "?");
		fprintf(stderr, "\nvmm: %s\n", msg);
		return report(m, VMM_EXIT_SIGNAL_BASE + signo, msg, 0);
	}
}

/* Relaxed atomic counts: every vCPU thread adds to the same table. */
void machine_count_exit(struct machine *m, const struct vm_exit *e)
{
	if ((unsigned)e->kind <= EXIT_OTHER)
		__atomic_fetch_add(&m->exits[e->kind], 1, __ATOMIC_RELAXED);
	if (e->kind == EXIT_IO)
		__atomic_fetch_add(&m->port_exits[e->addr & 0xffff], 1, __ATOMIC_RELAXED);
	sampler_exit(m->prof, e->kind);
}

int machine_step(struct machine *m, struct vm_exit *e, const char **why)
{
	stop_clear_kick(m->vcpu);
	if (stop_pending(NULL) != STOP_NONE)
		return -EINTR;
	/* After the clear, as for console output: a deadline timer that fired
	 * before it is seen here, one that fires after it stops KVM_RUN. */
	if (m->run_deadline_ns && timing_now() >= m->run_deadline_ns) {
		*e = (struct vm_exit){ .kind = EXIT_INTR };
		return DISPATCH_CONTINUE;
	}
	if (vcpu_run(m->vcpu, e) < 0)
		return -EIO;
	machine_count_exit(m, e);
	return machine_handle_exit(m, e, why);
}

void machine_end(struct machine *m, unsigned cpu, int status, const char *why)
{
	pthread_mutex_lock(&m->lock);
	if (!m->ended) {
		m->end_status = status;
		m->end_why = why;
		m->end_cpu = cpu;
		__atomic_store_n(&m->ended, true, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&m->lock);
}

int machine_run(struct machine *m)
{
	struct vm_exit e;
	const char *why = "";
	int status = DISPATCH_CONTINUE, signo;
	enum stop_reason stop;

	while (status == DISPATCH_CONTINUE) {
		/* Clear, then check, then run: a signal after the check sets
		 * immediate_exit again and KVM_RUN returns at once. */
		stop_clear_kick(m->vcpu);
		stop = stop_pending(&signo);
		if (stop != STOP_NONE)
			return stopped(m, stop, signo);
		if (__atomic_load_n(&m->ended, __ATOMIC_SEQ_CST)) /* by another vCPU */
			return report(m, m->end_status, m->end_why, m->end_cpu);
		/* After the clear: a deadline timer firing from here on makes
		 * KVM_RUN return at once, so batched output is never stranded. */
		machine_poll_output(m);
		if (!m->timing->at[TIMING_FIRST_RUN])
			timing_mark(m->timing, TIMING_FIRST_RUN, timing_now());
		if (m->test_run_delay.tv_sec || m->test_run_delay.tv_nsec) {
			/* Test hook: widen the window between the check and KVM_RUN;
			 * it says whether a signal landed inside the window. */
			int cut = nanosleep(&m->test_run_delay, NULL) != 0;

			fprintf(stderr, "vmm: test hook: KVM_RUN delayed%s\n",
				cut ? ", a signal landed in the delay" : "");
			m->test_run_delay = (struct timespec){ 0 };
		}
		phases_before_run(m->phases, 0);
		if (vcpu_run(m->vcpu, &e) < 0) {
			fprintf(stderr, "\nvmm: %s\n", err_msg());
			return report(m, VMM_EXIT_INTERNAL, "KVM_RUN failed", 0);
		}
		sampler_after_run(m->prof, m->vcpu, 0);
		phases_after_exit(m->phases, 0, &e);
		machine_count_exit(m, &e);
		status = machine_handle_exit(m, &e, &why);
	}
	/* Another vCPU may have ended the VM first (its exit code and registers are the VM's):
	 * the boot CPU's end is recorded as theirs are, and the first one reported. */
	machine_end(m, 0, status, why);
	return report(m, m->end_status, m->end_why, m->end_cpu);
}

/* Bytes of buf[0..n) the UART's receive FIFO took (the lock held). */
static size_t receive_some(struct machine *m, const uint8_t *buf, size_t n)
{
	size_t i = 0;

	while (i < n && !m->quit_requested && uart8250_receive(&m->board.uart, buf[i]))
		i++;
	return i;
}

/* The console's sink: typed bytes go into the UART's FIFO as it has room; with none, wait up
 * to wait_ms for the guest to read (rx_space, monotonic) and try once more. */
static size_t console_input(void *ctx, const uint8_t *buf, size_t n, unsigned wait_ms)
{
	struct machine *m = ctx;
	size_t took;

	pthread_mutex_lock(&m->lock);
	took = receive_some(m, buf, n);
	if (!took && n && !m->quit_requested) {
		uint64_t at = timing_now() + (uint64_t)wait_ms * 1000000ULL;
		struct timespec until = { .tv_sec = (time_t)(at / 1000000000ULL),
					  .tv_nsec = (long)(at % 1000000000ULL) };

		pthread_cond_timedwait(&m->rx_space, &m->lock, &until);
		took = receive_some(m, buf, n);
	}
	pthread_mutex_unlock(&m->lock);
	return took;
}

static void console_quit(void *ctx)
{
	machine_request_quit(ctx);
}

static bool console_quitting(void *ctx)
{
	return ((struct machine *)ctx)->quit_requested;
}

struct console_sink machine_console_sink(struct machine *m)
{
	return (struct console_sink){ console_input, console_quit, console_quitting, m };
}

void machine_request_quit(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	m->quit_requested = true;
	pthread_mutex_unlock(&m->lock);
	stop_request_quit();
}
