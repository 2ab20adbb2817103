// loadPlan: a mapping as a checked plan, from a plan file (.json, checked against the plan
// schema) or a .map file compiled on the spot. A mapping that does not compile throws a
// PlanNotCompiled carrying its diagnostics as data, and their rendering as the message.
import { compile } from '../compiler/compile.js';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { renderDiagnostics } from '../compiler/diagnostics/render.js';
import type { Plan } from '../runtime/plan/types.js';
import { loadPlanFile, type LoadPlanFileOptions } from '../runtime/plan/validate-plan.js';

export class PlanNotCompiled extends Error {
  constructor(
    readonly file: string,
    readonly diagnostics: Diagnostic[],
    readonly rendered: string,
  ) {
    super(`${file} does not compile:\n${rendered}`);
    this.name = 'PlanNotCompiled';
  }
}

export interface LoadedPlan {
  plan: Plan;
  /** Warnings of a .map file that compiled (none for a plan file). */
  diagnostics: Diagnostic[];
  /** The warnings rendered with their source lines, '' when there are none. */
  rendered: string;
}

/** `options` apply to plan files (a .map file is compiled, so its plan is what it says). */
export function loadPlanWithDiagnostics(file: string, options: LoadPlanFileOptions = {}): LoadedPlan {
  if (file.endsWith('.json')) return { plan: loadPlanFile(file, options), diagnostics: [], rendered: '' };
  const result = compile(file);
  const rendered = renderDiagnostics(result.diagnostics, (f) => result.sources.get(f));
  if (!result.plan) throw new PlanNotCompiled(file, result.diagnostics, rendered);
  return { plan: result.plan, diagnostics: result.diagnostics, rendered };
}

export function loadPlan(file: string, options: LoadPlanFileOptions = {}): Plan {
  return loadPlanWithDiagnostics(file, options).plan;
}
