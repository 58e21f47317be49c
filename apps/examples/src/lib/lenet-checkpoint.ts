import { existsSync } from 'node:fs';
import { load, type Sequential } from '@fovea/nn';
import { safetensorsMetadata } from './checkpoint-metadata.js';
import { CliError } from './cli.js';
import { type Activation, type LenetArchitecture, lenet, type Pool } from './lenet.js';

/**
 * The LeNet a checkpoint of `pnpm examples lenet` holds, with the architecture its metadata
 * names (d2l's sigmoid and average pooling when it names none), in eval mode.
 */
export function loadLenetCheckpoint(
  checkpoint: string,
  command: string,
): { model: Sequential; architecture: LenetArchitecture } {
  if (!existsSync(checkpoint)) {
    throw new CliError(
      `${command}: no checkpoint '${checkpoint}'; train first ('pnpm examples lenet') or name one with --checkpoint`,
    );
  }
  const metadata = safetensorsMetadata(checkpoint);
  const architecture = {
    activation: (metadata.activation === 'relu' ? 'relu' : 'sigmoid') as Activation,
    pool: (metadata.pool === 'max' ? 'max' : 'avg') as Pool,
  };
  const model = lenet(architecture);
  try {
    model.loadStateDict(load(checkpoint));
  } catch (error) {
    throw new CliError(`${command}: '${checkpoint}' is not a LeNet checkpoint: ${(error as Error).message}`);
  }
  model.eval();
  return { model, architecture };
}
