// A run that dies while it records state (after its items are written: held-back items,
// stored rows, parked rows, the ledger), run again, reaches the same final state as a run
// that never died. The store in memory fails on purpose at each of those steps in turn.
import { expect } from 'chai';
import { MemoryStateStore } from '../../support/memory-state-store.js';
import { compiledPlan, generatedExtracts, memoryWorld, type World } from './fixtures.js';
import { handmadeExtract } from './handmade-extract.js';

type StateStep = 'holdBack' | 'putRows' | 'park' | 'unpark' | 'recordLedger';

/** Fails the `nth` call of `step` (counting from 1), once. */
class FailingStore extends MemoryStateStore {
  private calls = 0;
  constructor(
    private readonly step: StateStep,
    private readonly nth: number,
  ) {
    super();
  }

  private maybeFail(step: StateStep) {
    if (step === this.step && ++this.calls === this.nth) throw new Error(`crash injected in ${step}`);
  }

  override async holdBack(...args: Parameters<MemoryStateStore['holdBack']>) {
    this.maybeFail('holdBack');
    return super.holdBack(...args);
  }
  override async putRows(...args: Parameters<MemoryStateStore['putRows']>) {
    this.maybeFail('putRows');
    return super.putRows(...args);
  }
  override async park(...args: Parameters<MemoryStateStore['park']>) {
    this.maybeFail('park');
    return super.park(...args);
  }
  override async unpark(...args: Parameters<MemoryStateStore['unpark']>) {
    this.maybeFail('unpark');
    return super.unpark(...args);
  }
  override async recordLedger(...args: Parameters<MemoryStateStore['recordLedger']>) {
    this.maybeFail('recordLedger');
    return super.recordLedger(...args);
  }
}

describe('runtime: incremental runs that crash while recording state', function () {
  this.timeout(60_000);
  const plan = compiledPlan();
  let extracts: string[];

  before(async () => {
    const generated = await generatedExtracts(60, 2, 11);
    // An orphan line in the first delta (its order comes in the second), so rows get parked.
    const orphan = await handmadeExtract('2026-11-01T09:00:00Z', { order_lines: ['990001,1,SKU-000001,1,1.00'] });
    const parent = await handmadeExtract('2026-11-01T15:00:00Z', { orders: ['990001,1,2026-10-30,SHIPPED,web'] });
    extracts = [generated[0], generated[1], orphan, generated[2], parent];
  });

  const finalState = async (world: World) => ({
    items: await world.itemLines(),
    parked: (await world.store.parkedRows('customer', 'order_lines')).map((r) => r.id).sort(),
  });

  it('reaches the same items and parking lot, whichever step of the state writes fails', async () => {
    const clean = await memoryWorld();
    for (const extract of extracts) expect((await clean.run(plan, extract)).report.status).to.equal('ok');
    const expected = await finalState(clean);
    expect(expected.parked).to.deep.equal([]);

    const steps: Array<[StateStep, number]> = [
      ['holdBack', 1],
      ['putRows', 2],
      ['park', 1],
      ['unpark', 2],
      ['recordLedger', 2],
    ];
    for (const [step, nth] of steps) {
      let crashes = 0;
      for (let crashing = 0; crashing < extracts.length; crashing++) {
        const world = await memoryWorld(new FailingStore(step, Number.MAX_SAFE_INTEGER));
        for (let i = 0; i < extracts.length; i++) {
          if (i === crashing) {
            const store = world.store as FailingStore;
            Object.assign(store, { step, nth, calls: 0 });
            const failed = await world.run(plan, extracts[i]);
            Object.assign(store, { nth: Number.MAX_SAFE_INTEGER });
            if (failed.report.status === 'ok') continue;
            crashes++;
            expect(failed.report.error, `${step} #${nth} in extract ${i}`).to.include('crash injected');
          }
          const { report } = await world.run(plan, extracts[i]);
          expect(report.status, `${step} #${nth} in extract ${i}: ${report.error}`).to.equal('ok');
        }
        expect(await finalState(world), `${step} #${nth} in extract ${crashing}`).to.deep.equal(expected);
      }
      expect(crashes, `crashes injected in ${step}`).to.be.greaterThan(0);
    }
  });
});
