// Golden files: each .map under test/golden/cases has its plan JSON, its explain text and its
// rendered diagnostics snapshotted beside it. Any change fails until the snapshots are updated
// on purpose: `npm run test:update` (MAPC_UPDATE_GOLDEN=1), then review the diff like code.
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../compiler/compile.js';
import { renderDiagnostics } from '../compiler/diagnostics/render.js';
import { explainPlan } from '../compiler/explain/explain-plan.js';
import { checkPlan } from '../runtime/plan/validate-plan.js';

const CASES = 'test/golden/cases';
const SNAPSHOTS = 'test/golden/snapshots';
const update = process.env.MAPC_UPDATE_GOLDEN === '1';

const inputs = [
  ...readdirSync('mappings')
    .filter((f) => f.endsWith('.map'))
    .map((f) => join('mappings', f)),
  ...readdirSync(CASES)
    .filter((f) => f.endsWith('.map'))
    .map((f) => join(CASES, f)),
];

/** The name its snapshots start with: `mappings-customer` for mappings/customer.map, else the file's name. */
function prefixOf(input: string): string {
  const name = input.replace(/^.*\//, '').replace(/\.map$/, '');
  return input.startsWith('mappings/') ? `mappings-${name}` : name;
}

function snapshot(name: string, actual: string) {
  const path = join(SNAPSHOTS, name);
  if (update || !existsSync(path)) {
    if (!update) throw new Error(`no snapshot ${path}: run \`npm run test:update\` to create it, then review it`);
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(actual, `${path} differs: run \`npm run test:update\` if the change is intended`).to.equal(
    readFileSync(path, 'utf8'),
  );
}

describe('golden plans, explain output and diagnostics', () => {
  for (const input of inputs) {
    const prefix = prefixOf(input);
    it(input, () => {
      const result = compile(input);
      snapshot(
        `${prefix}.diagnostics.txt`,
        renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)) || '(no diagnostics)\n',
      );
      if (!result.plan) return;
      snapshot(`${prefix}.plan.json`, `${JSON.stringify(result.plan, null, 2)}\n`);
      snapshot(`${prefix}.explain.txt`, explainPlan(result.plan));
      // The plan types and plan.schema.json cannot drift apart: every golden plan validates.
      expect(() => checkPlan(JSON.parse(readFileSync(join(SNAPSHOTS, `${prefix}.plan.json`), 'utf8')))).not.to.throw();
    });
  }

  it('has exactly one case per mapping and per golden input, and no snapshot without its case', () => {
    const mappings = readdirSync('mappings').filter((f) => f.endsWith('.map'));
    expect(mappings, 'mappings/ holds no .map file').not.to.be.empty;
    const prefixes = inputs.map(prefixOf);
    expect(new Set(prefixes).size, 'two inputs share one snapshot name').to.equal(prefixes.length);
    // Each mapping of the repository compiles, so its case has a plan and an explain snapshot.
    for (const file of mappings) {
      const prefix = prefixOf(join('mappings', file));
      for (const kind of ['diagnostics.txt', 'plan.json', 'explain.txt'])
        expect(existsSync(join(SNAPSHOTS, `${prefix}.${kind}`)), `${prefix}.${kind}`).to.equal(true);
    }
    const snapshotted = new Set(
      readdirSync(SNAPSHOTS).map((f) => f.replace(/\.(diagnostics\.txt|plan\.json|explain\.txt)$/, '')),
    );
    expect([...snapshotted].sort(), `${SNAPSHOTS} holds snapshots of inputs that are gone (delete them)`).to.deep.equal(
      [...prefixes].sort(),
    );
  });
});
