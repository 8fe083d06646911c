/* trace_json.h: a Chrome trace-event JSON writer (Perfetto, chrome://tracing): slices, counters, instants, names. */
#ifndef VMM_PROFILE_TRACE_JSON_H
#define VMM_PROFILE_TRACE_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The Trace Event Format's JSON object form: {"traceEvents":[...]}.
 * Times are given in nanoseconds and written in microseconds with three
 * decimals ("ts":1234.567), as the format wants µs. Every text is escaped
 * (quotes, backslashes, control bytes) and bytes that are not UTF-8 become
 * U+FFFD, so a guest's console line cannot break the file.
 * Each call returns 0, or -EIO (with a message) once the stream has failed.
 */
struct trace_json {
	FILE *f;
	uint64_t events; /* written so far */
};

/* Open the object and its event array on `f` (not owned). */
int trace_json_begin(struct trace_json *t, FILE *f);
/* A complete slice: "ph":"X" from ts_ns, lasting dur_ns. `cat` may be NULL. */
int trace_json_slice(struct trace_json *t, const char *name, const char *cat,
		     unsigned pid, unsigned tid, uint64_t ts_ns, uint64_t dur_ns);
/* A thread-scoped instant event: "ph":"i", "s":"t". `cat` may be NULL. */
int trace_json_instant(struct trace_json *t, const char *name, const char *cat,
		       unsigned pid, unsigned tid, uint64_t ts_ns);
/* A counter sample: "ph":"C", args {series[i]: values[i]} for i < n. */
int trace_json_counter(struct trace_json *t, const char *name, unsigned pid, uint64_t ts_ns,
		       const char *const *series, const int64_t *values, size_t n);
/* Metadata: a process's or a thread's display name ("ph":"M"). */
int trace_json_process_name(struct trace_json *t, unsigned pid, const char *name);
int trace_json_thread_name(struct trace_json *t, unsigned pid, unsigned tid, const char *name);
/* Close the array and the object and flush; the file is complete. */
int trace_json_end(struct trace_json *t);

#endif
