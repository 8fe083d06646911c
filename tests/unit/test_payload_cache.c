/* test_payload_cache.c: the payload cache: entry format, hit, miss, damaged entries, concurrent writers, the store. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
	cr_expect_null(hit.map);
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
	cr_expect_null(hit.map);
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

/* Eight processes store the same key at once: one whole entry remains, and no
 * temporary file is left behind. */
Test(pcache, concurrent_writers)
{
	pid_t pids[8];
	struct pcache_hit hit;
	char cmd[160];

	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		cr_assert_geq(pids[i], 0);
		if (pids[i] == 0) {
			for (int j = 0; j < 5; j++)
				if (pcache_put(dir, key, data, sizeof(data)) != 0)
					_exit(1);
			_exit(0);
		}
	}
	for (int i = 0; i < 8; i++) {
		int st;

		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	cr_assert_eq(pcache_get(dir, key, &hit), 0);
	cr_expect_arr_eq(hit.data, data, sizeof(data));
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
