/* tsc.h: putting a guest's TSC back to a saved value past KVM's synchronization heuristic, and checking that it held. */
#ifndef VMM_TSC_H
#define VMM_TSC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A host write of MSR_IA32_TSC (KVM_SET_MSRS) that lands within one second of the TSC that
 * KVM expects (the last value written plus the time since) is taken as an attempt to
 * synchronize vCPUs, and KVM keeps its running offset instead of the value
 * (kvm_synchronize_tsc() in arch/x86/kvm/x86.c: "a TSC write with a small delta (1 second) of
 * virtual cycle time against real time is interpreted as an attempt to synchronize").
 * Writing the saved value every 100 ms therefore never reaches the guest. Writing first a
 * value this far from it (2^50 cycles: 4 days at 3 GHz, over a second at any clock below
 * 1 PHz) makes KVM's last write far from the saved one, so the second write is taken as is.
 */
#define TSC_UNSYNC_STEP (1ULL << 50)

/* The value to write just before `saved`: far from it and from everything near it. */
uint64_t tsc_unsync_value(uint64_t saved);

/*
 * A TSC put back to `saved` at least `elapsed_ns` ago (the time since just before the write)
 * and read back as `now`, on a vCPU whose TSC runs at `khz` kHz: it held if `now` lies between
 * `saved` and `saved` plus those nanoseconds' cycles, with 1% and 100 us of slack for KVM's
 * calibration of `khz`. `khz` 0 (unknown): true, nothing to check against.
 */
bool tsc_reset_held(uint64_t now, uint64_t saved, uint64_t elapsed_ns, uint32_t khz);

#endif
