/* Why mpirun ended without the ranks' results, in a line that names the
 * rank or host: Open MPI says it in paragraphs on stderr (which the trial
 * keeps whole as its output); this picks out the sentence that matters.
 * The phrases are Open MPI 4's (orte/tools/orterun/help-orterun.txt,
 * orte/mca/errmgr); another MPI's fall through to mpirun's exit status. */
#define _GNU_SOURCE
#include "launch.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* The rank, PID and node of "process rank N with PID P on node H". */
static bool rank_on_node(const char *text, int *rank, char *node, size_t len)
{
	const char *at = strstr(text, "process rank ");
	char host[MPI_HOSTLEN];
	long pid;

	if (!at || sscanf(at, "process rank %d with PID %ld on node %63s", rank, &pid, host) != 3)
		return false;
	for (size_t n = strlen(host); n && (host[n - 1] == '.' || host[n - 1] == ','); n--)
		host[n - 1] = 0; /* the sentence's, not the name's */
	snprintf(node, len, "%s", host);
	return true;
}

/* The first line of `text` after `marker`, without leading blanks. */
static void line_after(const char *text, const char *marker, char *out, size_t len)
{
	const char *at = strstr(text, marker);

	*out = 0;
	if (!at)
		return;
	at += strlen(marker);
	at += strspn(at, " \t\n");
	snprintf(out, len, "%.*s", (int)strcspn(at, "\n"), at);
}

void mpi_explain(const struct mpi_progress *p, int status, const char *hosts, const char *hostfile,
		 char *out, size_t len)
{
	const char *text = p->err_tail;
	const char *mine = strstr(text, "conclab-mpi-rank: ");
	char node[MPI_HOSTLEN] = "", line[256];
	int rank = -1, sig = 0;

	if (mine) { /* the rank program's own words: its trial could not open */
		snprintf(out, len, "%.*s", (int)strcspn(mine + 18, "\n"), mine + 18);
		return;
	}
	if (rank_on_node(text, &rank, node, sizeof node)) {
		const char *s = strstr(text, "exited on signal ");

		if (s && sscanf(s, "exited on signal %d", &sig) == 1)
			snprintf(out, len, "rank %d on %s was killed by signal %d (%s); mpirun stopped "
				 "the others", rank, node, sig, strsignal(sig));
		else if (strstr(text, "exiting improperly") || strstr(text, "without calling"))
			snprintf(out, len, "rank %d on %s exited before it finished (without "
				 "MPI_Finalize); mpirun stopped the others", rank, node);
		else
			snprintf(out, len, "rank %d on %s failed; mpirun stopped the others", rank, node);
		return;
	}
	if (strstr(text, "unable to reliably start one or more daemons") ||
	    strstr(text, "daemon did not report back") || strstr(text, "ORTE daemon has unexpectedly failed")) {
		snprintf(out, len, "mpirun could not start its daemon on %s%s (its remote agent, "
			 "ssh unless plm_rsh_agent says otherwise, failed: is every host reachable "
			 "without a password?)", hosts ? "the hosts " : hostfile ? "the hosts of " : "a host",
			 hosts ? hosts : hostfile ? hostfile : "");
		return;
	}
	line_after(text, "Process name:", line, sizeof line);
	if (*line && sscanf(line, "[[%*d,%*d],%d]", &rank) == 1) {
		int code = -1;
		const char *c = strstr(text, "Exit code:");

		if (c)
			sscanf(c, "Exit code: %d", &code);
		snprintf(out, len, "rank %d exited with code %d; mpirun stopped the others", rank, code);
		return;
	}
	line_after(text, "--------------------------------------------------------------------------",
		   line, sizeof line);
	if (WIFSIGNALED(status))
		snprintf(out, len, "mpirun was killed by signal %d before the results%s%s",
			 WTERMSIG(status), *line ? ": " : "", line);
	else
		snprintf(out, len, "mpirun exited with code %d before the results%s%s",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1, *line ? ": " : "",
			 *line ? line : p->started ? "" : " (no rank started)");
}
