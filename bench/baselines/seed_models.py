"""The tutorial's own programs, hand-written: threading, multiprocessing and
asyncio used directly, for bench/run python to set beside conclab's py-*
strategies running the same work. Prints the program's wall time in
seconds, from before the workers start to after they are joined (the
interpreter's start is timed by bench/run around the whole process).
  python3 seed_models.py MODEL WORKLOAD N
MODEL: serial threads processes asyncio; WORKLOAD: sleep (N ms), compute
(N LCG steps), increment (N `with lock: counter += 1`; processes: the
seed's multiprocessing.Value and Lock)."""
import sys
import time

A, C, MASK = 6364136223846793005, 1442695040888963407, (1 << 64) - 1


def compute(n, x=12345):
    for _ in range(n):
        x = (x * A + C) & MASK
    return x


counter = 0


def threads_increment(lock, n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


def processes_increment(value, lock, n):
    for _ in range(n):
        with lock:
            value.value += 1


def main(model, workload, n):
    start = time.perf_counter()
    if model == "asyncio":
        import asyncio

        async def task():
            if workload == "sleep":
                await asyncio.sleep(n / 1000)
            elif workload == "compute":
                compute(n)
            else:
                global counter
                for _ in range(n):
                    counter += 1

        async def both():
            await asyncio.gather(task(), task())
        asyncio.run(both())
    elif model in ("threads", "serial"):
        import threading
        lock = threading.Lock()
        work = {"sleep": (time.sleep, (n / 1000,)), "compute": (compute, (n,)),
                "increment": (threads_increment, (lock, n))}[workload]
        if model == "serial":
            work[0](*work[1])
            work[0](*work[1])
        else:
            ts = [threading.Thread(target=work[0], args=work[1]) for _ in range(2)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
    else:
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        if workload == "increment":
            value, lock = ctx.Value("i", 0), ctx.Lock()
            work = (processes_increment, (value, lock, n))
        else:
            work = {"sleep": (time.sleep, (n / 1000,)), "compute": (compute, (n,))}[workload]
        ps = [ctx.Process(target=work[0], args=work[1]) for _ in range(2)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
    print("%.6f" % (time.perf_counter() - start))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
