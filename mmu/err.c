/* err.c: thread-local last-error message for library code (only main prints it). */
#include "mmu/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char err_buf[512];

/* The message goes through a copy, so that it may quote the one before it (err_msg()):
 * vsnprintf() into the buffer it reads from is undefined (C11 7.21.6.12). */
int errf(int code, const char *fmt, ...)
{
	char msg[sizeof(err_buf)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(err_buf, msg, sizeof(err_buf));
	return code;
}

const char *err_msg(void)
{
	return err_buf;
}

void err_clear(void)
{
	err_buf[0] = '\0';
}
