// The options every command that talks to DynamoDB takes: --region, --endpoint (DynamoDB
// Local), the control table's name, and the physical table each logical target is bound to
// (--table logical=physical, or a JSON file {"logical": "physical"} given with --tables;
// unbound targets keep their name). The client they make is in dynamodb-client.ts, which
// loads the AWS SDK: a preview run never does.
import { readFileSync } from 'node:fs';
import { DEFAULT_CONTROL_TABLE } from '../../runtime/dynamodb/control-table-name.js';
import { tableNameProblem } from '../../runtime/dynamodb/table-name.js';
import type { Plan } from '../../runtime/plan/types.js';
import { UsageError, type Options } from './parse-options.js';

export const DYNAMODB_OPTIONS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'control-table': { type: 'string', default: DEFAULT_CONTROL_TABLE },
  table: { type: 'string', multiple: true },
  tables: { type: 'string' },
} satisfies Options;

export const DYNAMODB_USAGE = `  --region R              AWS region (else AWS_REGION or the profile's)
  --endpoint URL          a DynamoDB-compatible endpoint, e.g. DynamoDB Local (http://127.0.0.1:8000)
  --control-table NAME    the table holding the ledger, lease, stored and parked rows (default ${DEFAULT_CONTROL_TABLE})
  --table logical=physical   bind a target of the mapping to a physical table (repeatable)
  --tables FILE           the same bindings as JSON: {"app_table": "prod-app-table"}`;

export type BindingOptions = { table?: string[]; tables?: string };

/** logical target → physical table, from --tables then --table (which wins). */
export function tableBindings(values: BindingOptions): Map<string, string> {
  const bindings = new Map<string, string>();
  if (values.tables) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(values.tables, 'utf8'));
    } catch (error) {
      throw new UsageError(`--tables ${values.tables}: ${(error as Error).message}`);
    }
    if (
      parsed === null ||
      typeof parsed !== 'object' ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== 'string')
    ) {
      throw new UsageError(
        `--tables ${values.tables}: expected an object of table names, as in {"app_table": "prod-app-table"}`,
      );
    }
    for (const [logical, physical] of Object.entries(parsed as Record<string, string>)) bindings.set(logical, physical);
  }
  for (const binding of values.table ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(binding);
    if (!match)
      throw new UsageError(`--table ${binding}: write it as logical=physical, as in --table app_table=prod-app-table`);
    bindings.set(match[1], match[2]);
  }
  return bindings;
}

/**
 * A binding that names no target of the plan is a mistake (a typo would write to a table named
 * like the target); so is a physical table name DynamoDB would refuse, bound or the target's own.
 */
export function checkBindings(plan: Plan, values: BindingOptions): void {
  const bindings = tableBindings(values);
  for (const logical of bindings.keys()) {
    if (!plan.targets.some((t) => t.name === logical)) {
      throw new UsageError(
        `--table/--tables: the mapping has no target ${logical} (targets: ${plan.targets.map((t) => t.name).join(', ')})`,
      );
    }
  }
  for (const { name } of plan.targets) {
    const physical = bindings.get(name);
    const problem = tableNameProblem(physical ?? name);
    if (problem === null) continue;
    throw new UsageError(
      physical === undefined
        ? `target ${name} of mapping ${plan.mapping} ${problem}: bind it to a valid table with --table ${name}=my-table (or --tables), or rename the target`
        : `--table/--tables: ${name}=${physical}: the table name ${problem}`,
    );
  }
}

/** --control-table must be a name DynamoDB accepts. */
export function checkControlTableName(name: string | undefined): void {
  const problem = name === undefined ? null : tableNameProblem(name);
  if (problem !== null) throw new UsageError(`--control-table ${name}: the table name ${problem}`);
}
