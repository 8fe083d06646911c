/* repro.c: repro files collected in memory, then written under a temporary name in their directory and put in place with linkat/renameat. */
#define _GNU_SOURCE
#include "vmm/fuzz/repro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/file.h"

/* Repro files are read by whoever replays them; nothing in them is secret. */
#define REPRO_MODE 0644
#define REPRO_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)
#define REPRO_TRIES 16 /* temporary names tried before giving up (EEXIST) */

static uint64_t name_state;

void repro_init(void)
{
	struct timespec t;

	if (getrandom(&name_state, sizeof(name_state), GRND_NONBLOCK) != sizeof(name_state)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		name_state ^= (uint64_t)t.tv_nsec << 20 ^ (uint64_t)getpid() ^ (uintptr_t)&t;
	}
}

/* splitmix64: the next temporary name's 64 bits. */
static uint64_t next_name(void)
{
	uint64_t z = (name_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int repro_dir_open(const char *path, int *fd)
{
	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

int repro_open(struct repro *r)
{
	r->text = NULL;
	r->len = 0;
	r->f = open_memstream(&r->text, &r->len);
	return r->f ? 0 : -errno;
}

/* A new file NAME.XXXXXXXXXXXXXXXX in `dir` holding `text`; its name in tmp. */
static int write_temporary(int dir, const char *name, const struct repro *r, char *tmp, size_t len)
{
	int fd = -1, err;

	for (unsigned i = 0; fd < 0 && i < REPRO_TRIES; i++) {
		if (snprintf(tmp, len, "%s.%016llx", name, (unsigned long long)next_name()) >= (int)len)
			return -ENAMETOOLONG;
		fd = openat(dir, tmp, REPRO_FLAGS, REPRO_MODE);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	err = fchmod(fd, REPRO_MODE) < 0 ? -errno : file_write_fd(fd, r->text, r->len);
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err < 0)
		unlinkat(dir, tmp, 0);
	return err;
}

int repro_publish(struct repro *r, int dir, const char *name, bool first_wins)
{
	char tmp[512];
	int err = fclose(r->f) == 0 ? 0 : -errno;

	if (err == 0)
		err = write_temporary(dir, name, r, tmp, sizeof(tmp));
	free(r->text);
	r->text = NULL;
	if (err < 0)
		return err;
	/* linkat() fails with EEXIST on any entry at `name`, a symlink included
	 * (it never follows it): of workers racing for one name, the first
	 * wins and the file it links is already whole. renameat() replaces the
	 * entry itself, a symlink too, without following it. */
	if (first_wins)
		err = linkat(dir, tmp, dir, name, 0) < 0 ? -errno : 0;
	else
		err = renameat(dir, tmp, dir, name) < 0 ? -errno : 0;
	if (first_wins || err < 0)
		unlinkat(dir, tmp, 0);
	return err;
}
