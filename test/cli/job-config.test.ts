// jobConfig: `mapc job`'s flags (parsed with JOB_OPTIONS, as the command will) and MAPC_*
// variables into a checked JobConfig. Table-driven: what is given → the config, or the usage
// error naming the flag or variable at fault.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_OPTIONS, JOB_USAGE, jobConfig, type JobConfig } from '../../bin/cli/job-config.js';
import { parseCommandLine, UsageError } from '../../bin/cli/parse-options.js';

const dir = mkdtempSync(join(tmpdir(), 'mapc-job-config-'));
const withMappings = join(dir, 'with');
const withoutMappings = join(dir, 'without');
mkdirSync(join(withMappings, 'mappings'), { recursive: true });
mkdirSync(withoutMappings);
for (const name of ['product.map', 'customer.map'])
  writeFileSync(
    join(withMappings, 'mappings', name),
    'import "schema.map"\nitem X into t {\n  from a as a\n  pk = a.id\n}\n',
  );
for (const name of ['README.md', 'order.map.bak']) writeFileSync(join(withMappings, 'mappings', name), '');
// A shared schema kept beside the mappings: tables and a target, no item. It is no mapping.
writeFileSync(
  join(withMappings, 'mappings', 'schema.map'),
  'table a from "a.csv" {\n  id string key\n}\ntarget t {\n  partition key pk\n}\n',
);
// Broken text is kept, so that running it shows why.
writeFileSync(join(withMappings, 'mappings', 'zz-broken.map'), 'item {{{\n');
const tablesFile = join(dir, 'tables.json');
writeFileSync(tablesFile, JSON.stringify({ app_table: 'from-file', audit: 'audit-from-file' }));
const badTablesFile = join(dir, 'bad-tables.json');
writeFileSync(badTablesFile, '["app_table"]');

after(() => rmSync(dir, { recursive: true, force: true }));

function configOf(args: string[], env: NodeJS.ProcessEnv = {}, cwd = withMappings): JobConfig {
  return jobConfig(parseCommandLine(args, JOB_OPTIONS, JOB_USAGE), env, { cwd });
}

const DEFAULTS: JobConfig = {
  mappings: ['customer.map', 'product.map', 'zz-broken.map'].map((name) => join(withMappings, 'mappings', name)),
  source: 's3://extracts/nightly/',
  watch: false,
  intervalMs: 60_000,
  tables: {},
  controlTable: 'mapc_control',
  metrics: 'none',
  concurrency: 8,
  maxRejects: Infinity,
  limits: {},
  allowEditedPlan: false,
};

const ALL_ENV: NodeJS.ProcessEnv = {
  MAPC_MAPPINGS: 'a.map, b.map  c.map',
  MAPC_SOURCE: '/data/extracts',
  MAPC_ONCE: 's3://extracts/nightly/2026-11-01.zip',
  MAPC_TABLES: 'app_table=prod-app,audit=prod-audit',
  MAPC_CONTROL_TABLE: 'prod_control',
  MAPC_REGION: 'eu-west-1',
  AWS_REGION: 'us-east-1',
  MAPC_ENDPOINT: 'http://127.0.0.1:8000',
  MAPC_S3_ENDPOINT: 'http://127.0.0.1:4568',
  MAPC_METRICS: 'emf',
  MAPC_CONCURRENCY: '4',
  MAPC_MAX_REJECTS: '0',
  MAPC_REPORT_DIR: '/var/mapc/reports',
  MAPC_OWNER: 'task-from-env',
  MAPC_ALLOW_EDITED_PLAN: 'true',
  MAPC_MAX_RECORD_SIZE: '1MiB',
  MAPC_MAX_ENTRY_SIZE: '2GB',
  MAPC_MAX_TOTAL_SIZE: '1.5GiB',
  MAPC_MAX_COMPRESSION_RATIO: '200:1',
  MAPC_MAX_ENTRIES: '500',
};

const LIMITS_FROM_ENV = {
  maxRecordChars: 1024 ** 2,
  maxEntryBytes: 2e9,
  maxTotalBytes: 1.5 * 1024 ** 3,
  maxCompressionRatio: 200,
  maxEntries: 500,
};

const ALL_FLAGS = [
  'x.map',
  'y.map',
  '--source',
  's3://extracts/nightly/',
  '--once',
  's3://extracts/nightly/delta.zip',
  '--table',
  'app_table=flag-app',
  '--control-table',
  'flag_control',
  '--region',
  'ap-south-1',
  '--endpoint',
  'http://localhost:9000',
  '--s3-endpoint',
  'https://minio.local',
  '--metrics',
  'none',
  '--concurrency',
  '16',
  '--max-rejects',
  '25',
  '--report-dir',
  'reports',
  '--owner',
  'task-from-flag',
  '--max-record-size',
  '64KiB',
  '--max-entries',
  '20',
];

describe('jobConfig: flags and environment', () => {
  const valid: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string; expected: JobConfig }> = [
    {
      name: 'only --source: every mappings/*.map, sorted, and the defaults',
      args: ['--source', 's3://extracts/nightly/'],
      expected: DEFAULTS,
    },
    {
      name: 'only the environment',
      args: [],
      env: ALL_ENV,
      cwd: withoutMappings,
      expected: {
        mappings: ['a.map', 'b.map', 'c.map'],
        source: '/data/extracts',
        once: 's3://extracts/nightly/2026-11-01.zip',
        watch: false,
        intervalMs: 60_000,
        tables: { app_table: 'prod-app', audit: 'prod-audit' },
        controlTable: 'prod_control',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:8000',
        s3Endpoint: 'http://127.0.0.1:4568',
        metrics: 'emf',
        concurrency: 4,
        maxRejects: 0,
        reportDir: '/var/mapc/reports',
        owner: 'task-from-env',
        limits: LIMITS_FROM_ENV,
        allowEditedPlan: true,
      },
    },
    {
      name: "flags win over the environment (bindings merge, a flag's binding winning)",
      args: ALL_FLAGS,
      env: ALL_ENV,
      expected: {
        mappings: ['x.map', 'y.map'],
        source: 's3://extracts/nightly/',
        once: 's3://extracts/nightly/delta.zip',
        watch: false,
        intervalMs: 60_000,
        tables: { app_table: 'flag-app', audit: 'prod-audit' },
        controlTable: 'flag_control',
        region: 'ap-south-1',
        endpoint: 'http://localhost:9000',
        s3Endpoint: 'https://minio.local',
        metrics: 'none',
        concurrency: 16,
        maxRejects: 25,
        reportDir: 'reports',
        owner: 'task-from-flag',
        limits: { ...LIMITS_FROM_ENV, maxRecordChars: 64 * 1024, maxEntries: 20 },
        allowEditedPlan: true,
      },
    },
    {
      name: 'AWS_REGION when MAPC_REGION is unset',
      args: ['--source', 's3://extracts/nightly/'],
      env: { AWS_REGION: 'us-east-1' },
      expected: { ...DEFAULTS, region: 'us-east-1' },
    },
    {
      name: 'an empty variable counts as unset',
      args: ['--source', 's3://extracts/nightly/'],
      env: {
        MAPC_SOURCE: '',
        MAPC_MAPPINGS: ' ',
        MAPC_CONCURRENCY: '',
        MAPC_METRICS: '',
        MAPC_ONCE: '',
        MAPC_REGION: '',
        AWS_REGION: 'us-east-1',
      },
      expected: { ...DEFAULTS, region: 'us-east-1' },
    },
    {
      name: 'bindings: MAPC_TABLES as JSON, then --tables, then --table',
      args: ['--source', 's3://extracts/nightly/', '--tables', tablesFile, '--table', 'audit=audit-from-flag'],
      env: { MAPC_TABLES: '{"app_table": "from-env", "only_env": "env-table"}' },
      expected: { ...DEFAULTS, tables: { app_table: 'from-file', only_env: 'env-table', audit: 'audit-from-flag' } },
    },
    { name: '--watch', args: ['--source', 'in', '--watch'], expected: { ...DEFAULTS, source: 'in', watch: true } },
    {
      name: '--watch leaves MAPC_ONCE aside',
      args: ['--source', 'in', '--watch'],
      env: { MAPC_ONCE: 'in/a.zip' },
      expected: { ...DEFAULTS, source: 'in', watch: true },
    },
    {
      name: '--max-rejects 0 stops at the first reject',
      args: ['--source', 'in', '--max-rejects', '0'],
      expected: { ...DEFAULTS, source: 'in', maxRejects: 0 },
    },
    {
      name: 'read limits: sizes with units (binary and decimal) or bytes, a ratio, a count',
      args: [
        '--source',
        'in',
        '--max-record-size',
        '16MiB',
        '--max-entry-size',
        '4096',
        '--max-total-size',
        '3 TB',
        '--max-compression-ratio',
        '20.5',
        '--max-entries',
        '1',
      ],
      expected: {
        ...DEFAULTS,
        source: 'in',
        limits: {
          maxRecordChars: 16 * 1024 ** 2,
          maxEntryBytes: 4096,
          maxTotalBytes: 3e12,
          maxCompressionRatio: 20.5,
          maxEntries: 1,
        },
      },
    },
    {
      name: '--allow-edited-plan',
      args: ['--source', 'in', '--allow-edited-plan'],
      expected: { ...DEFAULTS, source: 'in', allowEditedPlan: true },
    },
    {
      name: 'MAPC_ALLOW_EDITED_PLAN=false',
      args: ['--source', 'in'],
      env: { MAPC_ALLOW_EDITED_PLAN: 'false' },
      expected: { ...DEFAULTS, source: 'in' },
    },
  ];
  for (const { name, args, env, cwd, expected } of valid) {
    it(name, () => expect(configOf(args, env, cwd)).to.deep.equal(expected));
  }

  const intervals: Array<[string, number]> = [
    ['90', 90_000],
    ['60s', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1s', 1000],
    ['596h', 596 * 3_600_000],
  ];
  for (const [text, ms] of intervals) {
    it(`--interval ${text} is ${ms} ms`, () =>
      expect(configOf(['--source', 'in', '--watch', '--interval', text]).intervalMs).to.equal(ms));
  }

  it('--once names the extract, winning over MAPC_ONCE', () => {
    expect(configOf(['--source', 'in', '--once', 'in/b.zip'], { MAPC_ONCE: 'in/a.zip' }).once).to.equal('in/b.zip');
    expect(configOf(['--source', 'in'], { MAPC_ONCE: 'in/a.zip' }).once).to.equal('in/a.zip');
  });

  it("--plan sizes --once's extract, or without --once the next one, with a shard memory and a most shards (defaults 8192 MiB and 32)", () => {
    const once = ['--source', 's3://b/p/', '--once', 's3://b/p/x.zip', '--plan'];
    expect(configOf(once).plan).to.deep.equal({ memoryLimitMiB: 8192, maxShards: 32 });
    expect(configOf([...once, '--shard-memory', '4096'], { MAPC_MAX_SHARDS: '8' }).plan).to.deep.equal({
      memoryLimitMiB: 4096,
      maxShards: 8,
    });
    expect(configOf(['--source', 's3://b/p/']).plan).to.equal(undefined);
    const next = configOf(['--source', 's3://b/p/', '--plan'], { MAPC_SHARD_MEMORY: '2048' });
    expect(next.once).to.equal(undefined);
    expect(next.plan).to.deep.equal({ memoryLimitMiB: 2048, maxShards: 32 });
    expect(() => configOf(['--source', 's3://b/p/', '--plan', '--watch'])).to.throw(
      UsageError,
      'does not go with --watch',
    );
    expect(() => configOf([...once, '--shard-memory', '8'])).to.throw(
      UsageError,
      '--shard-memory takes a whole number of at least 64',
    );
  });

  it('--plan-out (MAPC_PLAN_OUT) writes the plan to an S3 object or a file, and goes with --plan only', () => {
    const plan = ['--source', 's3://b/p/', '--plan'];
    expect(configOf([...plan, '--plan-out', 's3://b/plans/run-1.json']).plan?.out).to.equal('s3://b/plans/run-1.json');
    expect(configOf(plan, { MAPC_PLAN_OUT: 'plan.json' }).plan?.out).to.equal('plan.json');
    expect(configOf([...plan, '--plan-out', 'flag.json'], { MAPC_PLAN_OUT: 'env.json' }).plan?.out).to.equal(
      'flag.json',
    );
    // A container's variable is left aside by a run that plans nothing.
    expect(configOf(['--source', 's3://b/p/'], { MAPC_PLAN_OUT: 'plan.json' }).plan).to.equal(undefined);
    expect(() => configOf(['--source', 's3://b/p/', '--plan-out', 'plan.json'])).to.throw(
      UsageError,
      '--plan-out writes what --plan prints: give --plan too',
    );
    for (const where of ['s3://b', 's3://b/', 's3://b/plans/'])
      expect(() => configOf([...plan, '--plan-out', where]), where).to.throw(UsageError, 'name the object to write');
    expect(() => configOf(plan, { MAPC_PLAN_OUT: 's3://b/' })).to.throw(UsageError, /^MAPC_PLAN_OUT s3:\/\/b\//);
  });

  it("--check (MAPC_CHECK=true) asks whether --once's extract is applied; it needs --once and goes with no --plan, --watch or --shard", () => {
    const once = ['--source', 's3://b/p/', '--once', 's3://b/p/x.zip'];
    expect(configOf([...once, '--check']).check).to.equal(true);
    expect(configOf(once, { MAPC_CHECK: 'true' }).check).to.equal(true);
    expect(configOf(once, { MAPC_CHECK: 'false' })).to.not.have.property('check');
    expect(configOf(once)).to.not.have.property('check');
    expect(() => configOf(['--source', 's3://b/p/', '--check'])).to.throw(
      UsageError,
      '--check (MAPC_CHECK) tells whether one extract is applied: name it with --once (or MAPC_ONCE)',
    );
    expect(() => configOf([...once, '--check', '--plan'])).to.throw(UsageError, 'it does not go with --plan');
    expect(() => configOf(['--source', 's3://b/p/', '--watch'], { MAPC_CHECK: '1' })).to.throw(
      UsageError,
      'it does not go with --watch',
    );
    expect(() => configOf([...once, '--check'], { MAPC_SHARD: '0/2' })).to.throw(
      UsageError,
      'it does not go with MAPC_SHARD, which applies one',
    );
    expect(() => configOf(once, { MAPC_CHECK: 'sure' })).to.throw(
      UsageError,
      'MAPC_CHECK is true or false, not "sure"',
    );
  });

  it("--shard i/N applies --once's extract as that shard (MAPC_SHARD too), and needs --once", () => {
    const once = ['--source', 's3://b/p/', '--once', 's3://b/p/x.zip'];
    expect(configOf([...once, '--shard', '2/4']).shard).to.deep.equal({ index: 2, count: 4 });
    expect(configOf(once, { MAPC_SHARD: '0/3' }).shard).to.deep.equal({ index: 0, count: 3 });
    expect(configOf(once).shard).to.equal(undefined);
    expect(() => configOf([...once, '--shard', '4/4'])).to.throw(
      UsageError,
      '--shard: shards of 4 are numbered 0 to 3, not 4',
    );
    expect(() => configOf(['--source', 's3://b/p/', '--shard', '0/2'])).to.throw(
      UsageError,
      'name the extract with --once',
    );
  });

  it('--max-write-rate caps items per second, winning over MAPC_MAX_WRITE_RATE; no cap by default', () => {
    const env = { MAPC_MAX_WRITE_RATE: '500' };
    expect(configOf(['--source', 'in', '--max-write-rate', '100'], env).maxWriteRate).to.equal(100);
    expect(configOf(['--source', 'in'], env).maxWriteRate).to.equal(500);
    expect(configOf(['--source', 'in']).maxWriteRate).to.equal(undefined);
  });
});

describe('jobConfig: usage errors name the flag or variable', () => {
  const invalid: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string; error: RegExp }> = [
    { name: 'no source', args: [], error: /--source s3:\/\/bucket\/prefix\/ or a folder \(or MAPC_SOURCE\)/ },
    {
      name: 'an s3:// source without a bucket',
      args: ['--source', 's3://'],
      error: /^--source s3:\/\/: name the bucket/,
    },
    {
      name: 'no mappings anywhere',
      args: ['--source', 'in'],
      cwd: withoutMappings,
      error: /^no mappings: name them, set MAPC_MAPPINGS, or put .map files that declare items in .*without\/mappings$/,
    },
    ...['0', '0s', '1.5m', '5 minutes', '-1', 'abc', '500ms', '1d'].map((text) => ({
      name: `--interval ${text}`,
      args: ['--source', 'in', '--watch', `--interval=${text}`],
      error: /^--interval takes a whole number of seconds \(90\), or with a unit \(60s, 5m, 1h\), of at least 1s/,
    })),
    {
      name: '--interval longer than a timer waits',
      args: ['--source', 'in', '--watch', '--interval', '597h'],
      error: /^--interval 597h is longer than the 596h a timer can wait/,
    },
    ...['0', 'x', '2.5', '-1', '1e3'].map((text) => ({
      name: `--concurrency ${text}`,
      args: ['--source', 'in', `--concurrency=${text}`],
      error: /^--concurrency takes a whole number of at least 1, not/,
    })),
    {
      name: 'MAPC_CONCURRENCY 0',
      args: ['--source', 'in'],
      env: { MAPC_CONCURRENCY: '0' },
      error: /^MAPC_CONCURRENCY takes a whole number of at least 1, not "0"/,
    },
    ...['0', 'x', '2.5', '-1'].map((text) => ({
      name: `--max-write-rate ${text}`,
      args: ['--source', 'in', `--max-write-rate=${text}`],
      error: /^--max-write-rate takes a whole number of at least 1, not/,
    })),
    {
      name: 'MAPC_MAX_WRITE_RATE fast',
      args: ['--source', 'in'],
      env: { MAPC_MAX_WRITE_RATE: 'fast' },
      error: /^MAPC_MAX_WRITE_RATE takes a whole number of at least 1, not "fast"/,
    },
    {
      name: 'a concurrency past 2^53',
      args: ['--source', 'in', '--concurrency', '99999999999999999999'],
      error: /^--concurrency takes a whole number/,
    },
    {
      name: '--max-rejects -1',
      args: ['--source', 'in', '--max-rejects=-1'],
      error: /^--max-rejects takes a whole number, not "-1"/,
    },
    {
      name: 'MAPC_MAX_REJECTS none',
      args: ['--source', 'in'],
      env: { MAPC_MAX_REJECTS: 'none' },
      error: /^MAPC_MAX_REJECTS takes a whole number, not "none"/,
    },
    {
      name: '--metrics prometheus',
      args: ['--source', 'in', '--metrics', 'prometheus'],
      error: /^--metrics is emf or none, not "prometheus"/,
    },
    {
      name: 'MAPC_METRICS EMF',
      args: ['--source', 'in'],
      env: { MAPC_METRICS: 'EMF' },
      error: /^MAPC_METRICS is emf or none, not "EMF"/,
    },
    {
      name: '--once with --watch',
      args: ['--source', 'in', '--once', 'in/a.zip', '--watch'],
      error: /^--once and --watch ask for opposite things/,
    },
    {
      name: '--table without =',
      args: ['--source', 'in', '--table', 'app_table'],
      error: /^--table app_table: write it as logical=physical/,
    },
    {
      name: '--tables, a missing file',
      args: ['--source', 'in', '--tables', join(dir, 'missing.json')],
      error: /^--tables .*missing\.json: ENOENT/,
    },
    {
      name: '--tables, not an object',
      args: ['--source', 'in', '--tables', badTablesFile],
      error: /^--tables .*bad-tables\.json: expected an object of table names/,
    },
    {
      name: 'MAPC_TABLES, a name that is not a string',
      args: ['--source', 'in'],
      env: { MAPC_TABLES: '{"app_table": 1}' },
      error: /^MAPC_TABLES: expected an object of table names/,
    },
    {
      name: 'MAPC_TABLES, broken JSON',
      args: ['--source', 'in'],
      env: { MAPC_TABLES: '{app_table: prod}' },
      error: /^MAPC_TABLES: .*JSON/,
    },
    {
      name: 'MAPC_TABLES, a binding without =',
      args: ['--source', 'in'],
      env: { MAPC_TABLES: 'a=b,c' },
      error: /^MAPC_TABLES: write each binding as logical=physical.*\(not "c"\)/,
    },
    {
      name: '--table bound to a 2-character table',
      args: ['--source', 'in', '--table', 'app_table=ab'],
      error: /^table binding app_table=ab: the table name is 2 characters long; DynamoDB table names are 3 to 255/,
    },
    {
      name: 'MAPC_TABLES bound to a name with a !',
      args: ['--source', 'in'],
      env: { MAPC_TABLES: 'app_table=prod!app' },
      error: /^table binding app_table=prod!app: the table name contains "!"/,
    },
    {
      name: 'MAPC_CONTROL_TABLE too short',
      args: ['--source', 'in'],
      env: { MAPC_CONTROL_TABLE: 'c' },
      error: /^MAPC_CONTROL_TABLE c: the table name is 1 character long/,
    },
    {
      name: '--endpoint without a scheme',
      args: ['--source', 'in', '--endpoint', 'localhost:8000'],
      error: /^--endpoint takes an http:\/\/ or https:\/\/ URL, not "localhost:8000"/,
    },
    {
      name: 'MAPC_S3_ENDPOINT not a URL',
      args: ['--source', 'in'],
      env: { MAPC_S3_ENDPOINT: 'minio' },
      error: /^MAPC_S3_ENDPOINT takes a URL such as http:\/\/127\.0\.0\.1:8000, not "minio"/,
    },
    {
      name: '--once s3:// without a key',
      args: ['--source', 's3://extracts/nightly/', '--once', 's3://extracts'],
      error: /^--once s3:\/\/extracts: no object key after the bucket/,
    },
    {
      name: 'MAPC_ONCE naming a folder',
      args: ['--source', 's3://extracts/nightly/'],
      env: { MAPC_ONCE: 's3://extracts/nightly/' },
      error: /^MAPC_ONCE s3:\/\/extracts\/nightly\/: names a folder, not an object/,
    },
    ...['16M', '-1', '0', '0B', '1.5', 'lots', '1e6', '0.1KiB'].map((text) => ({
      name: `--max-record-size ${text}`,
      args: ['--source', 'in', `--max-record-size=${text}`],
      error: /^--max-record-size (takes a size|.* is not a whole number of bytes)/,
    })),
    {
      name: 'MAPC_MAX_TOTAL_SIZE past 2^53 bytes',
      args: ['--source', 'in'],
      env: { MAPC_MAX_TOTAL_SIZE: '9000TiB' },
      error: /^MAPC_MAX_TOTAL_SIZE takes a size of at least 1 byte and at most/,
    },
    ...['0', '-3', 'x', '1:2', 'Infinity'].map((text) => ({
      name: `--max-compression-ratio ${text}`,
      args: ['--source', 'in', `--max-compression-ratio=${text}`],
      error: /^--max-compression-ratio takes a ratio above 0/,
    })),
    {
      name: 'MAPC_MAX_ENTRIES 0',
      args: ['--source', 'in'],
      env: { MAPC_MAX_ENTRIES: '0' },
      error: /^MAPC_MAX_ENTRIES takes a whole number of at least 1, not "0"/,
    },
    {
      name: 'MAPC_ALLOW_EDITED_PLAN maybe',
      args: ['--source', 'in'],
      env: { MAPC_ALLOW_EDITED_PLAN: 'maybe' },
      error: /^MAPC_ALLOW_EDITED_PLAN is true or false, not "maybe"/,
    },
  ];
  for (const { name, args, env, cwd, error } of invalid) {
    it(name, () => {
      expect(() => configOf(args, env, cwd)).to.throw(UsageError, error);
    });
  }

  it('an unknown flag is a usage error from parsing, with the usage text', () => {
    expect(() => configOf(['--source', 'in', '--bogus'])).to.throw(
      UsageError,
      /Unknown option '--bogus'[\s\S]*usage: mapc job/,
    );
  });
});

describe('JOB_OPTIONS and JOB_USAGE', () => {
  it('the usage lists every flag, and the variable of each flag that has one', () => {
    for (const flag of Object.keys(JOB_OPTIONS)) expect(JOB_USAGE, flag).to.match(new RegExp(`--${flag}\\b`));
    for (const variable of Object.keys(ALL_ENV)) expect(JOB_USAGE, variable).to.contain(variable);
  });

  it('has the DynamoDB options, without a default that would hide MAPC_CONTROL_TABLE', () => {
    for (const flag of ['region', 'endpoint', 'control-table', 'table', 'tables'])
      expect(JOB_OPTIONS).to.have.property(flag);
    expect(JOB_OPTIONS['control-table']).to.not.have.property('default');
    expect(configOf(['--source', 'in'], { MAPC_CONTROL_TABLE: 'env_control' }).controlTable).to.equal('env_control');
  });
});
