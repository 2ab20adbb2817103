// The plan's roles on a table, as the picture names them: streamed (each row builds an item),
// grouped (rows held by parent key for a collection), held for lookups (a hash index for
// many-to-one lookups), skipped (no item reads it, never inflated). Read from the plan only.
import type { Plan, TableRole } from '../../runtime/plan/types.js';
import type { GraphRole } from './graph-model.js';

function roleOf(role: TableRole): GraphRole {
  switch (role.kind) {
    case 'root':
      return { kind: 'streamed', text: `streamed: each row builds one ${role.item}` };
    case 'grouped':
      return { kind: 'grouped', text: `grouped by (${role.byColumns.join(', ')}) under ${role.parentTable}` };
    case 'lookup':
      return { kind: 'lookup', text: `held for lookups on (${role.keyColumns.join(', ')})` };
  }
}

/** The roles of every table the plan names, by table name, in the plan's order. */
export function tableRoles(plan: Plan): Map<string, GraphRole[]> {
  const roles = new Map<string, GraphRole[]>();
  for (const table of plan.tables) roles.set(table.name, table.roles.map(roleOf));
  for (const skipped of plan.entries.skipped)
    roles.set(skipped.table, [{ kind: 'skipped', text: `skipped: ${skipped.reason}` }]);
  return roles;
}
