// Every export the API pages list has a description: TypeDoc converts the packages as
// scripts/api.mjs does, and each function, class, interface, type, variable and member without
// words of its own is named here. For the packages listed in FULLY_DESCRIBED, every parameter and
// every property of an options object needs words too.
import { join } from 'node:path';
import { type DeclarationReflection, type ProjectReflection, type Reflection, ReflectionKind } from 'typedoc';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertPackages } from '../scripts/typedoc.mjs';
import { DOCS_DIR } from './site';

/** Entry points as the API pages name them (`tensor/webgpu` is `@fovea/tensor/webgpu`). */
const MODULES = ['tensor', 'tensor/webgpu', 'autograd', 'nn', 'optim', 'receptive-field', 'data', 'onnx'];
const FULLY_DESCRIBED = new Set(['tensor', 'tensor/webgpu']);

/** `tensor/webgpu` -> packages/tensor/src/webgpu/index.ts. */
const entryPoint = (module: string) => {
  const [pkg, ...subpath] = module.split('/');
  return join(DOCS_DIR, '../../packages', pkg, 'src', ...subpath, 'index.ts');
};

const hasWords = (reflection: Reflection | undefined) =>
  reflection?.comment?.summary.some((part) => part.text.trim() !== '') ?? false;

/** Inside an inline function type (a callback parameter's `(x) => y`): described by its owner. */
function inTypeLiteral(reflection: Reflection): boolean {
  for (let r = reflection.parent; r; r = r.parent) if (r.kindOf(ReflectionKind.TypeLiteral)) return true;
  return false;
}

/** What `module` (one package) leaves undescribed, as `name (kind)`. */
function undescribed(project: ProjectReflection, module: DeclarationReflection, full: boolean): string[] {
  const missing: string[] = [];
  const fromElsewhere = (r: Reflection) => {
    // Members inherited from the platform (Error's `stack`) are described there.
    const id = project.getSymbolIdFromReflection(r);
    return id !== undefined && !id.packageName.startsWith('@fovea/');
  };
  const visit = (r: Reflection) => {
    r.traverse((child) => {
      visit(child);
    });
    if (inTypeLiteral(r) || fromElsewhere(r)) return;
    const name = `${r.getFriendlyFullName()} (${ReflectionKind[r.kind]})`;
    if (r.kindOf(ReflectionKind.CallSignature | ReflectionKind.ConstructorSignature)) {
      // An overload may share its function's words; a constructor is described by its class.
      const owner = r.parent;
      const ownerWords =
        hasWords(owner) || (r.kindOf(ReflectionKind.ConstructorSignature) && hasWords(owner?.parent));
      if (!hasWords(r) && !ownerWords) missing.push(name);
      if (full) {
        for (const parameter of (r as { parameters?: Reflection[] }).parameters ?? []) {
          if (!hasWords(parameter)) missing.push(`${r.getFriendlyFullName()}(${parameter.name}) (Parameter)`);
        }
      }
    } else if (r.kindOf(ReflectionKind.Accessor)) {
      const accessor = r as DeclarationReflection;
      if (![accessor, accessor.getSignature, accessor.setSignature].some(hasWords)) missing.push(name);
    } else if (
      r.kindOf(
        ReflectionKind.Class | ReflectionKind.Interface | ReflectionKind.TypeAlias | ReflectionKind.Variable,
      ) ||
      (r.kindOf(ReflectionKind.Property) && (full || r.parent?.kindOf(ReflectionKind.Class)))
    ) {
      if (!hasWords(r)) missing.push(name);
    }
  };
  visit(module);
  return missing;
}

describe('the API pages describe every export', () => {
  let project: ProjectReflection;
  beforeAll(async () => {
    ({ project } = await convertPackages(MODULES.map(entryPoint), {
      plugin: ['typedoc-plugin-markdown'],
      logLevel: 'Error',
    }));
  }, 120_000);

  for (const name of MODULES) {
    const what = FULLY_DESCRIBED.has(name) ? 'every export, member and parameter' : 'every export and member';
    it(`@fovea/${name}: ${what} has a description`, () => {
      const module = project.getChildByName(name) as DeclarationReflection | undefined;
      expect(module, `module ${name}`).toBeDefined();
      expect(undescribed(project, module as DeclarationReflection, FULLY_DESCRIBED.has(name))).toEqual([]);
    });
  }
});
