// What `mapc job` is asked to do, from its flags and, for a container or a Lambda function where
// flags may be absent, from MAPC_* environment variables: a flag wins over its variable, and an
// empty variable counts as unset. The result is plain data (JobConfig) checked here, so the job
// starts only with values that make sense; bad input is a UsageError naming the flag or
// variable. Table bindings are read by tableBindings (dynamodb-options.ts) and merged: those of
// MAPC_TABLES first, then --tables, then --table, each binding of a later one winning.
// --watch and --interval are flags only; --once (one named extract, as an S3 event asks) with
// --watch is a usage error, and --watch leaves MAPC_ONCE aside. The steps of a sharded job
// that apply nothing: --plan (with --once: size that extract; without: find and size the one to
// apply next, --plan-out writing the plan where a state machine reads it) and --once X --check
// (is X applied, by every shard of a count?).
import { join } from 'node:path';
import { parseExtractLocation } from '../../runtime/archive/extract-location.js';
import { DEFAULT_CONTROL_TABLE } from '../../runtime/dynamodb/control-table-name.js';
import { endpointUrl } from './checked-flags.js';
import { DYNAMODB_OPTIONS, tableBindings } from './dynamodb-options.js';
import { mappingsInFolder } from '../../compiler/mappings-folder.js';
import { UsageError, type Options } from './parse-options.js';
import { tableNameProblem } from '../../runtime/dynamodb/table-name.js';
import type { ReadLimits } from '../../runtime/report/read-limits.js';
import { READ_LIMIT_OPTIONS, readLimitsGiven, readLimitUsage } from './read-limit-flags.js';
import { parseShard, type Shard } from '../../runtime/eval/shard.js';

export interface JobConfig {
  /** The mappings to apply to each extract, in this order. */
  mappings: string[];
  /** Where extracts land: s3://bucket/prefix/ or a local folder. */
  source: string;
  /** Apply this one extract (s3://bucket/key or a path), unless an older one must go first. */
  once?: string;
  /** Keep looking for new extracts every intervalMs. */
  watch: boolean;
  intervalMs: number;
  /** logical target → physical table. */
  tables: Record<string, string>;
  controlTable: string;
  region?: string;
  endpoint?: string;
  s3Endpoint?: string;
  metrics: 'emf' | 'none';
  concurrency: number;
  /** Items written per second at most, per run; no cap when absent. */
  maxWriteRate?: number;
  maxRejects: number;
  reportDir?: string;
  /** Who holds the lease; the same owner takes its own lease over at once (a restarted task). */
  owner?: string;
  /** Caps on what each run reads; those absent keep their defaults. */
  limits: Partial<ReadLimits>;
  /** Load plan files edited after `mapc compile` (their planHash no longer matches). */
  allowEditedPlan: boolean;
  /**
   * --plan: print how many shards --once's extract needs, or, without --once, which extract a
   * sharded job applies next and its shards (nothing is applied); `out`: also write it there
   * (s3://bucket/key or a path).
   */
  plan?: { memoryLimitMiB: number; maxShards: number; out?: string };
  /** --check: exit 0 when --once's extract is applied for every mapping (whole, or by every shard of a count). */
  check?: true;
  /** Apply --once's extract as this shard of N. */
  shard?: Shard;
}

/** A shard's memory when not given: a Fargate task of 2 vCPUs takes 4 to 16 GiB. */
export const DEFAULT_SHARD_MEMORY_MIB = 8192;
export const DEFAULT_MAX_SHARDS = 32;

export const JOB_OPTIONS = {
  ...DYNAMODB_OPTIONS,
  // No default here, unlike DYNAMODB_OPTIONS: parseArgs would fill it in and MAPC_CONTROL_TABLE
  // could never apply. jobConfig gives the same default.
  'control-table': { type: 'string' },
  source: { type: 'string' },
  once: { type: 'string' },
  watch: { type: 'boolean' },
  interval: { type: 'string' },
  's3-endpoint': { type: 'string' },
  metrics: { type: 'string' },
  concurrency: { type: 'string' },
  'max-write-rate': { type: 'string' },
  'max-rejects': { type: 'string' },
  'report-dir': { type: 'string' },
  owner: { type: 'string' },
  'allow-edited-plan': { type: 'boolean' },
  plan: { type: 'boolean' },
  'plan-out': { type: 'string' },
  check: { type: 'boolean' },
  shard: { type: 'string' },
  'shard-memory': { type: 'string' },
  'max-shards': { type: 'string' },
  ...READ_LIMIT_OPTIONS,
} satisfies Options;

export const JOB_USAGE = `usage: mapc job [mapping.map ...] --source <s3://bucket/prefix/ | folder> [options]

Applies every extract under the source that the ledger has not applied yet to each mapping, in
order, merging the items into DynamoDB. Each option can also be set by the environment variable
named after it (a flag wins; an empty variable counts as unset).

  mapping.map ...          MAPC_MAPPINGS (space- or comma-separated); default: every
                           mappings/*.map of the current directory that declares an
                           item, sorted (a file of shared tables and targets is left out)
  --source URI|DIR         MAPC_SOURCE          where extracts land (required)
  --once EXTRACT           MAPC_ONCE            apply this extract only (as an S3 event asks); it
                                                waits while an older one is not applied
  --watch                                       keep looking for new extracts
  --interval 60s|5m|1h|90                       between looks when watching (default 60s; a bare
                                                number is seconds)
  --table logical=physical MAPC_TABLES          bind a target to a physical table (repeatable);
  --tables FILE                                 the same as JSON {"app_table": "prod-app-table"};
                                                MAPC_TABLES: that JSON, or app_table=prod,b=c
  --control-table NAME     MAPC_CONTROL_TABLE   (default ${DEFAULT_CONTROL_TABLE})
  --region R               MAPC_REGION, else AWS_REGION
  --endpoint URL           MAPC_ENDPOINT        a DynamoDB-compatible endpoint (DynamoDB Local)
  --s3-endpoint URL        MAPC_S3_ENDPOINT     an S3-compatible server for s3:// sources
  --metrics emf|none       MAPC_METRICS         emf: a CloudWatch metrics record per run (default none)
  --concurrency N          MAPC_CONCURRENCY     BatchWriteItem calls in flight (default 8)
  --max-write-rate N       MAPC_MAX_WRITE_RATE  items written per second at most, target and
                                                control table together (default: no cap)
  --max-rejects N          MAPC_MAX_REJECTS     stop a run when more rows than this are rejected
  --report-dir DIR         MAPC_REPORT_DIR      write each run's report and rejects there
  --owner NAME             MAPC_OWNER           who holds the lease while a run writes (default
                                                host:pid); a job restarted with the same owner
                                                (a retried task) takes its own lease over at once
  --allow-edited-plan      MAPC_ALLOW_EDITED_PLAN=true
                                                load plan files edited after mapc compile (their
                                                planHash no longer matches their content)

Sharded runs (docs/running.md "Shards" and "Sizing an extract"; docs/deploy.md "Sharded mode"):
  --plan                                        print, as JSON, the shards --once's extract needs
                                                and the memory each would use, estimated from the
                                                ZIP's directory and the mappings; without --once,
                                                the same for the oldest extract under the source
                                                that the ledger has not applied ("extract": null
                                                when none is pending; exit 1, "blockedBy", when
                                                that one failed or cannot be read). Applies
                                                nothing, and does not create the control table
  --plan-out URI|FILE      MAPC_PLAN_OUT        with --plan: also write the JSON to s3://bucket/key
                                                (PutObject) or a file
  --shard-memory MIB       MAPC_SHARD_MEMORY    the memory a shard may use (default ${DEFAULT_SHARD_MEMORY_MIB})
  --max-shards N           MAPC_MAX_SHARDS      at most this many shards (default ${DEFAULT_MAX_SHARDS})
  --shard i/N              MAPC_SHARD           apply --once's extract as shard i of N (0 <= i < N):
                                                the items whose root key's hash is i mod N; the
                                                extract counts as applied once every shard of N
                                                has applied it (docs/running.md "Shards")
  --check                  MAPC_CHECK=true      with --once: exit 0 when every mapping's ledger has
                                                the extract applied (whole, or by every shard of
                                                one count), else 1, printing as JSON which shards
                                                are applied, failed, running or missing; read-only

Caps on what a run reads (a run past one stops before writing, naming the entry or line):
${readLimitUsage(true)}`;

export type JobFlagValues = {
  [Name in keyof typeof JOB_OPTIONS]?: (typeof JOB_OPTIONS)[Name] extends { type: 'boolean' }
    ? boolean
    : (typeof JOB_OPTIONS)[Name] extends { multiple: true }
      ? string[]
      : string;
};

/** What parseCommandLine(args, JOB_OPTIONS, JOB_USAGE) returns. */
export interface JobFlags {
  values: JobFlagValues;
  positionals: string[];
}

export interface JobConfigContext {
  /** Where the default mappings/ folder is (default: the current directory). */
  cwd?: string;
}

/** The longest delay Node.js timers keep (longer ones fire at once). */
const MAX_INTERVAL_MS = 2 ** 31 - 1;
const INTERVAL_UNITS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000 };

/** A flag's value, else its variable's, with the name to quote when it is wrong. */
interface Given<T> {
  value: T;
  name: string;
}

function pick(
  flag: string,
  flagValue: string | undefined,
  env: NodeJS.ProcessEnv,
  variables: string[],
): Given<string> | undefined {
  if (flagValue !== undefined && flagValue !== '') return { value: flagValue, name: `--${flag}` };
  for (const variable of variables) {
    const value = env[variable];
    if (value !== undefined && value !== '') return { value, name: variable };
  }
  return undefined;
}

function wholeNumber(given: Given<string>, minimum: number): number {
  const text = given.value.trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < minimum) {
    throw new UsageError(
      `${given.name} takes a whole number${minimum > 0 ? ` of at least ${minimum}` : ''}, not ${JSON.stringify(given.value)}`,
    );
  }
  return Number(text);
}

function intervalMs(given: Given<string>): number {
  const match = /^(\d+)(s|m|h)?$/.exec(given.value.trim());
  const ms = match ? Number(match[1]) * INTERVAL_UNITS[match[2] ?? ''] : NaN;
  if (!match || !(ms >= 1000)) {
    throw new UsageError(
      `${given.name} takes a whole number of seconds (90), or with a unit (60s, 5m, 1h), of at least 1s; not ${JSON.stringify(given.value)}`,
    );
  }
  if (ms > MAX_INTERVAL_MS)
    throw new UsageError(
      `${given.name} ${given.value} is longer than the ${Math.floor(MAX_INTERVAL_MS / 3_600_000)}h a timer can wait`,
    );
  return ms;
}

function url(given: Given<string>): string {
  return endpointUrl(given.name, given.value);
}

/** MAPC_TABLES: {"app_table": "prod"} or app_table=prod,other=prod-other. */
function tablesFromEnv(text: string, name = 'MAPC_TABLES'): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(`${name}: ${(error as Error).message}`);
    }
    if (
      parsed === null ||
      typeof parsed !== 'object' ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== 'string' || v === '')
    ) {
      throw new UsageError(`${name}: expected an object of table names, as in {"app_table": "prod-app-table"}`);
    }
    return { ...(parsed as Record<string, string>) };
  }
  const bindings: Record<string, string> = {};
  for (const binding of trimmed
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '')) {
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(binding);
    if (!match)
      throw new UsageError(
        `${name}: write each binding as logical=physical, as in app_table=prod-app-table,other=prod-other (not ${JSON.stringify(binding)})`,
      );
    bindings[match[1]] = match[2];
  }
  return bindings;
}

function defaultMappings(cwd: string): string[] {
  const folder = join(cwd, 'mappings');
  const files = mappingsInFolder(folder);
  if (files.length === 0)
    throw new UsageError(
      `no mappings: name them, set MAPC_MAPPINGS, or put .map files that declare items in ${folder}`,
    );
  return files;
}

/** `check`'s error as a usage error. */
function usage(check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function sourceOf(given: Given<string> | undefined): string {
  if (!given)
    throw new UsageError('name where extracts land with --source s3://bucket/prefix/ or a folder (or MAPC_SOURCE)');
  if (given.value.startsWith('s3://') && !/^s3:\/\/[^/]+/.test(given.value)) {
    throw new UsageError(`${given.name} ${given.value}: name the bucket, as in s3://bucket/prefix/`);
  }
  return given.value;
}

export function jobConfig(flags: JobFlags, env: NodeJS.ProcessEnv, context: JobConfigContext = {}): JobConfig {
  const { values, positionals } = flags;
  const given = (flag: keyof JobFlagValues & string, ...variables: string[]) =>
    pick(flag, values[flag] as string | undefined, env, variables);
  const source = sourceOf(given('source', 'MAPC_SOURCE'));

  const mappingsFromEnv = (env.MAPC_MAPPINGS ?? '').split(/[\s,]+/).filter((m) => m !== '');
  const mappings =
    positionals.length > 0
      ? [...positionals]
      : mappingsFromEnv.length > 0
        ? mappingsFromEnv
        : defaultMappings(context.cwd ?? '.');

  const watch = values.watch ?? false;
  if (watch && values.once)
    throw new UsageError('--once and --watch ask for opposite things: one extract, or keep watching');
  // --watch, a flag, leaves MAPC_ONCE aside.
  const once = watch ? undefined : given('once', 'MAPC_ONCE');
  // A malformed s3:// URI is told now (what is missing), not after the source was listed.
  if (once) usage(() => parseExtractLocation(once.value, once.name));
  const interval = given('interval');

  let tables: Record<string, string>;
  try {
    tables = {
      ...(env.MAPC_TABLES ? tablesFromEnv(env.MAPC_TABLES) : {}),
      ...Object.fromEntries(tableBindings(values)),
    };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  for (const [logical, physical] of Object.entries(tables)) {
    const problem = tableNameProblem(physical);
    if (problem) throw new UsageError(`table binding ${logical}=${physical}: the table name ${problem}`);
  }
  const controlTable = given('control-table', 'MAPC_CONTROL_TABLE');
  const controlTableProblem = controlTable ? tableNameProblem(controlTable.value) : null;
  if (controlTable && controlTableProblem)
    throw new UsageError(`${controlTable.name} ${controlTable.value}: the table name ${controlTableProblem}`);

  const metrics = given('metrics', 'MAPC_METRICS');
  if (metrics && metrics.value !== 'emf' && metrics.value !== 'none')
    throw new UsageError(`${metrics.name} is emf or none, not ${JSON.stringify(metrics.value)}`);
  const concurrency = given('concurrency', 'MAPC_CONCURRENCY');
  const maxWriteRate = given('max-write-rate', 'MAPC_MAX_WRITE_RATE');
  const maxRejects = given('max-rejects', 'MAPC_MAX_REJECTS');
  const region = given('region', 'MAPC_REGION', 'AWS_REGION');
  const endpoint = given('endpoint', 'MAPC_ENDPOINT');
  const s3Endpoint = given('s3-endpoint', 'MAPC_S3_ENDPOINT');
  const reportDir = given('report-dir', 'MAPC_REPORT_DIR');
  const owner = given('owner', 'MAPC_OWNER');
  const limits = readLimitsGiven(({ flag, variable }) =>
    pick(flag, values[flag as keyof JobFlagValues] as string | undefined, env, [variable]),
  );
  const allowEditedPlan = values['allow-edited-plan'] === true || booleanVariable(env, 'MAPC_ALLOW_EDITED_PLAN');
  const shardGiven = given('shard', 'MAPC_SHARD');
  const shard = shardGiven ? shardOf(shardGiven, once, watch) : undefined;
  if (!values.plan && values['plan-out'] !== undefined)
    throw new UsageError('--plan-out writes what --plan prints: give --plan too');
  const plan = values.plan
    ? shardPlanning(
        watch,
        given('shard-memory', 'MAPC_SHARD_MEMORY'),
        given('max-shards', 'MAPC_MAX_SHARDS'),
        given('plan-out', 'MAPC_PLAN_OUT'),
      )
    : undefined;
  const check = values.check === true || booleanVariable(env, 'MAPC_CHECK');
  if (check) checkable(once, watch, plan !== undefined, shardGiven);

  return {
    mappings,
    source,
    ...(once ? { once: once.value } : {}),
    watch,
    intervalMs: interval ? intervalMs(interval) : 60_000,
    tables,
    controlTable: controlTable?.value ?? DEFAULT_CONTROL_TABLE,
    ...(region ? { region: region.value } : {}),
    ...(endpoint ? { endpoint: url(endpoint) } : {}),
    ...(s3Endpoint ? { s3Endpoint: url(s3Endpoint) } : {}),
    metrics: (metrics?.value ?? 'none') as 'emf' | 'none',
    concurrency: concurrency ? wholeNumber(concurrency, 1) : 8,
    ...(maxWriteRate ? { maxWriteRate: wholeNumber(maxWriteRate, 1) } : {}),
    maxRejects: maxRejects ? wholeNumber(maxRejects, 0) : Infinity,
    ...(reportDir ? { reportDir: reportDir.value } : {}),
    ...(owner ? { owner: owner.value } : {}),
    limits,
    allowEditedPlan,
    ...(plan ? { plan } : {}),
    ...(check ? { check: true as const } : {}),
    ...(shard ? { shard } : {}),
  };
}

/** --shard i/N: a shard applies the one extract --once names (a state machine runs one job per shard). */
function shardOf(given: Given<string>, once: Given<string> | undefined, watch: boolean): Shard {
  const shard = parseShard(given.value);
  if ('error' in shard) throw new UsageError(`${given.name}: ${shard.error}`);
  if (watch || !once)
    throw new UsageError(
      `${given.name} applies one extract as a shard of it: name the extract with --once (or MAPC_ONCE)`,
    );
  return shard;
}

/** --plan's settings: it sizes the one extract --once names, or the one to apply next. */
function shardPlanning(
  watch: boolean,
  memory: Given<string> | undefined,
  maxShards: Given<string> | undefined,
  out: Given<string> | undefined,
): NonNullable<JobConfig['plan']> {
  if (watch) throw new UsageError('--plan sizes one extract and applies nothing: it does not go with --watch');
  return {
    memoryLimitMiB: memory ? wholeNumber(memory, 64) : DEFAULT_SHARD_MEMORY_MIB,
    maxShards: maxShards ? wholeNumber(maxShards, 1) : DEFAULT_MAX_SHARDS,
    ...(out ? { out: planOut(out) } : {}),
  };
}

/** --plan-out: s3://bucket/key (a key, not a folder) or a file's path. */
function planOut(given: Given<string>): string {
  const text = given.value.trim();
  if (/^s3:\/\//i.test(text) && !/^s3:\/\/[^/]+\/.*[^/]$/i.test(text))
    throw new UsageError(
      `${given.name} ${given.value}: name the object to write, as in s3://bucket/plans/next.json (a bucket and a key that does not end with "/")`,
    );
  return text;
}

/** --check reads the ledger for the one extract --once names, and nothing else. */
function checkable(
  once: Given<string> | undefined,
  watch: boolean,
  plan: boolean,
  shard: Given<string> | undefined,
): void {
  const what = '--check (MAPC_CHECK) tells whether one extract is applied';
  if (watch || plan) throw new UsageError(`${what}: it does not go with ${watch ? '--watch' : '--plan'}`);
  if (!once) throw new UsageError(`${what}: name it with --once (or MAPC_ONCE)`);
  if (shard)
    throw new UsageError(`${what}, by every shard of a count: it does not go with ${shard.name}, which applies one`);
}

/** true, false (also 1/0, yes/no) or unset (false). */
function booleanVariable(env: NodeJS.ProcessEnv, variable: string): boolean {
  const text = (env[variable] ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0' || text === 'no') return false;
  if (text === 'true' || text === '1' || text === 'yes') return true;
  throw new UsageError(`${variable} is true or false, not ${JSON.stringify(env[variable])}`);
}
