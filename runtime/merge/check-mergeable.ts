// What an incremental run needs of a plan beyond what a preview run needs: to merge a new row
// into a stored collection, the stored element must say which row it came from, so every
// column of the child's key (but those that point at the parent, implied by where the
// element sits) must be an attribute of the element.
import type { Plan, PlanObject } from '../plan/types.js';

export function mergeProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const visit = (object: PlanObject, path: string) => {
    for (const field of object.fields) {
      const value = field.value;
      if (value.kind === 'object') visit(value, `${path}.${field.name}`);
      if (value.kind !== 'collection') continue;
      const { columns, attributes } = value.elementKey;
      if (plan.tables.find((t) => t.name === value.table)?.key.length === 0) {
        problems.push(
          `${path}.${field.name}: ${value.table} has no key, so a later extract's row cannot be matched with its stored element; declare its key in the mapping`,
        );
      }
      const missing = columns.filter((column, i) => attributes[i] === null && !value.childColumns.includes(column));
      if (missing.length > 0) {
        problems.push(
          `${path}.${field.name}: its elements carry no attribute for ${missing.join(', ')} (the key of ${value.table}), so a later extract's row cannot ` +
            `be matched with its stored element; add ${missing.map((c) => `\`${c} = ${value.alias}.${c}\``).join(' and ')} to the element`,
        );
      }
      visit(value.element, `${path}.${field.name}[]`);
    }
  };
  for (const item of plan.items) visit(item.shape, item.name);
  return problems;
}
