/* stop.h: why the run must end early (signal, --timeout, Ctrl-A x), delivered without a lost wake-up. */
#ifndef VMM_STOP_H
#define VMM_STOP_H

#include <pthread.h>

struct vcpu;

/*
 * Install the handlers for SIGTERM, SIGHUP, SIGINT (stop with 128 + signal),
 * SIGALRM (--timeout) and the kick signal (a stop requested by another
 * thread). Each handler records the first reason and sets the vCPU's
 * immediate_exit, so KVM_RUN returns at once whether the signal lands
 * before the ioctl or during it: no signal is ever lost. A SIGHUP that the
 * parent left ignored (nohup) stays so.
 * Call once, from the thread that will run the vCPU, before any other
 * thread exists.
 */
void stop_init(void);
/* From now on the handlers also make `c`'s next or current KVM_RUN return. */
void stop_attach(struct vcpu *c);
/* Block the stop signals in the calling thread (threads other than the vCPU's). */
void stop_block_in_this_thread(void);
/* From another thread: end the run with exit 0 (Ctrl-A x). Returns at once. */
void stop_request_quit(void);

enum stop_reason { STOP_NONE, STOP_QUIT, STOP_TIMEOUT, STOP_SIGNAL };
/* The recorded reason (STOP_NONE while the run may go on); for STOP_SIGNAL,
 * *signo is the signal. Async-signal-safe. */
enum stop_reason stop_pending(int *signo);
/* Re-arm immediate_exit before KVM_RUN when a stop is pending (the run
 * loop clears it first, then checks stop_pending(), then runs). */
void stop_clear_kick(struct vcpu *c);

#endif
