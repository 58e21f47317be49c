export type PrintDType = 'float32' | 'float64' | 'int32' | 'bool';

/** How {@link formatTensor} prints: `torch.set_printoptions`'s options, camelCased. */
export interface PrintOptions {
  /** Digits after the decimal point (and of the scientific mantissa); 4 by default. */
  precision?: number;
  /** More elements than this and the tensor is summarised with `...`; 1000 by default. */
  threshold?: number;
  /** Items kept at the start and at the end of each summarised dimension; 3 by default. */
  edgeitems?: number;
  /** Characters per line before a row wraps; 80 by default. */
  linewidth?: number;
  /** true/false forces scientific notation on/off; null lets the values decide. */
  sciMode?: boolean | null;
}

export type ResolvedPrintOptions = Required<PrintOptions>;

/** PyTorch's `profile='default'`. */
export const DEFAULT_PRINT_OPTIONS: ResolvedPrintOptions = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sciMode: null,
};

export function resolvePrintOptions(options: PrintOptions = {}): ResolvedPrintOptions {
  return {
    precision: options.precision ?? DEFAULT_PRINT_OPTIONS.precision,
    threshold: options.threshold ?? DEFAULT_PRINT_OPTIONS.threshold,
    edgeitems: options.edgeitems ?? DEFAULT_PRINT_OPTIONS.edgeitems,
    linewidth: options.linewidth ?? DEFAULT_PRINT_OPTIONS.linewidth,
    sciMode: options.sciMode ?? null,
  };
}
