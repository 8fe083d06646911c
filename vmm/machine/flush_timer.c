/* flush_timer.c: a one-shot timer that makes the vCPU's KVM_RUN return when batched console output is due. */
#define _GNU_SOURCE /* gettid() */
#include "vmm/machine/flush_timer.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/machine/kick.h"

int flush_timer_init(struct flush_timer *t, struct vcpu *c)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = KICK_VCPU_SIGNAL };
	int r = kick_init();

	memset(t, 0, sizeof(*t));
	if (r < 0)
		return r;
	kick_attach(c);
	ev._sigev_un._tid = gettid(); /* sigev_notify_thread_id: glibc 2.36 lacks the name */
	/* The system call, not glibc's timer_create(): its id is the kernel's, which
	 * the sandbox names in its timer_settime() rule. */
	if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &t->id) < 0)
		return errf(-errno, "timer_create: %s", strerror(errno));
	t->created = true;
	return 0;
}

void flush_timer_arm(struct flush_timer *t, uint64_t at_ns)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(at_ns / 1000000000ULL),
						.tv_nsec = (long)(at_ns % 1000000000ULL) } };

	if (t->created)
		t->armed = syscall(SYS_timer_settime, t->id, TIMER_ABSTIME, &its, NULL) == 0;
}

void flush_timer_disarm(struct flush_timer *t)
{
	const struct itimerspec off = { 0 };

	if (t->armed)
		syscall(SYS_timer_settime, t->id, 0, &off, NULL);
	t->armed = false;
}

int flush_timer_id(const struct flush_timer *t)
{
	return t->created ? t->id : -1;
}
