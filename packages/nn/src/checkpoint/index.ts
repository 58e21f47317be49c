// Browser-safe: the file functions (`save`, `load`) live in ./file.js.
export { deserialize, serialize } from './bytes.js';
export type { SerializeOptions } from './convert.js';
