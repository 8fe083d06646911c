/* thread_start.h: pthread_create() that returns only once the new thread runs vmm's code. */
#ifndef LIB_THREAD_START_H
#define LIB_THREAD_START_H

#include <pthread.h>

/* pthread_create(t, NULL, fn, arg), then wait until the new thread is about to call fn. glibc's
 * thread start makes system calls of its own (rseq, set_robust_list) with every signal
 * blocked; a seccomp filter installed before they ran (TSYNC reaches the new thread too)
 * kills the process by SIGSYS without a word. After this returns, they have run.
 * Returns 0 or pthread_create()'s error number. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
