/* vcpu_threads.c: the other vCPUs' threads: each runs its vCPU until the VM ends, and the end reaches the boot CPU. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lib/thread_start.h"
#include "mmu/err.h"
#include "vmm/exitcode.h"
#include "vmm/machine/kick.h"
#include "vmm/machine/machine.h"
#include "vmm/machine/stop.h"

struct ap_start {
	struct machine *m;
	unsigned cpu;
};

/* The first end wins (machine_end()); the boot CPU's thread reports it (vmm/machine/machine.c). */
static void end_vm(struct machine *m, unsigned cpu, int status, const char *why)
{
	machine_end(m, cpu, status, why);
	kick_thread(m->threads[0]);
}

/* Clear, then check, then run, as on the boot CPU: a kick after the check
 * sets immediate_exit again and KVM_RUN returns at once. */
static void run_ap(struct machine *m, unsigned cpu)
{
	struct vcpu *c = m->vcpus[cpu];
	struct vm_exit e;
	const char *why = "";
	int status;

	kick_attach(c);
	if (m->prof && sampler_attach(m->prof, c, cpu) < 0)
		fprintf(stderr, "vmm: vCPU %u not sampled: %s\n", cpu, err_msg());
	for (;;) {
		vcpu_clear_exit_request(c);
		if (__atomic_load_n(&m->over, __ATOMIC_SEQ_CST))
			return;
		machine_wait_output_room(m);
		if (__atomic_load_n(&m->over, __ATOMIC_SEQ_CST))
			return;
		phases_before_run(m->phases, cpu);
		if (vcpu_run(c, &e) < 0) {
			end_vm(m, cpu, VMM_EXIT_INTERNAL, "KVM_RUN failed");
			return;
		}
		sampler_after_run(m->prof, c, cpu);
		phases_after_exit(m->phases, cpu, &e);
		machine_count_exit(m, &e);
		status = machine_handle_exit(m, &e, &why);
		if (status != DISPATCH_CONTINUE) {
			end_vm(m, cpu, status, why);
			return;
		}
	}
}

static void *ap_thread(void *arg)
{
	struct ap_start *s = arg;

	run_ap(s->m, s->cpu);
	return NULL;
}

int machine_start_aps(struct machine *m)
{
	static struct ap_start starts[CONFIG_MAX_CPUS];
	sigset_t old;
	int r = 0;

	/* Stop signals go to the boot CPU's thread only: new threads inherit the block. */
	pthread_sigmask(SIG_BLOCK, NULL, &old);
	stop_block_in_this_thread();
	for (unsigned i = 1; r == 0 && i < m->ncpus; i++) {
		starts[i] = (struct ap_start){ .m = m, .cpu = i };
		r = thread_start(&m->threads[i], ap_thread, &starts[i]);
		if (r == 0)
			m->aps_started = i;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return errf(-r, "pthread_create for vCPU %u: %s", m->aps_started + 1, strerror(r));
	/* Each AP sets up its own sampling timer: all before the sandbox forbids timer_create. */
	while (m->prof && __atomic_load_n(&m->prof->attached, __ATOMIC_SEQ_CST) < m->ncpus)
		sched_yield();
	return 0;
}

void machine_stop_aps(struct machine *m)
{
	__atomic_store_n(&m->over, true, __ATOMIC_SEQ_CST);
	phases_stop(m->phases); /* no vCPU thread kicks another from here on */
	machine_wake_output_waiters(m);
	for (unsigned i = 1; i <= m->aps_started; i++) {
		vcpu_request_exit(m->vcpus[i]);
		kick_thread(m->threads[i]);
	}
	for (unsigned i = 1; i <= m->aps_started; i++)
		pthread_join(m->threads[i], NULL);
	m->aps_started = 0;
}
