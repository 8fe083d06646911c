/* payload_cache.c: decompressed bzImage payloads kept on disk, keyed by the SHA-256 of the compressed bytes. */
#include "vmm/payload_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/file.h"

static const char MAGIC[8] = "VMMPAYL1";
/* Header layout: magic, key, data length, checksum, zeros. */
#define OFF_KEY 8
#define OFF_LEN (OFF_KEY + SHA256_LEN)
#define OFF_SUM (OFF_LEN + 8)

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Corruption check, not a security boundary (the key is the SHA-256): a
 * multiply-rotate mix over 64-bit words, fast enough for 100 MB per boot. */
#define MIX_PRIME 0x9e3779b97f4a7c15ULL

uint64_t pcache_checksum(const uint8_t *data, uint64_t len)
{
	uint64_t h = len * MIX_PRIME, w;
	uint64_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, data + i, 8);
		h = ((h ^ w) * MIX_PRIME);
		h ^= h >> 29;
	}
	for (w = 0; i < len; i++)
		w = w << 8 | data[i];
	h = (h ^ w) * MIX_PRIME;
	return h ^ (h >> 32);
}

const char *pcache_default_dir(const char *vmm_dir, const char *xdg, const char *home,
			       char buf[PATH_MAX])
{
	int n;

	if (vmm_dir && *vmm_dir)
		n = snprintf(buf, PATH_MAX, "%s/payload", vmm_dir);
	else if (xdg && *xdg == '/')
		n = snprintf(buf, PATH_MAX, "%s/vmm/payload", xdg);
	else if (home && *home)
		n = snprintf(buf, PATH_MAX, "%s/.cache/vmm/payload", home);
	else
		return NULL;
	return n > 0 && n < PATH_MAX ? buf : NULL;
}

void pcache_key(const uint8_t *payload, size_t len, uint8_t key[SHA256_LEN])
{
	sha256(payload, len, key);
}

void pcache_header(uint8_t hdr[PCACHE_HDR_LEN], const uint8_t key[SHA256_LEN],
		   const uint8_t *data, uint64_t len)
{
	memset(hdr, 0, PCACHE_HDR_LEN);
	memcpy(hdr, MAGIC, sizeof(MAGIC));
	memcpy(hdr + OFF_KEY, key, SHA256_LEN);
	put_le64(hdr + OFF_LEN, len);
	put_le64(hdr + OFF_SUM, pcache_checksum(data, len));
}

int pcache_check(const uint8_t *entry, size_t entry_len, const uint8_t key[SHA256_LEN],
		 const uint8_t **data, size_t *len)
{
	uint64_t n;

	if (entry_len < PCACHE_HDR_LEN || memcmp(entry, MAGIC, sizeof(MAGIC)) ||
	    memcmp(entry + OFF_KEY, key, SHA256_LEN))
		return -EBADMSG;
	n = get_le64(entry + OFF_LEN);
	if (n != entry_len - PCACHE_HDR_LEN || n > PCACHE_MAX_DATA ||
	    get_le64(entry + OFF_SUM) != pcache_checksum(entry + PCACHE_HDR_LEN, n))
		return -EBADMSG;
	*data = entry + PCACHE_HDR_LEN;
	*len = (size_t)n;
	return 0;
}

/* --- the directory: what the cache trusts ---------------------------------- */

/* "'/a/b'" for the whole directory, "'/a', a parent of '/a/b/c'," for a parent. */
static const char *component(char out[2 * PATH_MAX + 32], const char *dir, size_t prefix)
{
	if (dir[prefix + strspn(dir + prefix, "/")] == '\0')
		snprintf(out, 2 * PATH_MAX + 32, "'%s'", dir);
	else
		snprintf(out, 2 * PATH_MAX + 32, "'%.*s', a parent of '%s',", (int)prefix, dir, dir);
	return out;
}

/* A directory vmm trusts is ours and only ours to write. */
static int check_dir(const char *dir, size_t prefix, int fd)
{
	char what[2 * PATH_MAX + 32];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errf(-errno, "payload cache '%s': fstat: %s", dir, strerror(errno));
	if (st.st_uid != geteuid())
		return errf(-EPERM, "payload cache not used: %s belongs to uid %u, not to vmm's uid %u",
			    component(what, dir, prefix), (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return errf(-EPERM, "payload cache not used: %s is writable by group or others (mode %04o)",
			    component(what, dir, prefix), (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Why openat(O_DIRECTORY | O_NOFOLLOW) of `name` in `at` failed with `err`. */
static int open_error(const char *dir, size_t prefix, int at, const char *name, int err)
{
	char what[2 * PATH_MAX + 32];
	struct stat st;

	if ((err == ELOOP || err == ENOTDIR) && fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return errf(-EPERM, "payload cache not used: %s is a symbolic link (give the real path)",
			    component(what, dir, prefix));
	if (err == ENOENT)
		return errf(-ENOENT, "payload cache '%s': '%.*s' does not exist", dir, (int)prefix, dir);
	return errf(-err, "payload cache '%s': '%.*s': %s", dir, (int)prefix, dir, strerror(err));
}

static int open_dir_at(int at, const char *name)
{
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int pcache_dir_open(const char *dir, bool create, int *out)
{
	char name[NAME_MAX + 1];
	size_t i = 0, n = strlen(dir);
	bool made = false; /* vmm had to create a component: check each from there on */
	int fd, r = 0;

	*out = -1;
	if (n == 0)
		return errf(-EINVAL, "payload cache: empty directory name");
	fd = open(dir[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errf(-errno, "payload cache '%s': %s", dir, strerror(errno));
	while (r == 0) {
		size_t len;
		int next;

		while (dir[i] == '/')
			i++;
		if (dir[i] == '\0')
			break;
		len = strcspn(dir + i, "/");
		if (len > NAME_MAX) {
			r = errf(-ENAMETOOLONG, "payload cache '%s': a name is too long", dir);
			break;
		}
		memcpy(name, dir + i, len);
		name[len] = '\0';
		i += len;
		next = open_dir_at(fd, name);
		if (next < 0 && errno == ENOENT && create) {
			/* EEXIST: someone else made it first; it is checked like ours. */
			if (mkdirat(fd, name, 0700) < 0 && errno != EEXIST) {
				r = errf(-errno, "payload cache '%s': mkdir '%.*s': %s", dir, (int)i,
					 dir, strerror(errno));
				break;
			}
			made = true;
			next = open_dir_at(fd, name);
		}
		if (next < 0) {
			r = open_error(dir, i, fd, name, errno);
			break;
		}
		close(fd);
		fd = next;
		if (made || dir[i + strspn(dir + i, "/")] == '\0')
			r = check_dir(dir, i, fd);
	}
	if (r == 0 && i > 0 && !made && strspn(dir, "/") == n)
		r = check_dir(dir, n, fd); /* dir is "/" itself */
	if (r < 0) {
		close(fd);
		return r;
	}
	*out = fd;
	return 0;
}

/* --- entries --------------------------------------------------------------- */

static void entry_name(char out[2 * SHA256_LEN + 1], const uint8_t key[SHA256_LEN])
{
	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", key[i]);
}

/* An entry vmm trusts is a regular file of ours, writable by nobody else. */
static int open_entry(int dirfd, const char *name, struct stat *st)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0 && errno == ELOOP)
		return errf(-EPERM, "payload cache: entry %s is a symbolic link", name);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size < PCACHE_HDR_LEN ||
	    (uint64_t)st->st_size > PCACHE_MAX_DATA + PCACHE_HDR_LEN) {
		close(fd);
		return -EBADMSG;
	}
	if (st->st_uid != geteuid() || (st->st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return errf(-EPERM, "payload cache: entry %s has uid %u and mode %04o, not vmm's uid %u and no write for group or others",
			    name, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777),
			    (unsigned)geteuid());
	}
	return fd;
}

static int get_at(int dirfd, const uint8_t key[SHA256_LEN], struct pcache_hit *hit)
{
	char name[2 * SHA256_LEN + 1];
	struct stat st;
	uint8_t *buf;
	size_t got;
	int fd, r;

	entry_name(name, key);
	fd = open_entry(dirfd, name, &st);
	if (fd < 0)
		return fd;
	file_test_stop("payload cache entry");
	/* Read, not mapped: an entry truncated under vmm is damaged, not SIGBUS. */
	r = file_read_fd(fd, (size_t)st.st_size, &buf, &got);
	close(fd);
	if (r == -ENODATA || r == -EFBIG)
		return -EBADMSG;
	if (r < 0)
		return r;
	hit->buf = buf;
	hit->buf_len = (size_t)st.st_size;
	r = pcache_check(buf, (size_t)st.st_size, key, &hit->data, &hit->len);
	if (r < 0)
		pcache_release(hit);
	return r;
}

int pcache_get(const char *dir, const uint8_t key[SHA256_LEN], struct pcache_hit *hit)
{
	int dirfd, r;

	memset(hit, 0, sizeof(*hit));
	r = pcache_dir_open(dir, false, &dirfd);
	if (r < 0)
		return r;
	r = get_at(dirfd, key, hit);
	close(dirfd);
	return r;
}

void pcache_release(struct pcache_hit *hit)
{
	file_buf_free(hit->buf, hit->buf_len);
	memset(hit, 0, sizeof(*hit));
}

/* A new file of ours in `dirfd`, named `<entry>.tmp.<random>`. */
static int create_temp(int dirfd, const char *entry, char tmp[2 * SHA256_LEN + 32])
{
	for (int tries = 0; tries < 16; tries++) {
		uint64_t rnd = 0;
		int fd;

		if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			rnd ^= (uint64_t)getpid() << 32 ^ (uint64_t)tries;
		snprintf(tmp, 2 * SHA256_LEN + 32, "%s.tmp.%016llx", entry, (unsigned long long)rnd);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

static int put_at(int dirfd, const uint8_t key[SHA256_LEN], const uint8_t *data, size_t len)
{
	char name[2 * SHA256_LEN + 1], tmp[2 * SHA256_LEN + 32];
	uint8_t hdr[PCACHE_HDR_LEN];
	int fd, r;

	entry_name(name, key);
	fd = create_temp(dirfd, name, tmp);
	if (fd < 0)
		return fd;
	pcache_header(hdr, key, data, len);
	r = file_write_fd(fd, hdr, sizeof(hdr));
	if (r == 0)
		r = file_write_fd(fd, data, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	return r;
}

int pcache_put(const char *dir, const uint8_t key[SHA256_LEN], const uint8_t *data, size_t len)
{
	int dirfd, r;

	if (len > PCACHE_MAX_DATA)
		return -E2BIG;
	r = pcache_dir_open(dir, true, &dirfd);
	if (r < 0)
		return r;
	r = put_at(dirfd, key, data, len);
	close(dirfd);
	return r;
}

/* --- the store load_linux() uses ------------------------------------------- */

static void store_key(struct pcache_store *s, const uint8_t *payload, size_t len)
{
	if (!s->have_key)
		pcache_key(payload, len, s->key);
	s->have_key = true;
}

/* The cache directory, or why not: a directory the cache does not trust is
 * reported once (one line on stderr) and the run goes on without the cache. */
static int store_dir(struct pcache_store *s, bool create, int *dirfd)
{
	int r;

	*dirfd = -1;
	if (s->refused)
		return s->refused;
	r = pcache_dir_open(s->dir, create, dirfd);
	if (r == -EPERM) {
		fprintf(stderr, "vmm: %s\n", err_msg());
		s->refused = r;
	}
	return r;
}

static int store_get(const struct payload_store *ops, const uint8_t *payload, size_t len,
		     const uint8_t **elf, size_t *elf_len)
{
	struct pcache_store *s = ops->ctx;
	int dirfd, r;

	memset(&s->hit, 0, sizeof(s->hit));
	store_key(s, payload, len);
	r = store_dir(s, false, &dirfd);
	if (r < 0)
		return r;
	r = get_at(dirfd, s->key, &s->hit);
	close(dirfd);
	if (r == 0) {
		*elf = s->hit.data;
		*elf_len = s->hit.len;
	}
	return r;
}

static void store_release(const struct payload_store *ops)
{
	struct pcache_store *s = ops->ctx;

	pcache_release(&s->hit);
}

static int store_put(const struct payload_store *ops, const uint8_t *payload, size_t len,
		     const uint8_t *elf, size_t elf_len)
{
	struct pcache_store *s = ops->ctx;
	int dirfd, r;

	if (elf_len > PCACHE_MAX_DATA)
		return -E2BIG;
	store_key(s, payload, len);
	r = store_dir(s, true, &dirfd);
	if (r < 0)
		return r;
	r = put_at(dirfd, s->key, elf, elf_len);
	close(dirfd);
	return r;
}

int pcache_store_init(struct pcache_store *s, const char *dir)
{
	memset(s, 0, sizeof(*s));
	if (strlen(dir) >= sizeof(s->dir))
		return -ENAMETOOLONG;
	strcpy(s->dir, dir);
	s->ops = (struct payload_store){ .get = store_get, .release = store_release,
					 .put = store_put, .ctx = s };
	return 0;
}
