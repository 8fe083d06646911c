/* test_payload_cache.c: the payload cache: entry format, hit, miss, damaged entries, concurrent writers, the store, what it trusts. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/payload_cache.h"

static char dir[64];
static uint8_t data[100003];
static uint8_t key[SHA256_LEN];

static void setup(void)
{
	strcpy(dir, "/tmp/vmm-pcache-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	pcache_key((const uint8_t *)"compressed bytes", 16, key);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(pcache, .init = setup, .fini = teardown);

static void entry_file(char path[256])
{
	int n = snprintf(path, 256, "%s/", dir);

	for (int i = 0; i < SHA256_LEN; i++)
		n += snprintf(path + n, 256 - (size_t)n, "%02x", key[i]);
}

Test(pcache, miss_then_put_then_hit)
{
	struct pcache_hit hit;

	cr_expect_eq(pcache_get(dir, key, &hit), -ENOENT);
	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0);
	cr_assert_eq(pcache_get(dir, key, &hit), 0);
	cr_expect_eq(hit.len, sizeof(data));
	cr_expect_arr_eq(hit.data, data, sizeof(data));
	pcache_release(&hit);
	cr_expect_null(hit.buf);
}

Test(pcache, another_key_misses)
{
	uint8_t other[SHA256_LEN];
	struct pcache_hit hit;

	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0);
	pcache_key((const uint8_t *)"compressed byteZ", 16, other);
	cr_expect_eq(pcache_get(dir, other, &hit), -ENOENT);
}

Test(pcache, creates_missing_directories)
{
	char sub[128];
	struct pcache_hit hit;
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/a/b/payload", dir);
	cr_assert_eq(pcache_put(sub, key, data, 10), 0);
	cr_assert_eq(pcache_get(sub, key, &hit), 0);
	cr_expect_eq(hit.len, 10);
	pcache_release(&hit);
	cr_assert_eq(stat(sub, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700);
}

/* Every kind of damage is -EBADMSG, and a put replaces the entry. */
static void damage(off_t off, const void *bytes, size_t n, off_t truncate_to)
{
	char path[256];
	struct pcache_hit hit;
	int fd;

	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0);
	entry_file(path);
	fd = open(path, O_WRONLY);
	cr_assert_geq(fd, 0);
	if (n)
		cr_assert_eq(pwrite(fd, bytes, n, off), (ssize_t)n);
	if (truncate_to >= 0)
		cr_assert_eq(ftruncate(fd, truncate_to), 0);
	close(fd);
	cr_expect_eq(pcache_get(dir, key, &hit), -EBADMSG);
	cr_expect_null(hit.buf);
	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0);
	cr_expect_eq(pcache_get(dir, key, &hit), 0, "a put repairs the entry");
	pcache_release(&hit);
}

Test(pcache, flipped_data_byte) { damage(PCACHE_HDR_LEN + 5000, "\xff", 1, -1); }
Test(pcache, last_data_byte) { damage(PCACHE_HDR_LEN + sizeof(data) - 1, "\x01", 1, -1); }
Test(pcache, bad_magic) { damage(0, "X", 1, -1); }
Test(pcache, wrong_key_inside) { damage(8, "\x00\x00", 2, -1); }
Test(pcache, truncated) { damage(0, NULL, 0, PCACHE_HDR_LEN + 100); }
Test(pcache, header_only) { damage(0, NULL, 0, PCACHE_HDR_LEN); }
Test(pcache, shorter_than_header) { damage(0, NULL, 0, 10); }
Test(pcache, empty_file) { damage(0, NULL, 0, 0); }
Test(pcache, appended_garbage) { damage(PCACHE_HDR_LEN + sizeof(data), "junk", 4, -1); }

Test(pcache, check_is_pure)
{
	static uint8_t entry[PCACHE_HDR_LEN + 64];
	const uint8_t *p;
	size_t n;

	pcache_header(entry, key, data, 64);
	memcpy(entry + PCACHE_HDR_LEN, data, 64);
	cr_assert_eq(pcache_check(entry, sizeof(entry), key, &p, &n), 0);
	cr_expect_eq(p, entry + PCACHE_HDR_LEN);
	cr_expect_eq(n, 64);
	cr_expect_eq(pcache_check(entry, sizeof(entry) - 1, key, &p, &n), -EBADMSG);
	entry[PCACHE_HDR_LEN + 63] ^= 1;
	cr_expect_eq(pcache_check(entry, sizeof(entry), key, &p, &n), -EBADMSG);
}

Test(pcache, checksum_sees_tail_bytes_and_length)
{
	uint8_t a[13] = { 0 }, b[13] = { 0 };

	b[12] = 1;
	cr_expect_neq(pcache_checksum(a, 13), pcache_checksum(b, 13));
	cr_expect_neq(pcache_checksum(a, 12), pcache_checksum(a, 13));
	cr_expect_neq(pcache_checksum(a, 0), pcache_checksum(a, 8));
}

/* Writer `id`'s data for the shared key: every byte is id, so a mix of two writers shows. */
static void writer_data(uint8_t *buf, size_t len, int id)
{
	memset(buf, 'A' + id, len);
}

/* Eight processes store the same key at once, each its own bytes, while a reader reads it
 * in a loop: the reader only ever misses or gets one writer's entry whole (never a damaged
 * or mixed one), one whole entry remains, and no temporary file is left behind. */
Test(pcache, concurrent_writers_and_a_reader)
{
	static uint8_t mine[100003];
	pid_t pids[8], reader;
	struct pcache_hit hit;
	char cmd[160];
	int st;

	reader = fork();
	cr_assert_geq(reader, 0);
	if (reader == 0) {
		unsigned hits = 0;

		for (int n = 0; n < 4000 && hits < 200; n++) {
			int r = pcache_get(dir, key, &hit);
			bool whole = true;

			if (r == -ENOENT)
				continue; /* no writer has renamed its entry into place yet */
			if (r != 0 || hit.len != sizeof(mine))
				_exit(2); /* a damaged or short entry: torn */
			for (size_t k = 1; k < hit.len; k++)
				whole = whole && hit.data[k] == hit.data[0];
			if (!whole || hit.data[0] < 'A' || hit.data[0] >= 'A' + 8)
				_exit(3); /* two writers' bytes in one entry */
			pcache_release(&hit);
			hits++;
		}
		_exit(hits ? 0 : 4);
	}
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		cr_assert_geq(pids[i], 0);
		if (pids[i] == 0) {
			writer_data(mine, sizeof(mine), i);
			for (int j = 0; j < 20; j++)
				if (pcache_put(dir, key, mine, sizeof(mine)) != 0)
					_exit(1);
			_exit(0);
		}
	}
	for (int i = 0; i < 8; i++) {
		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	cr_assert_eq(waitpid(reader, &st, 0), reader);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "reader status %d (2: damaged entry, 3: mixed writers, 4: never a hit)",
		  WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	cr_assert_eq(pcache_get(dir, key, &hit), 0);
	cr_expect_eq(hit.len, sizeof(mine));
	writer_data(mine, sizeof(mine), hit.data[0] - 'A');
	cr_expect_arr_eq(hit.data, mine, sizeof(mine), "one writer's entry, whole");
	pcache_release(&hit);
	snprintf(cmd, sizeof(cmd), "test \"$(ls '%s' | wc -l)\" = 1", dir);
	cr_expect_eq(system(cmd), 0, "exactly one file in the cache");
}

Test(pcache, unwritable_directory_fails_cleanly)
{
	cr_expect_lt(pcache_put("/proc/vmm-no-such-dir", key, data, 10), 0);
}

Test(pcache, store_keys_by_payload)
{
	static struct pcache_store s;
	const uint8_t *elf;
	size_t len;
	const uint8_t *p1 = (const uint8_t *)"payload one", *p2 = (const uint8_t *)"payload two";

	cr_assert_eq(pcache_store_init(&s, dir), 0);
	cr_expect_lt(s.ops.get(&s.ops, p1, 11, &elf, &len), 0);
	cr_assert_eq(s.ops.put(&s.ops, p1, 11, data, 4096), 0);
	cr_assert_eq(s.ops.get(&s.ops, p1, 11, &elf, &len), 0);
	cr_expect_eq(len, 4096);
	cr_expect_arr_eq(elf, data, 4096);
	s.ops.release(&s.ops);
	cr_assert_eq(pcache_store_init(&s, dir), 0);
	cr_expect_lt(s.ops.get(&s.ops, p2, 11, &elf, &len), 0, "another payload misses");
}

/* --- what the cache trusts ------------------------------------------------ */

#define NOBODY 65534

static void chown_or_skip(const char *path, uid_t uid)
{
	if (lchown(path, uid, (gid_t)-1) < 0)
		cr_skip_test("chown %s to uid %u: %s (needs root)", path, (unsigned)uid,
			     strerror(errno));
}

/* A directory anyone can write: nothing is read from it or stored in it. */
static void expect_dir_refused(const char *d, const char *why)
{
	struct pcache_hit hit;
	int fd;

	cr_expect_eq(pcache_put(d, key, data, sizeof(data)), -EPERM);
	cr_expect(strstr(err_msg(), why), "err_msg '%s' lacks '%s'", err_msg(), why);
	cr_expect_eq(pcache_get(d, key, &hit), -EPERM);
	cr_expect_null(hit.buf);
	cr_expect_eq(pcache_dir_open(d, false, &fd), -EPERM);
	cr_expect_eq(fd, -1);
}

Test(pcache, world_writable_directory_refused)
{
	char path[256];

	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0);
	cr_assert_eq(chmod(dir, 0777), 0);
	expect_dir_refused(dir, "is writable by group or others (mode 0777)");
	/* The entry a trusted directory held is not used once anyone can swap it. */
	entry_file(path);
	cr_expect_eq(access(path, F_OK), 0);
}

Test(pcache, group_writable_directory_refused)
{
	cr_assert_eq(chmod(dir, 0770), 0);
	expect_dir_refused(dir, "mode 0770");
}

Test(pcache, sticky_world_writable_directory_refused)
{
	cr_assert_eq(chmod(dir, 01777), 0);
	expect_dir_refused(dir, "mode 1777");
}

Test(pcache, directory_of_another_user_refused)
{
	chown_or_skip(dir, NOBODY);
	expect_dir_refused(dir, "belongs to uid 65534");
}

Test(pcache, readable_by_others_is_fine)
{
	struct pcache_hit hit;

	cr_assert_eq(chmod(dir, 0755), 0);
	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0);
	cr_assert_eq(pcache_get(dir, key, &hit), 0);
	pcache_release(&hit);
}

/* A symbolic link anywhere in the path: refused, and nothing is made behind it. */
Test(pcache, symlink_in_a_parent_refused)
{
	char real[128], link[128], via[160], behind[160];
	struct pcache_hit hit;

	snprintf(real, sizeof(real), "%s/real", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(via, sizeof(via), "%s/payload", link);
	snprintf(behind, sizeof(behind), "%s/payload", real);
	cr_assert_eq(mkdir(real, 0700), 0);
	cr_assert_eq(symlink("real", link), 0);
	cr_expect_eq(pcache_put(via, key, data, sizeof(data)), -EPERM);
	cr_expect(strstr(err_msg(), "/link', a parent of '"), "%s", err_msg());
	cr_expect_neq(access(behind, F_OK), 0, "nothing made behind the link");
	cr_assert_eq(pcache_put(behind, key, data, sizeof(data)), 0);
	cr_expect_eq(pcache_get(via, key, &hit), -EPERM, "an entry behind a link is not read");
}

Test(pcache, symlink_as_the_directory_refused)
{
	char real[128], link[128];
	struct pcache_hit hit;

	snprintf(real, sizeof(real), "%s/real", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	cr_assert_eq(pcache_put(real, key, data, sizeof(data)), 0);
	cr_assert_eq(symlink(real, link), 0);
	cr_expect_eq(pcache_get(link, key, &hit), -EPERM);
	cr_expect_eq(pcache_put(link, key, data, sizeof(data)), -EPERM);
}

/* A parent vmm did not make (like /tmp) is not its to judge; what it makes under it is. */
Test(pcache, shared_parent_then_own_directories)
{
	char shared[128], mine[160];
	struct pcache_hit hit;
	struct stat st;

	snprintf(shared, sizeof(shared), "%s/shared", dir);
	snprintf(mine, sizeof(mine), "%s/a/payload", shared);
	cr_assert_eq(mkdir(shared, 0700), 0);
	cr_assert_eq(chmod(shared, 01777), 0);
	cr_assert_eq(pcache_put(mine, key, data, sizeof(data)), 0);
	cr_assert_eq(pcache_get(mine, key, &hit), 0);
	pcache_release(&hit);
	snprintf(mine, sizeof(mine), "%s/a", shared);
	cr_assert_eq(stat(mine, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700);
}

/* A parent that was there before (another user's directory) is not judged:
 * the cache directory below it is vmm's own, and that is what is checked. */
Test(pcache, existing_parent_of_another_user)
{
	char theirs[128], below[160];
	struct pcache_hit hit;

	snprintf(theirs, sizeof(theirs), "%s/theirs", dir);
	snprintf(below, sizeof(below), "%s/payload", theirs);
	cr_assert_eq(mkdir(theirs, 0755), 0);
	chown_or_skip(theirs, NOBODY);
	cr_expect_eq(pcache_put(below, key, data, sizeof(data)), 0);
	cr_expect_eq(pcache_get(below, key, &hit), 0);
	pcache_release(&hit);
	/* ... and refused once it is theirs (as if they had swapped it for their own). */
	chown_or_skip(below, NOBODY);
	cr_expect_eq(pcache_get(below, key, &hit), -EPERM);
	cr_expect(strstr(err_msg(), "/theirs/payload' belongs to uid 65534"), "%s", err_msg());
}

Test(pcache, relative_directory)
{
	char cwd[PATH_MAX];
	struct pcache_hit hit;

	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(dir), 0);
	cr_expect_eq(pcache_put("rel/payload", key, data, 100), 0);
	cr_expect_eq(pcache_get("./rel//payload/", key, &hit), 0);
	pcache_release(&hit);
	cr_assert_eq(chdir(cwd), 0);
}

/* A valid entry for the key, but planted with other bytes and a mode or owner vmm never gives. */
static void plant(char path[256])
{
	static uint8_t entry[PCACHE_HDR_LEN + 4096];
	int fd;

	memset(entry + PCACHE_HDR_LEN, 0xcc, 4096);
	pcache_header(entry, key, entry + PCACHE_HDR_LEN, 4096);
	entry_file(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, entry, sizeof(entry)), (ssize_t)sizeof(entry));
	close(fd);
}

static void expect_planted_refused(const char *why)
{
	struct pcache_hit hit;

	cr_expect_eq(pcache_get(dir, key, &hit), -EPERM);
	cr_expect(strstr(err_msg(), why), "err_msg '%s' lacks '%s'", err_msg(), why);
	cr_expect_null(hit.buf);
	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0, "a put replaces it");
	cr_assert_eq(pcache_get(dir, key, &hit), 0);
	cr_expect_arr_eq(hit.data, data, sizeof(data));
	pcache_release(&hit);
}

Test(pcache, planted_group_writable_entry_refused)
{
	char path[256];
	struct pcache_hit hit;

	plant(path);
	cr_assert_eq(pcache_get(dir, key, &hit), 0, "the plant is a valid entry");
	pcache_release(&hit);
	cr_assert_eq(chmod(path, 0620), 0);
	expect_planted_refused("mode 0620");
}

Test(pcache, planted_world_writable_entry_refused)
{
	char path[256];

	plant(path);
	cr_assert_eq(chmod(path, 0666), 0);
	expect_planted_refused("mode 0666");
}

Test(pcache, planted_entry_of_another_user_refused)
{
	char path[256];

	plant(path);
	chown_or_skip(path, NOBODY);
	expect_planted_refused("uid 65534");
}

Test(pcache, entry_that_is_a_symlink_refused)
{
	char path[256], elsewhere[128];
	struct pcache_hit hit;

	snprintf(elsewhere, sizeof(elsewhere), "%s/other", dir);
	cr_assert_eq(pcache_put(elsewhere, key, data, sizeof(data)), 0);
	entry_file(path);
	snprintf(elsewhere + strlen(elsewhere), sizeof(elsewhere) - strlen(elsewhere), "%s",
		 path + strlen(dir));
	cr_assert_eq(symlink(elsewhere, path), 0);
	cr_expect_eq(pcache_get(dir, key, &hit), -EPERM);
	cr_expect(strstr(err_msg(), "symbolic link"), "%s", err_msg());
	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0, "a put replaces the link");
	cr_expect_eq(pcache_get(dir, key, &hit), 0);
	pcache_release(&hit);
}

/* An entry that shrinks between fstat() and the read: damaged, never SIGBUS.
 * The child stops itself there (the VMM_TEST_STOP_BEFORE_READ hook) and the
 * parent truncates the entry before it goes on. */
Test(pcache, entry_truncated_while_read_is_damaged)
{
	char path[256];
	pid_t pid;
	int st;

	cr_assert_eq(pcache_put(dir, key, data, sizeof(data)), 0);
	entry_file(path);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct pcache_hit hit;

		setenv("VMM_TEST_STOP_BEFORE_READ", "payload cache entry", 1);
		_exit(pcache_get(dir, key, &hit) == -EBADMSG ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, WUNTRACED), pid);
	cr_assert(WIFSTOPPED(st), "the hook stops the reader");
	cr_assert_eq(truncate(path, 4096), 0);
	cr_assert_eq(kill(pid, SIGCONT), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "status %#x: a truncated entry must read as damaged", st);
}

/* The store over a refused directory: one line on stderr, then a miss and no
 * store, every time (the run goes on without the cache). */
static void redirect(void)
{
	setup();
	cr_redirect_stderr();
}

Test(pcache, store_over_refused_directory_warns_once, .init = redirect)
{
	static struct pcache_store s;
	const uint8_t *elf;
	size_t len;
	char text[1024] = "", want[256];
	FILE *f;
	size_t n;
	const uint8_t *p1 = (const uint8_t *)"payload one";

	cr_assert_eq(chmod(dir, 0777), 0);
	cr_assert_eq(pcache_store_init(&s, dir), 0);
	cr_expect_eq(s.ops.get(&s.ops, p1, 11, &elf, &len), -EPERM);
	cr_expect_eq(s.ops.put(&s.ops, p1, 11, data, 4096), -EPERM);
	cr_expect_eq(s.ops.get(&s.ops, p1, 11, &elf, &len), -EPERM);
	s.ops.release(&s.ops);
	fflush(stderr);
	f = cr_get_redirected_stderr();
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	snprintf(want, sizeof(want),
		 "vmm: payload cache not used: '%s' is writable by group or others (mode 0777)\n", dir);
	cr_expect_str_eq(text, want);
}

/* The default directory: $VMM_CACHE_DIR, else an absolute $XDG_CACHE_HOME (a relative one is
 * ignored, as the XDG base-directory specification says), else $HOME/.cache. */
Test(pcache_default, vmm_cache_dir_first)
{
	char buf[PATH_MAX];

	cr_assert_str_eq(pcache_default_dir("/v", "/x", "/h", buf), "/v/payload");
}

Test(pcache_default, absolute_xdg_cache_home)
{
	char buf[PATH_MAX];

	cr_assert_str_eq(pcache_default_dir("", "/x", "/h", buf), "/x/vmm/payload");
	cr_assert_str_eq(pcache_default_dir(NULL, "/x", NULL, buf), "/x/vmm/payload");
}

Test(pcache_default, relative_or_empty_xdg_cache_home_is_ignored)
{
	char buf[PATH_MAX];

	cr_assert_str_eq(pcache_default_dir(NULL, "cache", "/h", buf), "/h/.cache/vmm/payload");
	cr_assert_str_eq(pcache_default_dir(NULL, "", "/h", buf), "/h/.cache/vmm/payload");
	cr_assert_null(pcache_default_dir(NULL, "cache", NULL, buf));
	cr_assert_null(pcache_default_dir(NULL, NULL, "", buf));
}

Test(pcache_default, a_path_too_long_gives_none)
{
	char buf[PATH_MAX], home[PATH_MAX];

	memset(home, 'a', sizeof(home) - 1);
	home[0] = '/';
	home[sizeof(home) - 1] = '\0';
	cr_assert_null(pcache_default_dir(NULL, NULL, home, buf));
}
