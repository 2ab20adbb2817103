// Which DynamoDB tables the stack deals with, and whether it creates each or imports it: one
// per logical target of the mappings (named by the `tables` setting, else `<name>-<target>`),
// and the control table (keys pk and sk, strings: runtime/control/control-table.ts). A table
// the stack creates gets the mapping's keys and TTL attribute; an existing one is imported by
// name as it is, and the job checks its keys and TTL before it writes (check-tables.ts).
import type { DeployConfig } from './config.js';
import { DeployConfigError } from './config.js';
import { describeShape, type MappingSet } from './mapping-set.js';
import type { KeyType } from '../runtime/dynamodb/expected-table.js';

export interface TableKey {
  name: string;
  type: KeyType;
}

export interface PlannedTable {
  tableName: string;
  /** Imported by name rather than created. */
  existing: boolean;
  /** The logical target, or null for the control table. */
  target: string | null;
  /** Known for tables the stack creates; an existing table's keys are checked by the job. */
  partitionKey: TableKey | null;
  sortKey: TableKey | null;
  ttlAttribute: string | null;
}

export interface TablePlan {
  targets: PlannedTable[];
  control: PlannedTable;
}

/** The control table's keys, as runtime/control/control-table.ts creates them. */
export const CONTROL_TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

export function planTables(config: DeployConfig, set: MappingSet): TablePlan {
  const problems: string[] = [];
  const known = set.targets.map((t) => t.target);
  for (const target of Object.keys(config.tables)) {
    if (!known.includes(target))
      problems.push(`tables: ${target} is not a target of the mappings (their targets: ${known.join(', ')})`);
  }
  const existing = new Set(config.existingTables);
  const used = new Map<string, string>();
  const claim = (tableName: string, what: string) => {
    const other = used.get(tableName);
    if (other !== undefined)
      problems.push(`tables: ${what} and ${other} are both bound to table ${tableName}; give each its own table`);
    used.set(tableName, what);
  };

  const targets = set.targets.map((shape): PlannedTable => {
    const tableName = config.tables[shape.target] ?? `${config.name}-${shape.target}`;
    claim(tableName, `target ${shape.target}`);
    const isExisting = existing.has(tableName);
    const unknownTypes = [shape.partitionKey, ...(shape.sortKey ? [shape.sortKey] : [])].filter((k) => k.type === null);
    if (!isExisting && unknownTypes.length > 0) {
      problems.push(
        `target ${shape.target} (${describeShape(shape)}): the mappings do not settle the type of ${unknownTypes.map((k) => k.name).join(' and ')}, ` +
          `so the stack cannot create ${tableName}; create it yourself and list it in existingTables`,
      );
    }
    return {
      tableName,
      existing: isExisting,
      target: shape.target,
      partitionKey:
        shape.partitionKey.type === null ? null : { name: shape.partitionKey.name, type: shape.partitionKey.type },
      sortKey:
        shape.sortKey === null || shape.sortKey.type === null
          ? null
          : { name: shape.sortKey.name, type: shape.sortKey.type },
      ttlAttribute: shape.ttlAttribute,
    };
  });
  claim(config.controlTable, 'the control table');
  const control: PlannedTable = {
    tableName: config.controlTable,
    existing: existing.has(config.controlTable),
    target: null,
    partitionKey: { ...CONTROL_TABLE_KEYS.partitionKey },
    sortKey: { ...CONTROL_TABLE_KEYS.sortKey },
    ttlAttribute: null,
  };
  for (const name of config.existingTables) {
    if (!used.has(name))
      problems.push(
        `existingTables: ${name} is neither a target's table (${targets.map((t) => t.tableName).join(', ')}) nor the control table (${control.tableName})`,
      );
  }
  if (problems.length > 0) throw new DeployConfigError(problems);
  return { targets, control };
}
