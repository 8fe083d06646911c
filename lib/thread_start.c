/* thread_start.c: a thread creation that waits for the thread to be running (see the header). */
#include "lib/thread_start.h"

#include <stdbool.h>

struct handshake {
	void *(*fn)(void *);
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running;
};

static void *trampoline(void *p)
{
	struct handshake *h = p; /* on the creator's stack until `running` is seen */
	void *(*fn)(void *) = h->fn;
	void *arg = h->arg;

	pthread_mutex_lock(&h->lock);
	h->running = true;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	return fn(arg);
}

int thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	struct handshake h = { .fn = fn, .arg = arg, .lock = PTHREAD_MUTEX_INITIALIZER,
			       .cond = PTHREAD_COND_INITIALIZER };
	int r = pthread_create(t, NULL, trampoline, &h);

	if (r != 0)
		return r;
	pthread_mutex_lock(&h.lock);
	while (!h.running)
		pthread_cond_wait(&h.cond, &h.lock);
	pthread_mutex_unlock(&h.lock);
	pthread_cond_destroy(&h.cond);
	pthread_mutex_destroy(&h.lock);
	return 0;
}
