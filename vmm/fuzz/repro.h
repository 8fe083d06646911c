/* repro.h: repro files (SIG.state, SIG.replay, states/N.state) collected in memory, written whole under a temporary name in a directory opened before the sandbox, then put in place. */
#ifndef VMM_FUZZ_REPRO_H
#define VMM_FUZZ_REPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One file being written: its text, until repro_publish(). */
struct repro {
	FILE *f;
	char *text;
	size_t len;
};

/* Seed the temporary names (getrandom(): before the sandbox). */
void repro_init(void);
/* Open directory `path` for repro_publish() (O_DIRECTORY, O_CLOEXEC); 0 or -errno. */
int repro_dir_open(const char *path, int *fd);
/* Start a file: r->f collects its text. 0 or -errno. */
int repro_open(struct repro *r);
/* Write the text to a new temporary file in `dir` (openat with O_CREAT|O_EXCL|
 * O_NOFOLLOW: never an existing file, never through a link; an unguessable
 * name), then give it the name `name` in `dir`. first_wins: keep a file
 * already there (-EEXIST); else replace it. The text and the temporary file
 * are gone afterwards, whatever the result. 0 or -errno. */
int repro_publish(struct repro *r, int dir, const char *name, bool first_wins);

#endif
