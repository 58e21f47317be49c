// The types of typedoc.mjs, for the tests that import it.
import type { Application, ProjectReflection, TypeDocOptions } from 'typedoc';

/** The TypeDoc project of the entry points, as the API pages see it (see typedoc.mjs). */
export function convertPackages(
  entryPoints: string[],
  extra?: Partial<TypeDocOptions> & Record<string, unknown>,
): Promise<{ app: Application; project: ProjectReflection }>;
