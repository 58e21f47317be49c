import { autogradConv2D } from '../exercises/autograd.js';
import { blur } from '../exercises/blur.js';
import { derivativeOrder } from '../exercises/derivative-order.js';
import { diagonalEdges } from '../exercises/diagonal-edges.js';
import { directionalEdges } from '../exercises/directional-edges.js';
import type { Exercise } from '../exercises/exercise.js';
import { matrixProduct } from '../exercises/matrix-product.js';
import { secondDerivative } from '../exercises/second-derivative.js';
import { type Command, SEED_OPTION, seedOption, UsageError, type Values } from '../lib/cli.js';
import { heading } from '../lib/print.js';

export const EXERCISES: readonly Exercise[] = [
  diagonalEdges,
  directionalEdges,
  secondDerivative,
  blur,
  derivativeOrder,
  autogradConv2D,
  matrixProduct,
];

function runExercises(values: Values, names: string[]): void {
  const seed = seedOption('exercises', values);
  for (const name of names) {
    if (!EXERCISES.some((e) => e.name === name)) {
      throw new UsageError(
        `exercises: unknown exercise '${name}' (expected one of: ${EXERCISES.map((e) => e.name).join(', ')})`,
      );
    }
  }
  const chosen = names.length === 0 ? EXERCISES : EXERCISES.filter((e) => names.includes(e.name));
  chosen.forEach((exercise, i) => {
    if (i > 0) console.log('');
    heading(`Exercise: ${exercise.title}`);
    exercise.run(seed);
  });
  console.log('');
  console.log(`${chosen.length} exercise(s), every answer checked`);
}

export const exercisesCommand: Command = {
  name: 'exercises',
  summary: 'worked answers to the chapter exercises, each one checked',
  usage: `Usage: pnpm examples exercises [name ...] [--seed N]

Worked answers to the chapter's exercises. Every answer is checked as it is printed (lines
starting with ✓); a wrong answer stops the run with exit code 1.

Exercises:
${EXERCISES.map((e) => `  ${e.name.padEnd(18)}${e.title}`).join('\n')}

Options:
  --seed N   seed of the random data some answers use (default 0)`,
  options: SEED_OPTION,
  positionals: { min: 0, max: EXERCISES.length },
  run: runExercises,
};
