// A command's mapping argument: a plan file (.json, validated) or a mapping compiled on the
// spot, its diagnostics shown; null when it does not compile. A plan file edited since
// `mapc compile` wrote it is refused unless `allowEdited` (validate-plan.ts).
import type { Plan } from '../../runtime/plan/types.js';
import { loadPlanFile, type LoadPlanFileOptions } from '../../runtime/plan/validate-plan.js';
import type { Options } from './parse-options.js';

/** The flag of every command that loads plans. */
export const ALLOW_EDITED_PLAN_OPTION = { 'allow-edited-plan': { type: 'boolean' } } satisfies Options;

export const ALLOW_EDITED_PLAN_USAGE = `  --allow-edited-plan     load a plan file whose content no longer matches its planHash (edited
                          after mapc compile), or that has none (compiled by an older mapc)`;

export async function loadPlan(file: string, options: LoadPlanFileOptions = {}): Promise<Plan | null> {
  if (file.endsWith('.json')) return loadPlanFile(file, options);
  // The compiler is loaded for a mapping only: a plan file needs the schema check alone.
  const { loadPlanWithDiagnostics, PlanNotCompiled } = await import('../../api/load-plan.js');
  try {
    const loaded = loadPlanWithDiagnostics(file);
    process.stderr.write(loaded.rendered);
    return loaded.plan;
  } catch (error) {
    if (!(error instanceof PlanNotCompiled)) throw error;
    process.stderr.write(error.rendered);
    return null;
  }
}
