/* console_out.c: console output to stdout, never written under a lock; room waits; a bounded last flush. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/machine/kick.h"
#include "vmm/machine/machine.h"
#include "vmm/machine/stop.h"

/*
 * Only the boot CPU's thread writes (before KVM_RUN, and at the end), and
 * only after poll() says stdout takes a write, PIPE_BUF bytes at a time (a
 * pipe with room for one takes it without blocking). The poll waits at
 * most OUT_POLL_MS, so a stop (signal, --timeout, Ctrl-A x) that lands
 * just before it is seen within that time; one that lands during it
 * interrupts it. A slow reader stalls the guest, as a slow serial line
 * would; it never stalls the input thread or another vCPU's device exit.
 */
#define OUT_POLL_MS 100
/* After a stop, how long the last flush may write: poll() saying a terminal takes a write
 * means room for some bytes, not for all of them, and a blocking write() then waits for the
 * rest; the flush timer's signal (no SA_RESTART) cuts it off at this deadline. */
#define OUT_LAST_MS 500

/* May stdout take a write now (or within `ms`)? -1 with errno EINTR or EAGAIN if not. */
static int out_ready(int ms)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	int n = poll(&p, 1, ms);

	if (n == 0)
		errno = EAGAIN;
	return n;
}

/* One write() of at most PIPE_BUF bytes, once stdout is ready. */
static ssize_t out_write(const uint8_t *buf, size_t len, bool nowait)
{
	const struct timespec backoff = { .tv_nsec = 1000 * 1000 };
	ssize_t w;

	if (out_ready(nowait ? 0 : OUT_POLL_MS) <= 0)
		return -1;
	w = write(STDOUT_FILENO, buf, len < PIPE_BUF ? len : PIPE_BUF);
	if (w < 0 && errno == EAGAIN && !nowait) /* an O_NONBLOCK stdout we inherited */
		nanosleep(&backoff, NULL);
	return w;
}

static void out_done(struct machine *m, size_t n)
{
	pthread_mutex_lock(&m->out_lock);
	console_out_done(&m->out, n);
	pthread_cond_broadcast(&m->out_room);
	pthread_mutex_unlock(&m->out_lock);
}

/* A write error discards what it could not write: silently where the reader has gone (EPIPE,
 * or EIO from a terminal hung up: nobody can read them any more), counted otherwise (a full
 * disk: said at the end). */
static void note_discarded(struct machine *m, int err, size_t n)
{
	if (err == EPIPE || err == EIO)
		return;
	if (!m->out_discarded)
		m->out_errno = err;
	m->out_discarded += n;
}

/* Write the n claimed bytes; false when a stop (or `nowait`) left some. With `until_ns`
 * (the last flush) every write is cut off at that time by the flush timer, and none starts
 * after it. A stop seen after a partial write leaves the rest to the last flush. */
static bool write_claimed(struct machine *m, size_t n, bool nowait, uint64_t until_ns)
{
	while (n) {
		ssize_t w;
		int err;

		if (until_ns && timing_now() >= until_ns)
			return false;
		if (until_ns)
			flush_timer_arm(&m->flush, until_ns);
		w = out_write(m->out.buf, n, nowait);
		err = errno;
		if (w < 0 && (err == EINTR || err == EAGAIN)) {
			if (nowait || stop_pending(NULL) != STOP_NONE)
				return false;
			continue;
		}
		if (w < 0)
			note_discarded(m, err, n);
		w = w > 0 ? w : (ssize_t)n; /* 0 or an error: discard */
		out_done(m, (size_t)w);
		n -= (size_t)w;
		if (n && !nowait && stop_pending(NULL) != STOP_NONE)
			return false;
	}
	return true;
}

/* Claim what waits, write it outside every lock, give back what is left. */
static bool write_out(struct machine *m, bool nowait, uint64_t until_ns)
{
	size_t n;
	bool all;

	pthread_mutex_lock(&m->out_lock);
	n = console_out_take(&m->out);
	pthread_mutex_unlock(&m->out_lock);
	all = write_claimed(m, n, nowait, until_ns);
	pthread_mutex_lock(&m->out_lock);
	console_out_release(&m->out, timing_now());
	pthread_mutex_unlock(&m->out_lock);
	return all;
}

/* Is the batch due (without a timer, at once)? out_lock held. A batch due by
 * its deadline leaves the timer alone: it has fired or is firing (one system
 * call saved per batch; at worst its signal makes one KVM_RUN return early). */
static bool due_locked(struct machine *m)
{
	uint64_t now;

	if (m->out.len == m->out.taken)
		return false;
	now = timing_now();
	if (m->flush.created && now >= m->out.deadline_ns)
		m->flush.armed = false;
	if (m->flush.created && !console_out_due(&m->out, now))
		return false;
	flush_timer_disarm(&m->flush);
	return true;
}

void machine_poll_output(struct machine *m)
{
	bool due, room = false;

	while (!room) {
		pthread_mutex_lock(&m->out_lock);
		due = due_locked(m);
		pthread_mutex_unlock(&m->out_lock);
		if (!due || !write_out(m, false, 0))
			return; /* nothing due, or a stop: the run loop sees it next */
		pthread_mutex_lock(&m->out_lock);
		room = console_out_room(&m->out); /* the other vCPUs may have added more */
		pthread_mutex_unlock(&m->out_lock);
	}
}

void machine_wait_output_room(struct machine *m)
{
	bool kicked = false;

	pthread_mutex_lock(&m->out_lock);
	while (!console_out_room(&m->out) && !__atomic_load_n(&m->over, __ATOMIC_SEQ_CST)) {
		if (!kicked) /* the boot CPU's thread writes: wake it from HLT */
			kick_thread(m->threads[0]);
		kicked = true;
		pthread_cond_wait(&m->out_room, &m->out_lock);
	}
	pthread_mutex_unlock(&m->out_lock);
}

void machine_wake_output_waiters(struct machine *m)
{
	pthread_mutex_lock(&m->out_lock);
	pthread_cond_broadcast(&m->out_room);
	pthread_mutex_unlock(&m->out_lock);
}

/* The last write of the run, bounded after a stop: what stdout would not take is counted. */
static void flush_last(struct machine *m)
{
	if (stop_pending(NULL) == STOP_NONE && write_out(m, false, 0))
		return;
	write_out(m, true, timing_now() + OUT_LAST_MS * 1000000ULL);
	flush_timer_disarm(&m->flush);
	if (m->out.len || m->out.lost)
		fprintf(stderr, "vmm: %zu bytes of console output not written: "
				"stdout took no more after the stop\n",
			m->out.len + (size_t)m->out.lost);
}

void machine_flush_output(struct machine *m)
{
	pthread_mutex_lock(&m->out_lock);
	flush_timer_disarm(&m->flush);
	pthread_mutex_unlock(&m->out_lock);
	flush_last(m);
	if (m->out_discarded)
		fprintf(stderr, "vmm: %" PRIu64 " bytes of console output discarded: stdout: %s\n",
			m->out_discarded, strerror(m->out_errno));
}
