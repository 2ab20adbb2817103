// What a team chooses when it deploys mapc: plain data, checked here before any construct is
// made, so that a mistake is one readable message naming the setting and what it takes rather
// than a CloudFormation failure halfway through a deployment.
//
// The input comes from CDK context (`-c bucket=… -c prefix=…`, strings) or from a JSON file
// (`-c config=deploy/my-config.json`, typed values); both are read by readDeployInput
// (config-input.ts) and give the same raw record, checked by parseDeployConfig. Every problem
// is reported at once, one line each.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mappingsInFolder } from '../compiler/mappings-folder.js';
import { describeChoices, FARGATE_SIZES, fargateMemoryChoices } from './fargate-sizes.js';
import { parseShards, type ShardsConfig } from './shards-config.js';

export { fargateMemoryChoices };

export interface DeployConfig {
  /** Names the stack and what it makes (state machine, cluster, alarms); one mapping set per stack. */
  name: string;
  bucket: {
    name: string;
    /** true: the stack creates the bucket; false: it exists and is imported by name. */
    create: boolean;
    /** The KMS key an existing bucket encrypts with (SSE-KMS), so that the job may decrypt. */
    kmsKeyArn?: string;
  };
  /** Where extracts land, below the bucket: ends with "/". */
  prefix: string;
  /** The mappings the job applies: .map files directly in mappings/, relative to the repository. */
  mappings: string[];
  /** Physical table names by the mappings' logical target names; targets not named get `<name>-<target>`. */
  tables: Record<string, string>;
  /** Physical names of tables that exist already: imported by name, neither created nor changed. */
  existingTables: string[];
  /** The control table's name (default `<name>-control`). */
  controlTable: string;
  /** The schedule's catch-up runs every this many minutes: the safety net for a missed event. */
  catchUpMinutes: number;
  task: {
    /** Fargate CPU units (256 = a quarter vCPU). */
    cpu: number;
    memoryMiB: number;
    /** Fargate ephemeral storage (extracts are spooled there while a pass reads them); undefined = Fargate's 20 GiB. */
    ephemeralStorageGiB?: number;
    /** A run of the job longer than this is stopped and counts as failed. */
    timeoutMinutes: number;
    /** MAPC_MAX_REJECTS: stop a run when more rows than this are rejected. */
    maxRejects?: number;
  };
  alarms: {
    /** Alarm when a mapping has applied no extract for this many hours. */
    overdueHours: number;
    /** Alarm when one run rejects more rows than this. */
    rejectedRows: number;
    /** Alarm when one run parks more rows than this. */
    parkedRows: number;
    /** Alarm when a table throttles more writes than this in five minutes. */
    throttledWrites: number;
    /** Subscribed to the alarm topic when given (a confirmation mail is sent). */
    email?: string;
  };
  /** Days CloudWatch Logs keeps the job's, the state machine's and the VPC's logs. */
  logRetentionDays: number;
  /** ECS Container Insights on the job's cluster (per-task CPU and memory; billed as custom metrics). */
  containerInsights: boolean;
  /** Sharded mode: each extract applied as the shards the plan step sizes; absent: one `mapc job` task per execution. */
  shards?: ShardsConfig;
}

export class DeployConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the deploy configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'DeployConfigError';
  }
}

/** The values CloudWatch Logs accepts for a log group's retention, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The keys a configuration may have; anything else is a typo worth naming. */
export const CONFIG_KEYS = [
  'name',
  'bucket',
  'createBucket',
  'bucketKmsKeyArn',
  'prefix',
  'mappings',
  'tables',
  'existingTables',
  'controlTable',
  'catchUpMinutes',
  'cpu',
  'memoryMiB',
  'ephemeralStorageGiB',
  'timeoutMinutes',
  'maxRejects',
  'overdueHours',
  'rejectedRowsThreshold',
  'parkedRowsThreshold',
  'throttledWritesThreshold',
  'alarmEmail',
  'logRetentionDays',
  'containerInsights',
  'shards',
] as const;

export type RawDeployConfig = Partial<Record<(typeof CONFIG_KEYS)[number], unknown>>;

const DEFAULTS = {
  name: 'mapc',
  catchUpMinutes: 60,
  cpu: 1024,
  memoryMiB: 2048,
  timeoutMinutes: 120,
  overdueHours: 26,
  rejectedRowsThreshold: 100,
  parkedRowsThreshold: 1000,
  throttledWritesThreshold: 0,
  logRetentionDays: 30,
};

// S3's rules for bucket names (general purpose buckets), DynamoDB's for table names.
const BUCKET_NAME = /^(?!xn--)(?!sthree-)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
// The name prefixes CloudFormation stack names, ECS families and alarm names: keep it plain.
const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseDeployConfig(raw: RawDeployConfig, repoRoot: string): DeployConfig {
  const problems: string[] = [];
  const problem = (text: string) => {
    problems.push(text);
    return undefined;
  };
  for (const key of Object.keys(raw)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key))
      problem(`${key}: not a setting (the settings are ${CONFIG_KEYS.join(', ')})`);
  }

  const text = (key: keyof RawDeployConfig, fallback?: string): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === '') return fallback;
    if (typeof value !== 'string') return problem(`${key}: expected text, not ${JSON.stringify(value)}`);
    return value.trim();
  };
  const whole = (
    key: keyof RawDeployConfig,
    minimum: number,
    maximum: number,
    fallback?: number,
  ): number | undefined => {
    const value = raw[key];
    if (value === undefined || value === '') return fallback;
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < minimum || number > maximum) {
      return problem(`${key}: a whole number from ${minimum} to ${maximum}, not ${JSON.stringify(value)}`);
    }
    return number;
  };
  const flag = (key: keyof RawDeployConfig, fallback = false): boolean => {
    const value = raw[key];
    if (value === undefined || value === '') return fallback;
    if (value === false || value === 'false') return false;
    if (value === true || value === 'true') return true;
    problem(`${key}: true or false, not ${JSON.stringify(value)}`);
    return fallback;
  };

  const name = text('name', DEFAULTS.name)!;
  if (!NAME.test(name))
    problem(
      `name: lower-case letters, digits and "-", starting with a letter, at most 32 characters (it prefixes the stack and its resources), not ${JSON.stringify(name)}`,
    );

  const bucketName = text('bucket');
  if (bucketName === undefined) problem('bucket: required: the S3 bucket extracts land in (-c bucket=my-extracts)');
  else if (!BUCKET_NAME.test(bucketName))
    problem(
      `bucket: ${JSON.stringify(bucketName)} is not an S3 bucket name (3-63 lower-case letters, digits, "." and "-")`,
    );
  const create = flag('createBucket');
  const kmsKeyArn = text('bucketKmsKeyArn');
  if (kmsKeyArn !== undefined && !KMS_KEY_ARN.test(kmsKeyArn))
    problem(`bucketKmsKeyArn: a KMS key ARN (arn:aws:kms:region:account:key/id), not ${JSON.stringify(kmsKeyArn)}`);
  if (kmsKeyArn !== undefined && create)
    problem(
      'bucketKmsKeyArn: only for an existing bucket (a bucket the stack creates is encrypted with S3-managed keys)',
    );

  const prefix = text('prefix');
  if (prefix === undefined)
    problem('prefix: required: the folder of the bucket extracts land under, ending with "/" (-c prefix=extracts/)');
  else if (!prefix.endsWith('/') || prefix.startsWith('/') || prefix.includes('//') || prefix.length > 512) {
    problem(
      `prefix: ${JSON.stringify(prefix)} must end with "/" and not start with one (extracts/, or warehouse/daily/), so that extracts-old/ is not under it`,
    );
  } else if (/[*?\\]/.test(prefix))
    problem(
      `prefix: ${JSON.stringify(prefix)}: "*", "?" and "\\" are not allowed (the event rule matches the prefix as a pattern)`,
    );

  const mappings = mappingFiles(raw.mappings, repoRoot, problem);
  const existingTables = nameList(raw.existingTables, 'existingTables', problem);
  for (const table of existingTables)
    if (!TABLE_NAME.test(table)) problem(`existingTables: ${JSON.stringify(table)} is not a DynamoDB table name`);
  const tables = tableBindings(raw.tables, problem);
  for (const [target, tableName] of Object.entries(tables)) {
    if (!TABLE_NAME.test(tableName))
      problem(
        `tables: ${target}=${JSON.stringify(tableName)}: a DynamoDB table name is 3-255 letters, digits, "_", "-" and "."`,
      );
  }
  const controlTable = text('controlTable', `${name}-control`)!;
  if (!TABLE_NAME.test(controlTable))
    problem(`controlTable: ${JSON.stringify(controlTable)} is not a DynamoDB table name`);
  if (Object.values(tables).includes(controlTable))
    problem(`controlTable: ${controlTable} is also bound to a target; the control table holds mapc's state only`);

  const catchUpMinutes = whole('catchUpMinutes', 1, 1440, DEFAULTS.catchUpMinutes);
  const cpu = whole('cpu', 256, 16384, DEFAULTS.cpu);
  const memoryMiB = whole('memoryMiB', 512, 122880, DEFAULTS.memoryMiB);
  if (cpu !== undefined && memoryMiB !== undefined) {
    const choices = fargateMemoryChoices(cpu);
    if (choices.length === 0)
      problem(`cpu: Fargate takes ${FARGATE_SIZES.map(([units]) => units).join(', ')} CPU units, not ${cpu}`);
    else if (!choices.includes(memoryMiB))
      problem(`memoryMiB: with cpu ${cpu}, Fargate takes ${describeChoices(choices)} MiB, not ${memoryMiB}`);
  }
  const ephemeralStorageGiB = whole('ephemeralStorageGiB', 21, 200);
  const timeoutMinutes = whole('timeoutMinutes', 5, 24 * 60, DEFAULTS.timeoutMinutes);
  const maxRejects = whole('maxRejects', 0, Number.MAX_SAFE_INTEGER);
  // CloudWatch evaluates hourly periods over at most seven days.
  const overdueHours = whole('overdueHours', 1, 168, DEFAULTS.overdueHours);
  const rejectedRows = whole('rejectedRowsThreshold', 0, Number.MAX_SAFE_INTEGER, DEFAULTS.rejectedRowsThreshold);
  const parkedRows = whole('parkedRowsThreshold', 0, Number.MAX_SAFE_INTEGER, DEFAULTS.parkedRowsThreshold);
  const throttledWrites = whole(
    'throttledWritesThreshold',
    0,
    Number.MAX_SAFE_INTEGER,
    DEFAULTS.throttledWritesThreshold,
  );
  const email = text('alarmEmail');
  if (email !== undefined && !EMAIL.test(email))
    problem(`alarmEmail: ${JSON.stringify(email)} is not an e-mail address`);
  const logRetentionDays = whole('logRetentionDays', 1, 3653, DEFAULTS.logRetentionDays);
  if (logRetentionDays !== undefined && !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    problem(
      `logRetentionDays: CloudWatch Logs keeps logs for ${LOG_RETENTION_DAYS.join(', ')} days, not ${logRetentionDays}`,
    );
  }

  const containerInsights = flag('containerInsights', true);
  const shards = parseShards(raw.shards, name, problem);

  if (problems.length > 0) throw new DeployConfigError(problems);
  return {
    name,
    bucket: { name: bucketName!, create, ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}) },
    prefix: prefix!,
    mappings,
    tables,
    existingTables,
    controlTable,
    catchUpMinutes: catchUpMinutes!,
    task: {
      cpu: cpu!,
      memoryMiB: memoryMiB!,
      ...(ephemeralStorageGiB !== undefined ? { ephemeralStorageGiB } : {}),
      timeoutMinutes: timeoutMinutes!,
      ...(maxRejects !== undefined ? { maxRejects } : {}),
    },
    alarms: {
      overdueHours: overdueHours!,
      rejectedRows: rejectedRows!,
      parkedRows: parkedRows!,
      throttledWrites: throttledWrites!,
      ...(email !== undefined ? { email } : {}),
    },
    logRetentionDays: logRetentionDays!,
    containerInsights,
    ...(shards !== undefined ? { shards } : {}),
  };
}

/** A list given as a JSON array or as text separated by commas or spaces. */
function nameList(value: unknown, key: string, problem: (text: string) => undefined): string[] {
  if (value === undefined || value === '') return [];
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((v) => v !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '')) return [...value] as string[];
  problem(`${key}: a list of names (a JSON array, or text separated by commas), not ${JSON.stringify(value)}`);
  return [];
}

/**
 * The image compiles every .map directly in mappings/ (Dockerfile), so those are the ones a stack
 * can name; by default, those that declare an item, as `mapc job` takes them (a shared schema
 * kept there is no mapping).
 */
function mappingFiles(value: unknown, repoRoot: string, problem: (text: string) => undefined): string[] {
  const folder = join(repoRoot, 'mappings');
  const available = existsSync(folder)
    ? readdirSync(folder)
        .filter((f) => f.endsWith('.map'))
        .sort()
        .map((f) => `mappings/${f}`)
    : [];
  const named = nameList(value, 'mappings', problem);
  if (named.length === 0) {
    const mappings = mappingsInFolder(folder).map((file) => `mappings/${basename(file)}`);
    if (mappings.length === 0)
      problem('mappings: none found in mappings/; put the .map files there (the image compiles them)');
    return mappings;
  }
  const seen = new Set<string>();
  for (const file of named) {
    if (!/^mappings\/[^/]+\.map$/.test(file))
      problem(
        `mappings: ${JSON.stringify(file)}: name .map files directly in mappings/ (mappings/customer.map): the image compiles those`,
      );
    else if (!available.includes(file))
      problem(`mappings: ${file} does not exist (there: ${available.join(', ') || 'none'})`);
    if (seen.has(file)) problem(`mappings: ${file} is named twice`);
    seen.add(file);
  }
  return named;
}

/** {"app_table": "prod-app"} (a JSON object) or app_table=prod-app,other=prod-other (context text). */
function tableBindings(value: unknown, problem: (text: string) => undefined): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{')) {
      try {
        return tableBindings(JSON.parse(trimmed), problem);
      } catch (error) {
        problem(`tables: ${(error as Error).message}`);
        return {};
      }
    }
    const bindings: Record<string, string> = {};
    for (const binding of trimmed
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '')) {
      const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(binding);
      if (match) bindings[match[1]] = match[2];
      else
        problem(
          `tables: write each binding as target=table, as in app_table=prod-app,other=prod-other (not ${JSON.stringify(binding)})`,
        );
    }
    return bindings;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string' && v !== '')
  ) {
    return { ...(value as Record<string, string>) };
  }
  problem(`tables: an object of target → table name, as in {"app_table": "prod-app"}, not ${JSON.stringify(value)}`);
  return {};
}
