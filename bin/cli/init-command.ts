// `mapc init`: creates the control table incremental runs keep their state in and, given
// mappings, the target tables they write (for DynamoDB Local and first trials: production
// tables are usually made by whoever owns the infrastructure; `mapc run` checks them).
import { checkTable, formatTableProblem } from '../../runtime/dynamodb/check-tables.js';
import { withConnectionCause } from '../../runtime/dynamodb/connection-error.js';
import { createControlTable } from '../../runtime/control/control-table.js';
import { createTable } from '../../runtime/dynamodb/create-table.js';
import { expectedTable } from '../../runtime/dynamodb/expected-table.js';
import { checkBindings, DYNAMODB_OPTIONS, DYNAMODB_USAGE } from './dynamodb-options.js';
import { dynamoDbSettings } from './dynamodb-client.js';
import { ALLOW_EDITED_PLAN_OPTION, ALLOW_EDITED_PLAN_USAGE, loadPlan } from './load-plan.js';
import type { Command } from './main.js';
import { parseCommandLine } from './parse-options.js';

const usage = `usage: mapc init [<file.map | plan.json> ...] [options]

Creates the control table (ledger, lease, stored and parked rows) unless it exists. With
mappings, also creates each target table they write that does not exist yet: on-demand
capacity, the mapping's key attributes and types, TTL on its ttl attribute.

${ALLOW_EDITED_PLAN_USAGE}
${DYNAMODB_USAGE}`;

export const initCommand: Command = {
  async run(args) {
    const { values, positionals } = parseCommandLine(args, { ...DYNAMODB_OPTIONS, ...ALLOW_EDITED_PLAN_OPTION }, usage);
    if (values.help) {
      console.log(usage);
      return 0;
    }
    const plans = await Promise.all(
      positionals.map((file) => loadPlan(file, { allowEdited: values['allow-edited-plan'] ?? false })),
    );
    if (plans.some((p) => p === null)) return 1;
    for (const plan of plans) checkBindings(plan!, values);
    const settings = dynamoDbSettings(values);
    try {
      const created = await createControlTable(settings.client, settings.controlTable);
      console.log(`control table ${settings.controlTable}: ${created ? 'created' : 'exists'}`);
      const done = new Set<string>();
      for (const plan of plans) {
        for (const target of plan!.targets) {
          const expected = expectedTable(plan!, target.name, settings.physical(target.name));
          if (done.has(expected.tableName)) continue;
          done.add(expected.tableName);
          const problems = await checkTable(settings.client, expected);
          if (problems.some((p) => p.code === 'table-missing')) {
            await createTable(settings.client, expected);
            console.log(`target ${target.name}: created table ${expected.tableName}`);
          } else if (problems.length > 0) {
            console.log(
              `target ${target.name}: table ${expected.tableName} exists but does not fit the mapping:\n${problems.map((p) => `  ${formatTableProblem(p)}`).join('\n')}`,
            );
            return 1;
          } else {
            console.log(`target ${target.name}: table ${expected.tableName} exists and fits`);
          }
        }
      }
      return 0;
    } catch (error) {
      // Not dynamoDbFailure: init makes the control table, so its absence is no error here.
      throw withConnectionCause(error, settings.location);
    } finally {
      settings.destroy();
    }
  },
};
