// `mapc run`: a plan (or a mapping, compiled first) on an extract (a local ZIP or s3://…).
// With --out, a preview: items to NDJSON. Without, the main job: items merged into DynamoDB,
// under the control table's lease and ledger. Both write a run report and a rejects file and
// show progress on the terminal.
import { writeFileSync } from 'node:fs';
import { failedRunReport, runExtract } from '../../api/run-extract.js';
import { summarize, type RunReport } from '../../runtime/report/run-report.js';
import { checkOutputFile, writeFailure } from '../../runtime/sinks/output-file.js';
import { checkAsOf, checkEndpoints } from './checked-flags.js';
import {
  DYNAMODB_OPTIONS,
  DYNAMODB_USAGE,
  checkBindings,
  checkControlTableName,
  tableBindings,
} from './dynamodb-options.js';
import { ALLOW_EDITED_PLAN_OPTION, loadPlan } from './load-plan.js';
import type { Command } from './main.js';
import { maxThreads, wholeNumberFlag } from './number-flags.js';
import { parseCommandLine, UsageError } from './parse-options.js';
import { progressReporter } from './progress.js';
import { fromFlags, READ_LIMIT_OPTIONS, readLimitsGiven, readLimitUsage } from './read-limit-flags.js';
import { runFiles } from './run-files.js';
import { parseShard, type Shard } from '../../runtime/eval/shard.js';
import { whyNotShardable } from '../../runtime/hold/shard-router.js';

const usage = `usage: mapc run <file.map | plan.json> --extract <extract.zip | s3://bucket/key.zip> [options]

Runs the plan on the extract. as_of is --as-of, else the extract's _manifest.json
extractedAt, else the archive's modification time. Rows that cannot be used go to the rejects
file with their file, line and reason; the run report accounts for every row read.
Exit code: 0 done (or skipped: applied already), 1 the run stopped (or rejects passed
--max-rejects), 2 bad usage.

Preview (--out): items to NDJSON, plain JSON (exact numbers) or DynamoDB JSON; the file
appears only when the run succeeds.
  --out FILE              the items file
  --format plain|dynamodb
  --threads N             threads holding tables and building items, at most twice the
                          cores (default: one per core, at most 8, for a phase whose files
                          hold 8 MiB or more, else 1); into DynamoDB, threads holding tables
  --shard i/N             only shard i of N (0 <= i < N): the items whose root key's hash is
                          i mod N, and the rows under them (docs/running.md "Shards"); the N
                          shards' items, rejects and counts add up to one run's; --max-rejects
                          caps each shard's own. Into DynamoDB, each shard has a lease and a
                          ledger entry of its own; the extract is applied once all N have
                          applied it. A shard holds its tables on one thread

DynamoDB (no --out): items merged into the target tables, as docs/design.md "Running
incrementally" describes; the control table is created on first use (or by mapc init).
  --force                 apply an extract the ledger says was applied already
  --concurrency N         BatchWriteItem calls in flight, 1 to 1000 (default 8)
  --max-write-rate N      items written per second at most, target and control table
                          together (default: no cap); DynamoDB's throttling lowers it further
  --owner NAME            who holds the lease while the run writes (default host:pid); a run
                          stopped halfway leaves its lease until it lapses (5 minutes), unless
                          run again with the same --owner, which takes it over at once
${DYNAMODB_USAGE}

Both:
  --as-of TIME            e.g. 2026-11-01T02:00:00Z
  --max-rejects N         stop (exit 1) when more rows than this are rejected
  --rejects FILE          default <out>.rejects.ndjson, or mapc-runs/<mapping>-<time>/rejects.ndjson
  --report FILE           default <out>.report.json, or mapc-runs/<mapping>-<time>/report.json
                          (--out, --report and --rejects must be regular files that can be
                          created: they are checked before the extract is read)
  --s3-endpoint URL       an S3-compatible server to read s3:// extracts from (--region applies too)
${readLimitUsage(false)}
  --allow-edited-plan     run a plan file whose content no longer matches its planHash (edited
                          after mapc compile); the report then names the hash of its content`;

export const runCommand: Command = {
  async run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        ...DYNAMODB_OPTIONS,
        extract: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string', default: 'plain' },
        'as-of': { type: 'string' },
        'max-rejects': { type: 'string' },
        rejects: { type: 'string' },
        report: { type: 'string' },
        force: { type: 'boolean' },
        concurrency: { type: 'string' },
        'max-write-rate': { type: 'string' },
        owner: { type: 'string' },
        threads: { type: 'string' },
        shard: { type: 'string' },
        's3-endpoint': { type: 'string' },
        ...ALLOW_EDITED_PLAN_OPTION,
        ...READ_LIMIT_OPTIONS,
      },
      usage,
    );
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1 || !values.extract)
      throw new UsageError(`name a mapping or plan and --extract\n\n${usage}`);
    if (values.format !== 'plain' && values.format !== 'dynamodb')
      throw new UsageError(`--format is plain or dynamodb, not ${values.format}`);
    const maxRejects = wholeNumberFlag('max-rejects', values['max-rejects'], Infinity, 0);
    const concurrency = wholeNumberFlag('concurrency', values.concurrency, 8, 1, 1000);
    const maxWriteRate =
      values['max-write-rate'] === undefined
        ? undefined
        : wholeNumberFlag('max-write-rate', values['max-write-rate'], 0, 1);
    const threads =
      values.threads === undefined ? 'auto' : wholeNumberFlag('threads', values.threads, 1, 1, maxThreads());
    const tables = tableBindings(values);
    const limits = readLimitsGiven(fromFlags(values));
    checkEndpoints(values);
    checkAsOf(values['as-of']);
    if (values.owner !== undefined && values.owner.trim() === '')
      throw new UsageError('--owner takes a name, such as nightly-loader');

    const shard = values.shard === undefined ? undefined : shardFlag(values.shard);

    const plan = await loadPlan(positionals[0], { allowEdited: values['allow-edited-plan'] ?? false });
    if (!plan) return 1;
    const unshardable = shard ? whyNotShardable(plan) : [];
    if (unshardable.length > 0)
      throw new UsageError(`--shard: mapping ${plan.mapping} cannot run as shards: ${unshardable.join('; ')}`);
    // A preview writes no table: its target names need not be DynamoDB's.
    if (!values.out) {
      checkBindings(plan, values);
      checkControlTableName(values['control-table']);
    }
    const { reportPath, rejectsPath } = runFiles(plan.mapping, values);
    // Before anything is read: a run whose files cannot be written would be lost work.
    if (values.out) checkOutputFile(values.out, 'the items file (--out)');
    checkOutputFile(rejectsPath, 'the rejects file');
    checkOutputFile(reportPath, 'the report file');
    const progress = progressReporter(process.stderr);
    const s3 = {
      ...(values.region ? { region: values.region } : {}),
      ...(values['s3-endpoint'] ? { endpoint: values['s3-endpoint'] } : {}),
    };
    let report: RunReport;
    try {
      report = await runExtract({
        plan,
        extract: values.extract,
        asOf: values['as-of'],
        rejects: rejectsPath,
        maxRejects,
        onProgress: progress.update,
        s3,
        limits,
        ...(values.out
          ? { preview: { out: values.out, format: values.format, threads, ...(shard ? { shard } : {}) } }
          : {
              dynamodb: {
                region: values.region,
                endpoint: values.endpoint,
                controlTable: values['control-table'],
                tables,
                concurrency,
                ...(maxWriteRate !== undefined ? { maxWriteRate } : {}),
                force: values.force ?? false,
                threads,
                ...(shard ? { shard } : {}),
                ...(values.owner ? { owner: values.owner } : {}),
                onControlTableCreated: (name: string) => process.stderr.write(`created the control table ${name}\n`),
              },
            }),
      });
    } catch (error) {
      // Whatever stopped the run, its report says so.
      report = failedRunReport(plan, values.extract, error as Error, !values.out);
    }
    progress.done();
    try {
      writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      throw writeFailure(reportPath, 'the report file', error as Error);
    }
    process.stderr.write(summarize(report));
    if (report.status !== 'ok') process.stderr.write(`report: ${reportPath}\n`);
    if (report.status === 'ok')
      process.stderr.write(
        `${values.out ? `items: ${values.out}   ` : ''}report: ${reportPath}   rejects: ${rejectsPath}\n`,
      );
    return report.status === 'failed' || !report.reconciled ? 1 : 0;
  },
};

/** --shard i/N. */
function shardFlag(text: string): Shard {
  const shard = parseShard(text);
  if ('error' in shard) throw new UsageError(`--shard: ${shard.error}`);
  return shard;
}
