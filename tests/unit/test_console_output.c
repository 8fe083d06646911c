/* test_console_output.c: console output batches across bytes and is written when due, whole and in order. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/console/output.h"

static uint8_t sunk[3 * CONSOLE_OUT_SIZE];
static size_t nsunk;
static unsigned sink_calls;

/* A sink that takes at most 1000 bytes per write(), as a pipe might. */
static uint64_t fake_sink(const uint8_t *buf, size_t len)
{
	uint64_t calls = 0;

	sink_calls++;
	while (len) {
		size_t n = len < 1000 ? len : 1000;

		memcpy(sunk + nsunk, buf, n);
		nsunk += n;
		buf += n;
		len -= n;
		calls++;
	}
	return calls;
}

static struct console_out o;

static void reset(void)
{
	memset(&o, 0, sizeof(o));
	nsunk = 0;
	sink_calls = 0;
}

TestSuite(console_out, .init = reset);

Test(console_out, first_byte_starts_a_batch_with_a_deadline)
{
	cr_assert(console_out_put(&o, 'a', 5000, fake_sink));
	cr_assert_eq(o.deadline_ns, 5000 + CONSOLE_OUT_DELAY_NS);
	cr_assert_not(console_out_put(&o, 'b', 6000, fake_sink), "the batch is already timed");
	cr_assert_eq(o.deadline_ns, 5000 + CONSOLE_OUT_DELAY_NS, "the oldest byte sets the deadline");
	cr_assert_not(console_out_due(&o, 5000 + CONSOLE_OUT_DELAY_NS - 1));
	cr_assert(console_out_due(&o, 5000 + CONSOLE_OUT_DELAY_NS));
	console_out_flush(&o, fake_sink);
	cr_assert_eq(nsunk, 2);
	cr_assert_eq(memcmp(sunk, "ab", 2), 0);
	cr_assert_eq(o.writes, 1);
	cr_assert_eq(o.bytes, 2);
	cr_assert(console_out_put(&o, 'c', 9000000, fake_sink), "after a flush the next byte starts a new batch");
}

Test(console_out, nothing_is_due_when_empty)
{
	cr_assert_not(console_out_due(&o, UINT64_MAX));
	console_out_flush(&o, fake_sink);
	cr_assert_eq(sink_calls, 0, "no write() for an empty buffer");
}

Test(console_out, due_by_size_before_the_deadline)
{
	for (unsigned i = 0; i < CONSOLE_OUT_HIGH - 1; i++)
		console_out_put(&o, (uint8_t)i, 0, fake_sink);
	cr_assert_not(console_out_due(&o, 1));
	console_out_put(&o, 0, 0, fake_sink);
	cr_assert(console_out_due(&o, 1), "half the buffer is written without waiting");
}

Test(console_out, a_full_buffer_is_written_first_and_nothing_is_lost)
{
	for (unsigned i = 0; i < 2 * CONSOLE_OUT_SIZE + 5; i++)
		console_out_put(&o, (uint8_t)(i * 7), 0, fake_sink);
	console_out_flush(&o, fake_sink);
	cr_assert_eq(nsunk, 2 * CONSOLE_OUT_SIZE + 5);
	for (unsigned i = 0; i < nsunk; i++)
		cr_assert_eq(sunk[i], (uint8_t)(i * 7), "byte %u", i);
	cr_assert_eq(o.bytes, nsunk);
	cr_assert_eq(o.writes, (nsunk + 999) / 1000 + 2, "the sink's write() calls add up");
}
