/* kcov.h: --kcov: the host kernel code the fuzz worker's thread runs (KCOV), for the coverage map, where the host kernel has it. */
#ifndef VMM_FUZZ_KCOV_H
#define VMM_FUZZ_KCOV_H

#include <stdint.h>

/* PCs one run may record (KCOV's buffer, in 64-bit words; the first word is the count). */
#define KCOV_WORDS (256 * 1024)

struct kcov {
	int fd;
	uint64_t *area;	/* KCOV's buffer, shared with the kernel */
};

/* Open /sys/kernel/debug/kcov and trace this thread from now on (KCOV_INIT_TRACE,
 * KCOV_ENABLE with KCOV_TRACE_PC). 0 or a negative errno, err_msg() saying why (on a host
 * without CONFIG_KCOV: the file is not there). */
int kcov_open(struct kcov *k);
/* Forget what was recorded: a run's trace starts here. */
void kcov_start(struct kcov *k);
/* The PCs since kcov_start(), in order; their number in *n. */
const uint64_t *kcov_stop(struct kcov *k, uint64_t *n);
void kcov_close(struct kcov *k);

#endif
