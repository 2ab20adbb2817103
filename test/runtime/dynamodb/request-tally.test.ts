// The run report's DynamoDB counts as bookkeeping, without a client: by role and operation, and
// the totals, which count each HTTP request once whatever tables it names.
import { expect } from 'chai';
import { RequestTally } from '../../../runtime/dynamodb/request-tally.js';

const CONTROL = 'mapc_control';
const FIRST = { retry: false, throttled: false };
const THROTTLED_RETRY = { retry: true, throttled: true };
const put = (pk: string) => ({ PutRequest: { Item: { pk: { S: pk } } } });

describe('request tally', () => {
  it('counts what each role was sent, and only since the mark', () => {
    const tally = new RequestTally(CONTROL);
    tally.sent('PutItem', { TableName: CONTROL }, FIRST);
    const mark = tally.mark();
    tally.sent('BatchWriteItem', { RequestItems: { app: [put('a'), put('b')] } }, FIRST);
    tally.sent('BatchWriteItem', { RequestItems: { app: [put('b')] } }, THROTTLED_RETRY);
    tally.sent('Query', { TableName: CONTROL }, FIRST);
    tally.answered(
      'Query',
      { TableName: CONTROL },
      { Count: 4, ConsumedCapacity: { TableName: CONTROL, CapacityUnits: 0.5 } },
    );
    const counts = tally.since(mark);
    expect(counts.target).to.deep.equal({
      BatchWriteItem: { requests: 2, items: 3, capacityUnits: 0, retries: 1, throttledRetries: 1 },
    });
    expect(counts.control).to.deep.equal({
      Query: { requests: 1, items: 4, capacityUnits: 0.5, retries: 0, throttledRetries: 0 },
    });
    expect(counts).to.include({ requests: 3, retries: 1, throttledRetries: 1, capacityUnits: 0.5 });
  });

  it('counts a batch call naming a target table and the control table once in the totals, and in both roles', () => {
    const tally = new RequestTally(CONTROL);
    const mark = tally.mark();
    const input = { RequestItems: { app: [put('a'), put('b')], [CONTROL]: [put('c')] } };
    tally.sent('BatchWriteItem', input, FIRST);
    tally.sent('BatchWriteItem', input, THROTTLED_RETRY);
    tally.answered('BatchWriteItem', input, {
      ConsumedCapacity: [
        { TableName: 'app', CapacityUnits: 2 },
        { TableName: CONTROL, CapacityUnits: 1 },
      ],
    });
    const counts = tally.since(mark);
    expect(counts.target.BatchWriteItem).to.deep.equal({
      requests: 2,
      items: 4,
      capacityUnits: 2,
      retries: 1,
      throttledRetries: 1,
    });
    expect(counts.control.BatchWriteItem).to.deep.equal({
      requests: 2,
      items: 2,
      capacityUnits: 1,
      retries: 1,
      throttledRetries: 1,
    });
    expect(counts).to.include({ requests: 2, retries: 1, throttledRetries: 1, capacityUnits: 3 });
  });
});
