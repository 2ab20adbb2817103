// The job image without Docker: deploy/image/stage-image.sh, the step the Dockerfile's build
// stage runs, lays the image's files out in a temporary folder (built JavaScript, compiled
// plans, `npm ci --omit=dev`), and `mapc job` runs from there with the environment the stack
// gives the container, against DynamoDB Local and a folder of extracts. What the job needs and
// the folder lacks (a dev dependency, a file outside build/) makes these tests fail.
//
// npm ci needs the npm registry (or npm's cache): --prefer-offline uses the cache when it can.
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { writeExtract } from '../../examples/extract-generator/write-extract.js';
import { parseDeployConfig } from '../../deploy/config.js';
import { jobEnvironment } from '../../deploy/job-environment.js';
import { compileMappingSet } from '../../deploy/mapping-set.js';
import { REPO_ROOT } from '../../deploy/paths.js';
import { planTables } from '../../deploy/table-plan.js';
import { WRITER_CLIENT_SETTINGS } from '../../runtime/dynamodb/batch-writer.js';
import { createTable } from '../../runtime/dynamodb/create-table.js';
import { expectedTable } from '../../runtime/dynamodb/expected-table.js';
import type { Plan } from '../../runtime/plan/types.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';

const run = promisify(execFile);

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/mapc.js …` in the image folder, with only the given environment (and PATH). */
function mapcIn(image: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/mapc.js', ...args], {
      cwd: image,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file under a folder, relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1));
}

describe("the job image's files, laid out without Docker (deploy/image/stage-image.sh)", function () {
  this.timeout(180_000);
  const dynamo = useDynamoDbLocal();
  let folder: string;
  let image: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'mapc-image-'));
    image = join(folder, 'app');
    await run('sh', [join(REPO_ROOT, 'deploy/image/stage-image.sh'), REPO_ROOT, image], { maxBuffer: 16 << 20 });
  });
  after(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it('holds the built JavaScript of the command and its libraries, the compiled plans and production dependencies, nothing else', () => {
    expect(readdirSync(image).sort()).to.deep.equal([
      'bin',
      'build',
      'node_modules',
      'package-lock.json',
      'package.json',
      'plans',
    ]);
    expect(readdirSync(join(image, 'build')).sort()).to.deep.equal(['api', 'bin', 'compiler', 'grammar', 'runtime']);
    expect(readdirSync(join(image, 'plans')).sort()).to.deep.equal(['customer.plan.json', 'product.plan.json']);
    const built = filesUnder(join(image, 'build'));
    expect(built).to.include('bin/cli/main.js').and.include('runtime/plan/plan.schema.json');
    expect(built.filter((file) => !/\.(js|json)$/.test(file))).to.deep.equal([]);
    const modules = readdirSync(join(image, 'node_modules'));
    expect(modules).to.include.members(['@aws-sdk', 'ajv', 'chevrotain']);
    expect(modules).to.not.include.members([
      'mocha',
      'typescript',
      'tsx',
      'chai',
      'aws-cdk-lib',
      'aws-cdk',
      'cdk-nag',
      's3rver',
    ]);
    const plan = JSON.parse(readFileSync(join(image, 'plans/customer.plan.json'), 'utf8')) as Plan;
    expect(plan.mapping).to.equal('customer');
  });

  it('runs `mapc job --help` from the image folder alone', async () => {
    const help = await mapcIn(image, ['job', '--help'], {});
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.include('MAPC_SOURCE').and.include('MAPC_OWNER');
  });

  it("runs one job from the image folder with the stack's environment: a local extract into DynamoDB Local", async () => {
    const extracts = join(folder, 'extracts');
    mkdirSync(join(extracts, 'daily'), { recursive: true });
    await writeExtract({
      customers: 40,
      deltaCustomers: 2,
      seed: 7,
      sequence: 0,
      out: join(extracts, 'daily', 'base.zip'),
    });

    // The environment the stack gives the container, pointed at local stand-ins.
    const config = parseDeployConfig({ bucket: 'acme-extracts', prefix: 'daily/', name: 'imagetest' }, REPO_ROOT);
    const set = compileMappingSet(REPO_ROOT, config.mappings);
    const tables = planTables(config, set);
    const environment = jobEnvironment(config, set, tables, 'local');
    const plan = JSON.parse(readFileSync(join(image, 'plans/customer.plan.json'), 'utf8')) as Plan;
    const client = dynamo.client(WRITER_CLIENT_SETTINGS);
    for (const table of tables.targets) await createTable(client, expectedTable(plan, table.target!, table.tableName));

    const job = await mapcIn(image, ['job'], {
      ...environment,
      MAPC_SOURCE: extracts,
      MAPC_ENDPOINT: dynamo.endpoint,
      MAPC_OWNER: 'image-layout-test',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    expect(job.code, job.stderr + job.stdout).to.equal(0);
    const lines = job.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const metrics = lines.filter((line) => line._aws !== undefined);
    expect(metrics.map((m) => [m.Mapping, m.Status])).to.deep.equal([
      ['customer', 'ok'],
      ['product', 'ok'],
    ]);
    expect(lines[lines.length - 1]).to.include({ message: 'job pass finished', status: 'ok', applied: 1 });
    const items = await client.send(new ScanCommand({ TableName: tables.targets[0].tableName, Select: 'COUNT' }));
    expect(items.Count).to.be.greaterThan(40);
  });
});
