// `mapc ledger`: the extracts incremental runs recorded per mapping, oldest as_of first, with
// their status, counts and times, and why one failed or was skipped. `mapc ledger skip` is
// in ledger-skip-command.ts.
import { DynamoDbStateStore } from '../../runtime/control/control-table.js';
import { listLedger, type LedgerListing } from '../../runtime/merge/ledger.js';
import { dynamoDbFailure, dynamoDbSettings } from './dynamodb-client.js';
import { DYNAMODB_OPTIONS, DYNAMODB_USAGE } from './dynamodb-options.js';
import { ledgerTable } from './ledger-table.js';
import { ALLOW_EDITED_PLAN_OPTION, ALLOW_EDITED_PLAN_USAGE } from './load-plan.js';
import type { Command } from './main.js';
import { loadMappings, mappingFiles } from './mapping-files.js';
import { parseCommandLine, UsageError } from './parse-options.js';

const usage = `usage: mapc ledger [<file.map | plan.json> ...] [--format text|json] [options]
       mapc ledger skip <extract> --reason TEXT [<file.map | plan.json> ...] [options]

Lists the extracts incremental runs recorded for each mapping (default: every .map file in
mappings/ that declares an item), oldest as_of first: the extract (S3 URI with ETag or
version, or local path with size and modification time), as_of, status, rows read, rejected
and parked, items written, when the run started and finished, and the error of a failed run
or the reason of a skip.

Statuses: applied; failed (the run stopped with the error shown); running (a run is going
on, or one crashed: run the extract again); skipped (mapc ledger skip). An extract that is
running or failed holds back the extracts after it.

  --format text|json      json: the entries as one JSON array, for tools
${ALLOW_EDITED_PLAN_USAGE}
${DYNAMODB_USAGE}

Run \`mapc ledger skip --help\` for skipping a broken extract.`;

export const ledgerCommand: Command = {
  async run(args) {
    if (args[0] === 'skip') return (await import('./ledger-skip-command.js')).ledgerSkipCommand.run(args.slice(1));
    const { values, positionals } = parseCommandLine(
      args,
      { ...DYNAMODB_OPTIONS, ...ALLOW_EDITED_PLAN_OPTION, format: { type: 'string', default: 'text' } },
      usage,
    );
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (values.format !== 'text' && values.format !== 'json')
      throw new UsageError(`--format is text or json, not ${values.format}`);
    const mappings = await loadMappings(mappingFiles(positionals), {
      allowEdited: values['allow-edited-plan'] ?? false,
    });
    if (!mappings) return 1;
    const settings = dynamoDbSettings(values);
    try {
      const store = new DynamoDbStateStore(settings.client, settings.controlTable);
      const listed: Array<{ mapping: string; entries: LedgerListing[] }> = [];
      for (const { plan } of mappings)
        listed.push({ mapping: plan.mapping, entries: await listLedger(store, plan.mapping) });
      if (values.format === 'json')
        console.log(
          JSON.stringify(
            listed.flatMap((m) => m.entries),
            null,
            2,
          ),
        );
      else process.stdout.write(listed.map((m) => ledgerTable(m.mapping, m.entries)).join('\n'));
      return 0;
    } catch (error) {
      throw dynamoDbFailure(error, settings);
    } finally {
      settings.destroy();
    }
  },
};
