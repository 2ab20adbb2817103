// Every command that talks to DynamoDB or S3, as a user runs it, when nothing answers at the
// endpoint it was given (a closed port on 127.0.0.1): exit 1 and one line naming the service,
// the endpoint and the flag to check; never the bare "connect ECONNREFUSED" nor a stack trace.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { LOCAL_SERVER_ENV, REPO_ROOT, type ProcessResult } from '../runtime/fixtures/mapc-process.js';
import { handmadeExtract } from '../runtime/merge/handmade-extract.js';
import { closedPort } from '../support/closed-port.js';

const QUIET = { ...process.env, ...LOCAL_SERVER_ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

function mapc(...args: string[]): Promise<ProcessResult & { seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/mapc.js', ...args],
      { cwd: REPO_ROOT, env: QUIET, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
          seconds: (Date.now() - started) / 1000,
        });
      },
    );
  });
}

/** The lines of stderr that are not the mapping's compile warnings (a diagnostic block and its summary). */
function messageLines(stderr: string, command: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith(`mapc ${command}:`));
}

describe('commands whose DynamoDB or S3 does not answer', function () {
  this.timeout(120_000);
  let dir: string;
  let endpoint: string;
  let extract: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-unreachable-'));
    endpoint = `http://127.0.0.1:${await closedPort()}`;
    extract = await handmadeExtract('2100-11-01T02:00:00Z', {
      customers: ['1,Ann,ann@example.com,RETAIL,2026-01-01T00:00:00Z,FR'],
      orders: ['10,1,2026-10-01,SHIPPED,web'],
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const dynamoDbLine = () => `DynamoDB at ${endpoint}: connection refused (ECONNREFUSED): check --endpoint`;

  for (const [command, args] of [
    ['ledger', ['ledger', 'mappings/customer.map']],
    ['ledger skip', ['ledger', 'skip', '/tmp/no-such-extract.zip', '--reason', 'broken', 'mappings/customer.map']],
    ['pending', ['pending', 'mappings/customer.map']],
    ['init', ['init', 'mappings/customer.map']],
  ] as const) {
    it(`mapc ${command}: exit 1 and one line naming DynamoDB, its endpoint and --endpoint`, async () => {
      const result = await mapc(...args, '--endpoint', endpoint);
      expect(result.code, result.stderr).to.equal(1);
      const lines = messageLines(result.stderr, command);
      expect(lines, result.stderr).to.have.length(1);
      expect(lines[0]).to.contain(dynamoDbLine());
      expect(result.stderr).not.to.contain('connect ECONNREFUSED');
      expect(result.stderr).not.to.match(/^\s+at /m);
    });
  }

  it('mapc run into DynamoDB: exit 1, the same line, and a failed report saying it', async () => {
    const report = join(dir, 'run.report.json');
    const result = await mapc(
      'run',
      'mappings/customer.map',
      '--extract',
      extract,
      '--endpoint',
      endpoint,
      '--report',
      report,
      '--rejects',
      join(dir, 'run.rejects.ndjson'),
    );
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.contain(dynamoDbLine());
    expect(result.stderr).not.to.match(/^\s+at /m);
    expect(JSON.parse(readFileSync(report, 'utf8')))
      .to.include({ status: 'failed' })
      .and.to.have.property('error')
      .that.contains(dynamoDbLine());
  });

  it('mapc job from a folder: exit 1, one error line naming DynamoDB, its endpoint and --endpoint (MAPC_ENDPOINT)', async () => {
    const source = join(dir, 'landing');
    mkdirSync(source);
    writeFileSync(join(source, 'base.zip'), readFileSync(extract));
    const result = await mapc('job', 'mappings/customer.map', '--source', source, '--endpoint', endpoint);
    expect(result.code, result.stdout + result.stderr).to.equal(1);
    const errors = result.stdout.split('\n').filter((line) => line.includes('"level":"error"'));
    expect(errors, result.stdout).to.have.length(1);
    expect(JSON.parse(errors[0]).error).to.contain(`${dynamoDbLine()} (MAPC_ENDPOINT) and --region`);
    expect(result.stdout + result.stderr).not.to.contain('connect ECONNREFUSED');
    expect(result.stderr).not.to.match(/^\s+at /m);
  });

  it('mapc job from an S3 --source: exit 1, one error line naming S3, its endpoint and --s3-endpoint', async () => {
    const result = await mapc(
      'job',
      'mappings/customer.map',
      '--source',
      's3://extracts/daily/',
      '--s3-endpoint',
      endpoint,
      '--endpoint',
      endpoint,
    );
    expect(result.code, result.stdout + result.stderr).to.equal(1);
    const errors = result.stdout.split('\n').filter((line) => line.includes('"level":"error"'));
    expect(errors, result.stdout).to.have.length(1);
    expect(JSON.parse(errors[0]).error).to.contain(
      `s3://extracts/daily/: cannot list the extracts: S3 at ${endpoint}: connection refused (ECONNREFUSED): check --s3-endpoint`,
    );
    expect(result.stdout + result.stderr).not.to.contain('connect ECONNREFUSED');
  });
});
