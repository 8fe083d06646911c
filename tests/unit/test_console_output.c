/* test_console_output.c: output batches, is due on time, keeps every byte while its writer stalls. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/console/output.h"

#define CPUS 4
static uint8_t space[CONSOLE_OUT_CAPACITY(CPUS)];
static uint8_t sunk[8 * CONSOLE_OUT_SIZE];
static size_t nsunk;
static struct console_out o;

static void reset(void)
{
	console_out_init(&o, space, sizeof(space));
	nsunk = 0;
}

TestSuite(console_out, .init = reset);

/* The writer: claim, then write at most `chunk` bytes per write() as a pipe might. */
static void write_some(size_t max, size_t chunk)
{
	size_t n = console_out_take(&o);

	if (n > max)
		n = max;
	while (n) {
		size_t k = n < chunk ? n : chunk;

		memcpy(sunk + nsunk, o.buf, k);
		nsunk += k;
		console_out_done(&o, k);
		n -= k;
	}
	console_out_release(&o, 0);
}

Test(console_out, first_byte_starts_a_batch_with_a_deadline)
{
	cr_assert(console_out_put(&o, 'a', 5000));
	cr_assert_eq(o.deadline_ns, 5000 + CONSOLE_OUT_DELAY_NS);
	cr_assert_not(console_out_put(&o, 'b', 6000), "the batch is already timed");
	cr_assert_eq(o.deadline_ns, 5000 + CONSOLE_OUT_DELAY_NS, "the oldest byte sets the deadline");
	cr_assert_not(console_out_due(&o, 5000 + CONSOLE_OUT_DELAY_NS - 1));
	cr_assert(console_out_due(&o, 5000 + CONSOLE_OUT_DELAY_NS));
	write_some(SIZE_MAX, 1000);
	cr_assert_eq(nsunk, 2);
	cr_assert_eq(memcmp(sunk, "ab", 2), 0);
	cr_assert_eq(o.writes, 1);
	cr_assert_eq(o.bytes, 2);
	cr_assert(console_out_put(&o, 'c', 9000000), "after a flush the next byte starts a new batch");
}

Test(console_out, nothing_is_due_when_empty)
{
	cr_assert_not(console_out_due(&o, UINT64_MAX));
	cr_assert_eq(console_out_take(&o), 0);
}

Test(console_out, due_by_size_before_the_deadline)
{
	for (unsigned i = 0; i < CONSOLE_OUT_HIGH - 1; i++)
		console_out_put(&o, (uint8_t)i, 0);
	cr_assert_not(console_out_due(&o, 1));
	console_out_put(&o, 0, 0);
	cr_assert(console_out_due(&o, 1), "half the batch space is written without waiting");
}

Test(console_out, bytes_put_during_a_write_start_their_own_batch)
{
	console_out_put(&o, 'a', 0);
	cr_assert_eq(console_out_take(&o), 1);
	cr_assert_not(console_out_due(&o, UINT64_MAX), "claimed bytes are the writer's, not due again");
	cr_assert(console_out_put(&o, 'b', 7000), "the first unclaimed byte arms the timer");
	cr_assert_eq(o.deadline_ns, 7000 + CONSOLE_OUT_DELAY_NS);
	console_out_done(&o, 1);
	console_out_release(&o, 7001);
	cr_assert_eq(o.len, 1);
	cr_assert_eq(o.buf[0], 'b');
	cr_assert_eq(o.deadline_ns, 7000 + CONSOLE_OUT_DELAY_NS, "a whole write keeps the next deadline");
}

Test(console_out, a_stopped_writer_gives_back_what_it_did_not_write)
{
	for (unsigned i = 0; i < 10; i++)
		console_out_put(&o, (uint8_t)('0' + i), 0);
	console_out_take(&o);
	console_out_done(&o, 4);
	console_out_put(&o, 'x', 50);
	console_out_release(&o, 100);
	cr_assert_eq(o.len, 7);
	cr_assert_eq(memcmp(o.buf, "456789x", 7), 0, "in order, nothing dropped");
	cr_assert(console_out_due(&o, 100), "what is left is due at once");
}

/* CPUS vCPUs each pass the room check, then each adds the most one exit can:
 * all of it fits. Then nobody may run until the writer makes room. */
Test(console_out, every_vcpus_last_exit_fits_while_the_writer_is_stalled)
{
	unsigned k = 0;

	while (k < CONSOLE_OUT_SIZE)
		console_out_put(&o, (uint8_t)k++, 0);
	cr_assert(console_out_room(&o), "the fullest buffer a vCPU may still run with");
	console_out_take(&o); /* the writer's write() blocks from here on */
	for (unsigned cpu = 0; cpu < CPUS; cpu++)
		for (unsigned i = 0; i < CONSOLE_OUT_EXIT_MAX; i++)
			console_out_put(&o, (uint8_t)k++, 0);
	cr_assert_eq(o.lost, 0);
	cr_assert_eq(o.len, o.cap);
	cr_assert_not(console_out_room(&o));
	write_some(SIZE_MAX, 1000);
	write_some(SIZE_MAX, 1000);
	cr_assert_eq(nsunk, k);
	for (unsigned i = 0; i < nsunk; i++)
		cr_assert_eq(sunk[i], (uint8_t)i, "byte %u", i);
	cr_assert(console_out_room(&o));
}

Test(console_out, a_full_buffer_counts_the_byte_and_keeps_the_rest)
{
	for (size_t i = 0; i < o.cap + 3; i++)
		console_out_put(&o, (uint8_t)(i * 7), 0);
	cr_assert_eq(o.lost, 3);
	cr_assert_eq(o.len, o.cap);
	write_some(SIZE_MAX, 1000);
	cr_assert_eq(nsunk, o.cap);
	for (unsigned i = 0; i < nsunk; i++)
		cr_assert_eq(sunk[i], (uint8_t)(i * 7), "byte %u", i);
	cr_assert_eq(o.writes, (nsunk + 999) / 1000, "one count per write()");
}
