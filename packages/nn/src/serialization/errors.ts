/**
 * A safetensors file or tensor dict that breaks the format. The message says what was expected,
 * what came, and where (which tensor, which field).
 */
export class SafetensorsError extends Error {
  /** `'SafetensorsError'`. */
  override name = 'SafetensorsError';
}
