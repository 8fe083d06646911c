/* kick.c: the vCPU kick signal: per-thread target, handler sets immediate_exit. */
#include "vmm/machine/kick.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/kvm/kvm.h"

/* Thread-local in the executable (local-exec TLS): safe to read in a handler. */
static __thread struct vcpu *volatile self;

static void on_kick(int sig)
{
	(void)sig;
	if (self)
		vcpu_request_exit(self);
}

int kick_init(void)
{
	struct sigaction sa = { .sa_handler = on_kick };

	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_VCPU_SIGNAL, &sa, NULL) < 0)
		return errf(-errno, "sigaction: %s", strerror(errno));
	return 0;
}

void kick_attach(struct vcpu *c)
{
	self = c;
}

void kick_thread(pthread_t t)
{
	pthread_kill(t, KICK_VCPU_SIGNAL);
}
