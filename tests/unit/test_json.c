/* test_json.c: JSON strings escaped on the way out and read back, keys found outside string values. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"

/* s as json_print_string() writes it (the caller frees). */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_print_string(f, s);
	fclose(f);
	return buf;
}

Test(json, quotes_backslashes_and_control_bytes_are_escaped)
{
	char *e = escaped("a\"b\\c\n\x01\x7f/é");

	cr_assert_str_eq(e, "\"a\\\"b\\\\c\\u000a\\u0001\\u007f/é\"");
	free(e);
}

Test(json, what_is_written_reads_back_the_same)
{
	const char *s = "path/with \"quotes\", \\back\\slashes\\ and\ttabs\r\n";
	char *e = escaped(s), out[128];

	cr_assert(json_read_string(e, out, sizeof(out)));
	cr_assert_str_eq(out, s);
	free(e);
}

Test(json, read_decodes_every_escape_and_cuts_to_the_buffer)
{
	char all[16], out[8];

	cr_assert(json_read_string("\"\\b\\f\\/\\u00e9\\u20ac\"", all, sizeof(all)));
	cr_assert_str_eq(all, "\b\f/\xc3\xa9\xe2\x82\xac");
	cr_assert(json_read_string("\"abcdefghij\"", out, sizeof(out)));
	cr_assert_str_eq(out, "abcdefg");
	cr_assert(json_read_string("\"abcdef\\u20ac\"", out, sizeof(out)));
	cr_assert_str_eq(out, "abcdef", "never half a UTF-8 sequence");
	cr_assert_not(json_read_string("\"open", out, sizeof(out)));
	cr_assert_not(json_read_string("\"bad \\x\"", out, sizeof(out)));
	cr_assert_not(json_read_string("\"bad \\u12\"", out, sizeof(out)));
	cr_assert_not(json_read_string("plain", out, sizeof(out)));
}

Test(json, keys_are_found_outside_string_values_only)
{
	const char *line = "{\"a\":\"x\\\"b\\\":1\",\"t\":\"\\\\\",\"b\":2}";
	const char *v = json_find_key(line, "b");

	cr_assert_not_null(v);
	cr_assert_str_eq(v, "2}");
	cr_assert_str_eq(json_find_key(line, "t"), "\"\\\\\",\"b\":2}");
	cr_assert_null(json_find_key(line, "x"));
	cr_assert_null(json_find_key("{\"a\":\"open \\\"b\\\":1", "b"));
}
