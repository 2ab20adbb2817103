// `mapc job`: the unattended job. One pass (or, with --watch, a pass every interval) applies
// every extract under the source that a mapping has not applied, in order (api/run-job.ts).
// Configured by flags or MAPC_* variables (job-config.ts), so a container needs no flags.
// Progress goes to standard output as log lines (JSON lines when it is not a terminal), and
// with --metrics emf one CloudWatch metrics record per run. The steps of a sharded job that
// apply nothing print JSON instead: --plan (the shards an extract needs, or which extract comes
// next) and --once X --check (is X applied).
import { checkExtractApplied } from '../../api/check-extract.js';
import { planExtractShards, planNextExtract } from '../../api/plan-shards.js';
import { runJob, watchJob, type RunJobOptions } from '../../api/run-job.js';
import type { JobReport, JobRun } from '../../runtime/job/job-report.js';
import { createJobLog, type JobLog } from '../../runtime/job/job-log.js';
import { emfRecord } from '../../runtime/job/emf-record.js';
import { JOB_OPTIONS, JOB_USAGE, jobConfig, type JobConfig } from './job-config.js';
import type { Command } from './main.js';
import { parseCommandLine } from './parse-options.js';
import { writePlanOut } from './plan-out.js';

/** Exit codes: 0 done, 1 a run failed (later extracts wait), 3 --once's extract waits for older ones (nothing written). */
export const JOB_EXIT = { ok: 0, failed: 1, waiting: 3 } as const;

const usage = `${JOB_USAGE}

Exit code: 0 every extract is applied (or --once's), 1 an extract failed (it is named; later
extracts wait until it is delivered again or skipped with \`mapc ledger skip\`), 2 bad usage,
3 --once named an extract that waits for older ones (nothing was written).
With --plan: 0 the plan is printed (an extract, or "extract": null when none is pending),
1 the oldest pending extract blocks ("blockedBy": it failed, or cannot be read).
With --check: 0 --once's extract is applied (or skipped) for every mapping, 1 it is not.`;

export const jobCommand: Command = {
  async run(args) {
    const parsed = parseCommandLine(args, JOB_OPTIONS, usage);
    if (parsed.values.help) {
      console.log(usage);
      return 0;
    }
    const config = jobConfig(parsed, process.env);
    if (config.plan) return printPlan(config, config.plan);
    if (config.check) {
      const check = await checkExtractApplied({
        mappings: config.mappings,
        source: config.source,
        extract: config.once!,
        s3: s3Options(config),
        dynamodb: dynamoDbOptions(config),
        allowEditedPlan: config.allowEditedPlan,
      });
      process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
      return check.applied ? 0 : 1;
    }
    const log = createJobLog(process.stdout);
    const options = jobOptions(config, log, process.stdout);
    if (!config.watch) {
      const report = await runJobLogged(options, log);
      return report ? JOB_EXIT[report.status] : 1;
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      log.info('watching', { source: config.source, intervalSeconds: config.intervalMs / 1000 });
      await watchJob({
        ...options,
        intervalMs: config.intervalMs,
        signal: stop.signal,
        onPass: (report) => logPass(report, log),
      });
      log.info('stopped watching');
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

/**
 * --plan: --once's extract sized, or the extract to apply next (none, or the one that blocks);
 * printed, and written to --plan-out. Exit 1 when an extract blocks.
 */
async function printPlan(config: JobConfig, planning: NonNullable<JobConfig['plan']>): Promise<number> {
  const { out, ...sizing } = planning;
  const common = {
    mappings: config.mappings,
    s3: s3Options(config),
    limits: config.limits,
    allowEditedPlan: config.allowEditedPlan,
    ...sizing,
  };
  const plan = config.once
    ? await planExtractShards({ ...common, extract: config.once })
    : await planNextExtract({ ...common, source: config.source, dynamodb: dynamoDbOptions(config) });
  const text = `${JSON.stringify(plan, null, 2)}\n`;
  if (out !== undefined) await writePlanOut(out, text, s3Options(config));
  process.stdout.write(text);
  return 'blockedBy' in plan && plan.blockedBy !== undefined ? 1 : 0;
}

/** Where the control table and the target tables are. */
function dynamoDbOptions(config: JobConfig): NonNullable<RunJobOptions['dynamodb']> {
  return {
    region: config.region,
    endpoint: config.endpoint,
    controlTable: config.controlTable,
    tables: config.tables,
    endpointFlags: '--endpoint (MAPC_ENDPOINT) and --region (MAPC_REGION)',
  };
}

/** The library options a configuration asks for; with metrics, each run's EMF record goes to `metrics`. */
export function jobOptions(config: JobConfig, log: JobLog, metrics: NodeJS.WritableStream): RunJobOptions {
  return {
    mappings: config.mappings,
    source: config.source,
    ...(config.once ? { once: config.once } : {}),
    dynamodb: dynamoDbOptions(config),
    s3: s3Options(config),
    concurrency: config.concurrency,
    ...(config.maxWriteRate !== undefined ? { maxWriteRate: config.maxWriteRate } : {}),
    maxRejects: config.maxRejects,
    limits: config.limits,
    allowEditedPlan: config.allowEditedPlan,
    ...(config.reportDir ? { reportDir: config.reportDir } : {}),
    ...(config.shard ? { shard: config.shard } : {}),
    ...(config.owner ? { owner: config.owner } : {}),
    log,
    ...(config.metrics === 'emf'
      ? { onRun: (run: JobRun) => metrics.write(`${JSON.stringify(metricsOf(run))}\n`) }
      : {}),
  };
}

/** How s3:// sources and extracts are read. */
function s3Options(config: JobConfig) {
  return {
    ...(config.region ? { region: config.region } : {}),
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
  };
}

export function metricsOf(run: JobRun, now = Date.now()) {
  const asOf = Date.parse(run.report.asOf);
  return emfRecord({
    report: run.report,
    extract: run.extract,
    lagSeconds: Number.isFinite(asOf) ? Math.max(0, (now - asOf) / 1000) : 0,
    timestamp: now,
  });
}

/** One pass with its outcome logged; null when it could not start (the cause logged). */
export async function runJobLogged(options: RunJobOptions, log: JobLog): Promise<JobReport | null> {
  try {
    const report = await runJob(options);
    logPass(report, log);
    return report;
  } catch (error) {
    log.error('the job stopped before applying anything', { error: (error as Error).message });
    return null;
  }
}

function logPass(report: JobReport, log: JobLog): void {
  const applied = report.extracts.filter((e) => e.status === 'applied').length;
  const fields = {
    source: report.source,
    status: report.status,
    extracts: report.extracts.length,
    applied,
    runs: report.runs.length,
    seconds: report.seconds,
  };
  if (report.status === 'ok') log.info('job pass finished', fields);
  else if (report.status === 'waiting') log.warn('job pass waits', { ...fields, error: report.error });
  else log.error('job pass failed', { ...fields, error: report.error });
}
