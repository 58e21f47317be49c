// TypeDoc as the API pages use it, shared by scripts/api.mjs (which writes the pages) and
// test/api-descriptions.test.ts (which checks that every export the pages list is described).
import { Application, Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

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
    categoryOrder: [
      'Tensor, dtypes and reading values',
      'Creation and random numbers',
      'Elementwise',
      'Reductions and matrix product',
      'Views, copies and joins',
      'In place',
      'Convolution and pooling',
      'Layers and losses',
      'Autograd',
      'Backends and kernels',
      'Printing',
      'Argument checks',
      '*',
    ],
    // Within a category, the functions first and their option types after.
    sort: ['kind', 'alphabetical'],
    kindSortOrder: [
      'Document',
      'Project',
      'Module',
      'Namespace',
      'Enum',
      'EnumMember',
      'Constructor',
      'Function',
      'Class',
      'Variable',
      'Property',
      'Accessor',
      'Method',
      'Interface',
      'TypeAlias',
      'Reference',
      'Parameter',
      'TypeParameter',
      'TypeLiteral',
      'CallSignature',
      'ConstructorSignature',
      'IndexSignature',
      'GetSignature',
      'SetSignature',
    ],
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
  // @fovea/tensor's page and Tensor's are long: their outlines list the members by kind of
  // operation (TypeDoc categories, each an h2) rather than as one alphabetical run, each member
  // filed by the module that declares it.
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      const owner = reflection.parent;
      const inTensor = owner?.name === 'tensor' && owner.kindOf(ReflectionKind.Module);
      const inTensorClass = owner?.name === 'Tensor' && owner.parent?.name === 'tensor';
      if (!inTensor && !inTensorClass) continue;
      const id = context.project.getSymbolIdFromReflection(reflection);
      const category =
        id?.packageName === '@fovea/autograd' ? 'Autograd' : tensorCategory(id?.packagePath ?? '');
      if (category === null) continue;
      reflection.comment ??= new Comment();
      reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]));
    }
    // Tensor's op methods come from an internal class; its name says nothing to a reader.
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Class)) {
      reflection.extendedTypes = reflection.extendedTypes?.filter(
        (type) =>
          type.type !== 'reference' || type.reflection !== undefined || !type.name.endsWith('Methods'),
      );
      if (reflection.extendedTypes?.length === 0) reflection.extendedTypes = undefined;
    }
  });
  const project = await app.convert();
  if (!project) throw new Error('api: TypeDoc could not convert the packages (see the messages above)');
  return { app, project };
}

/** The category of a @fovea/tensor export or Tensor member, by the file that declares it. */
const TENSOR_CATEGORIES = [
  [/src\/(creation|random-creation|random)\.ts$/, 'Creation and random numbers'],
  [/src\/(tensor|dtype|storage)\.ts$|tensor-methods\/reading\.ts$/, 'Tensor, dtypes and reading values'],
  [/ops\/(elementwise|activation|compare|cast)\.ts$|tensor-methods\/arithmetic\.ts$/, 'Elementwise'],
  [/ops\/(reduce|matmul)\.ts$|tensor-methods\/reductions\.ts$/, 'Reductions and matrix product'],
  [/ops\/(linear|cross-entropy)\.ts$/, 'Layers and losses'],
  [/ops\/(views|join|geometry)\.ts$|tensor-methods\/views\.ts$/, 'Views, copies and joins'],
  [/ops\/inplace\.ts$|tensor-methods\/in-place\.ts$/, 'In place'],
  [
    /ops\/(conv2d|corr2d|pool2d|max-unpool2d|unfold|pad)\.ts$|kernels\/(shape|pad)\.ts$/,
    'Convolution and pooling',
  ],
  [/kernels\/(backend|registry)\.ts$|shapes-only\.ts$/, 'Backends and kernels'],
  [/src\/(checks|check-tensor|shape)\.ts$/, 'Argument checks'],
  [/format\//, 'Printing'],
];
function tensorCategory(path) {
  return TENSOR_CATEGORIES.find(([pattern]) => pattern.test(path))?.[1] ?? null;
}
