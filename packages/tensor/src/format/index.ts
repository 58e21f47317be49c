export { formatFixed, formatScientific } from './decimal.js';
export { formatTensor } from './format.js';
export { DEFAULT_PRINT_OPTIONS, type PrintDType, type PrintOptions } from './options.js';
