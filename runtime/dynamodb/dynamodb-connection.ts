// What a run into DynamoDB connects to: the clients (default credential chain, a region, an
// endpoint such as DynamoDB Local), the control table's name, and the physical table each
// logical target of the mappings is bound to (unbound targets keep their names).
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { WRITER_CLIENT_SETTINGS } from './batch-writer.js';
import type { ServiceLocation } from './connection-error.js';
import { DEFAULT_CONTROL_TABLE } from './control-table-name.js';
import { DynamoDbRequestCounter } from './request-counter.js';

export interface DynamoDbOptions {
  region?: string;
  /** A DynamoDB-compatible endpoint, e.g. DynamoDB Local. */
  endpoint?: string;
  /** Default mapc_control. */
  controlTable?: string;
  /** logical target → physical table */
  tables?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** More settings for the clients (credentials, say); the default credential chain otherwise. */
  clientConfig?: DynamoDBClientConfig;
  /** The settings that chose the endpoint and region, as a DynamoDB that does not answer is told (default "--endpoint and --region"). */
  endpointFlags?: string;
}

export interface DynamoDbConnection {
  client: DynamoDBClient;
  /** The same, without the SDK's own retries, for the BatchWriter (it retries, with a deadline). */
  writerClient: DynamoDBClient;
  controlTable: string;
  /** logical target → physical table name */
  physical(target: string): string;
  /** Counts what both clients send (a run's report takes its share: beginRun), and gates its writes. */
  requests?: DynamoDbRequestCounter;
  /** Where the clients point, to name it when nothing answers there (connection-error.ts). */
  location: ServiceLocation;
  destroy(): void;
}

export function connectDynamoDb(options: DynamoDbOptions = {}): DynamoDbConnection {
  const bindings = options.tables instanceof Map ? options.tables : new Map(Object.entries(options.tables ?? {}));
  const config: DynamoDBClientConfig = {
    ...options.clientConfig,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // A local endpoint needs some region; real AWS takes it from the environment or profile.
    ...(options.endpoint && !options.region && !process.env.AWS_REGION ? { region: 'us-east-1' } : {}),
  };
  const client = new DynamoDBClient(config);
  const writerClient = new DynamoDBClient({ ...config, ...WRITER_CLIENT_SETTINGS });
  const controlTable = options.controlTable ?? DEFAULT_CONTROL_TABLE;
  const requests = new DynamoDbRequestCounter(controlTable);
  requests.attach(client);
  requests.attach(writerClient);
  return {
    client,
    writerClient,
    controlTable,
    requests,
    physical: (target) => bindings.get(target) ?? target,
    location: {
      service: 'DynamoDB',
      endpoint: options.endpoint,
      region: options.region,
      flags: options.endpointFlags ?? '--endpoint and --region',
    },
    destroy: () => {
      client.destroy();
      writerClient.destroy();
    },
  };
}
