import ts from 'typescript';

/** What a shipped JavaScript or declaration file needs from outside itself. */
export interface FileReferences {
  /** Module specifiers: static and dynamic imports, re-exports, `require`, `import('x')` types, `/// <reference types>`. */
  modules: string[];
  /** Files read relative to the module at run time: `new URL('./x', import.meta.url)` and `'./x.wasm'` strings. */
  assets: string[];
}

function stringValue(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

function isImportMetaUrl(node: ts.Node | undefined): boolean {
  return (
    node !== undefined &&
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'url' &&
    ts.isMetaProperty(node.expression) &&
    node.expression.keywordToken === ts.SyntaxKind.ImportKeyword
  );
}

/**
 * Parses a file (so examples in comments and look-alike strings are not mistaken for imports)
 * and collects its module specifiers and relative asset references.
 */
export function fileReferences(fileName: string, text: string): FileReferences {
  const kind = /\.d\.[cm]?ts$/.test(fileName) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const modules = new Set<string>(source.typeReferenceDirectives.map((ref) => ref.fileName));
  const assets = new Set<string>();

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const spec = stringValue(node.moduleSpecifier);
      if (spec !== undefined) modules.add(spec);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const spec = stringValue(node.moduleReference.expression);
      if (spec !== undefined) modules.add(spec);
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const spec = stringValue(node.arguments[0]);
      if ((isImport || isRequire) && spec !== undefined) modules.add(spec);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const spec = stringValue(node.argument.literal);
      if (spec !== undefined) modules.add(spec);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      // `declare module 'x' { ... }` augments x, which must then resolve.
      modules.add(node.name.text);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL'
    ) {
      const spec = stringValue(node.arguments?.[0]);
      if (spec !== undefined && isImportMetaUrl(node.arguments?.[1])) assets.add(spec);
    } else {
      const text = stringValue(node);
      if (text !== undefined && /^\.\.?\/[^\s]*\.wasm$/.test(text)) assets.add(text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { modules: [...modules], assets: [...assets] };
}

/** The package a bare specifier names: `@scope/name` or `name`, without any subpath. */
export function packageOfSpecifier(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}
