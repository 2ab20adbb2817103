// Benchmark: items per second written to DynamoDB Local by the mapc BatchWriter, against a
// plain BatchWriteItem loop (chunks of 25, the same number of calls in flight, nothing else)
// and a sequential PutItem loop. One server, the same generated items (~1 KB, shaped like
// customer items) for every run, the table deleted and created again before each run. A
// warm-up run first, so the JVM's compiler does not favour whichever mode runs last; then the
// mapc and raw runs alternate (raw first, then mapc first, ...). DynamoDB Local's own speed
// swings by 10-20 % from one run to the next (its JVM collects garbage, the machine has two
// cores for both programs), so each writer's rates are shown as the median and the best of
// its runs, and the ratio of the medians is the figure to read.
//   node --import tsx bench/dynamodb-writer.ts [--items 20000] [--runs 7] [--put-items 5000]
import {
  BatchWriteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { dynamoDbLocalClientConfig, startDynamoDbLocal } from '../examples/local-servers/dynamodb-local.js';
import {
  BatchWriter,
  MAX_BATCH_REQUESTS,
  WRITER_CLIENT_SETTINGS,
  type Item,
} from '../runtime/dynamodb/batch-writer.js';
import { createTable, deleteTable } from '../runtime/dynamodb/create-table.js';
import type { ExpectedTable } from '../runtime/dynamodb/expected-table.js';
import { itemSize } from '../runtime/dynamodb/item-size.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '7' },
    // Sequential PutItem is an order of magnitude slower: by default it writes fewer items.
    'put-items': { type: 'string' },
  },
});
const itemCount = Number(values.items);
const runs = Number(values.runs);
const putItemCount = Number(values['put-items'] ?? Math.min(itemCount, 5000));
const CONCURRENCY = [1, 4, 16];

const TABLE: ExpectedTable = {
  tableName: 'bench_customers',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: null,
};

function customerItem(id: number): Item {
  const orders: Item[] = [];
  for (let order = 0; order < 4; order++) {
    orders.push({
      id: { N: String(id * 10 + order) },
      date: { S: `2024-0${1 + order}-1${order}` },
      status: { S: order === 0 ? 'SHIPPED' : 'DELIVERED' },
      total: { N: `${(id % 997) + order}.${String(id % 100).padStart(2, '0')}` },
      lines: {
        L: [
          {
            M: {
              sku: { S: `SKU-${String(id % 5000).padStart(6, '0')}` },
              qty: { N: String(1 + (id % 9)) },
              amount: { N: '12.50' },
            },
          },
        ],
      },
    });
  }
  return {
    pk: { S: `CUST#${id}` },
    sk: { S: 'PROFILE' },
    name: { S: `Customer Number ${id}` },
    email: { S: `customer.${id}@example.com` },
    segment: { S: ['RETAIL', 'SMB', 'ENTERPRISE'][id % 3] },
    address: {
      M: {
        street: { S: `${id} Long Street Name Avenue` },
        city: { S: 'Springfield' },
        country: { S: 'FR' },
        since: { S: '2019-04-01' },
      },
    },
    balance: { N: `${id}.${String(id % 100).padStart(2, '0')}` },
    active: { BOOL: id % 7 !== 0 },
    notes: { S: 'Prefers delivery in the morning; call before arriving. '.repeat(8) },
    orders: { L: orders.map((order) => ({ M: order })) },
  };
}

type Writer = (client: DynamoDBClient, items: Item[], concurrency: number) => Promise<void>;

const mapcWriter: Writer = async (client, items, concurrency) => {
  const writer = new BatchWriter(client, {
    tableName: TABLE.tableName,
    key: { partition: 'pk', sort: 'sk' },
    concurrency,
    onRejected: (rejection) => {
      throw new Error(`rejected ${JSON.stringify(rejection.key)}: ${rejection.reason}`);
    },
  });
  for (const item of items) await writer.write(item);
  await writer.flush();
};

const rawBatchLoop: Writer = async (client, items, concurrency) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const chunk = items.slice(next, next + MAX_BATCH_REQUESTS);
      next += MAX_BATCH_REQUESTS;
      let requests: WriteRequest[] = chunk.map((item) => ({ PutRequest: { Item: item } }));
      while (requests.length > 0) {
        const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE.tableName]: requests } }));
        requests = output.UnprocessedItems?.[TABLE.tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

const sequentialPuts: Writer = async (client, items) => {
  for (const item of items) await client.send(new PutItemCommand({ TableName: TABLE.tableName, Item: item }));
};

// DynamoDB Local keeps ItemCount current (the service updates it every few hours); a Scan
// with Select COUNT would take seconds per run here.
async function countItems(client: DynamoDBClient): Promise<number> {
  const { Table: table } = await client.send(new DescribeTableCommand({ TableName: TABLE.tableName }));
  return table?.ItemCount ?? 0;
}

/** Items per second of one run on a fresh table; checks that every item arrived. */
async function timed(client: DynamoDBClient, write: Writer, items: Item[], concurrency: number): Promise<number> {
  await deleteTable(client, TABLE.tableName).catch((error: Error) => {
    if (error.name !== 'ResourceNotFoundException') throw error;
  });
  await createTable(client, TABLE);
  const started = process.hrtime.bigint();
  await write(client, items, concurrency);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stored = await countItems(client);
  if (stored !== items.length) throw new Error(`wrote ${items.length} items, the table holds ${stored}`);
  return items.length / seconds;
}

interface Rates {
  median: number;
  best: number;
}

/** Each writer's rates over `runs` rounds, the order of the writers turning each round. */
async function ratesOf(
  client: DynamoDBClient,
  writers: Writer[],
  items: Item[],
  concurrency: number,
  rounds = runs,
): Promise<Rates[]> {
  const rates: number[][] = writers.map(() => []);
  for (let run = 0; run < rounds; run++) {
    for (let turn = 0; turn < writers.length; turn++) {
      const index = (turn + run) % writers.length;
      rates[index].push(await timed(client, writers[index], items, concurrency));
    }
  }
  return rates.map((list) => {
    const sorted = [...list].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return {
      median: sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2,
      best: sorted[sorted.length - 1],
    };
  });
}

const server = await startDynamoDbLocal();
const client = new DynamoDBClient({ ...dynamoDbLocalClientConfig(server.endpoint), ...WRITER_CLIENT_SETTINGS });
try {
  const items = Array.from({ length: itemCount }, (_, id) => customerItem(id));
  const averageBytes = items.reduce((sum, item) => sum + itemSize(item), 0) / items.length;
  console.log(
    `DynamoDB Local ${server.endpoint}; ${itemCount} items of ${Math.round(averageBytes)} bytes on average; ${runs} run(s) of each`,
  );

  const warmUp = items.slice(0, Math.min(items.length, 5000));
  await timed(client, rawBatchLoop, warmUp, 4);
  await timed(client, mapcWriter, warmUp, 4);

  const rate = (n: number) => Math.round(n).toString().padStart(7);
  const row = (label: string, rates: Rates, note = '') =>
    console.log(`${label.padEnd(34)}median ${rate(rates.median)} items/s, best ${rate(rates.best)}${note}`);
  for (const concurrency of CONCURRENCY) {
    const [raw, mapc] = await ratesOf(client, [rawBatchLoop, mapcWriter], items, concurrency);
    row(`raw BatchWriteItem, concurrency ${concurrency}`, raw);
    row(
      `mapc BatchWriter, concurrency ${concurrency}`,
      mapc,
      `   mapc/raw: median ${(mapc.median / raw.median).toFixed(2)}, best ${(mapc.best / raw.best).toFixed(2)}`,
    );
  }
  const [puts] = await ratesOf(client, [sequentialPuts], items.slice(0, putItemCount), 1, 1);
  row(`sequential PutItem (${putItemCount} items)`, puts);
} finally {
  client.destroy();
  await server.stop();
}
