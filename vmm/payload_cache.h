/* payload_cache.h: decompressed bzImage payloads kept on disk, keyed by the SHA-256 of the compressed bytes. */
#ifndef VMM_PAYLOAD_CACHE_H
#define VMM_PAYLOAD_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <limits.h>
#include <stdbool.h>

#include "lib/sha256.h"
#include "vmm/load.h"

/*
 * An entry is the file DIR/<64 hex digits of the key>: a 64-byte header
 * ("VMMPAYL1", the key, the data length and a 64-bit checksum of the data,
 * all little-endian) and the decompressed bytes. Writers write a temporary
 * file in DIR and rename() it into place, so readers see a whole entry or
 * none, and concurrent writers of one key leave one whole entry.
 */
#define PCACHE_HDR_LEN 64
#define PCACHE_MAX_DATA (1ULL << 30) /* no payload decompresses to more (vmm/main.c EXTRACT_MAX) */

/* Pure: the header for `data`, and the check of a whole entry in memory.
 * pcache_check() returns 0 and points *data into `entry`, or -EBADMSG
 * (wrong magic, key, length or checksum). */
void pcache_header(uint8_t hdr[PCACHE_HDR_LEN], const uint8_t key[SHA256_LEN],
		   const uint8_t *data, uint64_t len);
int pcache_check(const uint8_t *entry, size_t entry_len, const uint8_t key[SHA256_LEN],
		 const uint8_t **data, size_t *len);
uint64_t pcache_checksum(const uint8_t *data, uint64_t len);

/* Pure: the default cache directory from the environment's values (NULL where unset):
 * VMM_DIR/payload, else XDG/vmm/payload where XDG is absolute (the XDG base-directory
 * specification: a relative XDG_CACHE_HOME is invalid and ignored), else HOME/.cache/vmm/payload;
 * NULL if none applies or the path does not fit in `buf`. */
const char *pcache_default_dir(const char *vmm_dir, const char *xdg, const char *home,
			       char buf[PATH_MAX]);

/* The key of a compressed payload. */
void pcache_key(const uint8_t *payload, size_t len, uint8_t key[SHA256_LEN]);

/*
 * What the cache trusts. The directory is opened one component at a time from
 * / (or the working directory) without following symbolic links; it must be
 * owned by vmm's effective uid and not writable by group or others, and so
 * must every component pcache_put() had to create (mode 0700) or found made
 * by someone else in between. An entry is used only if it is a regular file
 * (not a link) owned by that uid and not writable by group or others, and
 * then only if its header, length and checksum match. Entries are read into
 * memory, never mapped: one that changes under vmm is damaged, not a SIGBUS.
 */
/* Open `dir` as above (with `create`, make what is missing): 0 and *dirfd;
 * -EPERM if the directory is not trusted, -ENOENT if it is missing, or
 * another -errno; err_msg() says which component and why. */
int pcache_dir_open(const char *dir, bool create, int *dirfd);

struct pcache_hit {
	const uint8_t *data;
	size_t len;
	void *buf; /* the whole entry, read into memory (file_buf_alloc()) */
	size_t buf_len;
};

/* Look `key` up in `dir`: 0 and the entry (release with pcache_release()),
 * -ENOENT if absent, -EBADMSG if the entry is damaged or changed while read
 * (pcache_put() replaces it), -EPERM if the directory or the entry is not
 * trusted, or another -errno. */
int pcache_get(const char *dir, const uint8_t key[SHA256_LEN], struct pcache_hit *hit);
void pcache_release(struct pcache_hit *hit);
/* Store `data` under `key` in `dir` (created with its parents, mode 0700).
 * Returns 0 or -errno (-EPERM: the directory is not trusted); a failure
 * leaves no partial entry. */
int pcache_put(const char *dir, const uint8_t key[SHA256_LEN], const uint8_t *data, size_t len);

/* A payload_store (vmm/load.h) over the directory `dir`. */
struct pcache_store {
	struct payload_store ops;
	char dir[PATH_MAX];
	uint8_t key[SHA256_LEN];
	bool have_key;
	struct pcache_hit hit;
	int refused; /* -EPERM once the directory was refused (and said so) */
};

/* A store whose directory is refused prints one line on stderr ("vmm:
 * payload cache not used: ...") the first time it is used, and then misses
 * and stores nothing: the run goes on as with --no-payload-cache.
 * Returns 0, or -ENAMETOOLONG if `dir` does not fit. */
int pcache_store_init(struct pcache_store *s, const char *dir);

#endif
