/* stop.c: signal handlers that end the run: they record why and set kvm_run->immediate_exit. */
#include "vmm/machine/stop.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

#include "vmm/kvm/kvm.h"

#define KICK_SIGNAL SIGUSR1

static volatile sig_atomic_t reason = STOP_NONE;
static volatile sig_atomic_t reason_signo;
static struct vcpu *volatile target;
static pthread_t vcpu_thread;

static void record(enum stop_reason why, int signo)
{
	if (reason == STOP_NONE) {
		reason_signo = signo;
		reason = why;
	}
	if (target)
		vcpu_request_exit(target);
}

/* SIGALRM and SIGUSR1 are vmm's own: the --timeout itimer (si_code SI_KERNEL) and Ctrl-A x's
 * pthread_kill() (SI_TKILL from vmm's own pid). The same signals from another process (kill
 * -ALRM, kill -USR1, or a tool that asks daemons to reopen their logs) are ignored, where
 * they used to end the run as a --timeout (8) or a quit (0). */
static bool from_vmm(int sig, const siginfo_t *info)
{
	if (sig == SIGALRM)
		return info->si_code == SI_KERNEL;
	return info->si_code == SI_TKILL && info->si_pid == getpid();
}

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	if (sig == SIGALRM || sig == KICK_SIGNAL) {
		if (from_vmm(sig, info))
			record(sig == SIGALRM ? STOP_TIMEOUT : STOP_QUIT, sig);
		return;
	}
	record(STOP_SIGNAL, sig);
}

static const int stop_signals[] = { SIGTERM, SIGHUP, SIGINT, SIGALRM, KICK_SIGNAL };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* A SIGHUP that vmm's parent set to be ignored stays ignored: under `nohup` a run must outlive
 * the terminal's hangup. (SIGINT is taken even where a shell left it ignored for a background
 * job, POSIX "Asynchronous Lists": `kill -INT` is how scripts end such a job.) */
static bool keeps_inherited_ignore(int sig)
{
	struct sigaction old;

	return sig == SIGHUP && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN;
}

void stop_init(void)
{
	/* No SA_RESTART: a blocking write() to a stalled stdout returns EINTR. */
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSTOP; i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	for (size_t i = 0; i < NSTOP; i++)
		if (!keeps_inherited_ignore(stop_signals[i]))
			sigaction(stop_signals[i], &sa, NULL);
	vcpu_thread = pthread_self();
}

void stop_attach(struct vcpu *c)
{
	target = c;
	if (reason != STOP_NONE) /* a signal that came during setup */
		vcpu_request_exit(c);
}

void stop_block_in_this_thread(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NSTOP; i++)
		sigaddset(&set, stop_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void stop_request_quit(void)
{
	/* The handler runs in the vCPU thread: one signal is enough, since it
	 * either interrupts KVM_RUN or makes the next one return at once. */
	pthread_kill(vcpu_thread, KICK_SIGNAL);
}

enum stop_reason stop_pending(int *signo)
{
	if (signo)
		*signo = reason_signo;
	return reason;
}

void stop_clear_kick(struct vcpu *c)
{
	vcpu_clear_exit_request(c);
	if (reason != STOP_NONE)
		vcpu_request_exit(c);
}
