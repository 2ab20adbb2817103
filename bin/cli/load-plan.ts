// A command's mapping argument: a plan file (.json, validated) or a mapping compiled on the
// spot, its diagnostics shown; null when it does not compile. A plan file edited since
// `mapc compile` wrote it is refused unless `allowEdited` (validate-plan.ts).
import type { Plan } from '../../runtime/plan/types.js';
import { loadPlanFile, type LoadPlanFileOptions } from '../../runtime/plan/validate-plan.js';

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
