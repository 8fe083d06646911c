/* panic_watch.c: constant-memory matcher of the kernel's panic banner in a byte stream. */
#include "vmm/console/panic_watch.h"

void panic_watch_feed(struct panic_watch *w, uint8_t c)
{
	static const char text[] = PANIC_WATCH_TEXT;

	/* The text has no proper prefix that is also a suffix, so a mismatch
	 * can only restart the match at its first byte. */
	if (c == (uint8_t)text[w->matched])
		w->matched++;
	else
		w->matched = c == (uint8_t)text[0];
	if (w->matched == sizeof(text) - 1) {
		w->seen = true;
		w->matched = 0;
	}
}
