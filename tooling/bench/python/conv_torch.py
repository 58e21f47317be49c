"""The PyTorch side of `pnpm bench`'s conv workloads (src/peers/torch.ts): Debian's PyTorch 1.13
CPU (oneDNN) run as a server, so that it is measured in the same bench run as Fovea, workload
after workload, on the operands Fovea gets.

Reads one JSON command per line on stdin and answers one JSON line on stdout:

    {"op": "prepare", "x": [N, C, H, W], "w": [O, C/g, kH, kW], "padding": p, "stride": s,
     "groups": g, "pass": "forward" | "dX" | "dW", "threads": t,
     "xData": base64 float32, "wData": ..., "gyData": ...}         -> {"ok": true}
    {"op": "time", "reps": r, "warmupMs": m, "minRepMs": k}          -> {"ms": median, "inner": i}
    {"op": "result"}                                                 -> {"data": base64 float32}

Timing follows src/timing.ts: warm up for warmupMs, repeat a fast call until one repetition
lasts minRepMs, report the median time per call of reps repetitions. dX and dW are the
gradients PyTorch's autograd computes (torch.ops.aten.convolution_backward with only that
output requested), the kernels its Conv2d's backward runs.
"""

import base64
import json
import statistics
import sys
import time

import torch


def floats(text, shape):
    data = bytearray(base64.b64decode(text))
    return torch.frombuffer(data, dtype=torch.float32).reshape(shape).clone()


state = {}


def prepare(cmd):
    torch.set_num_threads(cmd["threads"])
    x = floats(cmd["xData"], cmd["x"])
    w = floats(cmd["wData"], cmd["w"])
    s, p, g = cmd["stride"], cmd["padding"], cmd["groups"]
    y_shape = torch.nn.functional.conv2d(x[:1], w, None, s, p, 1, g).shape
    gy = floats(cmd["gyData"], [x.shape[0], *y_shape[1:]])
    pass_ = cmd["pass"]
    if pass_ == "forward":
        call = lambda: torch.nn.functional.conv2d(x, w, None, s, p, 1, g)
    else:
        mask = [pass_ == "dX", pass_ == "dW", False]
        index = 0 if pass_ == "dX" else 1

        def call():
            grads = torch.ops.aten.convolution_backward(
                gy, x, w, None, [s, s], [p, p], [1, 1], False, [0, 0], g, mask
            )
            return grads[index]

    state["call"] = call
    state["last"] = None


def run():
    with torch.no_grad():
        state["last"] = state["call"]()


def timed(cmd):
    start = time.perf_counter()
    run()
    last = time.perf_counter() - start
    while time.perf_counter() - start < cmd["warmupMs"] / 1000:
        t = time.perf_counter()
        run()
        last = time.perf_counter() - t
    inner = max(1, -(-cmd["minRepMs"] // max(last * 1000, 1e-4)))
    inner = int(inner)
    # "cpu": the process's CPU time instead of the wall clock (src/timing.ts).
    clock = time.process_time if cmd.get("cpu") else time.perf_counter
    samples = []
    for _ in range(cmd["reps"]):
        t = clock()
        for _ in range(inner):
            run()
        samples.append((clock() - t) / inner * 1000)
    return {"ms": statistics.median(samples), "inner": inner}


def main():
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        try:
            if op == "prepare":
                prepare(cmd)
                answer = {"ok": True}
            elif op == "time":
                answer = timed(cmd)
            elif op == "result":
                if state.get("last") is None:
                    run()
                data = state["last"].contiguous().numpy().tobytes()
                answer = {"data": base64.b64encode(data).decode("ascii")}
            else:
                answer = {"error": f"unknown op {op}"}
        except Exception as error:  # reported to the bench, which fails the peer's row
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


main()
