/* The verbs: each gets the parsed options and its operands, and returns the
 * exit code. */
#ifndef CLH_CLI_VERBS_H
#define CLH_CLI_VERBS_H

#include "options.h"

int cmd_run(struct cli *cli, char **operands, int n);
int cmd_check(struct cli *cli, char **operands, int n);
int cmd_plugins(struct cli *cli, char **operands, int n);
int cmd_info(struct cli *cli, char **operands, int n);
int cmd_compare(struct cli *cli, char **operands, int n);
int cmd_report(struct cli *cli, char **operands, int n);
int cmd_new(struct cli *cli, char **operands, int n);
int cmd_serve(struct cli *cli, char **operands, int n);
int cmd_verify(struct cli *cli, char **operands, int n);

#endif
