// A command's mapping argument: a plan file (.json, validated) or a mapping compiled on the
// spot, its diagnostics shown; null when it does not compile.
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';
import type { Plan } from '../../runtime/plan/types.js';
import { loadPlanFile } from '../../runtime/plan/validate-plan.js';

export function loadPlan(file: string): Plan | null {
  if (file.endsWith('.json')) return loadPlanFile(file);
  const result = compile(file);
  process.stderr.write(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
  return result.plan;
}
