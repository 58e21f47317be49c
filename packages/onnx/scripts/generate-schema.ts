/**
 * Writes src/schema/onnx-schema.generated.ts: the vendored onnx.proto parsed by protobufjs into
 * its JSON descriptor, so the package decodes ONNX files with protobufjs's light build (no
 * .proto parser, no file read at runtime). Run after replacing src/schema/onnx.proto:
 * `pnpm --filter @fovea/onnx generate:schema`. test/schema.test.ts fails when the two disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaModuleText } from './schema-module.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const proto = readFileSync(here('../src/schema/onnx.proto'), 'utf8');
writeFileSync(here('../src/schema/onnx-schema.generated.ts'), schemaModuleText(proto));
