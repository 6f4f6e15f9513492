/* The results as CSV: one row per trial, RFC 4180 quoting. */
#include "results.h"
#include "atomic_file.h"
#include "printable.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* A text field, RFC 4180 quoted, that a spreadsheet shows as text and never
 * runs: one that starts with = + - @, tab or CR would be read as a formula
 * (CSV injection: a plugin's message is enough), so it gets a leading '
 * inside the quotes, as OWASP advises. Line breaks and tabs become spaces,
 * other control characters '?' (cl_printable). Numbers never come here:
 * conclab writes them itself, and -5 stays a number. */
static void csv_text(FILE *f, const char *s)
{
	char *shown = cl_printable_str(cl_xstrdup(s ? s : ""), true);

	fputc('"', f);
	if (s && *s && strchr("=+-@\t\r", *s))
		fputc('\'', f);
	for (const char *p = shown; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p == '\n' || *p == '\t' ? ' ' : *p, f);
	}
	fputc('"', f);
	free(shown);
}

int cl_results_write_csv(const char *path, const struct cl_results *r, char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f = cl_file_begin(path, tmp, sizeof tmp, err, errlen);

	if (!f)
		return -1;
	fprintf(f, "experiment,cell,strategy,sync,tasks,trial,warmup,status,wall_ns,user_ns,sys_ns,"
		"cores,max_rss_kb,vcsw,ivcsw,tasks_done,lat_p50_ns,lat_p90_ns,lat_p99_ns,lat_max_ns,"
		"start_skew_ns,counter_expected,counter_actual,counter_lost,checksum_ok,left_behind,"
		"rss_sum_kb,pss_sum_kb,resp_p50_ns,resp_p90_ns,resp_p99_ns,resp_max_ns,steal_pct,interfered,seq,"
		"message,window_ns,ops,ops_per_s,jain,server_cpu_ns,server_busy,server_rss_kb\n");
	for (size_t c = 0; c < r->ncells; c++) {
		const struct cl_results_cell *cell = &r->cells[c];

		for (size_t i = 0; i < cell->ntrials; i++) {
			const struct cl_trial_result *t = &cell->trials[i];

			csv_text(f, r->name);
			fputc(',', f);
			csv_text(f, cell->label);
			fputc(',', f);
			csv_text(f, cell->strategy);
			fputc(',', f);
			csv_text(f, cell->sync);
			fprintf(f, ",%lld,%zu,%d,%s,%lld,%lld,%lld,%.4f,%ld,%ld,%ld,%lld,%lld,%lld,"
				"%lld,%lld,%lld,%llu,%llu,%lld,%d,%lld,",
				(long long)json_integer_value(json_object_get(cell->params, "tasks")), i + 1,
				t->warmup, cl_status_name(t->status), (long long)t->wall_ns,
				(long long)t->user_ns, (long long)t->sys_ns, t->cores, t->max_rss_kb, t->vcsw,
				t->ivcsw, (long long)t->tasks_done, (long long)t->lat_p50_ns,
				(long long)t->lat_p90_ns, (long long)t->lat_p99_ns,
				(long long)t->lat_max_ns, (long long)t->start_skew_ns,
				(unsigned long long)t->counter_expected,
				(unsigned long long)t->counter_actual, (long long)t->counter_lost,
				t->checksum_ok, (long long)t->left_behind);
			fprintf(f, "%lld,%lld,%lld,%lld,%lld,%lld,%.2f,%d,%lld,", (long long)t->rss_sum_kb,
				(long long)t->pss_sum_kb,
				(long long)t->resp_p50_ns, (long long)t->resp_p90_ns,
				(long long)t->resp_p99_ns, (long long)t->resp_max_ns, t->steal_pct,
				t->interfered, (long long)t->seq);
			csv_text(f, t->status == CL_STATUS_OK ? "" : t->message);
			/* appended after message in conclab 0.4: a timed step's figures,
			 * empty for other cells */
			if (t->timed)
				fprintf(f, ",%lld,%llu,%.1f,%.6f", (long long)t->window_ns,
					(unsigned long long)t->ops, t->ops_per_s, t->jain);
			else
				fprintf(f, ",,,,");
			/* appended in conclab 0.6: the loopback server's share */
			if (t->has_server)
				fprintf(f, ",%lld,%.4f,%ld\n", (long long)t->server_cpu_ns, t->server_busy,
					t->server_rss_kb);
			else
				fprintf(f, ",,,\n");
		}
	}
	return cl_file_commit(f, tmp, path, err, errlen);
}
