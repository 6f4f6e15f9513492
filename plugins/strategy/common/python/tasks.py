# The seed's three models in Python, as the py-* strategies run them: every
# step of conclab's task spec written as the tutorial writes it (time.sleep,
# asyncio.sleep, a loop of integer arithmetic, `with lock: counter.value += 1`,
# http.client, asyncio streams, file objects), run by threading.Thread,
# multiprocessing (fork) or one asyncio loop. Each task hands its record
# (checksum, operations) back through _conclab, and the host judges it as a
# C task's. Embedded in the plugin (embed.c) at build time.
import _conclab as cl
import os
import sys
import time
# asyncio, http.client, multiprocessing, threading and traceback are
# imported where a model or step first needs them: the interpreter's start
# is inside the trial's wall time, and each costs milliseconds there

SLEEP, COMPUTE, INCREMENT, REQUEST, READ, WRITE = 1, 2, 3, 4, 5, 6
NAMES = {SLEEP: "sleep", COMPUTE: "compute", INCREMENT: "increment",
         REQUEST: "request", READ: "read", WRITE: "write"}
MASK = (1 << 64) - 1
LOOPS = cl.loops()
hook = None  # the `hook` file's before_step(task, step), if any


def lcg(x, n, a=cl.LCG_A, c=cl.LCG_C, mask=MASK):
    """The compute kernel, n steps of the LCG: Python integer arithmetic,
    which holds the GIL as any Python code does."""
    for _ in range(n):
        x = (x * a + c) & mask
    return x


def operations(task, k, n, inside, outside, read_pct, x_in, x_out, acc):
    """n operations on the shared counter, each a read-modify-write in
    Python under the cell's sync (or a read, read_pct of them); returns
    the two LCGs and the reads' interleaving state."""
    counter, lock = task.counter, task.lock
    if not inside and not outside and not read_pct:
        # the seed's own loops: the plain step, as the tutorial writes it
        if task.mode == "lock":
            for _ in range(n):
                with lock:
                    counter.value += 1
        elif task.mode == "bare":
            for _ in range(n):
                counter.value += 1
        else:
            add = task.add
            for _ in range(n):
                add(1)
        return x_in, x_out, acc
    write_pct, mode = 100 - read_pct, task.mode
    read_lock = task.read_lock
    for _ in range(n):
        acc += write_pct
        write = acc >= 100
        if write:
            acc -= 100
        x_out = lcg(x_out, outside)
        if not write:
            if mode == "add":
                x_in = lcg(x_in, inside)
                counter.value
            else:
                with read_lock:
                    x_in = lcg(x_in, inside)
                    counter.value
        elif mode == "add":
            x_in = lcg(x_in, inside)
            task.add(1)
        else:
            with lock:
                x_in = lcg(x_in, inside)
                counter.value += 1
    return x_in, x_out, acc


def increment(task, k, st):
    """An increment step: (what it adds to the checksum, operations)."""
    kind, flags, line, read_pct, ns, count, inside, outside = st[:8]
    if flags & cl.WITNESS:
        raise ValueError("a witnessed increment (conclab verify's) runs only in the "
                         "C runtime's loop")
    x_in, x_out, acc = task.seed(k, 1), task.seed(k, 2), 0
    if ns:  # a window of time, not a count: chunks between two looks at the clock
        done, chunk = 0, 1
        while task.window(done):
            x_in, x_out, acc = operations(task, k, chunk, inside, outside, read_pct,
                                          x_in, x_out, acc)
            done += chunk
            chunk = min(chunk * 2, 64)
        count = done
    else:
        x_in, x_out, acc = operations(task, k, count, inside, outside, read_pct,
                                      x_in, x_out, acc)
    task.flush()
    return x_in + x_out, count


def read_file(task, k, st):
    size, block = st[8], st[9]
    path = task.io(k)[2]
    pos = total = 0
    with open(path, "rb", buffering=0) as f:
        while pos < size:
            data = f.read(min(block, size - pos))
            if not data:
                raise EOFError("%s ends after %d of its %d bytes" % (path, pos, size))
            total = task.check(k, pos, data)
            pos += len(data)
    return total


def write_file(task, k, st):
    size, block = st[8], st[9]
    path = task.io(k)[2]
    pos = total = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with open(fd, "wb", buffering=0) as f:
        while pos < size:
            data, total = task.words(k, pos, min(block, size - pos))
            view = memoryview(data)
            while view:
                view = view[f.write(view):]
            pos += len(data)
        if st[1] & cl.FSYNC:
            os.fsync(fd)
    return total


def body_sum(task, k, size, body):
    if len(body) != size:
        raise EOFError("the body has %d bytes, the step expects %d" % (len(body), size))
    return task.check(k, 0, body) if size else 0


class Blocking:
    """Steps that wait, as threads and processes wait: the calling thread
    blocks. Their coroutines never suspend, so a task runs to its end in
    one send()."""

    def __init__(self):
        self.conn = None  # the task's keep-alive connection

    async def sleep(self, seconds):
        time.sleep(seconds)

    async def request(self, task, k, st):
        import http.client
        host, port, path, host_header = task.io(k)
        keep = st[1] & cl.KEEPALIVE
        headers = {"Host": host_header.decode()}
        if not keep:
            headers["Connection"] = "close"
        for again in (True, False):
            reused = self.conn is not None
            if not reused:
                self.conn = http.client.HTTPConnection(host, port)
            try:
                self.conn.request("GET", path, headers=headers)
                resp = self.conn.getresponse()
                body = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if not (reused and again):  # an idle keep-alive closed: once more
                    raise
        if resp.status != 200:
            raise ConnectionError("HTTP %d %s" % (resp.status, resp.reason))
        if not keep:
            self.conn.close()
            self.conn = None
        return body_sum(task, k, st[8], body)

    def close(self):
        if self.conn:
            self.conn.close()


class Loop:
    """Steps that wait in the asyncio loop: the task yields to the others.
    (asyncio is the module global asyncio_model imports.)"""

    def __init__(self):
        self.streams = None

    async def sleep(self, seconds):
        await asyncio.sleep(seconds)

    async def request(self, task, k, st):
        host, port, path, host_header = task.io(k)
        keep = st[1] & cl.KEEPALIVE
        text = "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (
            path, host_header.decode(), "" if keep else "Connection: close\r\n")
        for again in (True, False):
            reused = self.streams is not None
            if not reused:
                self.streams = await asyncio.open_connection(host, port)
            reader, writer = self.streams
            try:
                writer.write(text.encode())
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                break
            except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
                self.close()
                if not (reused and again):
                    raise
        lines = head.decode("latin-1").split("\r\n")
        status = lines[0].split(" ", 2)
        if len(status) < 2 or status[1] != "200":
            raise ConnectionError("response %r" % lines[0])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await (reader.readexactly(length) if length is not None else reader.read())
        if not keep:
            self.close()
        return body_sum(task, k, st[8], body)

    def close(self):
        if self.streams:
            self.streams[1].close()
            self.streams = None


async def run_task(i, io):
    """Task i, every loop of every step; any exception ends the task as an
    error naming the step and the exception's last line."""
    task = cl.Task(i)
    steps = task.steps()  # its class's, with its drawn values
    due = task.due()  # an open-loop arrival: wait for it as the model waits
    if due:
        now = time.monotonic_ns()
        if now < due:
            await io.sleep((due - now) / 1e9)
    task.begin()
    checksum = ops = 0
    k = 0
    try:
        for _ in range(LOOPS):
            for k, st in enumerate(steps):
                if hook:  # the step's id, as messages and file names count
                    hook(i, st[10])
                kind = st[0]
                if kind == SLEEP:
                    await io.sleep(st[4] / 1e9)
                elif kind == COMPUTE:
                    checksum += lcg(task.seed(k, 0), st[5])
                elif kind == INCREMENT:
                    sum_, n = increment(task, k, st)
                    checksum += sum_
                    ops += n
                elif kind == REQUEST:
                    checksum += await io.request(task, k, st)
                elif kind == READ:
                    checksum += read_file(task, k, st)
                elif kind == WRITE:
                    checksum += write_file(task, k, st)
    except BaseException as e:  # SystemExit and KeyboardInterrupt too: the task's end
        import traceback
        last = traceback.format_exception_only(type(e), e)[-1].strip()
        st = steps[k]
        where = ""  # as the C runtime says it: the address, or the file
        if st[0] == REQUEST:
            where = "%s:%d: " % task.io(k)[:2]
        elif st[0] in (READ, WRITE):
            where = task.io(k)[2] + ": "
        cl.fail("task %d: step %d (%s, config line %d): %s%s" % (
            i, st[10] + 1, NAMES[st[0]], st[2], where, last))
        return
    finally:
        io.close()
    task.finish(checksum, ops)


def run_blocking(i):
    coro = run_task(i, Blocking())
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    cl.fail("task %d: a blocking step waited in an event loop" % i)


def serial(workers):
    for i in range(cl.ntasks()):
        run_blocking(i)


def thread_main(i):
    if cl.barrier_wait():
        run_blocking(i)


def thread_pool_main():
    if cl.barrier_wait():
        while (i := cl.claim()) is not None:
            run_blocking(i)


def threads(workers):
    import threading
    n = cl.ntasks()
    count = min(workers, n) if workers else n
    cl.barrier_arm(count)
    if workers:
        started = [threading.Thread(target=thread_pool_main) for _ in range(count)]
    else:
        started = [threading.Thread(target=thread_main, args=(i,)) for i in range(n)]
    for t in started:
        t.start()
    for t in started:
        t.join()


def processes(workers):
    """A process per task (multiprocessing.Process), or a pool of `workers`
    processes; fork, as the seed's examples start them on Linux. The pool
    is concurrent.futures' over multiprocessing: where a worker dies
    (os._exit, a signal) multiprocessing.Pool waits for it forever, this
    one says so."""
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    n = cl.ntasks()
    if workers:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        try:
            with ProcessPoolExecutor(min(workers, n), mp_context=ctx) as pool:
                list(pool.map(run_blocking, range(n)))
        except BrokenProcessPool as e:
            cl.fail("a process of the pool died before its tasks were done (%s)" % e)
        return
    cl.barrier_arm(n)
    started = [ctx.Process(target=thread_main, args=(i,)) for i in range(n)]
    for p in started:
        p.start()
    for i, p in enumerate(started):
        p.join()
        if p.exitcode:  # os._exit, a signal: its record is not whole
            what = ("killed by signal %d" % -p.exitcode if p.exitcode < 0
                    else "exited with code %d" % p.exitcode)
            cl.fail("task %d: its process %s before the task finished" % (i, what))


def asyncio_model(workers):
    global asyncio
    import asyncio

    async def all_tasks():
        await asyncio.gather(*(run_task(i, Loop()) for i in range(cl.ntasks())))
    asyncio.run(all_tasks())


MODELS = {"serial": serial, "threads": threads, "processes": processes,
          "asyncio": asyncio_model}


def main(model, hook_path, workers):
    global hook
    sys.argv = ["conclab-py-" + model]
    if hook_path:
        space = {"__name__": "conclab_hook", "__file__": hook_path}
        with open(hook_path, encoding="utf-8") as f:
            exec(compile(f.read(), hook_path, "exec"), space)
        hook = space.get("before_step")
    MODELS[model](workers)
