// One DynamoDB Local for the test files that need a real DynamoDB. Call useDynamoDbLocal()
// inside a describe: its before() starts the server (or joins the one running), its after()
// lets go of it.
//
// Mocha runs test files one after another in one process, and a cold java start costs about
// 3 s; so when the last user lets go, the server is stopped a moment later rather than at
// once, and the next file's before() picks it up again. When the run ends first, the process
// exits and the server dies with it (examples/local-servers/dynamodb-local-process.ts).
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  dynamoDbLocalClientConfig,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../examples/local-servers/dynamodb-local.js';

const STOP_AFTER_IDLE_MS = 2000;
// The first run fetches DynamoDB Local (56 MB) and a cold JVM is slow on a busy machine.
const START_TIMEOUT_MS = 180_000;

interface SharedServer {
  server: Promise<DynamoDbLocal>;
  users: number;
  stopTimer?: NodeJS.Timeout;
}

// On globalThis, not in a module variable: mocha may load this module more than once (test
// files reach it through require and through import), and each copy would start a server.
const SHARED = Symbol.for('mapc.test.dynamodb-local');
const registry = globalThis as { [SHARED]?: SharedServer };

function acquire(): Promise<DynamoDbLocal> {
  let shared = registry[SHARED];
  if (shared === undefined) {
    const server = startDynamoDbLocal();
    shared = registry[SHARED] = { server, users: 0 };
    // A failed start must not be reused by the next file.
    server.catch(() => {
      if (registry[SHARED]?.server === server) delete registry[SHARED];
    });
  }
  clearTimeout(shared.stopTimer);
  shared.users++;
  return shared.server;
}

function release(): void {
  const shared = registry[SHARED];
  if (shared === undefined || --shared.users > 0) return;
  shared.stopTimer = setTimeout(() => {
    if (registry[SHARED] === shared) delete registry[SHARED];
    void shared.server.then((server) => server.stop());
  }, STOP_AFTER_IDLE_MS);
  shared.stopTimer.unref();
}

export interface LocalDynamoDb {
  readonly endpoint: string;
  /** A client for the server (dummy region and credentials); destroyed in after(). */
  client(settings?: Partial<DynamoDBClientConfig>): DynamoDBClient;
}

export function useDynamoDbLocal(): LocalDynamoDb {
  let server: DynamoDbLocal | undefined;
  const clients: DynamoDBClient[] = [];
  before(async function () {
    this.timeout(START_TIMEOUT_MS);
    server = await acquire();
  });
  after(() => {
    for (const client of clients.splice(0)) client.destroy();
    if (server !== undefined) release();
    server = undefined;
  });
  const endpoint = () => {
    if (server === undefined)
      throw new Error(
        'DynamoDB Local is not running: use it inside the tests of the describe that called useDynamoDbLocal()',
      );
    return server.endpoint;
  };
  return {
    get endpoint() {
      return endpoint();
    },
    client(settings = {}) {
      const client = new DynamoDBClient({ ...dynamoDbLocalClientConfig(endpoint()), ...settings });
      clients.push(client);
      return client;
    },
  };
}
