// The control table on DynamoDB Local: lease, ledger, stored rows and parked rows behave as
// the store in memory does (the incremental-run tests use that one).
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';
import {
  createControlTable,
  DynamoDbStateStore,
  expectedControlTable,
} from '../../../runtime/control/control-table.js';
import { createTable } from '../../../runtime/dynamodb/create-table.js';
import { fromAttributeMap } from '../../../runtime/dynamodb/attribute-values.js';
import { fieldEntries, itemObjectFrom } from '../../../runtime/eval/item-value.js';
import { itemKeyText, type ParkedRow } from '../../../runtime/merge/state-store.js';

describe('runtime: the control table (DynamoDB Local)', function () {
  this.timeout(60_000);
  const dynamo = useDynamoDbLocal();
  let client: DynamoDBClient;
  let clock = 1_000_000;

  before(async () => {
    client = dynamo.client();
    expect(await createControlTable(client, 'control')).to.equal(true);
    expect(await createControlTable(client, 'control')).to.equal(false);
  });

  const store = () => new DynamoDbStateStore(client, 'control', () => clock);

  it('gives the lease to one run at a time until it is released or lapses', async () => {
    expect(await store().acquireLease('a', 10_000)).to.deep.equal({ ok: true });
    const refused = await store().acquireLease('b', 10_000);
    expect(refused).to.deep.equal({ ok: false, holder: 'a', until: new Date(clock + 10_000).toISOString() });
    expect(await store().renewLease('b', 10_000)).to.equal(false);
    expect(await store().renewLease('a', 10_000)).to.equal(true);
    clock += 20_000;
    expect(await store().acquireLease('b', 10_000)).to.deep.equal({ ok: true });
    expect(await store().renewLease('a', 10_000)).to.equal(false);
    await store().releaseLease('a');
    expect((await store().acquireLease('c', 10_000)).ok).to.equal(false);
    await store().releaseLease('b');
    expect((await store().acquireLease('c', 10_000)).ok).to.equal(true);
    await store().releaseLease('c');
  });

  it('keeps the ledger of a mapping', async () => {
    const entry = {
      mapping: 'm',
      extract: 's3://b/x.zip|etag|10',
      identity: { uri: 's3://b/x.zip', etag: 'etag', size: 10 },
      planHash: 'h',
      status: 'running' as const,
      startedAt: '2026-11-01T00:00:00.000Z',
    };
    await store().recordLedger(entry);
    await store().recordLedger({
      ...entry,
      status: 'applied',
      finishedAt: '2026-11-01T00:01:00.000Z',
      report: '{"rejects":0}',
    });
    expect(await store().ledger('m')).to.deep.equal([
      { ...entry, status: 'applied', finishedAt: '2026-11-01T00:01:00.000Z', report: '{"rejects":0}' },
    ]);
    expect(await store().ledger('other')).to.deep.equal([]);
  });

  it('keeps the error of a failed run and who skipped an extract, when and why', async () => {
    const entry = {
      mapping: 'n',
      extract: '/x.zip|2026-11-01T00:00:00.000Z|10',
      identity: { uri: '/x.zip', size: 10, lastModified: '2026-11-01T00:00:00.000Z' },
      planHash: 'h',
      asOf: '2026-11-01T00:00:00.000Z',
      startedAt: '2026-11-02T00:00:00.000Z',
    };
    const failed = {
      ...entry,
      status: 'failed' as const,
      finishedAt: '2026-11-02T00:00:01.000Z',
      error: '/x.zip has no file for table orders',
    };
    await store().recordLedger(failed);
    expect(await store().ledger('n')).to.deep.equal([failed]);
    const skipped = {
      ...failed,
      status: 'skipped' as const,
      skippedAt: '2026-11-02T09:00:00.000Z',
      skippedBy: 'ann@host',
      skipReason: 'truncated: the warehouse sends it again',
    };
    await store().recordLedger(skipped);
    expect(await store().ledger('n')).to.deep.equal([skipped]);
  });

  it('stores rows and markers by key, more than one call holds', async () => {
    const rows = Array.from({ length: 130 }, (_, i) => ({
      key: String(i),
      values: i % 10 === 0 ? null : { id: BigInt(i), name: `row ${i}` },
    }));
    await store().putRows('m', 'orders', rows);
    const found = await store().getRows('m', 'orders', ['0', '5', '129', '999']);
    expect(Object.fromEntries(found)).to.deep.equal({
      0: null,
      5: { id: 5n, name: 'row 5' },
      129: { id: 129n, name: 'row 129' },
    });
  });

  it('puts rows over stored ones by key, in buckets, and keeps the others', async () => {
    const row = (i: number, name: string) => ({ key: `k${i}`, values: { id: BigInt(i), name } });
    await store().putRows('m', 'customers', [row(1, 'one'), row(2, 'two'), row(3, 'three')]);
    await store().putRows('m', 'customers', [row(2, 'two again'), { key: 'k3', values: null }, row(4, 'four')]);
    const found = await store().getRows('m', 'customers', ['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(Object.fromEntries(found)).to.deep.equal({
      k1: { id: 1n, name: 'one' },
      k2: { id: 2n, name: 'two again' },
      k3: null,
      k4: { id: 4n, name: 'four' },
    });
    expect((await store().getRows('other', 'customers', ['k1'])).size).to.equal(0);
  });

  it('spills a bucket over 300 KB of JSON into parts, and deletes the parts it no longer needs', async () => {
    const big = 'x'.repeat(120 * 1024);
    const rows = Array.from({ length: 5 }, (_, i) => ({ key: `b${i}`, values: { text: `${i}${big}` } }));
    // Five rows of a table first written with five rows: one bucket, in parts.
    await store().putRows('m', 'notes', rows);
    expect(await sortKeysOf('bucket#rows#m#notes#0#0')).to.deep.equal(['head', 'part#1#0', 'part#1#1', 'part#1#2']);
    const found = await store().getRows('m', 'notes', ['b0', 'b4']);
    expect([...found.values()].map((values) => values!.text)).to.deep.equal([rows[0].values.text, rows[4].values.text]);
    await store().putRows(
      'm',
      'notes',
      rows.map((row) => ({ key: row.key, values: { text: 'short' } })),
    );
    expect(await sortKeysOf('bucket#rows#m#notes#0#0')).to.deep.equal(['head']);
    expect(Object.fromEntries(await store().getRows('m', 'notes', ['b0', 'b4']))).to.deep.equal({
      b0: { text: 'short' },
      b4: { text: 'short' },
    });
  });

  it('leaves a spilled bucket whole when a write stops before its head', async () => {
    const big = 'x'.repeat(120 * 1024);
    const rows = (version: string) =>
      Array.from({ length: 4 }, (_, i) => ({ key: `c${i}`, values: { text: `${version}${big}` } }));
    await store().putRows('m', 'memos', rows('one'));
    // A store whose second write (the heads) fails: the new generation's parts are written, nothing else.
    let writes = 0;
    const crashing = new DynamoDbStateStore(client, 'control', () => clock);
    const buckets = (crashing as unknown as { buckets: { write: (requests: unknown[]) => Promise<void> } }).buckets;
    const write = buckets.write;
    buckets.write = async (requests) => {
      if (requests.length > 0 && ++writes === 2) throw new Error('crashed');
      await write(requests);
    };
    const crash = await crashing.putRows('m', 'memos', rows('two')).catch((error: Error) => error);
    expect(crash).to.be.instanceOf(Error).with.property('message', 'crashed');
    expect(await sortKeysOf('bucket#rows#m#memos#0#0')).to.include.members(['head', 'part#1#0', 'part#2#0']);
    const read = await store().getRows('m', 'memos', ['c0', 'c1', 'c2', 'c3']);
    expect([...read.values()].map((values) => (values!.text as string).slice(0, 3))).to.deep.equal([
      'one',
      'one',
      'one',
      'one',
    ]);
    // The next write of the bucket goes on from the old generation, over the orphaned parts.
    await store().putRows('m', 'memos', rows('three'));
    const again = await store().getRows('m', 'memos', ['c0', 'c3']);
    expect([...again.values()].map((values) => (values!.text as string).slice(0, 5))).to.deep.equal(['three', 'three']);
    expect(await sortKeysOf('bucket#rows#m#memos#0#0')).to.not.include('part#1#0');
  });

  const sortKeysOf = async (pk: string) =>
    (
      await client.send(
        new QueryCommand({
          TableName: 'control',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ConsistentRead: true,
        }),
      )
    ).Items!.map((item) => item.sk.S!);

  it('parks rows, lists them by table and takes them out', async () => {
    const parked = (id: string): ParkedRow => ({
      table: 'order_lines',
      id,
      extract: 's3://b/x.zip',
      file: 'order_lines.csv',
      line: 7,
      parkedAt: '2026-11-01T00:00:00.000Z',
      reason: 'its parent orders 11 has not arrived',
      values: { order_id: 11n },
    });
    await store().park('m', [parked('a'), parked('b')]);
    expect((await store().parkedRows('m', 'order_lines')).map((r) => r.id)).to.deep.equal(['a', 'b']);
    expect((await store().parkedRows('m', 'order_lines'))[0]).to.deep.equal(parked('a'));
    await store().unpark('m', [{ table: 'order_lines', id: 'a' }]);
    expect((await store().parkedRows('m', 'order_lines')).map((r) => r.id)).to.deep.equal(['b']);
    // A shard's tombstone keeps the extract that settled it.
    await store().park('m', [{ ...parked('b'), settledBy: 's3://b/y.zip|etag|9' }]);
    expect((await store().parkedRows('m', 'order_lines'))[0]).to.deep.equal({
      ...parked('b'),
      settledBy: 's3://b/y.zip|etag|9',
    });
  });

  it('keeps held-back items by key until they are released', async () => {
    const key = (n: number) => ({ pk: `CUST#${n}`, sk: 'PROFILE' });
    const item = (values: Record<string, string>) => itemObjectFrom(Object.entries(values));
    await store().holdBack('m', 'app_table', [
      { key: key(1), item: item({ ...key(1), name: 'Ann' }) },
      { key: key(2), item: item(key(2)) },
    ]);
    const found = await store().heldBackItems('m', 'app_table', [key(1), key(3)]);
    // DynamoDB gives a map's attributes back in an order of its own: compared by name.
    expect([...found.values()].map((stored) => Object.fromEntries(fieldEntries(stored)))).to.deep.equal([
      { ...key(1), name: 'Ann' },
    ]);
    await store().releaseHeldBack('m', 'app_table', [key(1)]);
    expect((await store().heldBackItems('m', 'app_table', [key(1), key(2)])).size).to.equal(1);
    expect((await store().heldBackItems('other', 'app_table', [key(2)])).size).to.equal(0);
  });

  it('reads a bucket once per store: rows put into buckets it read are not read again', async () => {
    const counted = dynamo.client();
    const gets: number[] = [];
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand') gets.push(1);
        return next(args);
      },
      { step: 'initialize' },
    );
    const rows = Array.from({ length: 300 }, (_, i) => ({ key: `r${i}`, values: { n: BigInt(i) } }));
    await store().putRows('m', 'cached', rows);
    const one = new DynamoDbStateStore(counted, 'control');
    await one.getRows('m', 'cached', ['r1', 'r2', 'r299']);
    const afterRead = gets.length;
    expect(afterRead, 'the layout version, the layout, then the buckets').to.equal(3);
    await one.putRows('m', 'cached', [
      { key: 'r1', values: { n: 100n } },
      { key: 'r299', values: null },
    ]);
    expect(gets.length, 'no read: the buckets were read already').to.equal(afterRead);
    expect(Object.fromEntries(await one.getRows('m', 'cached', ['r1', 'r2', 'r299']))).to.deep.equal({
      r1: { n: 100n },
      r2: { n: 2n },
      r299: null,
    });
    // A collection with nothing stored is asked for its layout once.
    const before = gets.length;
    await one.getRows('m', 'never-written', ['a']);
    await one.getRows('m', 'never-written', ['b']);
    expect(gets.length - before, 'its layout, once').to.equal(1);
    // What it wrote is what a new store reads.
    expect(Object.fromEntries(await store().getRows('m', 'cached', ['r1', 'r2', 'r299']))).to.deep.equal({
      r1: { n: 100n },
      r2: { n: 2n },
      r299: null,
    });
    counted.destroy();
  });

  it('keeps the rows of a writer that made the layout first, when its own layout write loses', async () => {
    // Store one finds no layout; before its layout write lands, store two makes the layout and writes a row.
    const racing = dynamo.client();
    let raced = false;
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ConditionExpression?: string };
        if (!raced && context.commandName === 'PutItemCommand' && input.ConditionExpression !== undefined) {
          raced = true;
          await store().putRows('m', 'race', [{ key: 'two', values: { by: 'two' } }]);
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    await new DynamoDbStateStore(racing, 'control').putRows('m', 'race', [{ key: 'one', values: { by: 'one' } }]);
    expect(raced).to.equal(true);
    expect(Object.fromEntries(await store().getRows('m', 'race', ['one', 'two']))).to.deep.equal({
      one: { by: 'one' },
      two: { by: 'two' },
    });
    racing.destroy();
  });

  it('moves a control table of the first layout (a row per stored row) into buckets, once, and deletes the old rows', async () => {
    // The first layout, as mapc wrote it before buckets: a table it made has no version row.
    await createTable(client, expectedControlTable('old_control'));
    const put = (item: Record<string, AttributeValue>) =>
      client.send(new PutItemCommand({ TableName: 'old_control', Item: item }));
    await put({ pk: { S: 'row#m#orders#17' }, sk: { S: 'row' }, values: { M: { total: { N: '12.50' } } } });
    await put({ pk: { S: 'row#m#orders#18' }, sk: { S: 'row' }, filtered: { BOOL: true } });
    await put({ pk: { S: 'row#m#customers#a#b' }, sk: { S: 'row' }, values: { M: { name: { S: 'Ann' } } } });
    const heldKey = { pk: 'CUST#9', sk: 'PROFILE' };
    await put({
      pk: { S: `heldback#m#app_table#${itemKeyText(heldKey)}` },
      sk: { S: 'item' },
      item: { M: { pk: { S: 'CUST#9' }, sk: { S: 'PROFILE' }, name: { S: 'Bo' } } },
    });
    await put({ pk: { S: 'parked#m#order_lines' }, sk: { S: 'x#f.csv#2' }, extract: { S: 'e' } });

    const old = new DynamoDbStateStore(client, 'old_control');
    expect(Object.fromEntries(await old.getRows('m', 'orders', ['17', '18', '19']))).to.deep.equal({
      17: { total: fromAttributeMap({ total: { N: '12.50' } }).total },
      18: null,
    });
    expect(Object.fromEntries(await old.getRows('m', 'customers', ['a#b']))).to.deep.equal({ 'a#b': { name: 'Ann' } });
    const held = await old.heldBackItems('m', 'app_table', [heldKey]);
    expect(Object.fromEntries(fieldEntries([...held.values()][0]))).to.include({ name: 'Bo' });

    const left = (await client.send(new ScanCommand({ TableName: 'old_control' }))).Items!.map((item) => item.pk.S!);
    expect(left.filter((pk) => pk.startsWith('row#') || pk.startsWith('heldback#'))).to.deep.equal([]);
    expect(left).to.include.members(['layout-version', 'parked#m#order_lines']);
    // Moved once: a row of the first layout written now is not moved by a later store.
    await put({ pk: { S: 'row#m#orders#20' }, sk: { S: 'row' }, values: { M: { total: { N: '1' } } } });
    const again = await new DynamoDbStateStore(client, 'old_control').getRows('m', 'orders', ['17', '20']);
    expect([...again.keys()]).to.deep.equal(['17']);
  });

  it('makes a control table at the bucket layout, with nothing to move', async () => {
    expect(await createControlTable(client, 'new_control')).to.equal(true);
    const version = await client.send(
      new GetItemCommand({
        TableName: 'new_control',
        Key: { pk: { S: 'layout-version' }, sk: { S: 'layout-version' } },
      }),
    );
    expect(version.Item?.version).to.deep.equal({ N: '2' });
  });

  it('makes the control table once when several runs (the shards of an extract) start at once', async () => {
    const made = await Promise.all([1, 2, 3, 4].map(() => createControlTable(client, 'raced_control')));
    expect(made.filter((m) => m)).to.have.length(1);
    // Every one of them can use it.
    const store = new DynamoDbStateStore(client, 'raced_control');
    await store.putRows('m', 't', [{ key: 'k', values: { a: 'b' } }]);
    expect((await store.getRows('m', 't', ['k'])).get('k')).to.deep.equal({ a: 'b' });
  });
});
