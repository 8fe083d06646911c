/* fuzz_console_watch.c: libFuzzer target: the console matchers (--timing-marker's text, the panic banner) against a plain search. */
#include <string.h>

#include "tests/fuzz/fuzz_util.h"
#include "vmm/console/panic_watch.h"
#include "vmm/console/text_watch.h"

/* Whether the `len` bytes of `stream` ending at `end` (inclusive) are `text`. */
static bool ends_here(const uint8_t *stream, size_t end, const uint8_t *text, size_t len)
{
	return end + 1 >= len && !memcmp(stream + end + 1 - len, text, len);
}

/* text_watch_feed() says true exactly after the bytes that end an occurrence (overlaps too). */
static void check_text_watch(const uint8_t *text, size_t len, const uint8_t *stream, size_t n)
{
	char word[TEXT_WATCH_MAX + 1];
	struct text_watch w;

	memcpy(word, text, len);
	word[len] = '\0';
	text_watch_init(&w, word);
	for (size_t i = 0; i < n; i++)
		if (text_watch_feed(&w, stream[i]) != ends_here(stream, i, text, len))
			fuzz_fail("text_watch: disagrees with a plain search");
}

/* panic_watch_feed() sets `seen` from the byte that ends the banner's first occurrence on. */
static void check_panic_watch(const uint8_t *stream, size_t n)
{
	static const uint8_t banner[] = PANIC_WATCH_TEXT;
	struct panic_watch p = { 0 };
	bool seen = false;

	for (size_t i = 0; i < n; i++) {
		panic_watch_feed(&p, stream[i]);
		seen = seen || ends_here(stream, i, banner, sizeof(banner) - 1);
		if (p.seen != seen)
			fuzz_fail("panic_watch: disagrees with a plain search");
	}
}

/* Input: a length byte (the text: 1..TEXT_WATCH_MAX bytes, no NUL), the text, then the stream. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;

	if (size < 1)
		return 0;
	len = (size_t)data[0] % TEXT_WATCH_MAX + 1;
	if (size - 1 < len || memchr(data + 1, 0, len))
		return 0;
	check_text_watch(data + 1, len, data + 1 + len, size - 1 - len);
	check_panic_watch(data + 1, size - 1);
	return 0;
}
