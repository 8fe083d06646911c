/* serial_ring.c: the UART's transmit register written without VM exits (KVM's coalesced-write ring), taken back before every exit is handled. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "lib/thread_start.h"
#include "mmu/err.h"
#include "vmm/layout.h"
#include "vmm/machine/kick.h"
#include "vmm/machine/machine.h"
#include "vmm/machine/stop.h"

/*
 * A console byte costs two exits: the LSR read that polls for room, then the THR write. The
 * write changes nothing the guest can see before its next access to the UART (the transmitter
 * is always empty here, so the LSR never says otherwise), so KVM may queue it (pio zone
 * COM1+0, byte writes only: a wider write, or one into a full ring, exits as before). Every
 * exit of every vCPU first hands the queue to the UART in order (machine_handle_exit(), under
 * the device lock), so the device sees each access in the guest's order: the LSR read, an IIR
 * read, an IER write that asks for the THRE interrupt, a DLAB write. Linux never leaves a queued
 * byte behind without a following access (its console polls the LSR after the last byte, its
 * interrupt handler reads the IIR again); for a guest that does, the watcher thread kicks the
 * boot CPU when bytes waited a whole tick with neither KVM nor vmm moving the ring.
 */
#define RING_WATCH_NS (10 * 1000 * 1000ULL) /* 10 ms: a stranded byte shows within 20 ms */
#define THR_PORT LAYOUT_COM1_PORT		/* THR (DLAB 0) and DLL (DLAB 1): both plain writes */

static void ring_write(void *ctx, bool pio, uint64_t addr, const uint8_t *data, uint32_t len)
{
	struct machine *m = ctx;
	uint8_t buf[8];

	memcpy(buf, data, len);
	(void)bus_access(pio ? &m->io.pio : &m->io.mmio, addr, buf, len, true);
}

void machine_drain_serial_ring(struct machine *m)
{
	coalesced_drain(&m->serial_ring, ring_write, m);
}

static void *watch_ring(void *arg)
{
	struct machine *m = arg;
	const struct timespec tick = { .tv_nsec = (long)RING_WATCH_NS };
	uint64_t seen = UINT64_MAX, pos;

	while (!__atomic_load_n(&m->over, __ATOMIC_SEQ_CST)) {
		nanosleep(&tick, NULL);
		pos = coalesced_position(&m->serial_ring);
		if (coalesced_pending(&m->serial_ring) && pos == seen)
			kick_thread(m->threads[0]); /* its next exit takes them */
		seen = pos;
	}
	return NULL;
}

int machine_coalesce_serial(struct machine *m)
{
	sigset_t old;
	int r = vcpu_coalesced_ring(m->vcpu, &m->serial_ring);

	if (r == 0)
		r = vm_coalesce_pio(m->vm, THR_PORT, 1);
	if (r < 0) {
		m->serial_ring = (struct coalesced_ring){ 0 };
		return r;
	}
	/* Stop signals stay with the boot CPU's thread: the watcher inherits the block. */
	pthread_sigmask(SIG_BLOCK, NULL, &old);
	stop_block_in_this_thread();
	r = thread_start(&m->ring_watcher, watch_ring, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return errf(-r, "pthread_create (serial ring watcher): %s", strerror(r));
	m->ring_watching = true;
	return 0;
}

void machine_stop_serial_watch(struct machine *m)
{
	if (!m->ring_watching)
		return;
	__atomic_store_n(&m->over, true, __ATOMIC_SEQ_CST);
	pthread_join(m->ring_watcher, NULL);
	m->ring_watching = false;
}
