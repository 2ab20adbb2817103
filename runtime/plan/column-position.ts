// Where a column sits in the rows of a plan table (its projected columns, in plan order).
import type { PlanTable } from './types.js';

export function columnPosition(table: Pick<PlanTable, 'name' | 'columns'>, column: string): number {
  const index = table.columns.findIndex((c) => c.name === column);
  if (index < 0)
    throw new Error(`the plan reads ${table.name}.${column}, which it does not project: recompile the mapping`);
  return index;
}
