/* fields.c: entry states compared and rebuilt key by key through their dump text (vmm/state.c). */
#define _GNU_SOURCE
#include "vmm/fuzz/fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/state.h"

#define DUMP_MAX_KEYS 192

struct dump {
	char *text; /* state_print()'s output, cut into lines in place */
	unsigned n;
	const char *key[DUMP_MAX_KEYS], *val[DUMP_MAX_KEYS];
};

/* Print `st` and split each "KEY VALUE  # comment" line into key and value. */
static int dump_of(const struct entry_state *st, struct dump *d)
{
	size_t len = 0;
	FILE *f = open_memstream(&d->text, &len);
	char *save = NULL, *line;

	d->n = 0;
	if (!f)
		return errf(-ENOMEM, "out of memory");
	state_print(f, st);
	if (fclose(f) != 0 || !d->text)
		return errf(-ENOMEM, "out of memory");
	for (line = strtok_r(d->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *sp, *v;

		if (hash)
			*hash = '\0';
		sp = strchr(line, ' ');
		if (!sp || sp == line || d->n == DUMP_MAX_KEYS)
			continue;
		*sp = '\0';
		d->key[d->n] = line;
		v = strtok_r(sp + 1, " \t", &hash);
		d->val[d->n++] = v ? v : "";
	}
	return 0;
}

static const char *value_of(const struct dump *d, const char *key)
{
	for (unsigned i = 0; i < d->n; i++)
		if (!strcmp(d->key[i], key))
			return d->val[i];
	return NULL;
}

static int add_change(struct field_list *out, const char *key, const char *from, const char *to)
{
	struct field_change *c;

	if (out->n == FIELDS_MAX)
		return errf(-E2BIG, "fields: more than %d changed fields", FIELDS_MAX);
	c = &out->c[out->n++];
	snprintf(c->key, sizeof(c->key), "%s", key);
	snprintf(c->from, sizeof(c->from), "%s", from ? from : "-");
	snprintf(c->to, sizeof(c->to), "%s", to);
	return 0;
}

int fields_diff(const struct entry_state *valid, const struct entry_state *st,
		struct field_list *out)
{
	struct dump a = { 0 }, b = { 0 };
	int r = dump_of(valid, &a);

	out->n = 0;
	if (r == 0)
		r = dump_of(st, &b);
	for (unsigned i = 0; r == 0 && i < b.n; i++) {
		const char *from = value_of(&a, b.key[i]);

		if (!from || strcmp(from, b.val[i]))
			r = add_change(out, b.key[i], from, b.val[i]);
	}
	free(a.text);
	free(b.text);
	return r;
}

int fields_apply(const struct entry_state *base, const struct field_list *l, const bool *keep,
		 struct entry_state *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return errf(-ENOMEM, "out of memory");
	for (unsigned i = 0; i < l->n; i++)
		if (!keep || keep[i])
			fprintf(f, "%s %s\n", l->c[i].key, l->c[i].to);
	if (fclose(f) != 0 || !text)
		return errf(-ENOMEM, "out of memory");
	*out = *base;
	r = state_parse(text, len, out);
	free(text);
	return r;
}

void fields_print(FILE *f, const struct field_list *l, const bool *keep)
{
	unsigned n = 0;

	for (unsigned i = 0; i < l->n; i++)
		n += !keep || keep[i];
	fprintf(f, "%u field%s:", n, n == 1 ? "" : "s");
	for (unsigned i = 0, k = 0; i < l->n; i++)
		if (!keep || keep[i])
			fprintf(f, "%s %s %s->%s", k++ ? "," : "", l->c[i].key, l->c[i].from,
				l->c[i].to);
}
