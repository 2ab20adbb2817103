// The mappings a command works on: the .map or plan files named, else the mappings in
// mappings/ of the current directory (compiler/mappings-folder.ts), each loaded as load-plan.ts does.
import { join } from 'node:path';
import type { Plan } from '../../runtime/plan/types.js';
import type { LoadPlanFileOptions } from '../../runtime/plan/validate-plan.js';
import { loadPlan } from './load-plan.js';
import { mappingsInFolder } from '../../compiler/mappings-folder.js';
import { UsageError } from './parse-options.js';

export const DEFAULT_MAPPINGS_DIR = 'mappings';

export function mappingFiles(named: string[]): string[] {
  if (named.length > 0) return named;
  const files = mappingsInFolder(DEFAULT_MAPPINGS_DIR);
  if (files.length === 0)
    throw new UsageError(
      `no mapping named, and no .map file that declares items in ${join(process.cwd(), DEFAULT_MAPPINGS_DIR)}: name the mappings or plans`,
    );
  return files;
}

/** Each file with its plan; null when one does not compile (its diagnostics are shown). */
export async function loadMappings(
  files: string[],
  options: LoadPlanFileOptions = {},
): Promise<Array<{ file: string; plan: Plan }> | null> {
  const plans = await Promise.all(files.map((file) => loadPlan(file, options)));
  if (plans.some((p) => p === null)) return null;
  return files.map((file, i) => ({ file, plan: plans[i]! }));
}
