/* jobs.c: `vmm fuzz --jobs N` in the parent: N worker processes, their JSON lines passed on whole and counted. */
#include "vmm/fuzz/jobs.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/config.h"
#include "vmm/exitcode.h"

struct job {
	pid_t pid;
	int fd;		/* -1 once the worker closed it */
	char buf[8192];
	size_t len;
};

/* Pass on the whole lines in j->buf, counting them in the summary. */
static void take_lines(struct job *j, FILE *out, struct fuzz_summary *sum)
{
	char *start = j->buf, *nl;

	while ((nl = memchr(start, '\n', j->len - (size_t)(start - j->buf)))) {
		struct fuzz_outcome o = { 0 };
		uint64_t sig, index;

		*nl = '\0';
		fprintf(out, "%s\n", start);
		if (fuzz_parse_line(start, &o, &sig, &index))
			fuzz_summary_add(sum, &o, sig, index);
		start = nl + 1;
	}
	j->len -= (size_t)(start - j->buf);
	memmove(j->buf, start, j->len);
	if (j->len == sizeof(j->buf)) /* a line longer than the buffer: not ours */
		j->len = 0;
}

static bool read_some(struct job *jobs, unsigned n, FILE *out, struct fuzz_summary *sum)
{
	struct pollfd p[CONFIG_MAX_JOBS];
	unsigned open = 0;

	for (unsigned i = 0; i < n; i++) {
		p[i] = (struct pollfd){ .fd = jobs[i].fd, .events = POLLIN };
		open += jobs[i].fd >= 0;
	}
	if (!open)
		return false;
	if (poll(p, n, -1) < 0)
		return true; /* EINTR: a stop signal; the workers see it too */
	for (unsigned i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		ssize_t got;

		if (j->fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = read(j->fd, j->buf + j->len, sizeof(j->buf) - j->len);
		if (got <= 0 && errno != EINTR) {
			close(j->fd);
			j->fd = -1;
			continue;
		}
		j->len += got > 0 ? (size_t)got : 0;
		take_lines(j, out, sum);
	}
	return true;
}

int jobs_run(const struct jobs_worker *w, unsigned n, FILE *out, struct fuzz_summary *sum)
{
	static struct job jobs[CONFIG_MAX_JOBS];
	int status = VMM_EXIT_OK, st;

	fflush(NULL);
	for (unsigned i = 0; i < n; i++) {
		int fd[2];

		if (pipe(fd) < 0 || (jobs[i].pid = fork()) < 0)
			return VMM_EXIT_HOST;
		if (jobs[i].pid == 0) {
			FILE *f = fdopen(fd[1], "w");

			close(fd[0]);
			_exit(f ? w->run(w->ctx, i, f) : VMM_EXIT_HOST);
		}
		close(fd[1]);
		jobs[i].fd = fd[0];
		jobs[i].len = 0;
	}
	while (read_some(jobs, n, out, sum))
		;
	for (unsigned i = 0; i < n; i++)
		if (waitpid(jobs[i].pid, &st, 0) == jobs[i].pid && (!WIFEXITED(st) || WEXITSTATUS(st)))
			status = WIFEXITED(st) ? WEXITSTATUS(st) : VMM_EXIT_HOST;
	return status;
}
