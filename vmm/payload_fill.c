/* payload_fill.c: fills the payload cache in a detached process, for the next auto boot of a kernel. */
#include "vmm/payload_fill.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader/bzimage.h"
#include "loader/payload.h"
#include "vmm/file.h"
#include "vmm/payload_cache.h"

#define FILL_NICE 19 /* the lowest priority: never compete with a vCPU */

/* `dir`, or its nearest existing ancestor, is writable by us. */
static int writable(const char *dir)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return 0;
	memcpy(p, dir, n + 1);
	for (;;) {
		if (access(p, F_OK) == 0)
			return access(p, W_OK | X_OK) == 0;
		char *slash = strrchr(p, '/');

		if (!slash || slash == p)
			return 0;
		*slash = '\0';
	}
}

static int fill(const char *kernel_path, const char *dir)
{
	struct file_map f;
	struct bzimage bz;
	const uint8_t *p;
	uint8_t *elf = NULL, key[SHA256_LEN];
	size_t plen, len;
	int r = file_map(kernel_path, "kernel", &f);

	if (r < 0)
		return r;
	r = bzimage_parse(f.data, f.len, &bz);
	if (r == 0)
		r = payload_locate(&bz, &p, &plen);
	if (r == 0)
		r = payload_extract(&bz, PCACHE_MAX_DATA, &elf, &len);
	if (r == 0) {
		pcache_key(p, plen, key);
		r = pcache_put(dir, key, elf, len);
	}
	free(elf);
	file_unmap(&f);
	return r;
}

/* The grandchild: detached from the caller's terminal, pipes and session. */
static void run_detached(const char *kernel_path, const char *dir)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		_exit(1);
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	setsid();
	setpriority(PRIO_PROCESS, 0, FILL_NICE);
	_exit(fill(kernel_path, dir) < 0);
}

bool payload_fill_later(const char *kernel_path, const char *dir)
{
	pid_t child;

	if (!writable(dir))
		return false;
	child = fork();
	if (child < 0)
		return false;
	if (child == 0) {
		/* Fork again so the filler is nobody's child to wait for. */
		if (fork() == 0)
			run_detached(kernel_path, dir);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	return true;
}
