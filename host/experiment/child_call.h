/* Calling plugin code the host cannot yet trust (a library constructor, a
 * plugin's check) in a throw-away child process: a crash, a hang or an
 * exit() then takes down only the child, never the host. */
#ifndef CLH_CHILD_CALL_H
#define CLH_CHILD_CALL_H

#include <stddef.h>

enum cl_child_end {
	CL_CHILD_REPLIED,   /* fn returned; its reply is in the buffer        */
	CL_CHILD_TIMED_OUT, /* no reply within the time limit; killed         */
	CL_CHILD_CRASHED,   /* killed by a signal (in *detail) before replying */
	CL_CHILD_EXITED,    /* exited (code in *detail) before replying       */
	CL_CHILD_NO_START,  /* no pipe or fork: the reason is in the buffer   */
};

/* Fork; in the child (its own process group, stdout and stderr to
 * /dev/null) call fn(arg, reply, len) and send the reply it wrote (a
 * string, "" for none) back. The child and everything it started are
 * killed afterwards. */
enum cl_child_end cl_child_call(void (*fn)(void *arg, char *reply, size_t len), void *arg,
				int timeout_ms, char *reply, size_t len, int *detail);

#endif
