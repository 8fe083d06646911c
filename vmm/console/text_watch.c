/* text_watch.c: streaming Knuth-Morris-Pratt matcher for the --timing-marker text. */
#include "vmm/console/text_watch.h"

#include <string.h>

void text_watch_init(struct text_watch *w, const char *text)
{
	size_t n = strlen(text);

	memset(w, 0, sizeof(*w));
	w->len = (unsigned)(n > TEXT_WATCH_MAX ? TEXT_WATCH_MAX : n);
	memcpy(w->text, text, w->len);
	/* border[i]: length of the longest proper border of text[0..i]. */
	for (unsigned i = 1, k = 0; i < w->len; i++) {
		while (k && w->text[i] != w->text[k])
			k = w->border[k - 1];
		if (w->text[i] == w->text[k])
			k++;
		w->border[i] = (uint16_t)k;
	}
}

bool text_watch_feed(struct text_watch *w, uint8_t c)
{
	if (!w->len)
		return false;
	while (w->matched && c != w->text[w->matched])
		w->matched = w->border[w->matched - 1];
	if (c == w->text[w->matched])
		w->matched++;
	if (w->matched < w->len)
		return false;
	w->matched = w->border[w->len - 1];
	return true;
}
