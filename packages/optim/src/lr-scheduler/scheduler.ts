import { Optimizer } from '../optimizer.js';

/** Hyperparameters and counters a scheduler saves; its optimizer and functions are left out. */
export type SchedulerStateDict = Record<string, unknown>;

// Not state: the optimizer is saved on its own, functions cannot be, isInitial is transient.
const NOT_STATE = new Set(['name', 'optimizer', 'isInitial']);

function isStateValue(value: unknown): boolean {
  if (typeof value === 'function') return false;
  if (Array.isArray(value)) return value.every(isStateValue);
  return true;
}

function copy(value: unknown): unknown {
  return Array.isArray(value) ? value.map(copy) : value;
}

/**
 * The base of learning-rate schedules, after `torch.optim.lr_scheduler.LRScheduler`. At
 * construction it records each group's `initialLr` (keeping one already there) and takes an
 * initial step to epoch 0; every `step()` then advances `lastEpoch` and writes the new rate
 * into each group's `lr`.
 *
 * A subclass sets its fields after `super()`, then calls `initialStep()`, and computes the rates
 * in `computeLr()` (PyTorch's `get_lr`), usually from the groups' current `lr`.
 */
export abstract class LRScheduler {
  /** The schedule's name, which starts its error messages. */
  readonly name: string;
  /** The optimizer whose groups' `lr` the schedule sets. */
  readonly optimizer: Optimizer;
  /** The rates the schedule starts from: each group's `initialLr`. */
  baseLrs: number[];
  /** The epoch the current rates belong to (0 after construction). */
  lastEpoch: number;
  /** How many times `step()` ran, the initial step included. */
  protected stepCount = 0;
  /** The rates the last `step()` set, one per group (read them with `getLastLr()`). */
  protected lastLr: number[] = [];
  /** True during the initial step, when the rates must stay what they are. */
  protected isInitial = false;

  /**
   * Records the starting rates; called by each scheduler's constructor.
   *
   * @param name - The scheduler's name, for messages.
   * @param optimizer - The optimizer whose groups' `lr` it sets.
   * @param lastEpoch - The epoch to resume from (-1: start).
   */
  protected constructor(name: string, optimizer: Optimizer, lastEpoch = -1) {
    if (!(optimizer instanceof Optimizer)) {
      throw new TypeError(
        `${name}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`,
      );
    }
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) {
      throw new Error(`${name}: expected lastEpoch to be an integer >= -1, got ${lastEpoch}`);
    }
    this.name = name;
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new Error(
            `${name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`,
          );
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** PyTorch's `_initial_step`: one step that leaves the rates of a fresh schedule unchanged. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /** The rates for `lastEpoch` (PyTorch's `get_lr`), one per group. */
  protected abstract computeLr(): number[];

  /** Advances one epoch and sets each group's `lr`. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.computeLr();
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** The rates the last `step()` set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's fields except the optimizer and functions (PyTorch's state_dict). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (!NOT_STATE.has(key) && isStateValue(value)) out[key] = copy(value);
    }
    return out;
  }

  /**
   * Restores fields saved by `stateDict()`.
   *
   * @param stateDict - What `stateDict()` returned.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const name = this.name;
    if (typeof stateDict !== 'object' || stateDict === null) {
      throw new Error(`${name}.loadStateDict: expected an object as stateDict() returns`);
    }
    const own = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(stateDict)) {
      if (NOT_STATE.has(key) || !(key in own) || !isStateValue(own[key])) {
        throw new Error(`${name}.loadStateDict: unexpected key '${key}'`);
      }
    }
    for (const [key, value] of Object.entries(stateDict)) own[key] = copy(value);
  }
}

export function requirePositiveInteger(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${owner}: expected ${key} to be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function requireFiniteNumber(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${owner}: expected ${key} to be a finite number, got ${String(value)}`);
  }
  return value;
}
