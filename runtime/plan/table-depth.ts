// How deep a table hangs below its root: 0 for a table that is not grouped under a parent,
// its parent's depth + 1 otherwise. Parents are settled before their children by depth.
import type { Plan } from './types.js';

export function tableDepth(plan: Plan, name: string, seen = new Set<string>()): number {
  const grouped = plan.tables.find((t) => t.name === name)?.roles.find((r) => r.kind === 'grouped');
  if (!grouped || grouped.kind !== 'grouped' || seen.has(name)) return 0;
  return 1 + tableDepth(plan, grouped.parentTable, seen.add(name));
}
