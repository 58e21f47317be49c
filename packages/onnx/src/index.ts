export type { ExportOnnxOptions } from './export/export-onnx.js';
export { exportOnnx } from './export/export-onnx.js';
export { importOnnx, OnnxModel } from './import/import-onnx.js';
export { ParameterHolder } from './import/layers.js';
