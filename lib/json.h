/* json.h: JSON string values written escaped (RFC 8259 §7) and read back from one-line objects. */
#ifndef VMM_JSON_H
#define VMM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Write `s` as a JSON string with its quotes: '"' and '\' get a backslash,
 * bytes below 0x20 and 0x7f become \u00XX; other bytes pass unchanged. */
void json_print_string(FILE *f, const char *s);
/* The value of `key` in the one-line JSON object `line`: a pointer just past
 * `"key":`, found outside every string value; NULL if the key is not there. */
const char *json_find_key(const char *line, const char *key);
/* Decode the JSON string that starts at `p` (its opening quote) into `out`
 * (NUL-terminated, cut to `len` - 1 bytes); false if `p` is not a whole
 * string. \uXXXX is written as UTF-8 (a surrogate as '?'). */
bool json_read_string(const char *p, char *out, size_t len);

#endif
