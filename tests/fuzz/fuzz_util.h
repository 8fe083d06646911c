/* fuzz_util.h: helpers shared by the libFuzzer targets: reusable guest RAM and an input reader. */
#ifndef VMM_FUZZ_UTIL_H
#define VMM_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/guest_mem.h"

/* The libFuzzer entry point every target defines (-Wmissing-prototypes). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Guest RAM of `size` bytes, mapped once per process (the first call's size
 * wins; later calls must not ask for more). Anonymous and MAP_NORESERVE, as
 * vmm's own RAM, so only the pages an input writes cost anything.
 */
struct guest_mem fuzz_ram(uint64_t size);

/* Give back every page written since the last reset: all RAM reads as zero
 * again, and the next input sees none of this one's bytes. */
void fuzz_ram_reset(void);

/* A cursor over the input; reads past the end give zeros. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

/* The next `bytes` (0..8) bytes as a little-endian number. */
uint64_t fuzz_take(struct fuzz_in *in, unsigned bytes);
/* The next byte's low bit. */
bool fuzz_bool(struct fuzz_in *in);
/* True while unread bytes remain. */
bool fuzz_more(const struct fuzz_in *in);

/* Stop the fuzzer with a message: an invariant the target checks failed. */
void fuzz_fail(const char *what) __attribute__((noreturn));

#endif
