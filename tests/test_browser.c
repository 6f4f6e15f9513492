/* The charts render in a real browser: headless Chromium loads the SVG as an
 * image (which fails on any XML error), paints it on a canvas and counts the
 * painted pixels; and it lays out the HTML report, whose inline charts must
 * have a size. Needs Debian's chromium, which scripts/bootstrap installs. */
#define _GNU_SOURCE
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIN          CL_TEST_CONCLAB
#define SEED_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table.json"

/* The start of each page that loads a chart and a report and writes what
 * it found into #result, for the test to read from the DOM. */
#define PROBE_PAGE_HEAD \
	"<!doctype html><html><body><p id=\"result\">pending</p>\n" \
	"<img id=\"chart\" src=\"bars.svg\">\n" \
	"<iframe id=\"page\" src=\"page.html\" width=\"1200\" height=\"800\"></iframe>\n" \
	"<script>\n" \
	"let img = null, page = null;\n" \
	"function finish() {\n" \
	"  if (img === null || page === null) return;\n" \
	"  document.getElementById('result').textContent = img + ' ' + page;\n" \
	"}\n" \
	"const chart = document.getElementById('chart');\n" \
	"chart.onerror = () => { img = 'svg:error'; finish(); };\n"

static const char probe_page[] =
	PROBE_PAGE_HEAD
	"chart.onload = () => {\n"
	"  const c = document.createElement('canvas');\n"
	"  c.width = chart.naturalWidth; c.height = chart.naturalHeight;\n"
	"  const g = c.getContext('2d');\n"
	"  g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height); g.drawImage(chart, 0, 0);\n"
	"  const d = g.getImageData(0, 0, c.width, c.height).data;\n"
	"  let ink = 0, colour = 0;\n"
	"  for (let i = 0; i < d.length; i += 4) {\n"
	"    if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink++;\n"
	"    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) colour++;\n"
	"  }\n"
	"  img = 'svg:rendered ' + c.width + 'x' + c.height + ' ink=' + (ink * 1000 / (d.length / 4) | 0)\n"
	"      + ' colour=' + (colour * 1000 / (d.length / 4) | 0);\n"
	"  finish();\n"
	"};\n"
	"document.getElementById('page').onload = (e) => {\n"
	"  const doc = e.target.contentDocument, svgs = doc.querySelectorAll('svg');\n"
	"  let sized = 0;\n"
	"  svgs.forEach((s) => { const b = s.getBBox(); if (b.width > 100 && b.height > 100) sized++; });\n"
	"  page = 'html:svgs=' + svgs.length + ' sized=' + sized + ' tables='\n"
	"      + doc.querySelectorAll('table').length;\n"
	"  finish();\n"
	"};\n"
	"</script></body></html>\n";

/* Write `page` as dir/name, load it in headless Chromium and return the DOM
 * it dumps (malloc'ed). file:// pages may read each other only with the
 * flag; the virtual time budget lets the loads finish before the DOM is
 * dumped. A browser's very first start on a machine (font caches, profile)
 * can outlast it, so a result still "pending" is tried again. */
static char *chromium_dump(const char *dir, const char *name, const char *page)
{
	char path[512], *out = NULL;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(page, f);
	fclose(f);
	for (int attempt = 0; attempt < 3; attempt++) {
		if (attempt)
			free(out);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "timeout 120 chromium --headless --no-sandbox --disable-gpu "
					   "--disable-quic --no-first-run --disable-background-networking "
					   "--disable-component-update --disable-sync --user-data-dir='%s/profile' "
					   "--allow-file-access-from-files --virtual-time-budget=10000 --dump-dom "
					   "'file://%s' 2>/dev/null", dir, path), 0);
		if (!out || !strstr(out, ">pending<"))
			break;
	}
	return out;
}

static void test_charts_render_in_chromium(void)
{
	char *dir = cl_test_temp_dir(), *out;
	int ink, colour, svgs, sized, tables, w, h;
	const char *p;

	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "command -v chromium || echo 'chromium is not installed: "
					 "run scripts/bootstrap'"), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "not installed"));
	free(out);
	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' report '%s' --svg '%s/bars.svg' --html '%s/page.html' "
					 "--seed-table", BIN, SEED_RESULTS, dir, dir), 0);
	free(out);
	out = chromium_dump(dir, "probe.html", probe_page);
	p = out ? strstr(out, "<p id=\"result\">") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p += strlen("<p id=\"result\">");
	CU_ASSERT_EQUAL(sscanf(p, "svg:rendered %dx%d ink=%d colour=%d html:svgs=%d sized=%d tables=%d",
			       &w, &h, &ink, &colour, &svgs, &sized, &tables), 7);
	printf("\n    chromium: %.*s\n", (int)strcspn(p, "<"), p);
	CU_ASSERT(w >= 600 && h >= 200);
	CU_ASSERT(ink > 20);    /* per mille of the pixels painted: bars, text, axes */
	CU_ASSERT(colour > 5);  /* and some in the syncs' colours, not only grey */
	CU_ASSERT(svgs >= 1 && sized == svgs);
	CU_ASSERT(tables >= 2); /* the cells and the seed's table */
	free(out);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

#define LOCKS_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/locks-contention.json"

/* Every chart of a locks-contention run (42 cells, a two-key sweep, 7
 * syncs): laid out by Chromium, no text of any chart lies outside its
 * viewBox (a label cut at the edge), and there is a chart per question:
 * wall time and the sweep (every counter exact: a line of text, no chart). */
static const char clip_page[] =
	"<!doctype html><html><body><p id=\"result\">pending</p>\n"
	"<iframe id=\"page\" src=\"page.html\" width=\"1400\" height=\"900\"></iframe>\n"
	"<script>\n"
	"document.getElementById('page').onload = (e) => {\n"
	"  const doc = e.target.contentDocument, svgs = doc.querySelectorAll('svg');\n"
	"  let texts = 0, clipped = 0, first = '';\n"
	"  svgs.forEach((s) => {\n"
	"    const v = s.getBoundingClientRect();\n"
	"    s.querySelectorAll('text').forEach((t) => {\n"
	"      const b = t.getBoundingClientRect(); /* after any rotation */\n"
	"      texts++;\n"
	"      if (b.left < v.left - 0.5 || b.top < v.top - 0.5 || b.right > v.right + 0.5 || b.bottom > v.bottom + 0.5) {\n"
	"        clipped++;\n"
	"        if (!first) first = t.textContent;\n"
	"      }\n"
	"    });\n"
	"  });\n"
	"  document.getElementById('result').textContent = 'charts=' + svgs.length + ' texts=' + texts\n"
	"      + ' clipped=' + clipped + ' first=' + first.replace(/ /g, '_') + '.';\n"
	"};\n"
	"</script></body></html>\n";

static void test_no_text_outside_a_chart(void)
{
	char *dir = cl_test_temp_dir(), *out = NULL, first[256] = "";
	int charts = 0, texts = 0, clipped = -1;
	const char *p;

	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' report '%s' --html '%s/page.html'", BIN, LOCKS_RESULTS,
					 dir), 0);
	free(out);
	out = chromium_dump(dir, "clip.html", clip_page);
	p = out ? strstr(out, "<p id=\"result\">") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p += strlen("<p id=\"result\">");
	CU_ASSERT_EQUAL(sscanf(p, "charts=%d texts=%d clipped=%d first=%255[^.<]", &charts, &texts, &clipped,
			       first), 3 + (clipped > 0));
	printf("\n    chromium: %.*s\n", (int)strcspn(p, "<"), p);
	CU_ASSERT_EQUAL(charts, 2); /* wall time, the sweep; the counter, all exact, in words */
	CU_ASSERT(texts > 100);
	CU_ASSERT_EQUAL(clipped, 0);
	free(out);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

#define HOSTILE_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/hostile.json"

/* The report of a results file whose every string holds markup that would
 * set the page's title (an <img> whose onerror runs, a </script><script>),
 * loaded as a reader would: nothing of it runs, no element of it exists,
 * and the chart of it still renders (no control character breaks its XML). */
static const char hostile_page[] =
	PROBE_PAGE_HEAD
	"chart.onload = () => { img = 'svg:rendered'; finish(); };\n"
	"const frame = document.getElementById('page');\n"
	"frame.onload = () => {\n"
	"  /* a moment more, for any handler the page's own loads would run */\n"
	"  setTimeout(() => {\n"
	"    const doc = frame.contentDocument;\n"
	"    page = 'html:title=' + (doc.title.includes('XSS') ? 'XSS' : 'clean')\n"
	"        + ' imgs=' + doc.images.length + ' scripts=' + doc.scripts.length\n"
	"        + ' svgs=' + doc.querySelectorAll('svg').length;\n"
	"    finish();\n"
	"  }, 500);\n"
	"};\n"
	"</script></body></html>\n";

static void test_hostile_page_runs_nothing(void)
{
	char *dir = cl_test_temp_dir(), *out, title[16] = "";
	int imgs = -1, scripts = -1, svgs = 0;
	const char *p;

	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' report '%s' --svg '%s/bars.svg' --html '%s/page.html'",
					 BIN, HOSTILE_RESULTS, dir, dir), 0);
	free(out);
	out = chromium_dump(dir, "hostile.html", hostile_page);
	p = out ? strstr(out, "<p id=\"result\">") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p += strlen("<p id=\"result\">");
	printf("\n    chromium: %.*s\n", (int)strcspn(p, "<"), p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "svg:rendered "));
	p = strstr(p, "html:");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(sscanf(p, "html:title=%15s imgs=%d scripts=%d svgs=%d", title, &imgs, &scripts, &svgs), 4);
	CU_ASSERT_STRING_EQUAL(title, "clean");
	CU_ASSERT_EQUAL(imgs, 0);
	CU_ASSERT_EQUAL(scripts, 0);
	CU_ASSERT_EQUAL(svgs, 5); /* wall time, the sweep, fairness, the timeline, the counter */
	free(out);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "the SVG chart and HTML page render in headless Chromium", test_charts_render_in_chromium },
		{ "no text outside any chart of a locks-contention run", test_no_text_outside_a_chart },
		{ "a report of markup in every string runs no script in Chromium", test_hostile_page_runs_nothing },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("browser", tests);
}
