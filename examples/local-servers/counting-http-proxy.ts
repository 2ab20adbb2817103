// An HTTP proxy in front of DynamoDB Local that counts the requests passing through it: by
// operation (the X-Amz-Target header) and by the table each names (TableName, or the tables of
// RequestItems), with the put/delete requests of BatchWriteItem and the keys of BatchGetItem.
// For the tests that check the run report's counts, and for bench/main-job.ts.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequests {
  /** operation → requests, each counted once whatever tables it names. */
  calls: Map<string, number>;
  /** `${table} ${operation}` → requests. */
  requests: Map<string, number>;
  /** `${table} ${operation}` → write requests or keys carried (batch operations only). */
  entries: Map<string, number>;
}

export interface CountingProxy {
  endpoint: string;
  /** The counts so far, and a fresh start. */
  take(): ProxiedRequests;
  close(): Promise<void>;
}

export async function countingHttpProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let counts: ProxiedRequests = { calls: new Map(), requests: new Map(), entries: new Map() };
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  const proxy: Server = createServer((incoming: IncomingMessage, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
      add(counts.calls, operation, 1);
      const parsed = JSON.parse(body.toString('utf8') || '{}') as {
        TableName?: string;
        RequestItems?: Record<string, unknown[] | { Keys: unknown[] }>;
      };
      if (parsed.RequestItems) {
        for (const [table, list] of Object.entries(parsed.RequestItems)) {
          add(counts.requests, `${table} ${operation}`, 1);
          add(counts.entries, `${table} ${operation}`, Array.isArray(list) ? list.length : list.Keys.length);
        }
      } else {
        add(counts.requests, `${parsed.TableName ?? '-'} ${operation}`, 1);
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => outgoing.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    take() {
      const taken = counts;
      counts = { calls: new Map(), requests: new Map(), entries: new Map() };
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}
