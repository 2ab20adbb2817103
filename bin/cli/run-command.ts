// `mapc run`: a plan (or a mapping, compiled first) on an extract (a local ZIP or s3://…).
// With --out, a preview: items to NDJSON. Without, the main job: items merged into DynamoDB,
// under the control table's lease and ledger. Both write a run report and a rejects file and
// show progress on the terminal.
import { writeFileSync } from 'node:fs';
import { runExtract } from '../../api/run-extract.js';
import { summarize } from '../../runtime/run/run-report.js';
import { DYNAMODB_OPTIONS, DYNAMODB_USAGE, checkBindings, tableBindings } from './dynamodb-options.js';
import { loadPlan } from './load-plan.js';
import type { Command } from './main.js';
import { parseCommandLine } from './parse-options.js';
import { progressReporter } from './progress.js';

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
  --threads N             threads holding tables and building items (default: one per
                          core, at most 8, for a phase whose files hold 8 MiB or more, else 1)

DynamoDB (no --out): items merged into the target tables, as docs/design.md "Running
incrementally" describes; the control table is created on first use (or by mapc init).
  --force                 apply an extract the ledger says was applied already
  --concurrency N         BatchWriteItem calls in flight (default 8)
${DYNAMODB_USAGE}

Both:
  --as-of TIME            e.g. 2026-11-01T02:00:00Z
  --max-rejects N         stop (exit 1) when more rows than this are rejected
  --rejects FILE          default <out>.rejects.ndjson, or mapc-run.rejects.ndjson
  --report FILE           default <out>.report.json, or mapc-run.report.json
  --s3-endpoint URL       an S3-compatible server to read s3:// extracts from (--region applies too)`;

function wholeNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`--${flag} takes a whole number, not ${text}`);
  return Number(text);
}

export const runCommand: Command = {
  async run(args) {
    const { values, positionals } = parseCommandLine(args, {
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
      threads: { type: 'string' },
      's3-endpoint': { type: 'string' },
    }, usage);
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1 || !values.extract) throw new Error(`name a mapping or plan and --extract\n\n${usage}`);
    if (values.format !== 'plain' && values.format !== 'dynamodb') throw new Error(`--format is plain or dynamodb, not ${values.format}`);
    const maxRejects = values['max-rejects'] === undefined ? Infinity : wholeNumber('max-rejects', values['max-rejects'], 0);
    const concurrency = wholeNumber('concurrency', values.concurrency, 8);
    const threads = values.threads === undefined ? 'auto' : wholeNumber('threads', values.threads, 1);
    if (threads === 0) throw new Error('--threads takes a whole number of at least 1');

    const plan = await loadPlan(positionals[0]);
    if (!plan) return 1;
    checkBindings(plan, values);
    const base = values.out ?? 'mapc-run';
    const reportPath = values.report ?? `${base}.report.json`;
    const rejectsPath = values.rejects ?? `${base}.rejects.ndjson`;
    const progress = progressReporter(process.stderr);
    const s3 = { ...(values.region ? { region: values.region } : {}), ...(values['s3-endpoint'] ? { endpoint: values['s3-endpoint'] } : {}) };
    const report = await runExtract({
      plan, extract: values.extract, asOf: values['as-of'], rejects: rejectsPath, maxRejects, onProgress: progress.update, s3,
      ...(values.out
        ? { preview: { out: values.out, format: values.format, threads } }
        : {
          dynamodb: {
            region: values.region, endpoint: values.endpoint, controlTable: values['control-table'], tables: tableBindings(values), concurrency, force: values.force ?? false,
            onControlTableCreated: (name: string) => process.stderr.write(`created the control table ${name}\n`),
          },
        }),
    });
    progress.done();
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(summarize(report));
    if (report.status === 'ok') process.stderr.write(`${values.out ? `items: ${values.out}   ` : ''}report: ${reportPath}   rejects: ${rejectsPath}\n`);
    return report.status === 'failed' || !report.reconciled ? 1 : 0;
  },
};
