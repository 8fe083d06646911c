/* findings.h: the --out directory and what goes there: SIG.state and SIG.replay per new signature, states/N.state with --save-states. */
#ifndef VMM_FUZZ_FINDINGS_H
#define VMM_FUZZ_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/config.h"
#include "vmm/fuzz/outcome.h"
#include "vmm/state.h"

/* A replay's --timeout is the run limit plus this: a fresh process also loads the kernel, and
 * runs the state slower than a campaign's warm one (README "Feedback, corpus and
 * minimization"). --minimize gives a state that ended by itself the same limit. */
#define REPLAY_SLACK_MS 1000

/* Make --out DIR (and DIR/states with --save-states) if missing and open them, before
 * any sandbox: the workers' filter lets them create files only there. 0 or -errno
 * with err_msg() set. */
int findings_open_dirs(const struct config *cfg);
/* In each worker, before its sandbox: seed its temporary names. */
void findings_init_worker(void);
/* The descriptor of DIR (or DIR/states); -1 if not open. */
int findings_dir(bool states);
/* NAME (ends in ".state") in DIR, or in DIR/states: the state with a header saying where it
 * comes from and how its replay ends, and NAME's .replay beside it. In DIR the first writer
 * wins (-EEXIST, no replay written, if NAME is there); in DIR/states the last. 0 or -errno. */
int findings_write(const struct config *cfg, bool states, const char *name,
		   const struct entry_state *st, uint64_t index, const struct fuzz_outcome *o);

/* NAME (ends in ".state") in the directory open as `dir` (DIRPATH, for the replay command): a
 * header saying where the state comes from and how its replay ends, then the state, and NAME's
 * .replay beside it; what a sandboxed worker can do (--guided's corpus, minimized repros).
 * first_wins: -EEXIST, and no replay written, if NAME is there already. 0 or -errno. */
int findings_write_at(const struct config *cfg, int dir, const char *dirpath, const char *name,
		      const struct entry_state *st, uint64_t index, const struct fuzz_outcome *o,
		      bool first_wins);

/* The same at any PATH (its directory opened here: not for a sandboxed worker), for
 * --minimize's result. */
int findings_write_path(const struct config *cfg, const char *path, const struct entry_state *st,
			uint64_t index, const struct fuzz_outcome *o, bool first_wins);

#endif
