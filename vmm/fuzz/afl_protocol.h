/* afl_protocol.h: AFL++'s fork-server protocol seen from the target (the 4-byte messages on fds 198/199), and reading one test case. */
#ifndef VMM_FUZZ_AFL_PROTOCOL_H
#define VMM_FUZZ_AFL_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

/* AFL++ include/config.h: FORKSRV_FD (fuzzer -> target), FORKSRV_FD + 1 (target -> fuzzer). */
#define AFL_CTL_FD 198
#define AFL_ST_FD 199
/* AFL++ include/types.h: the hello's option bits; the map size as (size - 1) << 1. */
#define AFL_OPT_ENABLED 0x80000001U
#define AFL_OPT_MAPSIZE 0x40000000U
#define AFL_OPT_SET_MAPSIZE(x) (((uint32_t)(x) - 1) << 1)
/* AFL++ include/config.h: SHM_ENV_VAR, the SysV shared-memory id of the coverage map. */
#define AFL_SHM_ENV "__AFL_SHM_ID"
/* vmm's own: set, `vmm fuzz --afl` logs each test case's outcome on stderr (vmm/fuzz/afl.c). */
#define AFL_LOG_ENV "VMM_AFL_LOG"
/* The largest test case read (AFL++'s MAX_FILE is 1 MiB; state files are a few KiB). */
#define AFL_MAX_INPUT (1U << 20)

/* True if the fork server's status descriptor is open (vmm runs under afl-fuzz/afl-showmap). */
int afl_forkserver_present(int st_fd);
/* The "hello" of the fork-server model AFL++ 4.04c to 4.3x all take: 4 bytes, the options
 * word announcing a map of `map_size` bytes (2..8 MiB). 0 or a negative errno. */
int afl_hello(int st_fd, uint32_t map_size);
/* Wait for the next request (4 bytes: whether the last run timed out). 1: a request, 0: the
 * fuzzer closed the pipe (the end), -EINTR: a signal came before any byte of a request (the
 * caller decides whether to wait on: a stop signal must end the wait, afl-fuzz sends one at its
 * end with AFL_KILL_SIGNAL and waits for vmm), other negative errno: a broken pipe or short
 * message. A signal in the middle of a request does not stop the read (the next bytes belong to
 * it). */
int afl_next_request(int ctl_fd, uint32_t *prev_timed_out);
/* Answer a request: the child pid, then after the run its wait status. */
int afl_send_u32(int st_fd, uint32_t v);
/*
 * One test case: the whole file `path`, or (path NULL) descriptor `fd` from offset 0 (afl-fuzz
 * rewrites .cur_input, our stdin, before each run) or, where fd cannot seek (a pipe), read to
 * its end. At most `max` bytes; a longer one is -EFBIG. Its length in *len, 0 or negative errno.
 */
int afl_read_input(const char *path, int fd, char *buf, size_t max, size_t *len);

#endif
