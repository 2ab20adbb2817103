// Rewrite: read lookup tables first, then grouped tables deepest first, root tables last, so
// every held index is complete before the rows that need it stream past.
import type { Plan, PlanTable } from '../../runtime/plan/types.js';
import { walkItem } from './walk-plan.js';

export function orderEntries(input: Plan): Plan {
  const plan = structuredClone(input);
  const depth = new Map<string, number>();
  for (const item of plan.items) {
    walkItem(item, { collection: (c, _aliases, d) => depth.set(c.table, Math.max(depth.get(c.table) ?? 0, d)) });
  }
  const rank = (t: PlanTable): [number, number] => {
    if (t.roles.some((r) => r.kind === 'grouped')) return [1, -(depth.get(t.name) ?? 0)];
    if (t.roles.some((r) => r.kind === 'root')) return [2, 0];
    return [0, 0];
  };
  const position = new Map(plan.tables.map((t, i) => [t.name, i]));
  plan.tables.sort((a, b) => {
    const [ra, da] = rank(a);
    const [rb, db] = rank(b);
    return ra - rb || da - db || position.get(a.name)! - position.get(b.name)!;
  });
  plan.entries.read = plan.tables.map((t) => ({ table: t.name, pattern: t.pattern }));
  return plan;
}
