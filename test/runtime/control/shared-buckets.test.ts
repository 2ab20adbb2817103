// The control table's buckets written by several stores at once (`sharedBuckets`: the shards of
// one extract, each writing its own keys into buckets they share), on DynamoDB Local: no
// writer's entries are lost, whatever the order their reads and writes land in; heads written
// by an older mapc (without a version) are read and written in both modes.
import {
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';
import { createControlTable, DynamoDbStateStore } from '../../../runtime/control/control-table.js';
import type { StoredRow, StoredValues } from '../../../runtime/merge/state-store.js';

const TABLE = 'shared_control';

describe('runtime: the control table written by several stores at once (DynamoDB Local)', function () {
  this.timeout(120_000);
  const dynamo = useDynamoDbLocal();
  let client: DynamoDBClient;

  before(async () => {
    client = dynamo.client();
    await createControlTable(client, TABLE);
  });

  const store = (shared: boolean, on: DynamoDBClient = client) =>
    new DynamoDbStateStore(on, TABLE, Date.now, { sharedBuckets: shared });

  /** A client counting the head PutItem calls its store sends, and how many lost to another writer. */
  const countingClient = (settings: Partial<DynamoDBClientConfig> = {}) => {
    const counted = dynamo.client(settings);
    const counts = { headPuts: 0, lost: 0, batchWrites: 0 };
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { sk?: { S?: string } } };
        if (context.commandName === 'BatchWriteItemCommand') counts.batchWrites++;
        if (context.commandName !== 'PutItemCommand' || input.Item?.sk?.S !== 'head') return next(args);
        counts.headPuts++;
        try {
          return await next(args);
        } catch (error) {
          if ((error as Error).name === 'ConditionalCheckFailedException') counts.lost++;
          throw error;
        }
      },
      { step: 'initialize' },
    );
    return { client: counted, counts };
  };

  const sortKeysOf = async (pk: string) =>
    (
      await client.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ConsistentRead: true,
        }),
      )
    ).Items!.map((item) => item.sk.S!);

  const headOf = async (pk: string) =>
    (
      await client.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: 'head' } }, ConsistentRead: true }),
      )
    ).Item!;

  /** A spilled bucket holds its head and the parts of the generation it names, and nothing else. */
  const expectOnlyHeadsParts = async (pk: string) => {
    const head = await headOf(pk);
    expect(head.generation, `${pk} spilled`).to.not.equal(undefined);
    const parts = Array.from({ length: Number(head.parts.N) }, (_, i) => `part#${head.generation.N}#${i}`);
    expect((await sortKeysOf(pk)).sort()).to.deep.equal(['head', ...parts].sort());
  };

  /** Heads as an older mapc wrote them: without a version. */
  const forgetVersions = async (pks: string[]) => {
    for (const pk of pks)
      await client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: pk }, sk: { S: 'head' } },
          UpdateExpression: 'REMOVE version',
        }),
      );
  };

  const big = (text: string) => `${text}:${'x'.repeat(50 * 1024)}`;

  /**
   * `writers` stores each put their own keys (key i is writer i mod `writers`'s), all at once,
   * `rounds` times over; each writer's rounds follow one another. Returns every key's last value.
   */
  async function writeAtOnce(
    shared: boolean,
    table: string,
    writers: number,
    keysEach: number,
    rounds: number,
    values: (key: number, round: number) => StoredValues | null,
  ): Promise<{ expected: Map<string, StoredValues | null>; lost: number }> {
    const expected = new Map<string, StoredValues | null>();
    const clients = Array.from({ length: writers }, () => countingClient());
    const stores = clients.map((counting) => store(shared, counting.client));
    await Promise.all(
      stores.map(async (mine, writer) => {
        const keys = Array.from({ length: keysEach }, (_, i) => i * writers + writer);
        for (let round = 0; round < rounds; round++) {
          const rows: StoredRow[] = keys.map((key) => ({ key: `k${key}`, values: values(key, round) }));
          await mine.putRows('m', table, rows);
        }
        for (const key of keys) expected.set(`k${key}`, values(key, rounds - 1));
      }),
    );
    return { expected, lost: clients.reduce((sum, { counts }) => sum + counts.lost, 0) };
  }

  /** Stored values as text, numbers and all. */
  const text = (values: StoredValues | null | undefined) =>
    JSON.stringify(values, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));

  const stored = async (table: string, keys: Iterable<string>) =>
    new Map(await store(false).getRows('m', table, [...keys]));

  for (const writers of [2, 3, 5]) {
    it(`keeps every key of ${writers} stores putting their own rows into the same buckets at once, round after round`, async () => {
      const table = `orders_${writers}`;
      // 400 rows a writer: the first write makes 4 buckets (64 to 128 rows each), so each holds rows of every writer.
      const values = (key: number, round: number) =>
        (key + round) % 7 === 0
          ? null
          : { id: BigInt(key), round: BigInt(round), note: `row ${key} of round ${round}` };
      const { expected, lost } = await writeAtOnce(true, table, writers, 400, 4, values);
      const found = await stored(table, expected.keys());
      const keys = [...expected.keys()];
      expect({
        missing: keys.filter((key) => !found.has(key)).length,
        behind: keys.filter((key) => found.has(key) && text(found.get(key)) !== text(expected.get(key))).length,
      }).to.deep.equal({ missing: 0, behind: 0 });
      expect(lost, 'heads that lost to another writer, and were put again').to.be.greaterThan(0);
      const layout = await client.send(
        new GetItemCommand({
          TableName: TABLE,
          Key: { pk: { S: `layout#rows#m#${table}` }, sk: { S: 'layout' } },
          ConsistentRead: true,
        }),
      );
      expect(layout.Item!.bits, 'four buckets').to.deep.equal({ N: '2' });
    });
  }

  it('keeps every key of 3 stores putting rows into a bucket spilled into parts, at once, and leaves only the parts its head names', async () => {
    // 5 rows of 50 KB a writer: one bucket of 750 KB of JSON, in 3 parts.
    const values = (key: number, round: number) => ({ text: big(`${key}/${round}`) });
    const { expected, lost } = await writeAtOnce(true, 'notes', 3, 5, 3, values);
    const found = await stored('notes', expected.keys());
    expect(
      [...found].map(([key, value]) => [key, (value!.text as string).split(':')[0]]).sort(),
      'each key at its last round',
    ).to.deep.equal([...expected].map(([key, value]) => [key, (value!.text as string).split(':')[0]]).sort());
    expect(lost, 'heads that lost to another writer, and were put again').to.be.greaterThan(0);
    expect(Number((await headOf('bucket#rows#m#notes#0#0')).parts.N)).to.equal(3);
    await expectOnlyHeadsParts('bucket#rows#m#notes#0#0');
  });

  it('puts its rows again over what another writer stored since it read the bucket, and keeps both', async () => {
    await store(true).putRows('m', 'stale', [
      { key: 'a1', values: { by: 'a' } },
      { key: 'b1', values: { by: 'b' } },
    ]);
    const a = countingClient();
    const one = store(true, a.client);
    // One reads (and keeps) the bucket; two writes it; one's write is of a bucket no longer stored.
    expect(Object.fromEntries(await one.getRows('m', 'stale', ['a1']))).to.deep.equal({ a1: { by: 'a' } });
    await store(true).putRows('m', 'stale', [{ key: 'b2', values: { by: 'b' } }]);
    await one.putRows('m', 'stale', [
      { key: 'a1', values: { by: 'a again' } },
      { key: 'a2', values: { by: 'a' } },
    ]);
    expect(a.counts, 'its head lost once, then was put over the bucket read again').to.include({
      headPuts: 2,
      lost: 1,
    });
    expect(Object.fromEntries(await store(false).getRows('m', 'stale', ['a1', 'a2', 'b1', 'b2']))).to.deep.equal({
      a1: { by: 'a again' },
      a2: { by: 'a' },
      b1: { by: 'b' },
      b2: { by: 'b' },
    });
    expect((await headOf('bucket#rows#m#stale#0#0')).version).to.deep.equal({ N: '3' });
    // What it wrote it keeps: its next write is not refused.
    await one.putRows('m', 'stale', [{ key: 'a3', values: { by: 'a' } }]);
    expect(a.counts).to.include({ headPuts: 3, lost: 1 });
    expect(Object.fromEntries(await one.getRows('m', 'stale', ['a3', 'b2']))).to.deep.equal({
      a3: { by: 'a' },
      b2: { by: 'b' },
    });
  });

  it('deletes the parts of a spilled write whose head lost, and the parts its retry replaced', async () => {
    await store(true).putRows(
      'm',
      'stale_notes',
      // 8 rows of 50 KB: one bucket in 2 parts.
      ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4'].map((key) => ({ key, values: { text: big(`${key}/0`) } })),
    );
    const a = countingClient();
    const one = store(true, a.client);
    await one.getRows('m', 'stale_notes', ['a1']);
    await store(true).putRows(
      'm',
      'stale_notes',
      ['b1', 'b2', 'b3', 'b4'].map((key) => ({ key, values: { text: big(`${key}/1`) } })),
    );
    await one.putRows(
      'm',
      'stale_notes',
      ['a1', 'a2', 'a3', 'a4'].map((key) => ({ key, values: { text: big(`${key}/1`) } })),
    );
    // Its parts, its head (lost), its parts deleted; its parts again, its head, the replaced parts deleted.
    expect(a.counts).to.deep.equal({ headPuts: 2, lost: 1, batchWrites: 4 });
    const keys = ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4'];
    const found = await store(false).getRows('m', 'stale_notes', keys);
    expect([...found.values()].map((values) => (values!.text as string).split(':')[0])).to.deep.equal(
      keys.map((key) => `${key}/1`),
    );
    await expectOnlyHeadsParts('bucket#rows#m#stale_notes#0#0');
  });

  it('fails, naming the bucket, when another writer writes it before each of its tries', async () => {
    await store(true).putRows('m', 'contended', [{ key: 'b', values: { n: 0n } }]);
    // Before each head one puts, two writes the bucket: one's head always loses.
    const racing = dynamo.client();
    let n = 0;
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { sk?: { S?: string } } };
        if (context.commandName === 'PutItemCommand' && input.Item?.sk?.S === 'head')
          await store(true).putRows('m', 'contended', [{ key: 'b', values: { n: BigInt(++n) } }]);
        return next(args);
      },
      { step: 'initialize' },
    );
    const failure = await store(true, racing)
      .putRows('m', 'contended', [{ key: 'a', values: { n: 1n } }])
      .catch((error: Error) => error);
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.match(
      /^the control table shared_control: bucket#rows#m#contended#0#0 was written by another writer before each of 16 tries/,
    );
    expect(n).to.equal(16);
    expect(Object.fromEntries(await store(false).getRows('m', 'contended', ['a', 'b']))).to.deep.equal({
      b: { n: 16n },
    });
  });

  it('reads a spilled bucket again when a writer replaced its parts between the head and the parts read', async () => {
    const keys = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    await store(true).putRows(
      'm',
      'reread',
      keys.map((key) => ({ key, values: { text: big(`${key}/0`) } })),
    );
    const reading = dynamo.client();
    const headReads: number[] = [];
    let replaced = false;
    reading.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand') {
          const input = args.input as { RequestItems: Record<string, { Keys: Array<{ sk: { S: string } }> }> };
          const sks = Object.values(input.RequestItems).flatMap(({ Keys }) => Keys.map((key) => key.sk.S));
          if (sks.includes('head')) headReads.push(1);
          if (!replaced && sks.some((sk) => sk.startsWith('part#'))) {
            replaced = true;
            // The head read named a generation whose parts are deleted now.
            await store(true).putRows(
              'm',
              'reread',
              keys.map((key) => ({ key, values: { text: big(`${key}/1`) } })),
            );
          }
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const found = await store(true, reading).getRows('m', 'reread', keys);
    expect(replaced).to.equal(true);
    expect([...found.values()].map((values) => (values!.text as string).split(':')[0])).to.deep.equal(
      keys.map((key) => `${key}/1`),
    );
    expect(headReads.length, 'the head, then again when its parts were gone').to.equal(2);
  });

  it('counts a version on every head write; one writer puts heads with BatchWriteItem, shared ones with PutItem', async () => {
    const rows = (n: number) => Array.from({ length: 300 }, (_, i) => ({ key: `v${i}`, values: { n: BigInt(n) } }));
    const alone = countingClient();
    await store(false, alone.client).putRows('m', 'versions', rows(1));
    // 300 rows: 2 bits, 4 buckets.
    const pks = [0, 1, 2, 3].map((b) => `bucket#rows#m#versions#2#${b}`);
    const versions = async () => Promise.all(pks.map(async (pk) => (await headOf(pk)).version.N));
    expect(await versions()).to.deep.equal(['1', '1', '1', '1']);
    await store(false, alone.client).putRows('m', 'versions', rows(2));
    expect(await versions()).to.deep.equal(['2', '2', '2', '2']);
    expect(alone.counts).to.include({ headPuts: 0 });
    expect(alone.counts.batchWrites).to.be.greaterThan(0);
    const shared = countingClient();
    await store(true, shared.client).putRows('m', 'versions', rows(3));
    expect(await versions()).to.deep.equal(['3', '3', '3', '3']);
    expect(shared.counts).to.deep.equal({ headPuts: 4, lost: 0, batchWrites: 0 });
  });

  for (const shared of [false, true])
    it(`reads heads an older mapc wrote (no version) and writes them again, ${shared ? 'shared' : 'one writer'}`, async () => {
      const table = `unversioned_${shared}`;
      const rows = (keys: string[], by: string) => keys.map((key) => ({ key, values: { text: big(`${key}/${by}`) } }));
      const plain = `plain_${shared}`;
      // A spilled bucket, and a bucket of two small rows.
      await store(false).putRows('m', table, rows(['s1', 's2', 's3', 's4', 's5', 's6'], 'old'));
      await store(false).putRows(
        'm',
        plain,
        ['p1', 'p2'].map((key) => ({ key, values: { by: 'old' } })),
      );
      const spilledPk = `bucket#rows#m#${table}#0#0`;
      const plainPk = `bucket#rows#m#${plain}#0#0`;
      await forgetVersions([spilledPk, plainPk]);
      expect((await headOf(spilledPk)).version).to.equal(undefined);

      const mine = store(shared);
      expect(Object.fromEntries(await mine.getRows('m', plain, ['p1']))).to.deep.equal({ p1: { by: 'old' } });
      await mine.putRows('m', table, rows(['s1', 's2'], 'new'));
      await mine.putRows('m', plain, [{ key: 'p1', values: { by: 'new' } }]);
      expect((await headOf(spilledPk)).version).to.deep.equal({ N: '1' });
      expect((await headOf(plainPk)).version).to.deep.equal({ N: '1' });
      const found = await store(shared).getRows('m', table, ['s1', 's2', 's3', 's6']);
      expect([...found.values()].map((values) => (values!.text as string).split(':')[0])).to.deep.equal([
        's1/new',
        's2/new',
        's3/old',
        's6/old',
      ]);
      await expectOnlyHeadsParts(spilledPk);
      expect(Object.fromEntries(await store(shared).getRows('m', plain, ['p1', 'p2']))).to.deep.equal({
        p1: { by: 'new' },
        p2: { by: 'old' },
      });
    });

  it('puts its rows again over a head without a version that another writer has written since', async () => {
    await store(false).putRows(
      'm',
      'unversioned_race',
      ['a1', 'b1'].map((key) => ({ key, values: { by: 'old' } })),
    );
    await forgetVersions(['bucket#rows#m#unversioned_race#0#0']);
    const a = countingClient();
    const one = store(true, a.client);
    await one.getRows('m', 'unversioned_race', ['a1']);
    await store(true).putRows('m', 'unversioned_race', [{ key: 'b1', values: { by: 'b' } }]);
    await one.putRows('m', 'unversioned_race', [{ key: 'a1', values: { by: 'a' } }]);
    expect(a.counts).to.include({ headPuts: 2, lost: 1 });
    expect(Object.fromEntries(await store(false).getRows('m', 'unversioned_race', ['a1', 'b1']))).to.deep.equal({
      a1: { by: 'a' },
      b1: { by: 'b' },
    });
    expect((await headOf('bucket#rows#m#unversioned_race#0#0')).version).to.deep.equal({ N: '2' });
  });
});
