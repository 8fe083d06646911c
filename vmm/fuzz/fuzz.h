/* fuzz.h: `vmm fuzz`: many mutated entry states in one VM, reset between runs, classified. */
#ifndef VMM_FUZZ_H
#define VMM_FUZZ_H

#include "vmm/config.h"
#include "vmm/timing.h"

/* Run the fuzz mode described by cfg->fuzz: JSON lines on stdout, the
 * summary on stderr, repro files in cfg->fuzz.out_dir. Returns a VMM_EXIT_*. */
int fuzz_main(const struct config *cfg, struct timing *timeline);

/* --mutator-image FILE (image_save.c): load the image, write FILE, no runs. A VMM_EXIT_*. */
int fuzz_save_mutator_image(const struct config *cfg, struct timing *timeline);

#endif
