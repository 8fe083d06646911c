/* text_mutate.h: a state file mutated as text that stays a state file, for an outside engine's custom mutator (AFL++'s AFL_CUSTOM_MUTATOR_LIBRARY). */
#ifndef VMM_FUZZ_TEXT_MUTATE_H
#define VMM_FUZZ_TEXT_MUTATE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/boot.h"

#define TEXT_MUTATE_MAX_EDITS 4	 /* values changed in one call, at most */
#define TEXT_MUTATE_TRIES 32	 /* draws before the input is given back unchanged */

/*
 * Write into `out` (room `max`) the state file `in` with 1 to TEXT_MUTATE_MAX_EDITS numbers
 * changed: the VALUE of a "KEY VALUE" line, each a bit flipped, a step of 1-16 up or down, an
 * edge value, or the value the same KEY has in `other` (a second test case; may be NULL). Keys,
 * words (`boot linux64`), comments and every other byte stay as they are. A draw whose text
 * state_parse() refuses (over `scratch`) is drawn again; after TEXT_MUTATE_TRIES refusals, or
 * where `in` has no number, `in` itself is written. Draws come from *rng (SplitMix64, as the
 * fuzz mode's): the same *rng and texts give the same result. Returns the length written, 0 if
 * not even `in` fits in `max`.
 */
size_t text_mutate(const char *in, size_t len, const char *other, size_t olen, uint64_t *rng,
		   struct entry_state *scratch, char *out, size_t max);

#endif
