/* kick.h: a signal that makes the receiving thread's vCPU leave KVM_RUN (output due, the VM ended elsewhere). */
#ifndef VMM_KICK_H
#define VMM_KICK_H

#include <pthread.h>

struct vcpu;

/* Its only effect is KVM_RUN returning (EINTR, or at once via immediate_exit). */
#define KICK_VCPU_SIGNAL SIGUSR2

/* Install the handler (no SA_RESTART: a blocked write() returns EINTR). */
int kick_init(void);
/* The calling thread runs `c`: a kick it receives sets c's immediate_exit. */
void kick_attach(struct vcpu *c);
/* Kick thread `t` (async-signal-safe, any thread). */
void kick_thread(pthread_t t);

#endif
