// The optimizer: small pure rewrites Plan -> Plan, applied in order. Each has its own file
// and its own fixtures under test/optimizer/.
import type { Plan } from '../../runtime/plan/types.js';
import { deriveState } from './derive-state.js';
import { orderEntries } from './order-entries.js';
import { projectColumns } from './project-columns.js';
import { pushDownFilters } from './push-down-filters.js';

export const REWRITES: ReadonlyArray<readonly [string, (plan: Plan) => Plan]> = [
  ['push-down-filters', pushDownFilters],
  ['project-columns', projectColumns],
  ['order-entries', orderEntries],
];

export function optimize(logical: Plan): Plan {
  const plan = REWRITES.reduce((current, [, rewrite]) => rewrite(current), logical);
  return { ...plan, state: deriveState(plan.items, plan.tables) };
}
