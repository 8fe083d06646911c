/* repro.c: repro files (SIG.state, SIG.replay, states/N.state) written whole under a temporary name, then put in place. */
#define _GNU_SOURCE
#include "vmm/fuzz/repro.h"

#include <errno.h>
#include <unistd.h>

int repro_open(const char *path, char *tmp, size_t len, FILE **f)
{
	if (snprintf(tmp, len, "%s.%d.tmp", path, (int)getpid()) >= (int)len)
		return -ENAMETOOLONG;
	*f = fopen(tmp, "w");
	return *f ? 0 : -errno;
}

int repro_publish(FILE *f, const char *tmp, const char *path, bool first_wins)
{
	(void)first_wins;
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		return -errno;
	return 0;
}
