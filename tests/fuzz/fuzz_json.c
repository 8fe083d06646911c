/* fuzz_json.c: libFuzzer target: JSON strings written and read back (lib/json.c), as fuzz --jobs' parent reads its workers' lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "tests/fuzz/fuzz_util.h"

/* The longest value fed through a round trip. */
#define VALUE_MAX 512

/* `s` written by json_print_string() as the value of "k" in a one-line object; malloc'd. */
static char *object_of(const char *s)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		fuzz_fail("open_memstream");
	fputs("{\"\\\"k\":1,\"x\":\"k\",\"k\":", f);
	json_print_string(f, s);
	fputs("}", f);
	if (fclose(f) != 0)
		fuzz_fail("fclose");
	return line;
}

/* What a worker writes, its parent reads back: whole, or cut to the buffer without half a
 * UTF-8 sequence (print writes no \u escape above 0x7f, so cutting is at a byte here). */
static void check_round_trip(const char *s, size_t out_len)
{
	char *line = object_of(s), *out = malloc(out_len);
	const char *v = json_find_key(line, "k");
	size_t want = strlen(s) < out_len - 1 ? strlen(s) : out_len - 1;

	if (!out)
		fuzz_fail("malloc");
	if (!v || !json_read_string(v, out, out_len))
		fuzz_fail("json: a written string is not found or not read back");
	if (strlen(out) != want || memcmp(out, s, want))
		fuzz_fail("json: a string read back differs from the one written");
	free(out);
	free(line);
}

/* Any line at all: finding a key and reading a value never reads or writes out of bounds. */
static void check_any_line(const char *line, size_t out_len)
{
	static const char *const keys[] = { "outcome", "signature", "k", "" };
	char *out = malloc(out_len);

	if (!out)
		fuzz_fail("malloc");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = json_find_key(line, keys[i]);

		if (v && json_read_string(v, out, out_len) && strlen(out) >= out_len)
			fuzz_fail("json_read_string: wrote past its buffer");
	}
	free(out);
}

/* Input: a byte for the reader's buffer size (1..256), then the text (cut at a NUL). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t out_len, n;
	char *s;

	if (size < 1)
		return 0;
	out_len = (size_t)data[0] + 1;
	n = strnlen((const char *)data + 1, size - 1);
	n = n < VALUE_MAX ? n : VALUE_MAX;
	s = malloc(n + 1);
	if (!s)
		fuzz_fail("malloc");
	memcpy(s, data + 1, n);
	s[n] = '\0';
	check_round_trip(s, out_len);
	check_any_line(s, out_len);
	free(s);
	return 0;
}
