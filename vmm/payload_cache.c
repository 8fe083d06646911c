/* payload_cache.c: decompressed bzImage payloads kept on disk, keyed by the SHA-256 of the compressed bytes. */
#define _GNU_SOURCE /* mkostemp() */
#include "vmm/payload_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int entry_path(char out[PATH_MAX], const char *dir, const uint8_t key[SHA256_LEN])
{
	char hex[2 * SHA256_LEN + 1];

	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	return snprintf(out, PATH_MAX, "%s/%s", dir, hex) < PATH_MAX ? 0 : -ENAMETOOLONG;
}

int pcache_get(const char *dir, const uint8_t key[SHA256_LEN], struct pcache_hit *hit)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, r = entry_path(path, dir, key);

	memset(hit, 0, sizeof(*hit));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < PCACHE_HDR_LEN ||
	    (uint64_t)st.st_size > PCACHE_MAX_DATA + PCACHE_HDR_LEN) {
		close(fd);
		return -EBADMSG;
	}
	hit->map_len = (size_t)st.st_size;
	hit->map = mmap(NULL, hit->map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (hit->map == MAP_FAILED) {
		hit->map = NULL;
		return -errno;
	}
	r = pcache_check(hit->map, hit->map_len, key, &hit->data, &hit->len);
	if (r < 0)
		pcache_release(hit);
	return r;
}

void pcache_release(struct pcache_hit *hit)
{
	if (hit->map)
		munmap(hit->map, hit->map_len);
	memset(hit, 0, sizeof(*hit));
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(const char *dir)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		p[i] = i < n ? '/' : '\0';
	}
	return 0;
}

int pcache_put(const char *dir, const uint8_t key[SHA256_LEN], const uint8_t *data, size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	uint8_t hdr[PCACHE_HDR_LEN];
	int fd, r;

	if (len > PCACHE_MAX_DATA)
		return -E2BIG;
	r = entry_path(path, dir, key);
	if (r == 0)
		r = make_dirs(dir);
	if (r == 0 && snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		r = -ENAMETOOLONG;
	if (r < 0)
		return r;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	pcache_header(hdr, key, data, len);
	r = file_write_fd(fd, hdr, sizeof(hdr));
	if (r == 0)
		r = file_write_fd(fd, data, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static void store_key(struct pcache_store *s, const uint8_t *payload, size_t len)
{
	if (!s->have_key)
		pcache_key(payload, len, s->key);
	s->have_key = true;
}

static int store_get(const struct payload_store *ops, const uint8_t *payload, size_t len,
		     const uint8_t **elf, size_t *elf_len)
{
	struct pcache_store *s = ops->ctx;
	int r;

	store_key(s, payload, len);
	r = pcache_get(s->dir, s->key, &s->hit);
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

	store_key(s, payload, len);
	return pcache_put(s->dir, s->key, elf, elf_len);
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
