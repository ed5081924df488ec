/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The interactive front end: what main() calls when -b is not given.
 */
#ifndef RI_TUI_H
#define RI_TUI_H

#include "cli.h"
#include "session.h"

/*
 * Runs the interactive monitor until quit; returns the exit code. Opens
 * the @n sessions (one per --remote host when it is repeated, else one)
 * once the terminal is set up; the caller closes them.
 */
int ri_tui_run(const struct ri_opts *o, struct ri_session **s, size_t n);

#endif /* RI_TUI_H */
