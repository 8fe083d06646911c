/* flush_timer.c: a one-shot timer that makes the vCPU's KVM_RUN return when batched console output is due. */
#define _GNU_SOURCE /* gettid() */
#include "vmm/flush_timer.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/kvm.h"

/* Its only effect is KVM_RUN returning (EINTR, or at once via immediate_exit). */
#define FLUSH_SIGNAL SIGUSR2

static struct vcpu *volatile flush_target;

static void on_flush_signal(int sig)
{
	(void)sig;
	if (flush_target)
		vcpu_request_exit(flush_target);
}

int flush_timer_init(struct flush_timer *t, struct vcpu *c)
{
	struct sigaction sa = { .sa_handler = on_flush_signal };
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = FLUSH_SIGNAL };

	memset(t, 0, sizeof(*t));
	flush_target = c;
	/* No SA_RESTART, as for the stop signals: a blocked write() returns EINTR and is retried. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(FLUSH_SIGNAL, &sa, NULL) < 0)
		return errf(-errno, "sigaction: %s", strerror(errno));
	ev._sigev_un._tid = gettid(); /* sigev_notify_thread_id: glibc 2.36 lacks the name */
	if (timer_create(CLOCK_MONOTONIC, &ev, &t->id) < 0)
		return errf(-errno, "timer_create: %s", strerror(errno));
	t->created = true;
	return 0;
}

void flush_timer_arm(struct flush_timer *t, uint64_t at_ns)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(at_ns / 1000000000ULL),
						.tv_nsec = (long)(at_ns % 1000000000ULL) } };

	if (t->created)
		t->armed = timer_settime(t->id, TIMER_ABSTIME, &its, NULL) == 0;
}

void flush_timer_disarm(struct flush_timer *t)
{
	const struct itimerspec off = { 0 };

	if (t->armed)
		timer_settime(t->id, 0, &off, NULL);
	t->armed = false;
}
