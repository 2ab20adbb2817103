// `mapc ledger skip`: marks a broken extract skipped for each mapping, so that the extracts
// after it can be applied (runtime/merge/ledger.ts skipExtract).
import { hostname, userInfo } from 'node:os';
import { DynamoDbStateStore } from '../../runtime/control/control-table.js';
import { describeExtract, extractUri } from '../../runtime/merge/describe-extract.js';
import { skipExtract, type SkippedExtract } from '../../runtime/merge/ledger.js';
import { checkAsOf, checkEndpoints } from './checked-flags.js';
import { dynamoDbFailure, dynamoDbSettings } from './dynamodb-client.js';
import { DYNAMODB_OPTIONS, DYNAMODB_USAGE } from './dynamodb-options.js';
import { identityText } from './ledger-table.js';
import { ALLOW_EDITED_PLAN_OPTION, ALLOW_EDITED_PLAN_USAGE } from './load-plan.js';
import type { Command } from './main.js';
import { loadMappings, mappingFiles } from './mapping-files.js';
import { parseCommandLine, UsageError } from './parse-options.js';

const usage = `usage: mapc ledger skip <extract> --reason TEXT [<file.map | plan.json> ...] [options]

Marks the extract skipped for each mapping (default: every .map file in mappings/ that
declares an item): it is not applied, and the extracts after it may go on. Name it as
\`mapc ledger\` shows it: s3://bucket/key, or the file's path. The skip is recorded against
the newest entry of that extract; an extract no run recorded is read for its identity and
as_of (--as-of, else its _manifest.json, else its modification time). An extract a mapping
applied already is not skipped. Exit code: 0 skipped, 1 refused or failed, 2 bad usage.

  --reason TEXT           why (required): \`mapc ledger\` shows it
  --as-of TIME            the as_of to record for an extract no run recorded
  --s3-endpoint URL       an S3-compatible server to read an s3:// extract from (--region applies too)
${ALLOW_EDITED_PLAN_USAGE}
${DYNAMODB_USAGE}`;

function whoAmI(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `${process.env.USER ?? 'someone'}@${hostname()}`;
  }
}

function outcome(uri: string, { entry, previously, described }: SkippedExtract): string {
  const before =
    previously === 'unrecorded'
      ? `no run had recorded it; recorded as ${identityText(entry.identity)}, as_of ${entry.asOf} from ${described?.asOfFrom}`
      : previously === 'failed'
        ? `it had failed: ${entry.error ?? 'no error recorded'}`
        : `it was ${previously}`;
  return `skipped ${uri} for mapping ${entry.mapping} (${before})`;
}

export const ledgerSkipCommand: Command = {
  async run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        ...DYNAMODB_OPTIONS,
        ...ALLOW_EDITED_PLAN_OPTION,
        reason: { type: 'string' },
        'as-of': { type: 'string' },
        's3-endpoint': { type: 'string' },
      },
      usage,
    );
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError(`name the extract to skip\n\n${usage}`);
    if (values.reason === undefined || values.reason.trim() === '')
      throw new UsageError(`give --reason: the ledger shows why the extract was skipped\n\n${usage}`);
    checkAsOf(values['as-of']);
    checkEndpoints(values);
    const [extract, ...named] = positionals;
    let uri: string;
    try {
      uri = extractUri(extract);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const files = mappingFiles(named);
    const mappings = await loadMappings(files, { allowEdited: values['allow-edited-plan'] ?? false });
    if (!mappings) return 1;
    const settings = dynamoDbSettings(values);
    try {
      const s3 = {
        ...(values.region ? { region: values.region } : {}),
        ...(values['s3-endpoint'] ? { endpoint: values['s3-endpoint'] } : {}),
      };
      const result = await skipExtract(new DynamoDbStateStore(settings.client, settings.controlTable), {
        mappings: mappings.map(({ plan }) => ({ mapping: plan.mapping, planHash: plan.sourceHash })),
        uri,
        reason: values.reason,
        by: whoAmI(),
        describeExtract: () => describeExtract(extract, s3, values['as-of']),
      });
      if (!result.ok) {
        const others = mappings.filter(({ plan }) => !result.appliedFor.includes(plan.mapping));
        const hint =
          result.appliedFor.length > 0 && others.length > 0
            ? `\nto skip it for the other mappings only: mapc ledger skip ${extract} --reason "…" ${others.map((m) => m.file).join(' ')}`
            : '';
        console.error(`mapc ledger skip: ${result.error}${hint}`);
        return 1;
      }
      for (const skipped of result.skipped) console.log(outcome(uri, skipped));
      return 0;
    } catch (error) {
      console.error(`mapc ledger skip: ${(dynamoDbFailure(error, settings) as Error).message}`);
      return 1;
    } finally {
      settings.destroy();
    }
  },
};
