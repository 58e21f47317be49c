import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TimingOptions } from '../timing.js';
import { geometry } from '../workloads.js';
import type { Peer, Runner } from './peer.js';

/**
 * PyTorch CPU (Debian's python3-torch 1.13, oneDNN) on the conv workloads, forward and both
 * gradients, at a thread count: python/conv_torch.py runs as one server process for the whole
 * bench, gets the operands Fovea gets, and times itself by the bench's method (src/timing.ts),
 * so no round trip between the processes is timed.
 */

const PYTHON = '/usr/bin/python3';

/** Whether `/usr/bin/python3 -c 'import torch'` works (else the PyTorch rows are skipped). */
export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

class TorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: Array<(line: string) => void> = [];

  constructor() {
    const script = fileURLToPath(new URL('../../python/conv_torch.py', import.meta.url));
    this.child = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d) => process.stderr.write(`conv_torch.py: ${d}`));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  request<T>(command: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        const answer = JSON.parse(line) as T & { error?: string };
        if (answer.error !== undefined) reject(new Error(`conv_torch.py: ${answer.error}`));
        else resolve(answer);
      });
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }
}

let server: TorchServer | null = null;

const base64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function torchPeer(threads: number): Peer {
  return {
    name: `pytorch-t${threads}`,
    threads,
    mayReduceBatch: false,
    supports: () => true,
    async prepare(w, pass, batch, data) {
      server ??= new TorchServer();
      const torch = server;
      const g = geometry(w, batch);
      await torch.request({
        op: 'prepare',
        x: [batch, g.c, g.h, g.wd],
        w: [...w.w],
        padding: w.padding,
        stride: w.stride,
        groups: w.groups,
        pass,
        threads,
        xData: base64(data.x.subarray(0, batch * g.c * g.h * g.wd)),
        wData: base64(data.w),
        gyData: base64(data.gy.subarray(0, batch * g.o * g.outH * g.outW)),
      });
      const runner: Runner = {
        run: async () => {
          await torch.request({ op: 'time', reps: 1, warmupMs: 0, minRepMs: 0 });
        },
        time: (options: TimingOptions) => torch.request({ op: 'time', ...options }),
        result: async () => {
          const { data: text } = await torch.request<{ data: string }>({ op: 'result' });
          const bytes = Buffer.from(text, 'base64');
          return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
        },
        dispose: () => {},
      };
      return runner;
    },
  };
}
