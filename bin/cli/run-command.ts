// `mapc run`: a plan (or a mapping, compiled first) on a ZIP extract, items to NDJSON, with a
// run report, a rejects file and progress on the terminal.
import { statSync, writeFileSync } from 'node:fs';
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';
import { LocalFileSource } from '../../runtime/archive/local-file-source.js';
import type { Plan } from '../../runtime/plan/types.js';
import { loadPlanFile } from '../../runtime/plan/validate-plan.js';
import { manifestTime, parseAsOf } from '../../runtime/run/extract-time.js';
import { RejectsFile } from '../../runtime/run/rejects-file.js';
import { runPlan } from '../../runtime/run/run-plan.js';
import { summarize } from '../../runtime/run/run-report.js';
import { NdjsonSink } from '../../runtime/sinks/ndjson-sink.js';
import type { TimestampValue } from '../../runtime/values/value.js';
import type { Command } from './main.js';
import { parseCommandLine } from './parse-options.js';
import { progressReporter } from './progress.js';

const usage = `usage: mapc run <file.map | plan.json> --extract <extract.zip> --out <items.ndjson>
                [--format plain|dynamodb] [--as-of 2026-11-01T02:00:00Z] [--max-rejects N]
                [--rejects <rejects.ndjson>] [--report <report.json>]

Runs the plan on the extract and writes one item per line: plain JSON (exact numbers) or
DynamoDB JSON ({"TableName": …, "Item": {…}}). The items file appears only when the run
succeeds. Rows that cannot be used go to the rejects file (default <out>.rejects.ndjson) with
their file, line and reason; the run report (default <out>.report.json) accounts for every
row read. as_of is --as-of, else the extract's _manifest.json extractedAt, else the archive
file's modification time. Exit code: 0 done, 1 the run stopped (or rejects passed
--max-rejects), 2 bad usage.`;

function loadPlan(file: string): Plan | null {
  if (file.endsWith('.json')) return loadPlanFile(file);
  const result = compile(file);
  process.stderr.write(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
  return result.plan;
}

async function resolveAsOf(given: string | undefined, source: LocalFileSource, path: string): Promise<TimestampValue> {
  if (given) return parseAsOf(given);
  return (await manifestTime(source)) ?? { kind: 'timestamp', epochMillis: Math.floor(statSync(path).mtimeMs) };
}

export const runCommand: Command = {
  async run(args) {
    const { values, positionals } = parseCommandLine(args, {
      extract: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string', default: 'plain' },
      'as-of': { type: 'string' },
      'max-rejects': { type: 'string' },
      rejects: { type: 'string' },
      report: { type: 'string' },
    }, usage);
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1 || !values.extract || !values.out) throw new Error(`name a mapping or plan, --extract and --out\n\n${usage}`);
    if (values.format !== 'plain' && values.format !== 'dynamodb') throw new Error(`--format is plain or dynamodb, not ${values.format}`);
    const maxRejects = values['max-rejects'] === undefined ? Infinity : Number(values['max-rejects']);
    if (!Number.isInteger(maxRejects) && maxRejects !== Infinity) throw new Error('--max-rejects takes a whole number');

    const plan = loadPlan(positionals[0]);
    if (!plan) return 1;
    const source = new LocalFileSource(values.extract);
    const rejects = new RejectsFile(values.rejects ?? `${values.out}.rejects.ndjson`);
    const reportPath = values.report ?? `${values.out}.report.json`;
    const progress = progressReporter(process.stderr);
    try {
      let asOf: TimestampValue;
      try {
        asOf = await resolveAsOf(values['as-of'], source, values.extract);
      } catch (error) {
        // An archive that cannot be read stops the run (exit 1), as it would inside runPlan.
        process.stderr.write(`mapc run: ${(error as Error).message}\n`);
        return 1;
      }
      const report = await runPlan({
        plan,
        source,
        asOf,
        sink: new NdjsonSink({ path: values.out, format: values.format }),
        rejects,
        maxRejects,
        onProgress: progress.update,
      });
      progress.done();
      writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
      process.stderr.write(summarize(report));
      if (report.status === 'ok') process.stderr.write(`items: ${values.out}   report: ${reportPath}   rejects: ${rejects.path}\n`);
      return report.status === 'ok' && report.reconciled ? 0 : 1;
    } finally {
      await rejects.close();
      await source.close();
    }
  },
};
