// The demos' extracts are dated from the day they run (examples/demo-world.ts), so that the
// items they load into DynamoDB Local are alive then: DynamoDB Local deletes an item whose TTL
// is before the wall clock. Checked on the items the delta's customers get (the demo prints one
// of them), at today's date and at dates years away, through a preview of mappings/customer.map.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../api/load-plan.js';
import { runExtract } from '../../api/run-extract.js';
import { demoWorld } from '../../examples/demo-world.js';
import { writeExtract } from '../../examples/extract-generator/write-extract.js';
import { REPO_ROOT } from '../runtime/fixtures/mapc-process.js';

describe("the demos' extracts", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-demo-world-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, now] of [
    ['today', Date.now()],
    ['in 2031', Date.parse('2031-03-15T10:20:00Z')],
    ['in 2045', Date.parse('2045-07-01T00:00:00Z')],
  ] as const) {
    it(`are dated before the day they run, and the delta's items have not expired (${name})`, async () => {
      const world = demoWorld(40, now);
      const delta = join(dir, `delta-${now}.zip`);
      await writeExtract({ ...world, sequence: 0, out: join(dir, `base-${now}.zip`) });
      const { extractedAt: deltaAsOf } = await writeExtract({ ...world, sequence: 1, out: delta });
      expect(Date.parse(world.extractedAt)).to.be.below(now - 86_400_000);
      expect(Date.parse(deltaAsOf), 'the delta is not dated in the future').to.be.below(now);

      const out = join(dir, `items-${now}.ndjson`);
      const report = await runExtract({
        plan: loadPlan(join(REPO_ROOT, 'mappings/customer.map')),
        extract: delta,
        preview: { out },
      });
      expect(report.status, report.error).to.equal('ok');
      const expiries = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { attributes: { expires_at: number } })
        .map((item) => item.attributes.expires_at);
      expect(expiries.length).to.be.above(0);
      for (const expiresAt of expiries)
        expect(expiresAt * 1000, 'an item of the delta expires before the demo runs').to.be.above(now);
    });
  }
});
