/* test_fuzz_repro.c: repro files: written relative to a directory descriptor, unguessable temporary names, no symlink followed, the first writer of a name wins. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/fuzz/repro.h"

#define NAME "00000000000000ab.state"
static char dir[64], path[128], victim[128];
static int dirfd_;

static void setup(void)
{
	FILE *f;

	strcpy(dir, "/tmp/vmm-repro-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/" NAME, dir);
	repro_init();
	cr_assert_eq(repro_dir_open(dir, &dirfd_), 0);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	cr_assert_not_null(f);
	fputs("precious\n", f);
	fclose(f);
}

static void teardown(void)
{
	char cmd[128];

	close(dirfd_);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(fuzz_repro, .init = setup, .fini = teardown);

/* Write `text` to NAME in dir through repro_open()/repro_publish(). */
static int write_repro(const char *text, bool first_wins)
{
	struct repro r;
	int err = repro_open(&r);

	if (err < 0)
		return err;
	fputs(text, r.f);
	return repro_publish(&r, dirfd_, NAME, first_wins);
}

static void assert_file(const char *p, const char *want)
{
	char got[64] = "";
	FILE *f = fopen(p, "r");

	cr_assert_not_null(f, "%s", p);
	cr_assert_not_null(fgets(got, sizeof(got), f) ? got : NULL, "%s is empty", p);
	fclose(f);
	cr_assert_str_eq(got, want, "%s", p);
}

/* Entries in dir, besides the victim (the temporary files must be gone). */
static unsigned entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "victim");
	closedir(d);
	return n;
}

Test(fuzz_repro, two_writers_in_one_process_first_wins_nothing_left_behind)
{
	struct repro a, b;

	cr_assert_eq(repro_open(&a), 0);
	cr_assert_eq(repro_open(&b), 0);
	fputs("a\n", a.f);
	fputs("b\n", b.f);
	cr_assert_eq(repro_publish(&a, dirfd_, NAME, true), 0);
	cr_assert_eq(repro_publish(&b, dirfd_, NAME, true), -EEXIST);
	assert_file(path, "a\n");
	cr_assert_eq(entries(), 1);
}

Test(fuzz_repro, files_go_into_the_directory_descriptor_not_the_working_directory)
{
	struct stat st;

	cr_assert_eq(write_repro("state\n", true), 0);
	assert_file(path, "state\n");
	cr_assert_neq(stat(NAME, &st), 0, "nothing in the working directory");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644, "mode %o: readable by whoever replays it", st.st_mode);
}

Test(fuzz_repro, a_symlink_at_the_old_predictable_temporary_name_is_not_followed)
{
	char planted[256];

	snprintf(planted, sizeof(planted), "%s.%d.tmp", path, (int)getpid());
	cr_assert_eq(symlink(victim, planted), 0);
	cr_assert_eq(write_repro("state\n", false), 0);
	assert_file(victim, "precious\n");
	assert_file(path, "state\n");
}

Test(fuzz_repro, a_symlink_at_the_final_name_is_never_followed)
{
	struct stat st;

	cr_assert_eq(symlink(victim, path), 0);
	cr_assert_eq(write_repro("state\n", true), -EEXIST, "the first (planted) entry wins");
	assert_file(victim, "precious\n");
	cr_assert_eq(write_repro("state\n", false), 0);
	assert_file(victim, "precious\n");
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISREG(st.st_mode), "rename() replaced the link itself");
	assert_file(path, "state\n");
	cr_assert_eq(entries(), 1);
}

Test(fuzz_repro, the_first_writer_of_a_name_wins_and_its_file_is_whole)
{
	cr_assert_eq(write_repro("first\n", true), 0);
	cr_assert_eq(write_repro("second\n", true), -EEXIST);
	assert_file(path, "first\n");
	cr_assert_eq(entries(), 1, "no temporary file left behind");
	cr_assert_eq(write_repro("third\n", false), 0, "states/N.state: the last one stays");
	assert_file(path, "third\n");
}
