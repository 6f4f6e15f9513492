/* `conclab new`: a plugin folder to start from. */
#ifndef CLH_SCAFFOLD_H
#define CLH_SCAFFOLD_H

/* Write ./NAME/ (NAME.c, CMakeLists.txt, NAME.cfg) for a plugin of `kind`
 * ("strategy" or "sync"); never over an existing folder. The exit code. */
int cl_scaffold(const char *kind, const char *name);

#endif
