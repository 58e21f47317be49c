// TypeDoc as the API pages use it, shared by scripts/api.mjs (which writes the pages) and
// test/api-descriptions.test.ts (which checks that every export the pages list is described).
import { Application, Converter, ReflectionKind } from 'typedoc';

const tsconfig = new URL('./tsconfig.api.json', import.meta.url).pathname;

/**
 * The TypeDoc project of the packages whose entry points are `entryPoints` (`.../tensor/src/index.ts`),
 * each module named after its package (`tensor`), members a class inherits from another documented
 * class left to that class. `extra` adds options (the markdown plugin, the output folder).
 */
export async function convertPackages(entryPoints, extra = {}) {
  const app = await Application.bootstrapWithPlugins({
    entryPoints,
    tsconfig,
    readme: 'none',
    // A page per package (its functions, interfaces and types, each a heading the outline lists)
    // and a page per class, so the Tensor class and each layer have a page of their own.
    outputFileStrategy: 'members',
    membersWithOwnFile: ['Class'],
    entryFileName: 'index',
    parametersFormat: 'table',
    // What a reader looks for first: the functions, then the classes; option types last.
    groupOrder: ['Namespaces', 'Functions', 'Classes', 'Variables', 'Interfaces', 'Type Aliases', '*'],
    useCodeBlocks: true,
    interfacePropertiesFormat: 'table',
    typeAliasPropertiesFormat: 'table',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    disableSources: true,
    excludeInternal: true,
    sanitizeComments: true,
    // Packages are written concurrently; a type error in one must not take the docs down.
    skipErrorChecking: true,
    ...extra,
  });
  // Entry points are named after their path (`tensor/src`, `tensor/src/webgpu`); name them after
  // what a program imports (`tensor`, `tensor/webgpu`).
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.children ?? [])
      module.name = module.name.replace(/\/src(\/|$)/, '$1');
  });
  // Members a class inherits are documented once, on the class that declares them (Module's
  // methods on Module, not again on each of the layers). Members inherited from a declaration the
  // package does not export (Tensor's op methods, from TensorMethods) have no other page: they stay.
  // Such members read as the class's own: no "Inherited from TensorMethods.add" under each. A
  // method's `this` parameter (a typing device) is not shown either, as PyTorch shows no `self`.
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      if (reflection.inheritedFrom === undefined || reflection.kindOf(ReflectionKind.Constructor)) continue;
      if (reflection.inheritedFrom.reflection !== undefined) context.project.removeReflection(reflection);
      else reflection.inheritedFrom = undefined;
    }
    for (const reflection of Object.values(context.project.reflections)) {
      if (!reflection.kindOf(ReflectionKind.SomeSignature) || !reflection.parameters) continue;
      const self = reflection.parameters.find((parameter) => parameter.name === 'this');
      if (self === undefined) continue;
      reflection.parameters = reflection.parameters.filter((parameter) => parameter !== self);
      context.project.removeReflection(self);
    }
  });
  const project = await app.convert();
  if (!project) throw new Error('api: TypeDoc could not convert the packages (see the messages above)');
  return { app, project };
}
