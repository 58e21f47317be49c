import { Presets, SingleBar } from 'cli-progress';

/** Reports training progress: a cli-progress bar on a terminal, a line every tenth otherwise. */
export interface Progress {
  update(step: number, loss: number): void;
  stop(): void;
}

export function progress(
  label: string,
  total: number,
  interactive = Boolean(process.stdout.isTTY),
): Progress {
  if (interactive) {
    const bar = new SingleBar(
      {
        format: `${label} |{bar}| {percentage}% | step {value}/{total} | loss {loss}`,
        stream: process.stdout,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-' });
    return {
      update: (step, loss) => bar.update(step, { loss: loss.toExponential(3) }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.floor(total / 10));
  return {
    update(step, loss) {
      if (step % every === 0 || step === total)
        console.log(`${label}: step ${step}/${total}, loss ${loss.toExponential(3)}`);
    },
    stop() {},
  };
}
