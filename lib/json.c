/* json.c: JSON string values written escaped (RFC 8259 §7) and read back from one-line objects. */
#include "lib/json.h"

#include <stdint.h>
#include <string.h>

void json_print_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

/* Past the string that starts at `p` (its opening quote); NULL if it does not end. */
static const char *skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && !*++p)
			return NULL;
	return *p ? p + 1 : NULL;
}

const char *json_find_key(const char *line, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = line; p && *p;) {
		const char *end;

		if (*p != '"') {
			p++;
			continue;
		}
		end = skip_string(p);
		if (end && *end == ':' && (size_t)(end - p) == n + 2 && !strncmp(p + 1, key, n))
			return end + 1;
		p = end;
	}
	return NULL;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;

		if (d == 16)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* Code point `v` as UTF-8 into b; its length. */
static size_t utf8(unsigned v, char b[3])
{
	if (v >= 0xd800 && v <= 0xdfff)
		v = '?';
	if (v < 0x80) {
		b[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		b[0] = (char)(0xc0 | v >> 6);
		b[1] = (char)(0x80 | (v & 0x3f));
		return 2;
	}
	b[0] = (char)(0xe0 | v >> 12);
	b[1] = (char)(0x80 | (v >> 6 & 0x3f));
	b[2] = (char)(0x80 | (v & 0x3f));
	return 3;
}

/* The escape after the backslash at *p into b; its length (0: malformed). */
static size_t unescape(const char **p, char b[3])
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(from, **p);
	unsigned v;

	if (**p && e) {
		b[0] = to[e - from];
		(*p)++;
		return 1;
	}
	if (**p != 'u' || hex4(*p + 1, &v) < 0)
		return 0;
	*p += 5;
	return utf8(v, b);
}

bool json_read_string(const char *p, char *out, size_t len)
{
	size_t used = 0;
	bool full = false;

	if (!p || *p++ != '"' || !len)
		return false;
	while (*p && *p != '"') {
		char b[3] = { *p };
		size_t n = 1;

		if (*p++ == '\\' && !(n = unescape(&p, b)))
			return false;
		full = full || used + n >= len; /* never half a UTF-8 sequence */
		for (size_t i = 0; i < n && !full; i++)
			out[used++] = b[i];
	}
	out[used] = '\0';
	return *p == '"';
}
