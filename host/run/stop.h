/* Private to the run: SIGINT and SIGTERM stop it cleanly. The handler writes
 * to a pipe the trial's wait polls, so a signal can never slip in between a
 * check of the flag and a long sleep. */
#ifndef CLH_RUN_STOP_H
#define CLH_RUN_STOP_H

/* Install (on) or remove (off) the handlers and the pipe. */
void clrun_catch_stops(int on);

/* The signal that asked the run to stop, or 0. */
int clrun_stop_signal(void);

/* The pipe's read end, readable once a stop was asked for; -1 if none. */
int clrun_stop_fd(void);

/* How many SIGINT or SIGTERM came from a process of the run's own (a
 * trial, where no pid namespace keeps it from naming the host) and were
 * ignored: the run is interrupted only when someone else asks. */
int clrun_stops_ignored(void);

#endif
