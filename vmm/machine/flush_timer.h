/* flush_timer.h: a one-shot timer that makes the vCPU's KVM_RUN return when batched console output is due. */
#ifndef VMM_FLUSH_TIMER_H
#define VMM_FLUSH_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct vcpu;

struct flush_timer {
	int id;		/* the kernel's timer id (the sandbox allows timer_settime() on it) */
	bool created, armed;
};

/* Create the timer; its signal goes to the calling thread, which must be
 * the one that runs `c`, and sets `c`'s immediate_exit. */
int flush_timer_init(struct flush_timer *t, struct vcpu *c);
/* Fire once at `at_ns` (CLOCK_MONOTONIC, absolute: once it fired, the
 * clock has passed at_ns). A no-op without a timer. */
void flush_timer_arm(struct flush_timer *t, uint64_t at_ns);
void flush_timer_disarm(struct flush_timer *t);
/* The kernel's id of the timer, or -1 if there is none. */
int flush_timer_id(const struct flush_timer *t);

#endif
