// `mapc pending`: the rows incremental runs parked because their parent has not arrived,
// table by table, with where they were read and why they wait.
import type { Command } from './main.js';
import { DynamoDbStateStore } from '../../runtime/control/control-table.js';
import { decodeRow } from '../../runtime/merge/stored-values.js';
import { valueText } from '../../runtime/eval/value-text.js';
import { DYNAMODB_OPTIONS, DYNAMODB_USAGE } from './dynamodb-options.js';
import { dynamoDbFailure, dynamoDbSettings } from './dynamodb-client.js';
import { ALLOW_EDITED_PLAN_OPTION, ALLOW_EDITED_PLAN_USAGE, loadPlan } from './load-plan.js';
import { parseCommandLine, UsageError } from './parse-options.js';

const usage = `usage: mapc pending <file.map | plan.json> [--json] [options]

Lists the rows that incremental runs of the mapping parked: rows whose parent had not arrived
when they were read. Every later run retries them; they leave the list once attached.

${DYNAMODB_USAGE}
  --json                  one JSON object per parked row instead of a table
${ALLOW_EDITED_PLAN_USAGE}`;

export const pendingCommand: Command = {
  async run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...DYNAMODB_OPTIONS, ...ALLOW_EDITED_PLAN_OPTION, json: { type: 'boolean' } },
      usage,
    );
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`name one mapping or plan\n\n${usage}`);
    const plan = await loadPlan(positionals[0], { allowEdited: values['allow-edited-plan'] ?? false });
    if (!plan) return 1;
    const settings = dynamoDbSettings(values);
    try {
      const store = new DynamoDbStateStore(settings.client, settings.controlTable);
      let total = 0;
      for (const { table } of plan.state.parkable) {
        const planTable = plan.tables.find((t) => t.name === table)!;
        for (const row of await store.parkedRows(plan.mapping, table)) {
          // A shard's tombstone: settled, not waiting.
          if (row.settledBy !== undefined) continue;
          total++;
          const columns = Object.fromEntries(
            planTable.columns.map((c, i) => [
              c.name,
              valueText(decodeRow(planTable, row.values, `parked row ${row.id}`)[i]),
            ]),
          );
          if (values.json)
            console.log(
              JSON.stringify({
                table,
                file: row.file,
                line: row.line,
                extract: row.extract,
                parkedAt: row.parkedAt,
                reason: row.reason,
                columns,
              }),
            );
          else
            console.log(
              `${table}  ${row.file}:${row.line}  parked ${row.parkedAt} from ${row.extract}\n    ${row.reason}\n    ${Object.entries(
                columns,
              )
                .map(([k, v]) => `${k}=${v}`)
                .join('  ')}`,
            );
        }
      }
      if (!values.json)
        console.log(
          total === 0
            ? `no parked rows for mapping ${plan.mapping}`
            : `${total} parked row${total === 1 ? '' : 's'} for mapping ${plan.mapping}`,
        );
      return 0;
    } catch (error) {
      throw dynamoDbFailure(error, settings);
    } finally {
      settings.destroy();
    }
  },
};
