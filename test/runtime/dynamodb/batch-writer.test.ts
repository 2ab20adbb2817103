// The batch writer against a real DynamoDB Local. Calls go to the server through a wrapper
// that records them (how many requests, which keys, how many at once); where a test needs
// throttling or UnprocessedItems, the wrapper injects them, as each test says: DynamoDB Local
// never throttles.
import {
  BatchWriteItemCommand,
  GetItemCommand,
  ScanCommand,
  ThrottlingException,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { BatchWriteError } from '../../../runtime/dynamodb/batch-write-error.js';
import {
  BatchWriter,
  MAX_BATCH_REQUESTS,
  WRITER_CLIENT_SETTINGS,
  type BatchWriteClient,
  type BatchWriterOptions,
  type Item,
  type ItemRejection,
} from '../../../runtime/dynamodb/batch-writer.js';
import { createTable } from '../../../runtime/dynamodb/create-table.js';
import { readKey } from '../../../runtime/dynamodb/item-key.js';
import { MAX_ITEM_BYTES } from '../../../runtime/dynamodb/item-size.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';

const KEY = { partition: 'pk', sort: 'sk' };

/** What a call does before (or instead of) reaching the server; index counts calls from 0. */
type Injection = (
  index: number,
  requests: WriteRequest[],
) =>
  | { kind: 'pass' }
  | { kind: 'throw'; error: Error }
  | { kind: 'withhold'; unprocessed: WriteRequest[] }
  | { kind: 'delay'; ms: number };

class RecordingClient implements BatchWriteClient {
  readonly calls: WriteRequest[][] = [];
  maxInFlight = 0;
  /** A call carrying a key that an earlier call still in flight carries. */
  readonly overtakings: string[] = [];
  private inFlight = 0;
  private readonly keysInFlight = new Map<string, number>();

  constructor(
    private readonly real: DynamoDBClient,
    private readonly inject: Injection = () => ({ kind: 'pass' }),
  ) {}

  async send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput> {
    const [table, requests] = Object.entries(command.input.RequestItems!)[0];
    const index = this.calls.push(requests) - 1;
    const keys = requests.map((request) => identity(request));
    for (const key of keys) if (this.keysInFlight.has(key)) this.overtakings.push(key);
    for (const key of keys) this.keysInFlight.set(key, (this.keysInFlight.get(key) ?? 0) + 1);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      const action = this.inject(index, requests);
      if (action.kind === 'throw') throw action.error;
      if (action.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, action.ms));
      if (action.kind !== 'withhold') return await this.real.send(command);
      // Only the rest goes to the server; the withheld requests come back unprocessed, as
      // DynamoDB returns them when it is short of capacity.
      const withheld = new Set(action.unprocessed);
      const sent = requests.filter((request) => !withheld.has(request));
      const output =
        sent.length === 0
          ? { $metadata: {} }
          : await this.real.send(new BatchWriteItemCommand({ RequestItems: { [table]: sent } }));
      return { ...output, UnprocessedItems: { [table]: action.unprocessed } };
    } finally {
      this.inFlight--;
      for (const key of keys) {
        const left = this.keysInFlight.get(key)! - 1;
        if (left === 0) this.keysInFlight.delete(key);
        else this.keysInFlight.set(key, left);
      }
    }
  }
}

function identity(request: WriteRequest): string {
  const reading = readKey((request.PutRequest?.Item ?? request.DeleteRequest?.Key) as Item, KEY);
  if (!reading.ok) throw new Error(reading.reason);
  return reading.identity;
}

function customer(id: number, extra: Item = {}): Item {
  return {
    pk: { S: `CUST#${id}` },
    sk: { S: 'PROFILE' },
    name: { S: `Customer ${id}` },
    balance: { N: `${id}.25` },
    ...extra,
  };
}

const throttling = (message = 'injected throttling') => new ThrottlingException({ message, $metadata: {} });

describe('BatchWriter against DynamoDB Local', function () {
  this.timeout(30_000);
  const local = useDynamoDbLocal();
  let client: DynamoDBClient;
  let tableCount = 0;
  let tableName: string;

  before(() => {
    client = local.client(WRITER_CLIENT_SETTINGS);
  });

  beforeEach(async () => {
    tableName = `writer_${++tableCount}`;
    await createTable(client, {
      tableName,
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      ttlAttribute: null,
    });
  });

  function writer(recording: BatchWriteClient, options: Partial<BatchWriterOptions> = {}) {
    const rejections: ItemRejection[] = [];
    const batchWriter = new BatchWriter(recording, {
      tableName,
      key: KEY,
      onRejected: (rejection) => rejections.push(rejection),
      backoff: { baseMs: 5, maxMs: 50 },
      ...options,
    });
    return { batchWriter, rejections };
  }

  async function get(pk: string, sk = 'PROFILE'): Promise<Record<string, unknown> | undefined> {
    const { Item: item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
    );
    return item;
  }

  async function count(): Promise<number> {
    let total = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: start }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
    return total;
  }

  it('sends at most 25 requests per call and at most `concurrency` calls at once', async () => {
    const recording = new RecordingClient(client, () => ({ kind: 'delay', ms: 2 }));
    const { batchWriter } = writer(recording, { concurrency: 4 });
    for (let id = 0; id < 510; id++) await batchWriter.write(customer(id));
    await batchWriter.flush();

    expect(recording.calls.every((requests) => requests.length <= MAX_BATCH_REQUESTS)).to.equal(true);
    expect(recording.calls.reduce((sum, requests) => sum + requests.length, 0)).to.equal(510);
    // Full batches while the queue is full; only the flush sends a short one.
    expect(recording.calls.length).to.equal(21);
    expect(recording.maxInFlight).to.be.within(2, 4);
    expect(batchWriter.stats).to.include({ written: 510, rejected: 0, calls: 21, retried: 0 });
    expect(await count()).to.equal(510);
  });

  it('keeps the last write of a key, never sending it while an earlier write of it is in flight', async () => {
    // Slow calls, so later writes of a key arrive while earlier ones are on their way.
    const recording = new RecordingClient(client, () => ({ kind: 'delay', ms: 15 }));
    const { batchWriter } = writer(recording, { concurrency: 8, queueLimit: 60 });
    for (let round = 1; round <= 6; round++) {
      for (let id = 0; id < 40; id++) await batchWriter.write(customer(id, { round: { N: String(round) } }));
      // A key written twice in a row: the first collapses into the second before it is sent.
      await batchWriter.write(customer(0, { round: { N: String(round) }, note: { S: 'again' } }));
    }
    await batchWriter.flush();

    expect(recording.overtakings).to.deep.equal([]);
    for (const requests of recording.calls) {
      const keys = requests.map(identity);
      expect(new Set(keys).size, 'a key twice in one call').to.equal(keys.length);
    }
    expect((await get('CUST#0'))?.round).to.deep.equal({ N: '6' });
    expect((await get('CUST#0'))?.note).to.deep.equal({ S: 'again' });
    for (const id of [1, 17, 39]) expect((await get(`CUST#${id}`))?.round).to.deep.equal({ N: '6' });
    const stats = batchWriter.stats;
    expect(stats.written + stats.superseded).to.equal(6 * 41);
    expect(stats.superseded).to.be.at.least(6);
    expect(await count()).to.equal(40);
  });

  it('treats number keys of equal value as one key ("1.50" and "1.5")', async () => {
    const numbered = `${tableName}_n`;
    await createTable(client, {
      tableName: numbered,
      partitionKey: { name: 'id', type: 'N' },
      sortKey: null,
      ttlAttribute: null,
    });
    const batchWriter = new BatchWriter(client, {
      tableName: numbered,
      key: { partition: 'id' },
      onRejected: () => {},
    });
    await batchWriter.write({ id: { N: '1.50' }, v: { S: 'first' } });
    await batchWriter.write({ id: { N: '15E-1' }, v: { S: 'second' } });
    await batchWriter.flush();
    expect(batchWriter.stats).to.include({ written: 1, superseded: 1 });
    const { Item: item } = await client.send(new GetItemCommand({ TableName: numbered, Key: { id: { N: '1.5' } } }));
    expect(item?.v).to.deep.equal({ S: 'second' });
  });

  it('rejects an item over 400 KB with its key, before sending, and writes the others', async () => {
    const recording = new RecordingClient(client);
    const { batchWriter, rejections } = writer(recording);
    await batchWriter.write(customer(1));
    await batchWriter.write(customer(2, { blob: { S: 'x'.repeat(401 * 1024) } }));
    await batchWriter.write({ pk: { S: 'CUST#3' }, name: { S: 'no sort key' } });
    await batchWriter.write(customer(4, { blob: { S: 'x'.repeat(399 * 1024) } }));
    await batchWriter.flush();

    expect(rejections.map((r) => ({ key: r.key, kind: r.kind }))).to.deep.equal([
      { key: { pk: { S: 'CUST#2' }, sk: { S: 'PROFILE' } }, kind: 'put' },
      { key: { pk: { S: 'CUST#3' } }, kind: 'put' },
    ]);
    expect(rejections[0].reason).to.match(new RegExp(`is \\d+ bytes; DynamoDB takes at most ${MAX_ITEM_BYTES}`));
    expect(rejections[1].reason).to.equal('sort key sk is missing');
    expect(recording.calls.flat().map(identity)).to.deep.equal(
      ['7:SCUST#1', '7:SCUST#4'].map((pk) => `${pk}8:SPROFILE`),
    );
    expect(batchWriter.stats).to.include({ written: 2, rejected: 2 });
    expect(await get('CUST#1')).to.not.equal(undefined);
    expect(await get('CUST#2')).to.equal(undefined);
    expect(await get('CUST#4')).to.not.equal(undefined);
  });

  it('retries UnprocessedItems (injected: the first 3 calls send only half their requests)', async () => {
    const recording = new RecordingClient(client, (index, requests) =>
      index < 3 ? { kind: 'withhold', unprocessed: requests.slice(Math.ceil(requests.length / 2)) } : { kind: 'pass' },
    );
    const { batchWriter } = writer(recording, { concurrency: 1 });
    for (let id = 0; id < 60; id++) await batchWriter.write(customer(id));
    await batchWriter.flush();

    expect(await count()).to.equal(60);
    expect(batchWriter.stats.written).to.equal(60);
    expect(batchWriter.stats.retried).to.be.greaterThan(0);
    expect(recording.calls.reduce((sum, requests) => sum + requests.length, 0)).to.equal(
      60 + batchWriter.stats.retried,
    );
  });

  it('retries calls that fail with throttling (injected: the first 3 calls throw ThrottlingException)', async () => {
    const recording = new RecordingClient(client, (index) =>
      index < 3 ? { kind: 'throw', error: throttling() } : { kind: 'pass' },
    );
    const { batchWriter } = writer(recording, { concurrency: 2 });
    for (let id = 0; id < 50; id++) await batchWriter.write(customer(id));
    await batchWriter.flush();

    expect(await count()).to.equal(50);
    expect(batchWriter.stats).to.include({ written: 50, failedCalls: 3, retried: 75 });
  });

  it('fails loudly after the retry deadline, naming every key not written (injected: throttled forever)', async () => {
    const recording = new RecordingClient(client, (index) =>
      index === 0
        ? { kind: 'pass' }
        : { kind: 'throw', error: throttling('Rate of requests exceeds the allowed throughput') },
    );
    const { batchWriter } = writer(recording, { concurrency: 1, retryForMs: 200 });
    for (let id = 0; id < 25; id++) await batchWriter.write(customer(id));
    let failure: unknown;
    try {
      for (let id = 25; id < 60; id++) await batchWriter.write(customer(id));
      await batchWriter.flush();
    } catch (error) {
      failure = error;
    }

    expect(failure).to.be.instanceOf(BatchWriteError);
    const error = failure as BatchWriteError;
    expect(error.unwrittenKeys.map((key) => (key.pk as { S: string }).S)).to.deep.equal(
      Array.from({ length: 35 }, (_, i) => `CUST#${25 + i}`),
    );
    expect(error.message).to.match(
      /^35 items were not written to table writer_\d+: still not written after 200 ms of retries: the last call failed with ThrottlingException: Rate of requests/,
    );
    expect(error.message).to.include('pk="CUST#25" sk="PROFILE"; pk="CUST#26" sk="PROFILE"');
    expect(error.message).to.include('and 25 more');
    expect(batchWriter.stats.written).to.equal(25);
    expect(await count()).to.equal(25);
    // A writer that failed stays failed.
    let again: unknown;
    await batchWriter.write(customer(99)).catch((e: unknown) => {
      again = e;
    });
    expect(again).to.equal(failure);
  });

  it('gives up on refused connections after refusedForMs, well before the retry deadline (injected: nothing listens)', async () => {
    // As the SDK's HTTP handler throws it when nothing listens at the endpoint.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
      $metadata: {},
    });
    const recording = new RecordingClient(client, () => ({ kind: 'throw', error: refused }));
    const { batchWriter } = writer(recording, { concurrency: 1, retryForMs: 60_000, refusedForMs: 300 });
    for (let id = 0; id < 5; id++) await batchWriter.write(customer(id));
    const started = Date.now();
    const error = await batchWriter.flush().then(
      () => null,
      (e: unknown) => e,
    );
    const seconds = (Date.now() - started) / 1000;

    expect(error).to.be.instanceOf(BatchWriteError);
    expect((error as Error).message).to.match(
      /^5 items were not written to table writer_\d+: the connection was refused for \d+ ms of retries: the last call failed with Error: connect ECONNREFUSED/,
    );
    expect((error as Error).cause).to.equal(refused);
    expect(seconds).to.be.below(5);
    expect(recording.calls.length).to.be.above(1);
  });

  it('keeps retrying throttling past refusedForMs, until the retry deadline', async () => {
    const recording = new RecordingClient(client, () => ({ kind: 'throw', error: throttling() }));
    const { batchWriter } = writer(recording, { concurrency: 1, retryForMs: 1000, refusedForMs: 100 });
    await batchWriter.write(customer(1));
    const started = Date.now();
    const error = await batchWriter.flush().then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.match(/still not written after 1000 ms of retries/);
    expect(Date.now() - started).to.be.at.least(500);
  });

  it('stops at once on an error that retrying cannot fix (a missing table)', async () => {
    const recording = new RecordingClient(client);
    const batchWriter = new BatchWriter(recording, {
      tableName: 'no_such_table',
      key: KEY,
      onRejected: () => {},
      retryForMs: 60_000,
    });
    for (let id = 0; id < 30; id++) await batchWriter.write(customer(id));
    const started = Date.now();
    const error = await batchWriter.flush().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(BatchWriteError);
    expect((error as BatchWriteError).unwrittenKeys).to.have.length(30);
    expect((error as Error).message).to.match(/BatchWriteItem failed with ResourceNotFoundException/);
    expect(Date.now() - started).to.be.below(5000);
  });

  it('does not retry a validation error (injected), and says which', async () => {
    // As the SDK throws it for a 400 response with __type ValidationException.
    const validation = Object.assign(new Error('injected: bad item'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const recording = new RecordingClient(client, () => ({ kind: 'throw', error: validation }));
    const { batchWriter } = writer(recording);
    await batchWriter.write(customer(1));
    const error = await batchWriter.flush().then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.match(
      /^1 item was not written .*ValidationException: injected: bad item.*pk="CUST#1"/,
    );
    expect(recording.calls).to.have.length(1);
  });

  it('keeps numbers exact: a 38-digit N and other edge numbers come back digit for digit', async () => {
    const numbers = {
      digits38: '12345678901234567890123456789012345678',
      negative38: '-98765432109876543210987654321098765432',
      fraction: '0.00000000000000000000000000000000000001',
      tiny: '1E-130',
      huge: '9.9999999999999999999999999999999999999E+125',
    };
    const item = customer(7, Object.fromEntries(Object.entries(numbers).map(([name, text]) => [name, { N: text }])));
    const { batchWriter } = writer(new RecordingClient(client));
    await batchWriter.write(item);
    await batchWriter.flush();
    const stored = await get('CUST#7');
    expect(stored?.digits38).to.deep.equal({ N: numbers.digits38 });
    expect(stored?.negative38).to.deep.equal({ N: numbers.negative38 });
    // DynamoDB answers in its own spelling; the value is the same to the last digit.
    const spelled = (name: keyof typeof numbers) => (stored?.[name] as { N: string }).N;
    expect(BigInt(spelled('digits38')) - 12345678901234567890123456789012345678n).to.equal(0n);
    for (const name of ['fraction', 'tiny', 'huge'] as const) {
      expect(canonical(spelled(name)), name).to.equal(canonical(numbers[name]));
    }
  });

  it('deletes by key, in order with the puts of that key', async () => {
    const { batchWriter } = writer(new RecordingClient(client, () => ({ kind: 'delay', ms: 10 })));
    for (let id = 0; id < 30; id++) await batchWriter.write(customer(id));
    await batchWriter.delete({ pk: { S: 'CUST#3' }, sk: { S: 'PROFILE' } });
    await batchWriter.delete({ pk: { S: 'CUST#29' }, sk: { S: 'PROFILE' } });
    await batchWriter.write(customer(29, { back: { BOOL: true } }));
    await batchWriter.flush();
    expect(await get('CUST#3')).to.equal(undefined);
    expect((await get('CUST#29'))?.back).to.deep.equal({ BOOL: true });
    expect(await count()).to.equal(29);
  });

  it('makes a producer wait while the writer is full (back-pressure)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const recording = new RecordingClient(client, () => ({ kind: 'pass' }));
    const held: BatchWriteClient = {
      send: async (command) => {
        await gate;
        return recording.send(command);
      },
    };
    const { batchWriter } = writer(held, { concurrency: 2, queueLimit: 50 });
    let accepted = 0;
    const producer = (async () => {
      for (let id = 0; id < 500; id++) {
        await batchWriter.write(customer(id));
        accepted++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Two calls of 25 in flight (held), then 50 queued: the write that fills the queue waits.
    expect(accepted).to.equal(99);
    release();
    await producer;
    await batchWriter.flush();
    expect(await count()).to.equal(500);
  });
});

/** sign, significant digits and exponent: equal numbers, equal texts. */
function canonical(text: string): string {
  const [mantissa, exponent = '0'] = text.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = mantissa.replace(/^[-+]/, '').split('.');
  const digits = (whole + fraction).replace(/^0+/, '');
  const leading = (whole + fraction).length - digits.length;
  return `${negative ? '-' : ''}${digits.replace(/0+$/, '')}e${Number(exponent) + whole.length - leading}`;
}
