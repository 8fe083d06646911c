/* text_watch.h: spots a fixed text (any bytes, up to 256) in a byte stream, in constant memory. */
#ifndef VMM_TEXT_WATCH_H
#define VMM_TEXT_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#define TEXT_WATCH_MAX 256

struct text_watch {
	uint8_t text[TEXT_WATCH_MAX];
	uint16_t border[TEXT_WATCH_MAX]; /* Knuth-Morris-Pratt failure function */
	unsigned len, matched;
};

/* Watch for `text` (1..TEXT_WATCH_MAX bytes; longer texts are cut). */
void text_watch_init(struct text_watch *w, const char *text);
/* Feed one byte; true when it completes an occurrence (overlaps count). */
bool text_watch_feed(struct text_watch *w, uint8_t c);

#endif
