/* repro.h: repro files (SIG.state, SIG.replay, states/N.state) written whole under a temporary name, then put in place. */
#ifndef VMM_FUZZ_REPRO_H
#define VMM_FUZZ_REPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Open a new temporary file for what will become `path`; its name goes to
 * tmp[len]. 0 with *f open for writing, or -errno. */
int repro_open(const char *path, char *tmp, size_t len, FILE **f);
/* Close f and give the temporary file its final name `path`. first_wins:
 * keep a file already at `path` (-EEXIST); else replace it. The temporary
 * file is gone afterwards, whatever the result. 0 or -errno. */
int repro_publish(FILE *f, const char *tmp, const char *path, bool first_wins);

#endif
