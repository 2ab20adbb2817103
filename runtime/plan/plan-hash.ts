// The plan's own hash, so that a plan file edited by hand is noticed when it is loaded:
//
//   planHash = "sha256:" + hex sha256 of the canonical JSON of the plan without `planHash`
//
// Canonical JSON: JSON.stringify with the keys of every object sorted (by code unit), no
// spaces; arrays keep their order. `mapc compile` writes it into each plan file; loading a
// plan file recomputes it from the content and compares (runtime/plan/validate-plan.ts).
// sourceHash, by contrast, hashes the .map sources, which a plan file does not carry.
import { createHash } from 'node:crypto';
import type { Plan } from './types.js';

export function planContentHash(plan: Plan): string {
  const { planHash: _ignored, ...content } = plan;
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

/** The plan with its planHash field set (first, after planFormat, for readers). */
export function withPlanHash(plan: Plan): Plan {
  const { planFormat, planHash: _old, ...rest } = plan;
  return { planFormat, planHash: planContentHash(plan), ...rest };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
