/* trace_json.c: Chrome trace-event JSON to a FILE*, with JSON string escaping and UTF-8 repair. */
#include "vmm/profile/trace_json.h"

#include <errno.h>
#include <inttypes.h>

#include "mmu/err.h"

static int trace_status(struct trace_json *t)
{
	if (ferror(t->f))
		return errf(-EIO, "trace: writing the trace file failed after %" PRIu64 " events",
			    t->events);
	return 0;
}

/* The length of the valid UTF-8 sequence at s (RFC 3629 §4), or 0. */
static unsigned utf8_len(const unsigned char *s)
{
	unsigned n, lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (unsigned i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return n;
}

static void put_char(FILE *f, unsigned char c)
{
	static const char esc[] = { ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
				    ['\r'] = 'r', ['\t'] = 't' };

	if (c == '"' || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c < sizeof(esc) && esc[c])
		fprintf(f, "\\%c", esc[c]);
	else if (c < 0x20)
		fprintf(f, "\\u%04x", c);
	else
		fputc(c, f);
}

/* A JSON string literal; NULL writes "". */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	while (*p) {
		unsigned n = *p < 0x80 ? 1 : utf8_len(p);

		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
		} else if (n == 1) {
			put_char(f, *p++);
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
	fputc('"', f);
}

/* Nanoseconds as microseconds with three decimals. */
static void put_us(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned)(ns % 1000));
}

/* The fields every event has: name, ph, pid, tid; the caller closes it. */
static void put_head(struct trace_json *t, const char *name, const char *ph,
		     unsigned pid, unsigned tid)
{
	fputs(t->events++ ? ",\n{\"name\":" : "\n{\"name\":", t->f);
	put_string(t->f, name);
	fprintf(t->f, ",\"ph\":\"%s\",\"pid\":%u,\"tid\":%u", ph, pid, tid);
}

static void put_cat(struct trace_json *t, const char *cat)
{
	if (!cat)
		return;
	fputs(",\"cat\":", t->f);
	put_string(t->f, cat);
}

int trace_json_begin(struct trace_json *t, FILE *f)
{
	*t = (struct trace_json){ .f = f };
	fputs("{\"traceEvents\":[", f);
	return trace_status(t);
}

int trace_json_slice(struct trace_json *t, const char *name, const char *cat,
		     unsigned pid, unsigned tid, uint64_t ts_ns, uint64_t dur_ns)
{
	put_head(t, name, "X", pid, tid);
	put_cat(t, cat);
	put_us(t->f, "ts", ts_ns);
	put_us(t->f, "dur", dur_ns);
	fputc('}', t->f);
	return trace_status(t);
}

int trace_json_instant(struct trace_json *t, const char *name, const char *cat,
		       unsigned pid, unsigned tid, uint64_t ts_ns)
{
	put_head(t, name, "i", pid, tid);
	put_cat(t, cat);
	put_us(t->f, "ts", ts_ns);
	fputs(",\"s\":\"t\"}", t->f);
	return trace_status(t);
}

int trace_json_counter(struct trace_json *t, const char *name, unsigned pid, uint64_t ts_ns,
		       const char *const *series, const int64_t *values, size_t n)
{
	put_head(t, name, "C", pid, 0);
	put_us(t->f, "ts", ts_ns);
	fputs(",\"args\":{", t->f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', t->f);
		put_string(t->f, series[i]);
		fprintf(t->f, ":%" PRId64, values[i]);
	}
	fputs("}}", t->f);
	return trace_status(t);
}

static int trace_meta(struct trace_json *t, const char *what, unsigned pid,
		      unsigned tid, const char *name)
{
	put_head(t, what, "M", pid, tid);
	fputs(",\"args\":{\"name\":", t->f);
	put_string(t->f, name);
	fputs("}}", t->f);
	return trace_status(t);
}

int trace_json_process_name(struct trace_json *t, unsigned pid, const char *name)
{
	return trace_meta(t, "process_name", pid, 0, name);
}

int trace_json_thread_name(struct trace_json *t, unsigned pid, unsigned tid, const char *name)
{
	return trace_meta(t, "thread_name", pid, tid, name);
}

int trace_json_end(struct trace_json *t)
{
	fputs("\n],\"displayTimeUnit\":\"ms\"}\n", t->f);
	if (fflush(t->f) != 0)
		return errf(-EIO, "trace: flushing the trace file failed");
	return trace_status(t);
}
