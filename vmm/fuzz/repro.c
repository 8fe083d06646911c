/* repro.c: repro files (SIG.state, SIG.replay, states/N.state) written whole under a temporary name, then put in place. */
#define _GNU_SOURCE
#include "vmm/fuzz/repro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Repro files are read by whoever replays them; nothing in them is secret. */
#define REPRO_MODE 0644

int repro_open(const char *path, char *tmp, size_t len, FILE **f)
{
	int fd;

	/* PATH.XXXXXX: in PATH's directory (so rename() and link() stay on
	 * one file system), an unguessable name, created O_EXCL (a symlink
	 * planted there is an existing name, never followed). */
	if (snprintf(tmp, len, "%s.XXXXXX", path) >= (int)len)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, REPRO_MODE) < 0 || !(*f = fdopen(fd, "w"))) {
		int r = -errno;

		close(fd);
		unlink(tmp);
		return r;
	}
	return 0;
}

int repro_publish(FILE *f, const char *tmp, const char *path, bool first_wins)
{
	int r = fclose(f) == 0 ? 0 : -errno;

	/* link() fails with EEXIST on any entry at `path`, a symlink included
	 * (it never follows it): of workers racing for one name, the first
	 * wins and the file it links is already whole. rename() replaces the
	 * entry itself, a symlink too, without following it. */
	if (r == 0 && first_wins)
		r = link(tmp, path) < 0 ? -errno : 0;
	else if (r == 0)
		r = rename(tmp, path) < 0 ? -errno : 0;
	if (first_wins || r < 0)
		unlink(tmp);
	return r;
}
