/* test_stop.c: the stop signals end the run, except a SIGHUP that vmm's parent left ignored (nohup). */
#include <criterion/criterion.h>
#include <signal.h>
#include <sys/time.h>
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

/* SIGALRM and SIGUSR1 from another process (kill(2): SI_USER) are not vmm's --timeout and
 * Ctrl-A x: ignored (before, they ended the run with 8 and 0). */
Test(stop, alarm_and_usr1_sent_by_kill_are_ignored)
{
	stop_init();
	kill(getpid(), SIGALRM);
	kill(getpid(), SIGUSR1);
	cr_expect_eq(stop_pending(NULL), STOP_NONE);
	cr_expect_eq(kill(getpid(), SIGALRM), 0, "still alive: the default action did not run");
}

Test(stop, ctrl_a_x_quits)
{
	stop_init();
	stop_request_quit(); /* pthread_kill() of the vCPU thread: this one */
	cr_expect_eq(stop_pending(NULL), STOP_QUIT);
}

Test(stop, the_itimer_is_the_timeout)
{
	struct itimerval t = { .it_value = { .tv_usec = 1000 } };

	stop_init();
	cr_assert_eq(setitimer(ITIMER_REAL, &t, NULL), 0);
	for (int i = 0; i < 5000 && stop_pending(NULL) == STOP_NONE; i++)
		usleep(1000);
	cr_expect_eq(stop_pending(NULL), STOP_TIMEOUT);
}
