// A BatchWriteItem attempt that DynamoDB throttles and the SDK client then retries with success:
// the run report counts a throttled retry and the write gate backs off, as the gate and the
// counter sit below the SDK's retries. A real SDK client (the connection's own, which retries)
// talks to a small HTTP server that throttles the first BatchWriteItem and takes the next.
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectDynamoDb, type DynamoDbConnection } from '../../../runtime/dynamodb/dynamodb-connection.js';

const CONTROL_TABLE = 'retried_control';

interface ThrottlingServer {
  endpoint: string;
  /** The operations asked, in order (X-Amz-Target without its prefix). */
  operations: string[];
  close(): Promise<void>;
}

/** Answers the first BatchWriteItem with HTTP 400 and the error `type`, every later one with success. */
async function throttleFirstWrite(type: string): Promise<ThrottlingServer> {
  const operations: string[] = [];
  let throttled = false;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
      operations.push(operation);
      const throttle = operation === 'BatchWriteItem' && !throttled;
      throttled ||= throttle;
      response.writeHead(throttle ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify(
          throttle
            ? { __type: type, message: 'Rate of requests exceeds the allowed throughput.' }
            : { UnprocessedItems: {} },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    operations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a throttled BatchWriteItem attempt the SDK retries with success', function () {
  this.timeout(30_000);

  for (const type of [
    'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    'com.amazon.coral.availability#ThrottlingException',
  ]) {
    const name = type.replace(/.*#/, '');
    it(`counts a throttled retry and lowers the gate's limits (${name})`, async () => {
      const server = await throttleFirstWrite(type);
      let connection: DynamoDbConnection | undefined;
      try {
        connection = connectDynamoDb({
          endpoint: server.endpoint,
          controlTable: CONTROL_TABLE,
          clientConfig: {
            region: 'local',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            maxAttempts: 2,
          },
        });
        const run = connection.requests!.beginRun({ concurrency: 8, maxWriteRate: 100 });
        const output = await connection.client.send(
          new BatchWriteItemCommand({
            RequestItems: { [CONTROL_TABLE]: [{ PutRequest: { Item: { pk: { S: 'row#1' } } } }] },
          }),
        );
        const requests = run.finish();

        expect(output.$metadata.attempts, 'the SDK retried once').to.equal(2);
        expect(server.operations).to.deep.equal(['BatchWriteItem', 'BatchWriteItem']);
        expect(requests.control.BatchWriteItem).to.deep.equal({
          requests: 2,
          items: 2,
          capacityUnits: 0,
          retries: 1,
          throttledRetries: 1,
        });
        expect(requests).to.include({ requests: 2, retries: 1, throttledRetries: 1 });
        expect(requests.backoff).to.deep.equal({
          throttledResponses: 1,
          concurrency: 8,
          lowestConcurrency: 4,
          maxWriteRate: 100,
          lowestWriteRate: 50,
        });
      } finally {
        connection?.destroy();
        await server.close();
      }
    });
  }
});
