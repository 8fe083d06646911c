/* page_words.h: is a 4 KiB page all zeroes, are two pages the same: a word at a time. Pure. */
#ifndef VMM_PAGE_WORDS_H
#define VMM_PAGE_WORDS_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_WORDS_BYTES 4096u /* the dirty log's granule (api.rst) */

/* The 4096 bytes at p are all zero. */
bool page_words_zero(const uint8_t *p);
/* The 4096 bytes at a equal those at b. */
bool page_words_same(const uint8_t *a, const uint8_t *b);

#endif
