/* CPython embedded in the trial process, and `_conclab`, the module through
 * which tasks.py reaches the trial: its step list, each task's seeds, sync,
 * counter and I/O words, and the record it hands back (ABI 1.5). Written
 * against CPython's C API by hand: this is the bridge the lab exists to
 * show (a Python runtime beside C's), no binding generator fits a module of
 * three small types, and every call that may wait releases the GIL here,
 * visibly, as threading.Lock and hashlib do. */
#define _GNU_SOURCE
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "embed.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* tasks.py, as a C string (generated at build time) */
#include "tasks_py.h"

/* Bytes checked or made with the GIL held: below it, releasing costs more. */
#define RELEASE_FROM 4096

static struct cl_trial *trial; /* one trial per process */

/* ---- Lock: a sync's lock, or its read side, as a context manager ------- */

typedef struct {
	PyObject_HEAD
	void *shared, *local;
	void (*lock)(void *, void *);
	void (*unlock)(void *, void *);
	bool (*trylock)(void *, void *);
} LockObject;

/* As threading.Lock: try first holding the GIL; wait only without it, so a
 * holder preempted inside its critical section can run to its unlock. */
static PyObject *lock_acquire(PyObject *o, PyObject *unused)
{
	LockObject *l = (LockObject *)o;

	(void)unused;
	if (!l->lock || (l->trylock && l->trylock(l->shared, l->local)))
		Py_RETURN_NONE;
	Py_BEGIN_ALLOW_THREADS
	l->lock(l->shared, l->local);
	Py_END_ALLOW_THREADS
	Py_RETURN_NONE;
}

static PyObject *lock_release(PyObject *o, PyObject *unused)
{
	LockObject *l = (LockObject *)o;

	(void)unused;
	if (l->unlock)
		l->unlock(l->shared, l->local);
	Py_RETURN_NONE;
}

static PyObject *lock_exit(PyObject *o, PyObject *args)
{
	(void)args;
	return lock_release(o, NULL);
}

static PyMethodDef lock_methods[] = {
	{ "acquire", lock_acquire, METH_NOARGS, "take the lock (the GIL released while waiting)" },
	{ "release", lock_release, METH_NOARGS, "leave it" },
	{ "__enter__", lock_acquire, METH_NOARGS, NULL },
	{ "__exit__", lock_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyTypeObject LockType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "_conclab.Lock",
	.tp_basicsize = sizeof(LockObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "the cell's sync around one operation on the counter",
	.tp_methods = lock_methods,
};

/* ---- Value: the trial's counter, read and written from Python --------- */

typedef struct {
	PyObject_HEAD
	volatile uint64_t *counter;
} ValueObject;

static PyObject *value_get(PyObject *o, void *unused)
{
	(void)unused;
	return PyLong_FromUnsignedLongLong(*((ValueObject *)o)->counter);
}

static int value_set(PyObject *o, PyObject *v, void *unused)
{
	unsigned long long n = v ? PyLong_AsUnsignedLongLongMask(v) : 0;

	(void)unused;
	if (!v || PyErr_Occurred()) {
		if (!v)
			PyErr_SetString(PyExc_AttributeError, "the counter cannot be deleted");
		return -1;
	}
	*((ValueObject *)o)->counter = n;
	return 0;
}

static PyGetSetDef value_getset[] = {
	{ "value", value_get, value_set, "the counter, as multiprocessing.Value's", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject ValueType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "_conclab.Value",
	.tp_basicsize = sizeof(ValueObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "the trial's shared counter (shared memory, like multiprocessing.Value)",
	.tp_getset = value_getset,
};

/* ---- Task: one task of the trial --------------------------------------- */

typedef struct {
	PyObject_HEAD
	struct cl_task     *task;
	struct cl_task_sync sync;
	PyObject           *lock, *read_lock, *counter;
	const char         *mode; /* "lock", "add" or "bare" */
} TaskObject;

static PyObject *new_lock(void *shared, void *local, void (*lock)(void *, void *),
			  void (*unlock)(void *, void *), bool (*trylock)(void *, void *))
{
	LockObject *l = PyObject_New(LockObject, &LockType);

	if (l)
		*l = (LockObject){ .ob_base = l->ob_base, .shared = shared, .local = local, .lock = lock,
				   .unlock = unlock, .trylock = trylock };
	return (PyObject *)l;
}

static PyObject *task_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	Py_ssize_t i;
	TaskObject *t;

	(void)kw;
	if (!PyArg_ParseTuple(args, "n", &i))
		return NULL;
	if (i < 0 || (size_t)i >= cl_trial_ntasks(trial))
		return PyErr_Format(PyExc_IndexError, "no task %zd", i);
	if (!(t = (TaskObject *)type->tp_alloc(type, 0)))
		return NULL;
	t->task = cl_trial_task(trial, (size_t)i);
	cl_task_sync(t->task, &t->sync, sizeof t->sync);

	const struct cl_sync_ops *ops = t->sync.ops;

	/* a sync without a lock either adds (atomic, sharded) or promises
	 * nothing (none): then the Python code's own read and write race */
	t->mode = ops->lock ? "lock" : ops->flags & CL_SYNC_INEXACT ? "bare" : "add";
	t->lock = new_lock(t->sync.shared, t->sync.local, ops->lock, ops->unlock, ops->trylock);
	t->read_lock = ops->read_lock ? new_lock(t->sync.shared, t->sync.local, ops->read_lock,
						 ops->read_unlock, NULL)
				      : (Py_XNewRef(t->lock));
	ValueObject *v = PyObject_New(ValueObject, &ValueType);

	if (v)
		v->counter = t->sync.counter;
	t->counter = (PyObject *)v;
	if (!t->lock || !t->read_lock || !t->counter || !t->sync.counter) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_RuntimeError, "a remote sync's counter is not this trial's");
		Py_DECREF(t);
		return NULL;
	}
	return (PyObject *)t;
}

static void task_dealloc(PyObject *o)
{
	TaskObject *t = (TaskObject *)o;

	Py_XDECREF(t->lock);
	Py_XDECREF(t->read_lock);
	Py_XDECREF(t->counter);
	Py_TYPE(o)->tp_free(o);
}

static PyObject *task_begin(PyObject *o, PyObject *unused)
{
	(void)unused;
	cl_task_begin(((TaskObject *)o)->task);
	Py_RETURN_NONE;
}

static PyObject *task_finish(PyObject *o, PyObject *args)
{
	PyObject *sum;
	unsigned long long ops;

	if (!PyArg_ParseTuple(args, "OK", &sum, &ops))
		return NULL;
	/* the checksum is a sum modulo 2^64, as C's: Python's int is unbounded */
	unsigned long long checksum = PyLong_AsUnsignedLongLongMask(sum);

	if (PyErr_Occurred())
		return NULL;
	cl_task_finish(((TaskObject *)o)->task, checksum, ops);
	Py_RETURN_NONE;
}

static PyObject *task_seed(PyObject *o, PyObject *args)
{
	Py_ssize_t step;
	int purpose;

	if (!PyArg_ParseTuple(args, "ni", &step, &purpose))
		return NULL;
	return PyLong_FromUnsignedLongLong(cl_task_seed(((TaskObject *)o)->task, (size_t)step,
							(enum cl_seed_purpose)purpose));
}

static PyObject *task_window(PyObject *o, PyObject *arg)
{
	unsigned long long ops = PyLong_AsUnsignedLongLong(arg);

	if (PyErr_Occurred())
		return NULL;
	return PyBool_FromLong(cl_task_window(((TaskObject *)o)->task, ops));
}

static PyObject *task_add(PyObject *o, PyObject *arg)
{
	TaskObject *t = (TaskObject *)o;
	unsigned long long n = PyLong_AsUnsignedLongLong(arg);

	if (PyErr_Occurred())
		return NULL;
	/* an atomic add never waits on another task: the GIL stays held */
	t->sync.ops->add(t->sync.shared, t->sync.local, (uint64_t *)t->sync.counter, n);
	Py_RETURN_NONE;
}

static PyObject *task_flush(PyObject *o, PyObject *unused)
{
	TaskObject *t = (TaskObject *)o;

	(void)unused;
	if (t->sync.ops->flush)
		t->sync.ops->flush(t->sync.shared, t->sync.local, (uint64_t *)t->sync.counter);
	Py_RETURN_NONE;
}

static PyObject *task_io(PyObject *o, PyObject *arg)
{
	struct cl_io_step io;
	Py_ssize_t step = PyLong_AsSsize_t(arg);

	if (PyErr_Occurred())
		return NULL;
	if (cl_task_io(((TaskObject *)o)->task, (size_t)step, &io, sizeof io))
		return PyErr_Format(PyExc_ValueError, "step %zd is not an I/O step", step + 1);
	return Py_BuildValue("(sisy)", io.host, io.port, io.path, io.host_header);
}

/* The step's bytes at pos, checked in C with the GIL released (as hashlib
 * hashes): the sum the step adds to the checksum once they reach its end.
 * A mismatch was said by the runtime (the trial failed): ValueError. */
static PyObject *task_check(PyObject *o, PyObject *args)
{
	Py_ssize_t step;
	unsigned long long pos;
	Py_buffer data;
	uint64_t sum = 0;
	int rc;

	if (!PyArg_ParseTuple(args, "nKy*", &step, &pos, &data))
		return NULL;
	if (data.len >= RELEASE_FROM) {
		Py_BEGIN_ALLOW_THREADS
		rc = cl_task_io_check(((TaskObject *)o)->task, (size_t)step, pos, data.buf,
				      (size_t)data.len, &sum);
		Py_END_ALLOW_THREADS
	} else {
		rc = cl_task_io_check(((TaskObject *)o)->task, (size_t)step, pos, data.buf,
				      (size_t)data.len, &sum);
	}
	PyBuffer_Release(&data);
	if (rc)
		return PyErr_Format(PyExc_ValueError, "the bytes at %llu are not the step's (see the "
				    "trial's error)", pos);
	return PyLong_FromUnsignedLongLong(sum);
}

/* The bytes a write step writes at pos, and the sum as above. */
static PyObject *task_words(PyObject *o, PyObject *args)
{
	Py_ssize_t step, len;
	unsigned long long pos;
	uint64_t sum = 0;

	if (!PyArg_ParseTuple(args, "nKn", &step, &pos, &len))
		return NULL;
	if (len < 0)
		return PyErr_Format(PyExc_ValueError, "negative length");
	PyObject *bytes = PyBytes_FromStringAndSize(NULL, len);

	if (!bytes)
		return NULL;
	char *buf = PyBytes_AS_STRING(bytes);

	Py_BEGIN_ALLOW_THREADS
	cl_task_io_words(((TaskObject *)o)->task, (size_t)step, pos, buf, (size_t)len, &sum);
	Py_END_ALLOW_THREADS
	return Py_BuildValue("(NK)", bytes, (unsigned long long)sum);
}

/* The task's own steps, as tuples: (kind, flags, line, read_pct, ns, count,
 * inside, outside, bytes, block, id); its class's, its drawn values. */
static PyObject *task_steps(PyObject *o, PyObject *unused)
{
	struct cl_task *task = ((TaskObject *)o)->task;
	size_t n = cl_task_nsteps(task);
	PyObject *list = PyList_New((Py_ssize_t)n);

	(void)unused;
	for (size_t i = 0; list && i < n; i++) {
		struct cl_step_info s;

		cl_task_step_info(task, i, &s, sizeof s);
		PyObject *one = Py_BuildValue("(IIIILKKKKKI)", s.kind, s.flags, s.line, s.read_pct,
					      (long long)s.ns, (unsigned long long)s.count,
					      (unsigned long long)s.inside, (unsigned long long)s.outside,
					      (unsigned long long)s.bytes, (unsigned long long)s.block, s.id);

		if (!one) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, one);
	}
	return list;
}

/* When the task is due (time.monotonic_ns's clock), 0: at once. */
static PyObject *task_due(PyObject *o, PyObject *unused)
{
	(void)unused;
	return PyLong_FromLongLong(cl_task_due_ns(((TaskObject *)o)->task));
}

static PyMethodDef task_methods[] = {
	{ "steps", task_steps, METH_NOARGS, "the task's steps, as it runs them" },
	{ "due", task_due, METH_NOARGS, "when the task is due, monotonic ns; 0: now" },
	{ "begin", task_begin, METH_NOARGS, "the task is this worker's; its start time is now" },
	{ "finish", task_finish, METH_VARARGS, "finish(checksum, operations): its record" },
	{ "seed", task_seed, METH_VARARGS, "seed(step, purpose): where an LCG starts" },
	{ "window", task_window, METH_O, "window(operations): true while a duration step runs" },
	{ "add", task_add, METH_O, "add(n): the sync's own atomic add" },
	{ "flush", task_flush, METH_NOARGS, "publish a sync's private share after a step" },
	{ "io", task_io, METH_O, "io(step): (host, port, path, host header) or (.., file, ..)" },
	{ "check", task_check, METH_VARARGS, "check(step, pos, data): the sum at the end" },
	{ "words", task_words, METH_VARARGS, "words(step, pos, n): (bytes, sum at the end)" },
	{ NULL, NULL, 0, NULL },
};

static PyObject *task_get_lock(PyObject *o, void *u)
{
	(void)u;
	return Py_NewRef(((TaskObject *)o)->lock);
}

static PyObject *task_get_read_lock(PyObject *o, void *u)
{
	(void)u;
	return Py_NewRef(((TaskObject *)o)->read_lock);
}

static PyObject *task_get_counter(PyObject *o, void *u)
{
	(void)u;
	return Py_NewRef(((TaskObject *)o)->counter);
}

static PyObject *task_get_mode(PyObject *o, void *u)
{
	(void)u;
	return PyUnicode_FromString(((TaskObject *)o)->mode);
}

static PyGetSetDef task_getset[] = {
	{ "lock", task_get_lock, NULL, "the sync's lock (a no-op for none)", NULL },
	{ "read_lock", task_get_read_lock, NULL, "its shared side, or the lock", NULL },
	{ "counter", task_get_counter, NULL, "the trial's counter (.value)", NULL },
	{ "mode", task_get_mode, NULL, "lock, add or bare: how an operation is made", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject TaskType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "_conclab.Task",
	.tp_basicsize = sizeof(TaskObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Task(i): task i of the trial",
	.tp_new = task_new,
	.tp_dealloc = task_dealloc,
	.tp_methods = task_methods,
	.tp_getset = task_getset,
};

/* ---- the module's functions: the trial --------------------------------- */

static PyObject *mod_ntasks(PyObject *m, PyObject *u)
{
	(void)m, (void)u;
	return PyLong_FromSize_t(cl_trial_ntasks(trial));
}

static PyObject *mod_loops(PyObject *m, PyObject *u)
{
	(void)m, (void)u;
	return PyLong_FromUnsignedLongLong(cl_trial_loops(trial));
}

static PyObject *mod_claim(PyObject *m, PyObject *u)
{
	struct cl_task *t = cl_trial_claim(trial);

	(void)m, (void)u;
	if (!t)
		Py_RETURN_NONE;
	return PyLong_FromSize_t(cl_task_index(t));
}

static PyObject *mod_barrier_arm(PyObject *m, PyObject *arg)
{
	unsigned long n = PyLong_AsUnsignedLong(arg);

	(void)m;
	if (PyErr_Occurred())
		return NULL;
	cl_trial_barrier_arm(trial, (unsigned)n);
	Py_RETURN_NONE;
}

static PyObject *mod_barrier_wait(PyObject *m, PyObject *u)
{
	int rc;

	(void)m, (void)u;
	Py_BEGIN_ALLOW_THREADS
	rc = cl_trial_barrier_wait(trial);
	Py_END_ALLOW_THREADS
	return PyBool_FromLong(rc == 0);
}

static PyObject *mod_barrier_cancel(PyObject *m, PyObject *u)
{
	(void)m, (void)u;
	cl_trial_barrier_cancel(trial);
	Py_RETURN_NONE;
}

static PyObject *mod_fail(PyObject *m, PyObject *arg)
{
	const char *text = PyUnicode_AsUTF8(arg);

	(void)m;
	if (!text)
		return NULL;
	cl_trial_fail(trial, 0, "%s", text);
	Py_RETURN_NONE;
}

static PyMethodDef mod_methods[] = {
	{ "ntasks", mod_ntasks, METH_NOARGS, "tasks in the trial" },
	{ "loops", mod_loops, METH_NOARGS, "times the step list runs" },
	{ "claim", mod_claim, METH_NOARGS, "the next unclaimed task's index, or None" },
	{ "barrier_arm", mod_barrier_arm, METH_O, "arm the start barrier for n workers" },
	{ "barrier_wait", mod_barrier_wait, METH_NOARGS, "wait there; false: run nothing" },
	{ "barrier_cancel", mod_barrier_cancel, METH_NOARGS, "a worker could not start" },
	{ "fail", mod_fail, METH_O, "fail(text): the trial failed, and why (first wins)" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "_conclab", "the trial, as the py-* strategies see it", -1, mod_methods,
	NULL, NULL, NULL, NULL,
};

static PyObject *module_init(void)
{
	PyObject *m;

	if (PyType_Ready(&LockType) || PyType_Ready(&ValueType) || PyType_Ready(&TaskType) ||
	    !(m = PyModule_Create(&module)))
		return NULL;
	if (PyModule_AddObjectRef(m, "Task", (PyObject *)&TaskType) ||
	    PyModule_AddObject(m, "LCG_A", PyLong_FromUnsignedLongLong(CL_LCG_A)) ||
	    PyModule_AddObject(m, "LCG_C", PyLong_FromUnsignedLongLong(CL_LCG_C)) ||
	    PyModule_AddIntConstant(m, "FSYNC", CL_STEP_FSYNC) ||
	    PyModule_AddIntConstant(m, "KEEPALIVE", CL_STEP_KEEPALIVE) ||
	    PyModule_AddIntConstant(m, "WITNESS", CL_STEP_WITNESS)) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}

/* ---- the interpreter ---------------------------------------------------- */

/* The exception's last line ("ZeroDivisionError: division by zero"). */
static void fail_with_exception(const char *model)
{
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	PyObject *text = value ? PyObject_Str(value) : NULL;
	const char *name = type ? ((PyTypeObject *)type)->tp_name : "?";
	const char *what = text ? PyUnicode_AsUTF8(text) : NULL;

	cl_trial_fail(trial, 0, "py-%s: %s%s%s", model, name, what && *what ? ": " : "", what ? what : "");
	PyErr_Clear();
	Py_XDECREF(text);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

int clpy_run(struct cl_trial *t, const char *model, int64_t workers, const char *hook)
{
	PyConfig config;
	PyStatus status;

	trial = t;
	/* extension modules of the standard library (_socket, _asyncio...)
	 * find libpython's symbols only if it is global: the host loaded this
	 * plugin, and libpython with it, RTLD_LOCAL */
	Dl_info libpython;

	if (!dladdr((void *)Py_InitializeFromConfig, &libpython) || !libpython.dli_fname ||
	    !dlopen(libpython.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD))
		return cl_trial_fail(t, ENOENT, "py-%s: cannot make libpython global: %s", model,
				     dlerror() ? dlerror() : "not found");
	if (PyImport_AppendInittab("_conclab", module_init) < 0)
		return cl_trial_fail(t, ENOMEM, "py-%s: cannot register the _conclab module", model);
	/* isolated: no PYTHON* variables, no user site, no current folder on
	 * the path; the host's signal dispositions stay as the trial has them */
	PyConfig_InitIsolatedConfig(&config);
	config.install_signal_handlers = 0;
	status = PyConfig_SetString(&config, &config.program_name, L"conclab-py");
	if (!PyStatus_Exception(status))
		status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status))
		return cl_trial_fail(t, EINVAL, "py-%s: the interpreter did not start: %s", model,
				     status.err_msg ? status.err_msg : "?");

	int rc = 0;
	PyObject *code = Py_CompileString(clpy_tasks_py, "tasks.py", Py_file_input);
	PyObject *mod = code ? PyImport_ExecCodeModule("conclab_tasks", code) : NULL;
	PyObject *result = mod ? PyObject_CallMethod(mod, "main", "ssn", model, hook,
						      (Py_ssize_t)workers)
			       : NULL;

	if (!result) {
		fail_with_exception(model);
		rc = -EINVAL;
	}
	Py_XDECREF(result);
	Py_XDECREF(mod);
	Py_XDECREF(code);
	/* no Py_Finalize: a task that never returned may still hold a
	 * thread, which finalizing would wait for; the trial process exits
	 * next, and the host reads the records from shared memory */
	return rc;
}

const char *clpy_runtime(void)
{
	static char text[256];

	snprintf(text, sizeof text, "CPython %s; %s", Py_GetVersion(),
#ifdef Py_GIL_DISABLED
		 "free-threaded build (GIL off unless PYTHON_GIL=1)"
#else
		 "GIL enabled"
#endif
	);
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return text;
}
