/* state.h: the entry-state text format: printing (--dump-entry-state) and parsing (--entry-state FILE). */
#ifndef VMM_STATE_H
#define VMM_STATE_H

#include <stddef.h>
#include <stdio.h>

#include "vmm/boot.h"

/* The largest state file read (16 MiB): a full one (every GDT entry, every poke, the
 * comments) is about 100 KiB, and a line is at most 255 bytes. */
#define STATE_FILE_MAX (16ULL << 20)

/*
 * Print `st` as "KEY VALUE" lines (numbers as 0x-prefixed lowercase hex),
 * with decoding comments after '#'. The format is documented in README.md
 * ("Entry states"); state_parse() reads it back exactly.
 */
void state_print(FILE *f, const struct entry_state *st);

/* state_print()'s text in a new buffer (free() it), *len bytes long; NULL if out of memory. */
char *state_text(const struct entry_state *st, size_t *len);

/*
 * Apply the "KEY VALUE" lines of `text` (length `len`) to `st`: every key
 * present replaces the value in `st`, absent keys keep theirs. Blank lines
 * and '#' comments are ignored. -EINVAL with err_msg() naming the line and
 * the field for an unknown key, a bad number or an out-of-range value.
 */
int state_parse(const char *text, size_t len, struct entry_state *st);

#endif
