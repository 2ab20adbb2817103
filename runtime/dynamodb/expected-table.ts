// The table a plan's target needs: its key attributes with their types, and its TTL
// attribute. The plan names a target's key attributes; their types come from what the
// target's items put there (a string key is S, an int or decimal key is N).
import type { Plan, ValueType } from '../plan/types.js';

export type KeyType = 'S' | 'N' | 'B';

export interface ExpectedKey {
  name: string;
  /** null when the plan does not settle it (no item sets the attribute plainly, or items disagree). */
  type: KeyType | null;
}

export interface ExpectedTable {
  /** The physical table name (the plan only knows the target's logical name). */
  tableName: string;
  partitionKey: ExpectedKey;
  sortKey: ExpectedKey | null;
  ttlAttribute: string | null;
}

export function expectedTable(plan: Plan, targetName: string, tableName: string): ExpectedTable {
  const target = plan.targets.find((candidate) => candidate.name === targetName);
  if (target === undefined) {
    throw new Error(
      `the plan has no target ${targetName} (it has ${plan.targets.map((t) => t.name).join(', ') || 'none'})`,
    );
  }
  const keyType = (attribute: string): KeyType | null => {
    const types = new Set<KeyType>();
    for (const item of plan.items) {
      if (item.target !== targetName) continue;
      const field = item.shape.fields.find((candidate) => candidate.name === attribute);
      const type = field?.value.kind === 'expr' ? dynamoKeyType(field.value.expr.type) : null;
      if (type !== null) types.add(type);
    }
    return types.size === 1 ? [...types][0] : null;
  };
  return {
    tableName,
    partitionKey: { name: target.partitionKey, type: keyType(target.partitionKey) },
    sortKey: target.sortKey === null ? null : { name: target.sortKey, type: keyType(target.sortKey) },
    ttlAttribute: target.ttlAttribute,
  };
}

function dynamoKeyType(type: ValueType): KeyType | null {
  switch (type) {
    case 'string':
    case 'date':
    case 'timestamp':
      return 'S';
    case 'int':
    case 'decimal':
    case 'float':
      return 'N';
    default:
      return null;
  }
}
