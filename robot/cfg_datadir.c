/* cfg_datadir: the directory the built-in defaults of rules_dir,
 * templates_dir and holidays_file are under; see cfg.h.
 *
 * The only file the Makefile compiles with ROBOT_DATADIR, so that a build
 * for another place (make install) recompiles this file alone: the source
 * tree for build/robot, $(PREFIX)/share/nes-robot for the installed one. */
#include "cfg.h"

#ifndef ROBOT_DATADIR
#error "ROBOT_DATADIR must be set (the Makefile does)"
#endif

const char *
cfg_datadir(void)
{
	return ROBOT_DATADIR;
}
