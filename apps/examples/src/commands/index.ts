import type { Command } from '../lib/cli.js';
import { chapterCommand } from './chapter.js';
import { corr2dCommand } from './corr2d.js';
import { edgesCommand } from './edges.js';
import { exercisesCommand } from './exercises.js';
import { flipCommand } from './flip.js';
import { layerCommand } from './layer.js';
import { learnKernelCommand } from './learn-kernel.js';
import { lenetCommand } from './lenet.js';
import { onnxCommand } from './onnx.js';
import { receptiveFieldCommand } from './receptive-field.js';
import { trainCommand } from './train.js';

/** In the chapter's order, then what goes beyond it. */
export const COMMANDS: readonly Command[] = [
  chapterCommand,
  corr2dCommand,
  layerCommand,
  edgesCommand,
  learnKernelCommand,
  flipCommand,
  receptiveFieldCommand,
  exercisesCommand,
  trainCommand,
  lenetCommand,
  onnxCommand,
];
