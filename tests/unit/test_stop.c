/* test_stop.c: the stop signals end the run, except a SIGHUP that vmm's parent left ignored (nohup). */
#include <criterion/criterion.h>
#include <signal.h>
#include <unistd.h>

#include "vmm/kvm/kvm.h"
#include "vmm/machine/stop.h"

/* stop.c's KVM side, which no test here reaches with a vCPU. */
void vcpu_request_exit(struct vcpu *c)
{
	(void)c;
}

void vcpu_clear_exit_request(struct vcpu *c)
{
	(void)c;
}

static bool ignored(int sig)
{
	struct sigaction sa;

	return sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

Test(stop, a_signal_records_its_reason)
{
	int signo = 0;

	stop_init();
	cr_assert_eq(stop_pending(NULL), STOP_NONE);
	raise(SIGTERM);
	cr_expect_eq(stop_pending(&signo), STOP_SIGNAL);
	cr_expect_eq(signo, SIGTERM);
}

Test(stop, a_hangup_left_ignored_by_the_parent_stays_ignored)
{
	signal(SIGHUP, SIG_IGN); /* as nohup leaves it */
	stop_init();
	cr_expect(ignored(SIGHUP));
	raise(SIGHUP);
	cr_expect_eq(stop_pending(NULL), STOP_NONE);
}

/* A shell leaves SIGINT ignored for a background job; `kill -INT` still ends vmm. */
Test(stop, an_ignored_sigint_or_sigterm_is_still_taken)
{
	int signo = 0;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	stop_init();
	cr_expect(!ignored(SIGINT));
	cr_expect(!ignored(SIGTERM));
	raise(SIGINT);
	cr_expect_eq(stop_pending(&signo), STOP_SIGNAL);
	cr_expect_eq(signo, SIGINT);
}
