// Starts Amazon's DynamoDB Local (java) for tests, benchmarks and the demo: in memory, on a
// free port, one database for every region and credential (-sharedDb), no telemetry.
//
//   const server = await startDynamoDbLocal();
//   const client = new DynamoDBClient(dynamoDbLocalClientConfig(server.endpoint));
//   ...
//   client.destroy();
//   await server.stop();
//
// Or by hand: `node --import tsx examples/local-servers/dynamodb-local.ts` prints the endpoint
// and runs until Ctrl-C.
//
// The jar has no option to choose the listening address: it listens on every interface of
// the port it is given; clients use 127.0.0.1. The server process dies with this process
// (dynamodb-local-process.ts), so no java is left behind.
import { DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installDynamoDbLocal } from './dynamodb-local-install.js';
import { findJava, spawnGuarded, type GuardedProcess } from './dynamodb-local-process.js';

export interface DynamoDbLocal {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  /** Stops the server and waits until it is gone. Calling it again does nothing. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** How long to wait for the server to answer (default 60 s: a cold JVM on a busy machine). */
  startTimeoutMs?: number;
}

/**
 * SDK client settings for a DynamoDB Local endpoint. The server accepts any credentials, but
 * the SDK must sign requests with something; with -sharedDb the region does not matter either.
 */
export function dynamoDbLocalClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

const PORT_ATTEMPTS = 3;
const POLL_MS = 100;

export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  const java = findJava();
  const files = await installDynamoDbLocal();
  // DynamoDB Local writes a metadata file into its working folder; keep it out of the repo.
  const workDir = await mkdtemp(join(tmpdir(), 'dynamodb-local-'));
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const server = spawnGuarded(
        java,
        [
          `-Djava.library.path=${files.libDir}`,
          '-jar',
          files.jar,
          '-inMemory',
          '-sharedDb',
          '-disableTelemetry',
          '-port',
          String(port),
        ],
        workDir,
      );
      const endpoint = `http://127.0.0.1:${port}`;
      const outcome = await waitUntilAnswering(server, endpoint, options.startTimeoutMs ?? 60_000);
      if (outcome === 'ready') return running(server, endpoint, port, workDir);
      await server.stop();
      // The port was free when chosen but taken before java bound it: choose another.
      if (outcome === 'port taken' && attempt < PORT_ATTEMPTS) continue;
      throw new Error(`DynamoDB Local did not start (${outcome}). Its output:\n${server.output().trim() || '(none)'}`);
    }
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

function running(server: GuardedProcess, endpoint: string, port: number, workDir: string): DynamoDbLocal {
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    stop() {
      stopping ??= server.stop().then(() => rm(workDir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

/** A port nothing listens on right now (the system picks it; we release it for java). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

type StartOutcome = 'ready' | 'port taken' | string;

async function waitUntilAnswering(server: GuardedProcess, endpoint: string, timeoutMs: number): Promise<StartOutcome> {
  const client = new DynamoDBClient({
    ...dynamoDbLocalClientConfig(endpoint),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 },
  });
  let exitedWith: string | undefined;
  void server.exited.then((status) => {
    exitedWith = status;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (true) {
      // On a port already in use, java prints a BindException and keeps running.
      if (/BindException|Address already in use/.test(server.output())) return 'port taken';
      if (exitedWith !== undefined) return `java exited with ${exitedWith}`;
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return 'ready';
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) return `no answer on ${endpoint} within ${timeoutMs} ms`;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  const server = await startDynamoDbLocal();
  console.log(`DynamoDB Local listening: ${server.endpoint} (any region, any credentials; in memory)`);
  console.log('Ctrl-C stops it.');
  // The server process does not hold this one open (so tests never hang on it): this does.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const stop = () => {
    clearInterval(keepAlive);
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
