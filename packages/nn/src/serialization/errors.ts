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
      // The writer's internal name (`serializeRaw: `) gives way to the one the user called.
      const message = error.message.replace(/^serializeRaw: /, '');
      throw new SafetensorsError(`${fn}: ${message}`, { cause: error });
    }
    throw error;
  }
}
