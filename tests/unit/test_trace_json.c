/* test_trace_json.c: the trace-event JSON's exact text, its escaping and UTF-8 repair, and that it parses back. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/trace_json.h"

static struct trace_json t;
static FILE *mem;
static char *text;
static size_t len;

static void setup(void)
{
	err_clear();
	text = NULL;
	mem = open_memstream(&text, &len);
	cr_assert_not_null(mem);
	cr_assert_eq(trace_json_begin(&t, mem), 0);
}

static void teardown(void)
{
	if (mem)
		fclose(mem);
	free(text);
}

TestSuite(trace_json, .init = setup, .fini = teardown);

static const char *finish(void)
{
	cr_assert_eq(trace_json_end(&t), 0, "%s", err_msg());
	fclose(mem);
	mem = NULL;
	return text;
}

/* ---- A small strict JSON checker (RFC 8259): true if s is one value. */

static bool js_value(const char **s, int depth);

static void js_ws(const char **s)
{
	while (**s == ' ' || **s == '\n' || **s == '\t' || **s == '\r')
		(*s)++;
}

static bool js_string(const char **s)
{
	if (*(*s)++ != '"')
		return false;
	for (;;) {
		unsigned char c = (unsigned char)*(*s)++;

		if (c == '"')
			return true;
		if (c < 0x20)
			return false; /* raw control bytes, or the end */
		if (c != '\\')
			continue;
		c = (unsigned char)*(*s)++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++)
				if (!strchr("0123456789abcdefABCDEF", **s) || !*(*s)++)
					return false;
		} else if (!c || !strchr("\"\\/bfnrt", c)) {
			return false;
		}
	}
}

static bool js_number(const char **s)
{
	const char *start = *s;

	if (**s == '-')
		(*s)++;
	if (**s < '0' || **s > '9')
		return false;
	if (**s == '0')
		(*s)++;
	while (**s >= '0' && **s <= '9')
		(*s)++;
	if (**s == '.') {
		(*s)++;
		if (**s < '0' || **s > '9')
			return false;
		while (**s >= '0' && **s <= '9')
			(*s)++;
	}
	return *s > start;
}

static bool js_list(const char **s, char close, bool members, int depth)
{
	js_ws(s);
	if (**s == close) {
		(*s)++;
		return true;
	}
	for (;;) {
		js_ws(s);
		if (members) {
			if (!js_string(s))
				return false;
			js_ws(s);
			if (*(*s)++ != ':')
				return false;
		}
		if (!js_value(s, depth + 1))
			return false;
		js_ws(s);
		if (**s == close) {
			(*s)++;
			return true;
		}
		if (*(*s)++ != ',')
			return false;
	}
}

static bool js_value(const char **s, int depth)
{
	js_ws(s);
	if (depth > 32)
		return false;
	if (**s == '{' || **s == '[') {
		char open = *(*s)++;

		return js_list(s, open == '{' ? '}' : ']', open == '{', depth);
	}
	if (**s == '"')
		return js_string(s);
	for (const char *const *w = (const char *const[]){ "true", "false", "null", NULL }; *w; w++) {
		if (!strncmp(*s, *w, strlen(*w))) {
			*s += strlen(*w);
			return true;
		}
	}
	return js_number(s);
}

static bool json_ok(const char *s)
{
	if (!js_value(&s, 0))
		return false;
	js_ws(&s);
	return *s == '\0';
}

Test(trace_json, checker_rejects_broken_json)
{
	cr_assert(json_ok("{\"a\":[1,2.5,\"x\\\"y\"],\"b\":{}}"));
	cr_assert_not(json_ok("{\"a\":\"x\"y\"}"), "an unescaped quote");
	cr_assert_not(json_ok("{\"a\":\"x\ny\"}"), "a raw newline");
	cr_assert_not(json_ok("{\"a\":1,}"));
	cr_assert_not(json_ok("{\"a\":1"));
	cr_assert_not(json_ok("[1.]"));
}

Test(trace_json, empty_trace)
{
	cr_assert_str_eq(finish(), "{\"traceEvents\":[\n],\"displayTimeUnit\":\"ms\"}\n");
	cr_assert(json_ok(text));
}

Test(trace_json, slice_text)
{
	cr_assert_eq(trace_json_slice(&t, "start_kernel", "guest", 1, 2, 1234567, 89), 0);
	cr_assert_eq(t.events, 1);
	cr_assert_str_eq(finish(),
			 "{\"traceEvents\":[\n"
			 "{\"name\":\"start_kernel\",\"ph\":\"X\",\"pid\":1,\"tid\":2,\"cat\":\"guest\","
			 "\"ts\":1234.567,\"dur\":0.089}\n"
			 "],\"displayTimeUnit\":\"ms\"}\n");
	cr_assert(json_ok(text));
}

Test(trace_json, every_kind_parses)
{
	const char *series[] = { "io", "mmio", "hlt" };
	const int64_t values[] = { 12, 0, -3 };

	cr_assert_eq(trace_json_process_name(&t, 1, "vmm"), 0);
	cr_assert_eq(trace_json_thread_name(&t, 1, 3, "vCPU 0"), 0);
	cr_assert_eq(trace_json_slice(&t, "load", NULL, 1, 1, 0, 5000000), 0);
	cr_assert_eq(trace_json_instant(&t, "Run /init", "console", 1, 3, 999999999), 0);
	cr_assert_eq(trace_json_counter(&t, "exits", 1, 1000, series, values, 3), 0);
	cr_assert_eq(trace_json_counter(&t, "none", 1, 1000, NULL, NULL, 0), 0);
	finish();
	cr_assert(json_ok(text), "%s", text);
	cr_assert_not_null(strstr(text, "\"ph\":\"M\",\"pid\":1,\"tid\":3,\"args\":{\"name\":\"vCPU 0\"}"));
	cr_assert_not_null(strstr(text, "\"ph\":\"C\",\"pid\":1,\"tid\":0,\"ts\":1.000,\"args\":{\"io\":12,\"mmio\":0,\"hlt\":-3}}"));
	cr_assert_not_null(strstr(text, "\"ts\":999999.999,\"s\":\"t\"}"));
	cr_assert_not_null(strstr(text, "\"name\":\"load\",\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0.000,\"dur\":5000.000}"),
			   "no cat when NULL");
	cr_assert_eq(t.events, 6);
}

Test(trace_json, strings_escaped)
{
	trace_json_instant(&t, "say \"hi\"\\ \n\t\r\b\f\x01\x1f\x7f", NULL, 0, 0, 0);
	finish();
	cr_assert(json_ok(text), "%s", text);
	cr_assert_not_null(strstr(text, "\"say \\\"hi\\\"\\\\ \\n\\t\\r\\b\\f\\u0001\\u001f\x7f\""), "%s", text);
}

Test(trace_json, utf8_kept_and_bad_bytes_replaced)
{
	trace_json_instant(&t, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL, 0, 0, 0);
	trace_json_instant(&t, "bad \xff \xc3 \xe0\x80\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf end\xc3", NULL, 0, 0, 0);
	finish();
	cr_assert(json_ok(text), "%s", text);
	cr_assert_not_null(strstr(text, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""), "valid UTF-8 passes through");
	cr_assert_not_null(strstr(text, "\"bad \\ufffd \\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd "
					"\\ufffd\\ufffd\\ufffd\\ufffd \\ufffd\\ufffd end\\ufffd\""), "%s", text);
}

Test(trace_json, write_failure_is_eio)
{
	FILE *ro = fopen("/dev/null", "r");
	struct trace_json bad;

	cr_assert_not_null(ro);
	trace_json_begin(&bad, ro);
	cr_assert_eq(trace_json_slice(&bad, "x", NULL, 0, 0, 0, 0), -EIO);
	cr_assert_not_null(strstr(err_msg(), "trace file"), "%s", err_msg());
	fclose(ro);
}
