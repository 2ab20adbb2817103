// Which roots have their stored items read: only those the store keeps, once the mapping's
// first extract marked its root rows as kept from the start; every root, for a mapping whose
// first extracts ran before roots were always kept (no mark).
import { expect } from 'chai';
import type { ItemObject } from '../../../runtime/eval/item-value.js';
import type { StoredKey, StoredValues } from '../../../runtime/merge/state-store.js';
import { ROOTS_KEPT_FROM_THE_START } from '../../../runtime/merge/stored-roots.js';
import { MemoryStateStore } from '../../support/memory-state-store.js';
import { compiledPlan, generatedExtracts, memoryWorld } from './fixtures.js';

/** A store in memory that counts the stored item keys it is asked for. */
class CountingStore extends MemoryStateStore {
  asked = 0;
  override async getItems(target: string, keys: StoredKey[]): Promise<Map<string, ItemObject>> {
    this.asked += keys.length;
    return super.getItems(target, keys);
  }
}

/** As a store a mapping's first extracts wrote before roots were always kept: no mark. */
class UnmarkedStore extends CountingStore {
  override async getRows(mapping: string, table: string, keys: string[]): Promise<Map<string, StoredValues | null>> {
    return super.getRows(
      mapping,
      table,
      keys.filter((key) => key !== ROOTS_KEPT_FROM_THE_START),
    );
  }
}

describe('runtime: roots whose stored items are read (store in memory)', function () {
  this.timeout(60_000);

  it("reads the items of the roots the store keeps, and every root's where the mapping's first extracts kept no mark", async () => {
    const plan = compiledPlan();
    const [base, delta] = await generatedExtracts(60, 1);

    const marked = new CountingStore();
    const world = await memoryWorld(marked);
    expect((await world.run(plan, base)).report.status).to.equal('ok');
    expect(marked.asked, 'a base load reads no item').to.equal(0);
    expect((await world.run(plan, delta)).report.status).to.equal('ok');
    const knownOnly = marked.asked;
    expect(knownOnly, 'old customers with new orders').to.be.greaterThan(0);

    const unmarked = new UnmarkedStore();
    const oldWorld = await memoryWorld(unmarked);
    await oldWorld.run(plan, base);
    expect(unmarked.asked, "the mapping's first extract: nothing was written before it").to.equal(0);
    await oldWorld.run(plan, delta);
    // The delta's new customers too: 3 of them for 60 customers.
    expect(unmarked.asked - knownOnly).to.be.at.least(3);
    expect(await oldWorld.itemLines()).to.deep.equal(await world.itemLines());
  });
});
