/* err.h: error recording for libraries: record one message, return a negative errno. */
#ifndef VMM_ERR_H
#define VMM_ERR_H

/*
 * errf() formats a one-line message describing the failure (area, field and
 * value), stores it in a thread-local buffer and returns `code` (a negative
 * errno) so callers can write `return errf(-EINVAL, "...")`. The message may quote
 * the one before it: errf(r, "while X: %s", err_msg()).
 * err_msg() returns the last recorded message ("" if none).
 */
int errf(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *err_msg(void);
void err_clear(void);

#endif
