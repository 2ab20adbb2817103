// The deploy configuration: defaults, context strings and JSON values alike, and every problem
// reported at once in words that name the setting.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeployConfigError,
  fargateMemoryChoices,
  parseDeployConfig,
  type RawDeployConfig,
} from '../../deploy/config.js';
import { readDeployInput } from '../../deploy/config-input.js';
import { REPO_ROOT } from '../../deploy/paths.js';

const parse = (raw: RawDeployConfig) => parseDeployConfig(raw, REPO_ROOT);
const problemsOf = (raw: RawDeployConfig): string[] => {
  try {
    parse(raw);
  } catch (error) {
    if (error instanceof DeployConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};
const minimal = { bucket: 'acme-extracts', prefix: 'extracts/' };

describe('deploy configuration', () => {
  it('fills in defaults: every mapping in mappings/, tables named after the deployment, an hourly catch-up', () => {
    const config = parse(minimal);
    expect(config).to.deep.include({
      name: 'mapc',
      bucket: { name: 'acme-extracts', create: false },
      prefix: 'extracts/',
      mappings: ['mappings/customer.map', 'mappings/product.map'],
      tables: {},
      existingTables: [],
      controlTable: 'mapc-control',
      catchUpMinutes: 60,
      logRetentionDays: 30,
      containerInsights: true,
    });
    expect(config.task).to.deep.equal({ cpu: 1024, memoryMiB: 2048, timeoutMinutes: 120 });
    expect(config.alarms).to.deep.equal({ overdueHours: 26, rejectedRows: 100, parkedRows: 1000, throttledWrites: 0 });
  });

  it('leaves a shared schema kept in mappings/ (tables and targets, no item) out of the default mappings', () => {
    const root = mkdtempSync(join(tmpdir(), 'mapc-deploy-mappings-'));
    try {
      mkdirSync(join(root, 'mappings'));
      writeFileSync(
        join(root, 'mappings', 'schema.map'),
        'table a from "a.csv" {\n  id string key\n}\ntarget t {\n  partition key pk\n}\n',
      );
      writeFileSync(
        join(root, 'mappings', 'orders.map'),
        'import "schema.map"\nitem Order into t {\n  from a as a\n  pk = a.id\n}\n',
      );
      expect(parseDeployConfig(minimal, root).mappings).to.deep.equal(['mappings/orders.map']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads context strings (-c key=value) and JSON values the same way', () => {
    const fromContext = parse({
      ...minimal,
      name: 'sales',
      createBucket: 'true',
      mappings: 'mappings/customer.map',
      tables: 'app_table=prod-app',
      existingTables: 'prod-app',
      catchUpMinutes: '15',
      cpu: '512',
      memoryMiB: '4096',
      maxRejects: '0',
      alarmEmail: 'ops@example.com',
      containerInsights: 'false',
    });
    const fromFile = parse({
      ...minimal,
      name: 'sales',
      createBucket: true,
      mappings: ['mappings/customer.map'],
      tables: { app_table: 'prod-app' },
      existingTables: ['prod-app'],
      catchUpMinutes: 15,
      cpu: 512,
      memoryMiB: 4096,
      maxRejects: 0,
      alarmEmail: 'ops@example.com',
      containerInsights: false,
    });
    expect(fromContext).to.deep.equal(fromFile);
    expect(fromFile).to.deep.include({
      name: 'sales',
      controlTable: 'sales-control',
      tables: { app_table: 'prod-app' },
      catchUpMinutes: 15,
      containerInsights: false,
    });
    expect(fromFile.bucket.create).to.equal(true);
    expect(fromFile.task).to.deep.include({ cpu: 512, memoryMiB: 4096, maxRejects: 0 });
    expect(parse({ ...minimal, tables: '{"app_table": "prod-app"}' }).tables).to.deep.equal({ app_table: 'prod-app' });
  });

  it('reports every problem at once, each naming its setting', () => {
    const problems = problemsOf({
      prefix: 'extracts',
      cpu: 1024,
      memoryMiB: 1024,
      logRetentionDays: 10,
      colour: 'blue',
    } as RawDeployConfig);
    expect(problems.map((p) => p.split(':')[0]).sort()).to.deep.equal([
      'bucket',
      'colour',
      'logRetentionDays',
      'memoryMiB',
      'prefix',
    ]);
    expect(problems.find((p) => p.startsWith('memoryMiB'))).to.include('2048 to 8192 in steps of 1024');
    expect(problems.find((p) => p.startsWith('prefix'))).to.include('must end with "/"');
    expect(problems.find((p) => p.startsWith('colour'))).to.include('not a setting');
  });

  it('refuses values that would fail late: bucket and table names, patterns in the prefix, mappings outside mappings/', () => {
    const problems = problemsOf({
      bucket: 'Acme_Extracts',
      prefix: 'ext*/',
      mappings: 'examples/warehouse.map,mappings/missing.map',
      tables: 'app_table=x',
      overdueHours: 200,
      catchUpMinutes: '5m',
      bucketKmsKeyArn: 'alias/extracts',
      alarmEmail: 'ops',
    });
    expect(problems).to.have.length(9);
    expect(problems.join('\n'))
      .to.include('is not an S3 bucket name')
      .and.include('"*", "?" and "\\" are not allowed')
      .and.include('name .map files directly in mappings/')
      .and.include('mappings/missing.map does not exist')
      .and.include('a DynamoDB table name is 3-255')
      .and.include('overdueHours: a whole number from 1 to 168')
      .and.include('catchUpMinutes: a whole number from 1 to 1440, not "5m"')
      .and.include('bucketKmsKeyArn: a KMS key ARN')
      .and.include('alarmEmail: "ops" is not an e-mail address');
  });

  it('has no sharded mode unless shards is given; shards takes an object or its JSON text, with defaults', () => {
    expect(parse(minimal)).to.not.have.property('shards');
    const defaults = {
      maxShards: 16,
      cpu: 2048,
      memoryMiB: 8192,
      maxConcurrency: 16,
      extractsPerExecution: 10,
      planPrefix: 'mapc-plans/mapc/',
    };
    expect(parse({ ...minimal, shards: {} }).shards).to.deep.equal(defaults);
    expect(parse({ ...minimal, name: 'sales', shards: '{}' }).shards).to.deep.include({
      planPrefix: 'mapc-plans/sales/',
    });
    const given = {
      maxShards: 8,
      shardCpu: 4096,
      shardMemoryMiB: 16384,
      maxConcurrency: 4,
      extractsPerExecution: 3,
      planPrefix: 'ops/plans/',
    };
    const fromFile = parse({ ...minimal, shards: given }).shards;
    expect(fromFile).to.deep.equal({
      maxShards: 8,
      cpu: 4096,
      memoryMiB: 16384,
      maxConcurrency: 4,
      extractsPerExecution: 3,
      planPrefix: 'ops/plans/',
    });
    expect(parse({ ...minimal, shards: JSON.stringify(given) }).shards).to.deep.equal(fromFile);
    // A shard count given alone is also the concurrency: every shard at once.
    expect(parse({ ...minimal, shards: { maxShards: 4 } }).shards).to.deep.include({ maxShards: 4, maxConcurrency: 4 });
  });

  it('reports every problem of shards, each naming its setting', () => {
    expect(problemsOf({ ...minimal, shards: '{maxShards: 8}' })[0]).to.match(/^shards: .*JSON.*write it as JSON/);
    expect(problemsOf({ ...minimal, shards: [8] })[0]).to.match(/^shards: an object of settings/);
    const problems = problemsOf({
      ...minimal,
      shards: {
        maxShards: 0,
        shardCpu: 1024,
        shardMemoryMiB: 1024,
        maxConcurrency: 'all',
        extractsPerExecution: 1000,
        planPrefix: 'plans',
        colour: 'blue',
      },
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).to.deep.equal([
      'shards.colour',
      'shards.extractsPerExecution',
      'shards.maxConcurrency',
      'shards.maxShards',
      'shards.planPrefix',
      'shards.shardMemoryMiB',
    ]);
    expect(problems.join('\n'))
      .to.include('shards.maxShards: a whole number from 1 to 1000, not 0')
      .and.include(
        'shards.shardMemoryMiB: with shardCpu 1024, Fargate takes 2048 to 8192 in steps of 1024 MiB, not 1024',
      )
      .and.include('shards.planPrefix: a folder of the bucket ending with "/"')
      .and.include('shards.colour: not a setting');
    expect(problemsOf({ ...minimal, shards: { planPrefix: 'plans/{x}/' } })[0]).to.match(/^shards.planPrefix/);
  });

  it('knows the memory Fargate offers for each CPU size', () => {
    expect(fargateMemoryChoices(256)).to.deep.equal([512, 1024, 2048]);
    expect(fargateMemoryChoices(4096)).to.include.members([8192, 30720]).and.not.include(31744);
    expect(fargateMemoryChoices(300)).to.deep.equal([]);
    expect(problemsOf({ ...minimal, cpu: 300 })[0]).to.match(/^cpu: Fargate takes 256, 512, 1024/);
  });

  it('reads a JSON file named by the config context key; context settings win over it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'mapc-deploy-config-'));
    writeFileSync(
      join(folder, 'prod.json'),
      JSON.stringify({ bucket: 'from-file', prefix: 'daily/', catchUpMinutes: 30 }),
    );
    const context: Record<string, unknown> = {
      config: 'prod.json',
      bucket: 'from-context',
      '@aws-cdk/core:some-flag': true,
    };
    const raw = readDeployInput({ tryGetContext: (key) => context[key] }, folder);
    expect(raw).to.deep.equal({ bucket: 'from-context', prefix: 'daily/', catchUpMinutes: 30 });
    writeFileSync(join(folder, 'broken.json'), '{"bucket": ');
    expect(() => readDeployInput({ tryGetContext: (key) => ({ config: 'broken.json' })[key] }, folder)).to.throw(
      DeployConfigError,
      'is not JSON',
    );
    rmSync(folder, { recursive: true, force: true });
  });
});
