/* tsc.c: the TSC write that defeats KVM's synchronization heuristic, and the bound a reset TSC reads back within. */
#include "vmm/tsc.h"

#define NS_PER_MS 1000000ULL
#define SLACK_NS 100000ULL /* 100 us: time between the write and the timestamp before it */

uint64_t tsc_unsync_value(uint64_t saved)
{
	return saved + TSC_UNSYNC_STEP;
}

bool tsc_reset_held(uint64_t now, uint64_t saved, uint64_t elapsed_ns, uint32_t khz)
{
	uint64_t ns, cycles;

	if (khz == 0)
		return true;
	if (now < saved)
		return false;
	/* elapsed_ns + 1% + slack; a time too long for 64 bits of cycles bounds nothing. */
	ns = elapsed_ns + elapsed_ns / 100 + SLACK_NS;
	if (ns < elapsed_ns || ns / NS_PER_MS >= UINT64_MAX / khz / 2)
		return true;
	cycles = ns / NS_PER_MS * khz + ns % NS_PER_MS * khz / NS_PER_MS;
	return now - saved <= cycles;
}
