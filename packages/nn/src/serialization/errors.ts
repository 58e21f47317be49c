import { argumentError } from '@fovea/tensor';

/**
 * A safetensors file or tensor dict that breaks the format. The message says what was expected,
 * what came, and where (which tensor, which field).
 */
export class SafetensorsError extends Error {
  /** `'SafetensorsError'`. */
  override name = 'SafetensorsError';

  constructor(message?: string, options?: ErrorOptions) {
    if (message !== undefined && typeof message !== 'string') {
      throw argumentError('SafetensorsError', 'message', 'a string', message);
    }
    super(message, options);
  }
}

/**
 * Runs `read`, starting a `SafetensorsError`'s message with `fn`, the function the user called
 * (`deserialize: safetensors header: not valid JSON (...)`).
 */
export function namedSafetensorsErrors<T>(fn: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SafetensorsError && !error.message.startsWith(`${fn}: `)) {
      throw new SafetensorsError(`${fn}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
