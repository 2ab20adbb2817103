// The `mapc` command as a user runs it: a child process, its exit code and its output.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPlan } from '../../runtime/plan/validate-plan.js';

function mapc(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/mapc.js', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mapc command', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'mapc-cli-'));

  it('compiles the real mappings cleanly and writes valid plans', () => {
    const out = join(dir, 'plans');
    const result = mapc('compile', 'mappings/customer.map', 'mappings/product.map', '--out-dir', out);
    expect(result.stderr).to.equal('');
    expect(result.status).to.equal(0);
    for (const name of ['customer', 'product']) {
      expect(() => checkPlan(JSON.parse(readFileSync(join(out, `${name}.plan.json`), 'utf8')))).not.to.throw();
    }
  });

  it('exits 1 on errors, with file:line:col, the source line, a caret and a hint', () => {
    const result = mapc('compile', 'test/golden/cases/three-errors.map', '-o', join(dir, 'never.json'));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('test/golden/cases/three-errors.map:9:13: error MAP0302');
    expect(result.stderr).to.contain('   9 |   name  = c.nmae\n     |             ^^^^');
    expect(result.stderr).to.contain('= hint:');
    expect(result.stderr).to.contain('3 errors, 0 warnings');
  });

  it('gives diagnostics as JSON for tools', () => {
    const result = mapc('check', 'test/golden/cases/three-errors.map', '--format', 'json');
    expect(result.status).to.equal(1);
    const list = JSON.parse(result.stdout);
    expect(
      list.map((d: { code: string; line: number; column: number }) => `${d.code}@${d.line}:${d.column}`),
    ).to.deep.equal(['MAP0302@9:13', 'MAP0305@10:15', 'MAP0313@11:15']);
  });

  it('checks item keys across mappings that share a target table', () => {
    const a = join(dir, 'a.map');
    const b = join(dir, 'b.map');
    const schema = join(process.cwd(), 'examples/warehouse.map');
    writeFileSync(
      a,
      `import "${schema}"\nitem A into app_table {\n  from customers as c\n  pk = "X#{c.customer_id}"\n  sk = "S"\n}\n`,
    );
    writeFileSync(
      b,
      `import "${schema}"\nitem B into app_table {\n  from products as p\n  pk = "X#{p.sku}"\n  sk = "S"\n}\n`,
    );
    expect(mapc('check', a, '--allow-absolute-imports').status).to.equal(0);
    const both = mapc('check', a, b, '--allow-absolute-imports');
    expect(both.status).to.equal(1);
    expect(both.stderr).to.contain('error MAP0206: items `A` and `B` both go into `app_table`');
  });

  it('explains projection, pushdown and skipped entries', () => {
    const result = mapc('explain', 'mappings/customer.map');
    expect(result.status).to.equal(0);
    expect(result.stdout).to.contain('(1 of 4 not read)');
    expect(result.stdout).to.contain('filter at scan: o.status != "CANCELLED"');
    expect(result.stdout).to.match(/skipped \(never inflated\):\n {2}- warehouses/);
  });

  it('explains a plan file as well as a mapping', () => {
    const plan = join(dir, 'customer.plan.json');
    expect(mapc('compile', 'mappings/customer.map', '-o', plan).status).to.equal(0);
    expect(mapc('explain', plan).stdout).to.equal(mapc('explain', 'mappings/customer.map').stdout);
  });

  it("keeps the repository's own mappings in the canonical layout, and fmt --check says when one is not", () => {
    expect(
      mapc('fmt', '--check', 'mappings/customer.map', 'mappings/product.map', 'examples/warehouse.map').status,
    ).to.equal(0);
    const messy = join(dir, 'messy.map');
    writeFileSync(messy, 'table t from "t.csv" {\n      id   int key # the key\n}\n');
    const check = mapc('fmt', '--check', messy);
    expect(check.status).to.equal(1);
    expect(check.stderr).to.contain('not formatted');
    expect(mapc('fmt', messy).status).to.equal(0);
    expect(readFileSync(messy, 'utf8')).to.equal('table t from "t.csv" {\n  id int key  # the key\n}\n');
  });

  it('has --help on every command and exits 2 on bad usage', () => {
    for (const command of ['compile', 'check', 'explain', 'fmt']) {
      const result = mapc(command, '--help');
      expect(result.status, command).to.equal(0);
      expect(result.stdout, command).to.contain(`usage: mapc ${command}`);
    }
    expect(mapc('frobnicate').status).to.equal(2);
    expect(mapc('compile', '--bogus', 'x.map').status).to.equal(2);
  });

  it('exits 1, not 2, when a well-formed command fails (README: 1 errors, 2 usage)', () => {
    const missing = mapc('compile', join(dir, 'missing.map'), '-o', join(dir, 'missing.plan.json'));
    expect(missing.status, missing.stderr).to.equal(1);
    expect(missing.stderr).to.contain('missing.map: no such file');
    expect(missing.stderr).not.to.match(/^\s+at /m);
    const notAPlan = join(dir, 'not-a-plan.json');
    writeFileSync(notAPlan, '{"kind": "nonsense"}\n');
    const explain = mapc('explain', notAPlan);
    expect(explain.status, explain.stderr).to.equal(1);
  });
});
