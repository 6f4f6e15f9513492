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
 * /dev/null) call fn(arg, reply, len), which returns how many bytes of
 * reply it wrote (at most len), and send them back; *got says how many
 * came (the host reads exactly those: a process the plugin left holding
 * the pipe cannot make it wait). The child and everything it started,
 * daemons included, are killed afterwards. */
enum cl_child_end cl_child_call(size_t (*fn)(void *arg, char *reply, size_t len), void *arg,
				int timeout_ms, char *reply, size_t len, size_t *got, int *detail);

/* Kill and reap every child this process has: the ones plugin code left
 * (the caller is a child subreaper, so orphans are re-parented to it),
 * each with its own process group. How many there were. */
size_t cl_reap_strays(void);

#endif
