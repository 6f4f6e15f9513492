/* A config's plugins (`strategies`, `syncs`) and their parameters
 * (`params`): declared parameters, placement, a remote strategy's hosts. */
#define _GNU_SOURCE
#include "config_internal.h"
#include "placement.h"
#include "topology.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_defaults(struct cl_plugin_use *u)
{
	for (size_t i = 0; i < u->plugin->nparams; i++)
		u->params[i] = cl_param_is_text(u->plugin->desc->params[i].type) ? (int64_t)(intptr_t)""
									 : u->plugin->desc->params[i].def;
}

/* The declared parameter `name` of u's plugin, or -1. */
static ssize_t declared(const struct cl_plugin_use *u, const char *name)
{
	for (size_t k = 0; k < u->plugin->nparams; k++)
		if (!strcmp(u->plugin->desc->params[k].name, name))
			return (ssize_t)k;
	return -1;
}

/* Keep `text` as the value of text parameter k. */
static void set_text(struct cl_plugin_use *u, size_t k, const char *text)
{
	free(u->texts[k]);
	u->texts[k] = cl_xstrdup(text);
	u->params[k] = (int64_t)(intptr_t)u->texts[k];
}

/* A config's path: from the config's own folder when it is relative. */
static void beside_config(const struct cfg_ctx *c, const char *text, char *path, size_t len)
{
	const char *slash = strrchr(c->path, '/');

	if (text[0] != '/' && slash)
		snprintf(path, len, "%.*s/%s", (int)(slash - c->path), c->path, text);
	else
		snprintf(path, len, "%s", text);
}

/* `text` as a file the host can read: beside the config when relative, a
 * regular file, its absolute path at most `max` characters. Malloc'ed; NULL
 * after cfg_fail naming it as `noun`. */
static char *readable_file(struct cfg_ctx *c, const config_setting_t *s, const char *what,
			   const char *noun, const char *text, long long max)
{
	char path[4096];
	struct stat st;

	beside_config(c, text, path, sizeof path);
	if (access(path, R_OK) || stat(path, &st))
		return cfg_fail(c, s, what, "cannot read the %s %s: %s", noun, path, strerror(errno)), NULL;
	if (!S_ISREG(st.st_mode))
		return cfg_fail(c, s, what, "the %s %s is not a file", noun, path), NULL;
	char *real = realpath(path, NULL);

	if (!real || (long long)strlen(real) > max) {
		free(real);
		return cfg_fail(c, s, what, "cannot resolve the %s %s (or its path is over %lld characters)",
				noun, path, max), NULL;
	}
	return real;
}

/* A parameter of text (CL_PARAM_TEXT, CL_PARAM_PATH): one string, never
 * swept; a path a readable regular file, kept as its absolute path. */
static int read_text(struct cfg_ctx *c, const config_setting_t *s, struct cl_plugin_use *u, size_t k,
		     const char *what)
{
	const struct cl_param_decl *d = &u->plugin->desc->params[k];
	const char *text = config_setting_get_string(s);

	if (config_setting_type(s) == CONFIG_TYPE_ARRAY || config_setting_type(s) == CONFIG_TYPE_LIST)
		return cfg_fail(c, s, what, "a %s parameter is one string, never swept",
				d->type == CL_PARAM_PATH ? "path" : "text");
	if (!text)
		return cfg_fail(c, s, what, "must be a string in quotes, got %s",
				cfg_type_name(config_setting_type(s)));
	if ((int64_t)strlen(text) > d->max)
		return cfg_fail(c, s, what, "at most %lld characters, got %zu", (long long)d->max, strlen(text));
	if (d->type == CL_PARAM_TEXT) {
		set_text(u, k, text);
		return 0;
	}
	if (!*text)
		return cfg_fail(c, s, what, "must name a file");
	char *real = readable_file(c, s, what, d->name, text, d->max);

	if (!real)
		return -1;
	set_text(u, k, real);
	free(real);
	return 0;
}

int cfg_read_plugins(struct cfg_ctx *c, const config_setting_t *root, const char *key,
			enum cl_plugin_kind kind, struct cl_plugin_use *uses, size_t *n)
{
	const config_setting_t *list = config_setting_get_member(root, key);
	char why[2048];

	if (!list)
		return cfg_fail(c, root, key, "missing: name at least one %s plugin, e.g. %s = ( \"%s\" );",
			    cl_plugin_kind_name(kind), key, kind == CL_PLUGIN_SYNC ? "none" : "serial");
	if (config_setting_type(list) == CONFIG_TYPE_STRING) {
		/* allow `syncs = "none";` for one plugin */
	} else if (config_setting_type(list) != CONFIG_TYPE_LIST &&
		   config_setting_type(list) != CONFIG_TYPE_ARRAY) {
		return cfg_fail(c, list, key, "must be a list of plugin names ( \"a\", \"b\" ), got %s",
			    cfg_type_name(config_setting_type(list)));
	}
	int len = config_setting_type(list) == CONFIG_TYPE_STRING ? 1 : config_setting_length(list);

	if (len == 0)
		return cfg_fail(c, list, key, "an empty list: the matrix would have no cells");
	if (len > CL_MAX_PLUGINS)
		return cfg_fail(c, list, key, "more than %d plugins", CL_MAX_PLUGINS);
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_type(list) == CONFIG_TYPE_STRING
						    ? list : config_setting_get_elem(list, (unsigned)i);
		const char *ref = config_setting_get_string(e);

		if (!ref)
			return cfg_fail(c, e, key, "entry %d must be a plugin name in quotes, got %s", i,
				    cfg_type_name(config_setting_type(e)));
		uses[i].plugin = cl_registry_resolve(c->reg, ref, kind, why, sizeof why);
		if (!uses[i].plugin)
			return cfg_fail(c, e, key, "%s", why);
		for (int j = 0; j < i; j++)
			if (uses[j].plugin == uses[i].plugin)
				return cfg_fail(c, e, key, "'%s' is named twice", ref);
		uses[i].line = config_setting_source_line(e);
		set_defaults(&uses[i]);
	}
	*n = (size_t)len;
	return 0;
}

static struct cl_plugin_use *use_named(struct cl_experiment *x, const char *name)
{
	for (size_t i = 0; i < x->nstrategies; i++)
		if (!strcmp(x->strategies[i].plugin->desc->name, name))
			return &x->strategies[i];
	for (size_t i = 0; i < x->nsyncs; i++)
		if (!strcmp(x->syncs[i].plugin->desc->name, name))
			return &x->syncs[i];
	return NULL;
}

/* params.NAME.placement: a string, or a list of strings the matrix sweeps.
 * The host's own parameter for every strategy that places its workers. */
static int read_placement(struct cfg_ctx *c, const config_setting_t *s, struct cl_plugin_use *u,
			  const char *what)
{
	struct cl_experiment *x = c->x;
	bool list = config_setting_type(s) == CONFIG_TYPE_ARRAY || config_setting_type(s) == CONFIG_TYPE_LIST;
	int len = list ? config_setting_length(s) : 1;
	int64_t codes[64];
	char why[256];

	if (!(u->plugin->desc->ops.strategy->flags & CL_STRATEGY_PLACES))
		return cfg_fail(c, s, what, "strategy '%s' does not place its workers (placement is for "
			    "strategies that declare CL_STRATEGY_PLACES: threads, processes, hybrid)",
			    u->plugin->desc->name);
	if (len < 1 || len > 64)
		return cfg_fail(c, s, what, "give 1 to 64 placements");
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = list ? config_setting_get_elem(s, (unsigned)i) : s;
		const char *text = config_setting_get_string(e);

		if (!text)
			return cfg_fail(c, e, what, "must be \"none\", \"compact\", \"scatter\" or a CPU list "
				    "like \"0,2-3\", in quotes");
		if (cl_placement_parse(text, &codes[i], why, sizeof why))
			return cfg_fail(c, e, what, "%s", why);
		if (codes[i] == CL_PLACE_LIST) {
			if (x->nplace_lists == CL_MAX_PLACE_LISTS)
				return cfg_fail(c, e, what, "more than %d CPU lists", CL_MAX_PLACE_LISTS);
			x->place_lists[x->nplace_lists] = cl_xstrdup(text);
			codes[i] += (int64_t)x->nplace_lists++;
		}
		if ((codes[i] == CL_PLACE_COMPACT || codes[i] == CL_PLACE_SCATTER) && !cl_topology()->hwloc &&
		    !x->warnings[0])
			snprintf(x->warnings, sizeof x->warnings, "%s:%d: %s: %s. ", c->path,
				 config_setting_source_line(e), what, cl_topology()->warning);
	}
	u->params[CL_PLACEMENT_PARAM] = codes[0];
	if (len == 1)
		return 0;
	if (x->nknobs == CL_MAX_KNOBS)
		return cfg_fail(c, s, what, "more than %d swept settings", CL_MAX_KNOBS);
	struct cl_knob *k = &x->knobs[x->nknobs++];

	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s.placement", u->plugin->desc->name);
	k->line = config_setting_source_line(s);
	k->plugin = u->plugin;
	k->param = CL_PLACEMENT_PARAM;
	k->nvalues = (size_t)len;
	k->values = cl_xcalloc((size_t)len, sizeof *k->values);
	k->labels = cl_xcalloc((size_t)len, sizeof *k->labels);
	for (int i = 0; i < len; i++) {
		k->values[i] = codes[i];
		k->labels[i] = cl_xstrdup(config_setting_get_string(list ? config_setting_get_elem(s, (unsigned)i) : s));
	}
	return 0;
}

/* mpirun's --host list: host[:slots],... and nothing that mpirun could
 * read as something else. */
static bool host_list(const char *text)
{
	for (const char *p = text; ; p++) {
		size_t name = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");

		if (!name || *p == '-')
			return false;
		p += name;
		if (*p == ':') {
			size_t digits = strspn(++p, "0123456789");

			if (!digits || *p == '0' || digits > 6)
				return false;
			p += digits;
		}
		if (!*p)
			return true;
		if (*p != ',')
			return false;
	}
}

/* A hostfile's line whose host name mpirun would hand its remote agent
 * (ssh) as an option ("-oProxyCommand=..."): its number, or 0. Names are
 * the first word of a line; '#' starts a comment. */
static int hostfile_dash_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0, bad = 0;

	while (f && !bad && fgets(line, sizeof line, f)) {
		const char *name = line + strspn(line, " \t");

		n++;
		if (*name == '-')
			bad = n;
	}
	if (f)
		fclose(f);
	return bad;
}

/* params.NAME.hosts and params.NAME.hostfile: where a remote strategy
 * (CL_STRATEGY_REMOTE) may run its tasks, in mpirun's terms. Strings, never
 * swept; a hostfile is looked for beside the config when its path is
 * relative, and must be readable now. The host checks them itself, whether
 * the strategy declares them (1.4: they become its parameters) or not
 * (1.3: cl_trial_hosts): what they say reaches mpirun and its remote agent,
 * run by conclab, perhaps as root. */
static int read_hosts(struct cfg_ctx *c, const config_setting_t *s, struct cl_plugin_use *u,
		      const char *name, const char *what)
{
	const char *text = config_setting_get_string(s);
	ssize_t hosts_at = declared(u, "hosts"), file_at = declared(u, "hostfile");
	bool other_given = !strcmp(name, "hosts") ? u->hostfile[0] || (file_at >= 0 && u->texts[file_at])
						  : u->hosts[0] || (hosts_at >= 0 && u->texts[hosts_at]);
	char path[512];

	if (!(u->plugin->desc->ops.strategy->flags & CL_STRATEGY_REMOTE))
		return cfg_fail(c, s, what, "strategy '%s' runs its tasks on this machine (%s is for "
			    "strategies that declare CL_STRATEGY_REMOTE: mpi)", u->plugin->desc->name, name);
	if (!text || !*text)
		return cfg_fail(c, s, what, "must be a non-empty string in quotes, %s",
			    !strcmp(name, "hosts") ? "hosts as mpirun's --host takes them: \"node1:4,node2:4\""
						   : "the path of a hostfile");
	if (!strcmp(name, "hosts")) {
		if (strlen(text) >= sizeof u->hosts || !host_list(text))
			return cfg_fail(c, s, what, "must be host[:slots] separated by commas, no spaces "
				    "(a host name of letters, digits, '.', '-', '_'; slots a number from 1), "
				    "under %zu characters: \"node1:4,node2:4\"", sizeof u->hosts);
		if (hosts_at >= 0)
			set_text(u, (size_t)hosts_at, text);
		else
			snprintf(u->hosts, sizeof u->hosts, "%s", text);
		return other_given ? cfg_fail(c, s, what, "give hosts or hostfile, not both") : 0;
	}
	char *real = readable_file(c, s, what, "hostfile", text, (long long)sizeof u->hostfile - 1);

	if (!real)
		return -1;
	int dash = hostfile_dash_line(real);

	if (dash) {
		free(real);
		beside_config(c, text, path, sizeof path);
		return cfg_fail(c, s, what, "the hostfile %s, line %d: a host name starting with '-', which "
				"mpirun's remote agent (ssh) would take as an option", path, dash);
	}
	if (file_at >= 0)
		set_text(u, (size_t)file_at, real);
	else
		snprintf(u->hostfile, sizeof u->hostfile, "%s", real);
	free(real);
	return other_given ? cfg_fail(c, s, what, "give hosts or hostfile, not both") : 0;
}

int cfg_read_params(struct cfg_ctx *c, const config_setting_t *root)
{
	const config_setting_t *all = config_setting_get_member(root, "params");

	if (!all)
		return 0;
	if (config_setting_type(all) != CONFIG_TYPE_GROUP)
		return cfg_fail(c, all, "params", "must be a group: params = { threads = { workers = 4; }; };");
	for (int i = 0; i < config_setting_length(all); i++) {
		const config_setting_t *g = config_setting_get_elem(all, (unsigned)i);
		const char *pname = config_setting_name(g);
		struct cl_plugin_use *u = use_named(c->x, pname);
		char what[160];

		snprintf(what, sizeof what, "params.%s", pname);
		if (!u)
			return cfg_fail(c, g, what, "'%s' is not one of this experiment's strategies or syncs",
				    pname);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return cfg_fail(c, g, what, "must be a group { name = value; }");
		for (int j = 0; j < config_setting_length(g); j++) {
			const config_setting_t *s = config_setting_get_elem(g, (unsigned)j);
			const char *name = config_setting_name(s);
			const struct cl_param_decl *d = u->plugin->desc->params;
			size_t k = 0;

			snprintf(what, sizeof what, "params.%s.%s", pname, name);
			if (!strcmp(name, "placement") && u->plugin->desc->kind == CL_PLUGIN_STRATEGY) {
				if (read_placement(c, s, u, what))
					return -1;
				continue;
			}
			if ((!strcmp(name, "hosts") || !strcmp(name, "hostfile")) &&
			    u->plugin->desc->kind == CL_PLUGIN_STRATEGY) {
				if (read_hosts(c, s, u, name, what))
					return -1;
				continue;
			}
			while (k < u->plugin->nparams && strcmp(d[k].name, name))
				k++;
			if (k < u->plugin->nparams && cl_param_is_text(d[k].type)) {
				if (read_text(c, s, u, k, what))
					return -1;
				continue;
			}
			if (k == u->plugin->nparams) {
				char list[512] = "";

				for (size_t m = 0; m < u->plugin->nparams; m++)
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
						 m ? ", " : "", d[m].name);
				return cfg_fail(c, s, what, "plugin '%s' declares no parameter '%s' (it has: %s)",
					    pname, name, *list ? list : "none");
			}
			struct number n = { .what = what, .min = d[k].min, .max = d[k].max, .scale = 1,
					    .is_bool = d[k].type == CL_PARAM_BOOL,
					    .plugin = u->plugin, .param = k, .offset = -1 };
			char knob[96];

			snprintf(knob, sizeof knob, "%s.%s", pname, name);
			n.knob = knob;
			if (cfg_read_number(c, s, &n, &u->params[k]))
				return -1;
		}
	}
	return 0;
}
