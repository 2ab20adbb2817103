// The DynamoDB clients the options of dynamodb-options.ts make (default credential chain,
// --region, --endpoint), with the control table's name and the target bindings.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WRITER_CLIENT_SETTINGS } from '../../runtime/dynamodb/batch-writer.js';
import { DEFAULT_CONTROL_TABLE } from '../../runtime/dynamodb/control-table-name.js';
import { tableBindings, type BindingOptions } from './dynamodb-options.js';

export interface DynamoDbSettings {
  client: DynamoDBClient;
  /** The same, without the SDK's own retries, for the BatchWriter (it retries, with a deadline). */
  writerClient: DynamoDBClient;
  destroy(): void;
  controlTable: string;
  /** logical target → physical table name */
  physical(target: string): string;
}

export function dynamoDbSettings(values: { region?: string; endpoint?: string; 'control-table'?: string } & BindingOptions): DynamoDbSettings {
  const bindings = tableBindings(values);
  const config = {
    ...(values.region ? { region: values.region } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    // A local endpoint needs some region; real AWS takes it from the environment or profile.
    ...(values.endpoint && !values.region && !process.env.AWS_REGION ? { region: 'us-east-1' } : {}),
  };
  const client = new DynamoDBClient(config);
  const writerClient = new DynamoDBClient({ ...config, ...WRITER_CLIENT_SETTINGS });
  return {
    client,
    writerClient,
    destroy: () => {
      client.destroy();
      writerClient.destroy();
    },
    controlTable: values['control-table'] ?? DEFAULT_CONTROL_TABLE,
    physical: (target) => bindings.get(target) ?? target,
  };
}
