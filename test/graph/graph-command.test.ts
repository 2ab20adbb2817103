// `mapc graph` and `mapc explain --graph`: as a user runs them (the built command, a child
// process) for what reaches the terminal and the exit codes, in this process for the rest
// (formats, files written, usage errors, which main turns into exit code 2).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainCommand } from '../../bin/cli/explain-command.js';
import { graphCommand } from '../../bin/cli/graph-command.js';
import { UsageError } from '../../bin/cli/parse-options.js';

function mapc(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/mapc.js', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SELF_CONTAINED = `mapping tiny
table things from "things.csv" {
  id int key
}
item Thing into things_table {
  from things as x
  pk = "T#{x.id}"
}
target things_table {
  partition key pk
}
`;

describe('mapc graph', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'mapc-graph-'));
  const rejection = async (args: string[]) => {
    const error = await Promise.resolve()
      .then(() => graphCommand.run(args))
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(error, `mapc graph ${args.join(' ')} did not fail`).to.be.an('error');
    return error as Error;
  };

  it('writes SVG to standard output by default', () => {
    const result = mapc('graph', 'mappings/customer.map');
    expect(result.stderr).to.equal('');
    expect(result.status).to.equal(0);
    expect(result.stdout)
      .to.match(/^<\?xml/)
      .and.contain('<svg')
      .and.contain('held for lookups on (sku)');
  });

  it('writes Mermaid by the --out extension and DOT by --format, as the goldens hold them', async () => {
    const mermaid = join(dir, 'customer.mmd');
    expect(await graphCommand.run(['mappings/customer.map', '--out', mermaid])).to.equal(0);
    expect(readFileSync(mermaid, 'utf8')).to.equal(readFileSync('test/graph/golden/customer-map.mmd', 'utf8'));
    const dot = join(dir, 'customer.txt');
    expect(await graphCommand.run(['mappings/customer.map', '--format', 'dot', '-o', dot])).to.equal(0);
    expect(readFileSync(dot, 'utf8')).to.equal(readFileSync('test/graph/golden/customer-map.dot', 'utf8'));
  });

  it('refuses bad usage (exit 2), naming what to do', async () => {
    for (const [args, message] of [
      [['mappings/customer.map', '--format', 'png'], '--format is svg, mermaid or dot, not png'],
      [['mappings/customer.map', '--out', join(dir, 'x.png')], 'end it in .svg, .mmd or .dot, or give --format'],
      [[], 'name one .map file'],
      [['plan.json'], 'a plan holds no table relationships'],
    ] as const) {
      const error = await rejection([...args]);
      expect(error).to.be.instanceOf(UsageError);
      expect(error.message).to.contain(message);
    }
  });

  it('checks --out before compiling: a missing folder fails at once, before any diagnostic', async () => {
    const error = await rejection([
      'test/golden/cases/three-errors.map',
      '--out',
      join(dir, 'no-such-folder', 'x.svg'),
    ]);
    expect(error).to.not.be.instanceOf(UsageError);
    expect(error.message).to.contain('the picture (--out)').and.contain('does not exist');
  });

  it('exits 1 with the diagnostics of a bad mapping and writes nothing', () => {
    const out = join(dir, 'never.svg');
    const result = mapc('graph', 'test/golden/cases/three-errors.map', '--out', out);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('error MAP0302').and.contain('3 errors, 0 warnings');
    expect(existsSync(out)).to.equal(false);
  });

  it('explain --graph writes the SVG beside the mapping, --graph FILE.svg where named; the explain text stays on stdout', async () => {
    const folder = join(dir, 'beside');
    mkdirSync(folder);
    const mapping = join(folder, 'tiny.map');
    writeFileSync(mapping, SELF_CONTAINED);
    writeFileSync(join(folder, 'package.json'), '{}');
    const beside = mapc('explain', mapping, '--graph');
    expect(beside.status, beside.stderr).to.equal(0);
    expect(beside.stdout).to.match(/^mapping tiny/);
    expect(beside.stderr).to.equal(`mapc explain: picture written to ${join(folder, 'tiny.svg')}\n`);
    expect(readFileSync(join(folder, 'tiny.svg'), 'utf8'))
      .to.contain('<svg')
      .and.contain('item Thing into things_table');
    const named = join(dir, 'named.svg');
    expect(mapc('explain', '--graph', named, mapping).status).to.equal(0);
    expect(readFileSync(named, 'utf8')).to.equal(readFileSync(join(folder, 'tiny.svg'), 'utf8'));
    const plan = await Promise.resolve()
      .then(() => explainCommand.run(['x.plan.json', '--graph']))
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(plan).to.be.instanceOf(UsageError);
  });
});
