/*
 * `mapc run` against hostile command lines and output paths, as a user runs it: every output
 * file is checked before the extract is read, numeric flags are checked with the rest of the
 * command line, failures exit 1 with one line naming what and where (exit 2 is for usage
 * errors only), never a stack trace, and a failed run still leaves its report.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planContentHash } from '../../runtime/plan/plan-hash.js';
import type { Plan } from '../../runtime/plan/types.js';
import type { RunReport } from '../../runtime/report/run-report.js';
import { mapc, mapcOnLocalServers, REPO_ROOT, type ProcessResult } from '../runtime/fixtures/mapc-process.js';
import { zipBytes } from '../runtime/fixtures/zip-bytes.js';

const MAPPING = fileURLToPath(new URL('../runtime/fixtures/bad-input.map', import.meta.url));
const AS_OF = ['--as-of', '2026-11-01T00:00:00Z'];
const EXTRACT_FILES = {
  'customers.csv':
    'customer_id,name,score,born,seen_at,active,weight\n1,Ada,12.50,1990-01-31,2026-01-02T03:04:05,true,4\n2,Bruno,,,,,\n',
  'orders.csv': 'order_id,customer_id,qty,divisor,amount,code\n10,1,2,4,10.00,A\n11,2,1,1,3.50,B\n',
  'order_lines.csv': 'order_id,line_no,sku\n10,1,S-1\n10,2,S-2\n11,1,S-3\n',
  'codes.txt': 'A|Apple|\nB|Banana|\n',
};

/** One line of cause: no stack trace, no "Unhandled 'error' event". */
function expectCleanFailure(result: ProcessResult, ...mentions: string[]): void {
  expect(result.code, result.stderr).to.equal(1);
  expect(result.stderr).not.to.match(/^\s+at /m);
  expect(result.stderr).not.to.contain('Unhandled');
  for (const mention of mentions) expect(result.stderr).to.contain(mention);
}

describe('mapc run: output paths, flags and failures', function () {
  this.timeout(120000);
  let dir: string;
  let extract: string;
  /** A path that says whether the extract was opened: a missing extract fails only once it is read. */
  let unreadExtract: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-run-faults-'));
    extract = join(dir, 'extract.zip');
    writeFileSync(extract, await zipBytes(EXTRACT_FILES));
    unreadExtract = join(dir, 'never-read.zip');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('output files are checked before the extract is read', () => {
    it('refuses --out in a folder that does not exist, naming it, without a stack', async () => {
      const out = join(dir, 'missing-folder', 'items.ndjson');
      const result = await mapc('run', MAPPING, '--extract', unreadExtract, '--out', out, ...AS_OF);
      expectCleanFailure(result, `${join(dir, 'missing-folder')} does not exist`);
      expect(result.stderr).not.to.contain('never-read.zip');
    });

    it('refuses --out under /proc', async () => {
      const result = await mapc(
        'run',
        MAPPING,
        '--extract',
        unreadExtract,
        '--out',
        '/proc/mapc-items.ndjson',
        ...AS_OF,
        '--report',
        join(dir, 'proc.report.json'),
        '--rejects',
        join(dir, 'proc.rejects.ndjson'),
      );
      expectCleanFailure(result, '/proc/mapc-items.ndjson');
    });

    // A FIFO of its own, not /dev/null or /dev/full: a mapc that renames over it must not break the machine.
    it('refuses --out naming a FIFO (not a regular file) and leaves it alone', async () => {
      const fifo = join(dir, 'a-fifo');
      execFileSync('mkfifo', [fifo]);
      const result = await mapc(
        'run',
        MAPPING,
        '--extract',
        extract,
        '--out',
        fifo,
        ...AS_OF,
        '--report',
        join(dir, 'fifo.report.json'),
        '--rejects',
        join(dir, 'fifo.rejects.ndjson'),
      );
      expectCleanFailure(result, `${fifo}: is not a regular file (a FIFO)`);
      expect(statSync(fifo).isFIFO()).to.equal(true);
    });

    it('refuses --out naming a folder before reading, and claims no items written', async () => {
      const folder = join(dir, 'a-folder');
      mkdirSync(folder);
      const result = await mapc(
        'run',
        MAPPING,
        '--extract',
        unreadExtract,
        '--out',
        folder,
        ...AS_OF,
        '--report',
        join(dir, 'folder.report.json'),
        '--rejects',
        join(dir, 'folder.rejects.ndjson'),
      );
      expectCleanFailure(result, `${folder}: is a folder`);
      expect(result.stderr).not.to.contain('written');
    });

    it('refuses a --report or --rejects that cannot be created', async () => {
      const out = join(dir, 'ok.ndjson');
      const report = await mapc(
        'run',
        MAPPING,
        '--extract',
        unreadExtract,
        '--out',
        out,
        ...AS_OF,
        '--report',
        join(dir, 'nowhere', 'r.json'),
      );
      expectCleanFailure(report, 'the report file', 'does not exist');
      const rejects = await mapc('run', MAPPING, '--extract', unreadExtract, '--out', out, ...AS_OF, '--rejects', dir);
      expectCleanFailure(rejects, `the rejects file ${dir}: is a folder`);
    });
  });

  describe('flags are checked before anything is read', () => {
    for (const [flag, value] of [
      ['--concurrency', '0'],
      ['--threads', String(availableParallelism() * 2 + 1)],
      ['--threads', '1000'],
      ['--max-rejects', '-1'],
      ['--max-rejects', '1e3'],
      ['--max-record-size', '16M'],
      ['--max-record-size', '0'],
      ['--max-entry-size', '1.5'],
      ['--max-total-size', 'lots'],
      ['--max-compression-ratio', '0'],
      ['--max-compression-ratio', 'high'],
      ['--max-entries', '2.5'],
      ['--max-entries', '0'],
      ['--as-of', 'yesterday'],
      ['--endpoint', 'localhost:8000'],
      ['--s3-endpoint', 'minio'],
      ['--endpoint', 'ftp://127.0.0.1'],
      ['--max-write-rate', '0'],
      ['--max-write-rate', 'fast'],
    ]) {
      it(`refuses ${flag} ${value} as a usage error`, async () => {
        const result = await mapc(
          'run',
          MAPPING,
          '--extract',
          unreadExtract,
          '--out',
          join(dir, 'flags.ndjson'),
          ...AS_OF,
          flag,
          value,
        );
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr).to.contain(flag);
        expect(result.stderr).not.to.contain('never-read.zip');
      });
    }

    it("a read limit given as a flag applies: --max-entries below the archive's entries stops the run, naming the cap and its flag", async () => {
      const out = join(dir, 'few-entries.ndjson');
      const result = await mapc('run', MAPPING, '--extract', extract, '--out', out, ...AS_OF, '--max-entries', '3');
      expectCleanFailure(result, `${extract} holds 4 entries, more than the limit of 3 (maxEntries, --max-entries)`);
      expect(existsSync(out)).to.equal(false);
      const passes = await mapc(
        'run',
        MAPPING,
        '--extract',
        extract,
        '--out',
        out,
        ...AS_OF,
        '--max-entries',
        '4',
        '--max-record-size',
        '1KiB',
        '--max-entry-size',
        '1MB',
      );
      expect(passes.code, passes.stderr).to.equal(0);
    });

    it('--max-record-size takes a unit: a record longer than 64 characters stops the run at 64', async () => {
      const long = join(dir, 'long-record.zip');
      writeFileSync(
        long,
        await zipBytes({ ...EXTRACT_FILES, 'order_lines.csv': `order_id,line_no,sku\n10,1,${'S'.repeat(100)}\n` }),
      );
      const result = await mapc(
        'run',
        MAPPING,
        '--extract',
        long,
        '--out',
        join(dir, 'long.ndjson'),
        ...AS_OF,
        '--max-record-size',
        '0.0625KiB',
      );
      expectCleanFailure(
        result,
        'order_lines.csv:2: a record starting on this line is longer than 64 characters (the record size limit: maxRecordChars, --max-record-size)',
      );
    });

    for (const [command, args] of [
      ['init', ['init', MAPPING]],
      ['pending', ['pending', MAPPING]],
      ['ledger', ['ledger', MAPPING]],
      ['ledger skip', ['ledger', 'skip', '/tmp/gone.zip', '--reason', 'broken', MAPPING]],
    ] as const) {
      it(`mapc ${command} refuses --endpoint without a scheme as a usage error, before calling DynamoDB`, async () => {
        const result = await mapc(...args, '--endpoint', 'localhost:8000');
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr).to.contain('--endpoint takes an http:// or https:// URL, not "localhost:8000"');
        expect(result.stderr).not.to.contain('UnknownError');
      });
    }

    it('mapc ledger skip refuses an --as-of that is no time as a usage error', async () => {
      const result = await mapc(
        'ledger',
        'skip',
        '/tmp/gone.zip',
        '--reason',
        'broken',
        '--as-of',
        'yesterday',
        MAPPING,
        '--endpoint',
        'http://127.0.0.1:1',
      );
      expect(result.code, result.stderr).to.equal(2);
      expect(result.stderr).to.contain('--as-of "yesterday" is not a date or timestamp');
    });

    it('accepts --threads up to twice the cores', async () => {
      const out = join(dir, 'threads.ndjson');
      const result = await mapc(
        'run',
        MAPPING,
        '--extract',
        extract,
        '--out',
        out,
        ...AS_OF,
        '--threads',
        String(availableParallelism() * 2),
      );
      expect(result.code, result.stderr).to.equal(0);
    });
  });

  describe('DynamoDB table names are checked before DynamoDB is called', () => {
    // Nothing answers at this endpoint: a name problem must be found without it.
    const nowhere = ['--endpoint', 'http://127.0.0.1:1'];
    let shortTarget: string;
    before(() => {
      shortTarget = join(dir, 'short-target.map');
      writeFileSync(shortTarget, readFileSync(MAPPING, 'utf8').replaceAll('app_table', 'ab'));
    });

    it('mapc check warns about a target name DynamoDB would refuse (MAP0212)', async () => {
      const result = await mapc('check', shortTarget);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.contain('warning MAP0212: target `ab` is 2 characters long');
    });

    it('mapc init and mapc run refuse the unbound target as a usage error, and accept it bound to a valid table', async () => {
      const init = await mapc('init', shortTarget, ...nowhere);
      expect(init.code, init.stderr).to.equal(2);
      expect(init.stderr).to.contain('target ab of mapping bad_input is 2 characters long');
      expect(init.stderr).to.contain('--table ab=');
      const run = await mapc(
        'run',
        shortTarget,
        '--extract',
        unreadExtract,
        ...nowhere,
        ...AS_OF,
        '--report',
        join(dir, 'names.report.json'),
        '--rejects',
        join(dir, 'names.rejects.ndjson'),
      );
      expect(run.code, run.stderr).to.equal(2);
      const bound = await mapcOnLocalServers('init', shortTarget, ...nowhere, '--table', 'ab=app-table');
      expect(bound.code, bound.stderr).to.equal(1);
      expect(bound.stderr).to.contain('DynamoDB at http://127.0.0.1:1: connection refused');
    });

    for (const [flag, value, cause] of [
      ['--table', 'app_table=a!b', 'contains "!"'],
      ['--control-table', 'xy', 'is 2 characters long'],
    ] as const) {
      it(`refuses ${flag} ${value} as a usage error`, async () => {
        const result = await mapc('init', MAPPING, ...nowhere, flag, value);
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr).to.contain(cause);
      });
    }

    it('a preview does not care about table names', async () => {
      const out = join(dir, 'short-target.ndjson');
      const result = await mapc('run', shortTarget, '--extract', extract, '--out', out, ...AS_OF);
      expect(result.code, result.stderr).to.equal(0);
    });
  });

  describe('plan integrity', () => {
    let planFile: string;
    let compiled: Plan;
    before(async () => {
      planFile = join(dir, 'bad_input.plan.json');
      const result = await mapc('compile', MAPPING, '-o', planFile);
      expect(result.code, result.stderr).to.equal(0);
      compiled = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
    });
    const edited = (name: string, change: (plan: Plan) => void) => {
      const plan = structuredClone(compiled);
      change(plan);
      const path = join(dir, `${name}.plan.json`);
      writeFileSync(path, JSON.stringify(plan));
      return { path, plan };
    };
    const run = (plan: string, name: string, ...extra: string[]) =>
      mapc('run', plan, '--extract', extract, '--out', join(dir, `${name}.ndjson`), ...AS_OF, ...extra);

    it("mapc compile writes the hash of the plan's content, and the plan runs", async () => {
      expect(compiled.planHash).to.equal(planContentHash(compiled));
      const result = await run(planFile, 'intact');
      expect(result.code, result.stderr).to.equal(0);
      expect((JSON.parse(readFileSync(join(dir, 'intact.ndjson.report.json'), 'utf8')) as RunReport).planHash).to.equal(
        compiled.sourceHash,
      );
    });

    it('refuses a plan edited by hand, and one without a hash, before reading the extract', async () => {
      const { path } = edited('edited', (plan) => {
        plan.entries.skipped.push({ table: 'edited', pattern: 'edited.csv', reason: 'edited by hand' });
      });
      const result = await run(path, 'edited');
      expectCleanFailure(result, 'edited.plan.json was changed after `mapc compile` wrote it', '--allow-edited-plan');
      expect(existsSync(join(dir, 'edited.ndjson.report.json'))).to.equal(false);
      const { path: unhashed } = edited('unhashed', (plan) => {
        delete plan.planHash;
      });
      const older = await run(unhashed, 'unhashed');
      expectCleanFailure(
        older,
        `${unhashed} was compiled by an older mapc (it has no planHash, so an edit cannot be told): recompile it with \`mapc compile ${relative(REPO_ROOT, MAPPING)} -o ${unhashed}\`, or load it as it is with --allow-edited-plan`,
      );
      expect(older.stderr.trim().split('\n')).to.have.length(1);
    });

    // Every command that loads a plan: refused without the flag; with it, the plan loads and the
    // command goes on to DynamoDB (nothing answers at this endpoint, which it then says).
    const nowhere = ['--endpoint', 'http://127.0.0.1:1'];
    for (const [command, args] of [
      ['init', (plan: string) => ['init', plan, ...nowhere]],
      ['pending', (plan: string) => ['pending', plan, ...nowhere]],
      ['ledger', (plan: string) => ['ledger', plan, ...nowhere]],
      [
        'ledger skip',
        (plan: string) => ['ledger', 'skip', join(dir, 'gone.zip'), '--reason', 'broken', plan, ...nowhere],
      ],
      ['job', (plan: string) => ['job', plan, '--source', dir, ...nowhere]],
    ] as const) {
      it(`mapc ${command} refuses a plan compiled by an older mapc, and loads it with --allow-edited-plan`, async () => {
        const { path } = edited(`older-${command.replace(' ', '-')}`, (plan) => {
          delete plan.planHash;
        });
        const refused = await mapcOnLocalServers(...args(path));
        expect(refused.code, refused.stdout + refused.stderr).to.equal(1);
        expect(refused.stdout + refused.stderr).to.contain(`${path} was compiled by an older mapc`);
        const allowed = await mapcOnLocalServers(...args(path), '--allow-edited-plan');
        expect(allowed.code, allowed.stdout + allowed.stderr).to.equal(1);
        expect(allowed.stdout + allowed.stderr).not.to.contain('older mapc');
        expect(allowed.stdout + allowed.stderr).to.contain('DynamoDB at http://127.0.0.1:1: connection refused');
      });
    }

    it('runs an edited plan with --allow-edited-plan, and the report names the hash of what ran', async () => {
      const { path, plan } = edited('allowed', (p) => {
        p.entries.skipped.push({ table: 'edited', pattern: 'edited.csv', reason: 'edited by hand' });
      });
      const result = await run(path, 'allowed', '--allow-edited-plan');
      expect(result.code, result.stderr).to.equal(0);
      const report = JSON.parse(readFileSync(join(dir, 'allowed.ndjson.report.json'), 'utf8')) as RunReport;
      expect(report.planHash).to.equal(planContentHash(plan));
      expect(report.planHash).not.to.equal(compiled.sourceHash);
      expect(report.planHash).not.to.equal(compiled.planHash);
    });
  });

  describe('failures', () => {
    it('mapc ledger skip of an s3:// URI without a key is a usage error saying what is missing, before DynamoDB is called', async () => {
      const result = await mapc(
        'ledger',
        'skip',
        's3://extracts',
        '--reason',
        'broken',
        MAPPING,
        '--endpoint',
        'http://127.0.0.1:1',
      );
      expect(result.code, result.stderr).to.equal(2);
      expect(result.stderr).to.contain('mapc ledger: the extract s3://extracts: no object key after the bucket');
      expect(result.stderr).not.to.contain('DynamoDB');
    });

    it('exit 1, not 2, with the cause in one line and a failed report, when the extract cannot be opened', async () => {
      const out = join(dir, 'missing.ndjson');
      const result = await mapc('run', MAPPING, '--extract', unreadExtract, '--out', out, ...AS_OF);
      expectCleanFailure(result, 'never-read.zip');
      const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as RunReport;
      expect(report.status).to.equal('failed');
      expect(report.error).to.contain('never-read.zip');
    });

    it('a mapping that does not exist is a failure (exit 1), not a usage error', async () => {
      const result = await mapc('run', join(dir, 'no-such.map'), '--extract', extract, '--out', join(dir, 'x.ndjson'));
      expectCleanFailure(result, 'no-such.map');
    });
  });

  describe('default report and rejects files', () => {
    it('go into mapc-runs/<mapping>-<time>/ without --out, not into the current folder', async () => {
      const before = new Set(existsSync(join(REPO_ROOT, 'mapc-runs')) ? readdirSync(join(REPO_ROOT, 'mapc-runs')) : []);
      // No DynamoDB answers here: the run fails fast, and still leaves its report.
      const result = await mapc(
        'run',
        MAPPING,
        '--extract',
        unreadExtract,
        ...AS_OF,
        '--endpoint',
        'http://127.0.0.1:1',
      );
      expect(result.code, result.stderr).to.equal(1);
      expect(existsSync(join(REPO_ROOT, 'mapc-run.report.json'))).to.equal(false);
      expect(existsSync(join(REPO_ROOT, 'mapc-run.rejects.ndjson'))).to.equal(false);
      const made = readdirSync(join(REPO_ROOT, 'mapc-runs')).filter((name) => !before.has(name));
      expect(made).to.have.length(1);
      expect(made[0]).to.match(/^bad_input-\d{8}T\d{6}\.\d{3}Z$/);
      const folder = join(REPO_ROOT, 'mapc-runs', made[0]);
      expect(readdirSync(folder).sort()).to.deep.equal(['rejects.ndjson', 'report.json']);
      expect(JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')).status).to.equal('failed');
      rmSync(folder, { recursive: true });
    });
  });
});
