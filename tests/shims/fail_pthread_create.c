/* LD_PRELOAD shim for the tests: pthread_create fails with EAGAIN from the
 * $FAIL_AFTER-th call on, as it does when a machine runs out of threads,
 * so the threads strategy's error path can be driven on any machine. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	static int calls;
	const char *after = getenv("FAIL_AFTER");

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	if (after && __atomic_fetch_add(&calls, 1, __ATOMIC_SEQ_CST) >= atoi(after))
		return EAGAIN;
	return real(thread, attr, start, arg);
}
