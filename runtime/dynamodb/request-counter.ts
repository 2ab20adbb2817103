// Counts every request a run's DynamoDB clients send, as SDK middleware on the clients (so no
// call site counts by hand), and holds back BatchWriteItem calls at the run's write gate:
//   - initialize: ReturnConsumedCapacity TOTAL on the operations that take it;
//   - finalizeRequest, inside the SDK's retries (once per HTTP request, each attempt):
//     - the write gate (write-gate.ts) for BatchWriteItem, told whether DynamoDB throttled the
//       attempt or left items unprocessed, even when the SDK's next attempt succeeds;
//     - the request counted (request-tally.ts) with whether it repeated an earlier request (an
//       SDK retry, or a resend marked by our own retry loops: resend-marker.ts).
//
//   const counter = new DynamoDbRequestCounter('mapc_control'); counter.attach(client);
//   const run = counter.beginRun({ concurrency: 8, maxWriteRate: 100 });
//   …; const requests = run.finish();   // the DynamoDbRequests of the run's report
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDbRequests } from '../report/dynamodb-requests.js';
import { RequestTally } from './request-tally.js';
import { resendReason } from './resend-marker.js';
import { isThrottling } from './retry-policy.js';
import { WriteGate, type CallOutcome, type WriteGateOptions } from './write-gate.js';

const TAKES_CONSUMED_CAPACITY = new Set([
  'BatchGetItem',
  'BatchWriteItem',
  'DeleteItem',
  'GetItem',
  'PutItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'TransactWriteItems',
  'UpdateItem',
]);

export interface RunCounting {
  /** The counts since beginRun, and what the write gate's backoff did. */
  finish(): DynamoDbRequests;
}

interface AttemptState {
  mapcAttempts?: number;
  mapcLastThrottled?: boolean;
}

export class DynamoDbRequestCounter {
  private readonly tally: RequestTally;
  private gate: WriteGate | undefined;

  constructor(controlTable: string) {
    this.tally = new RequestTally(controlTable);
  }

  /** Adds the counting (and gating) middleware to a client; once per client. */
  attach(client: DynamoDBClient): void {
    const stack = client.middlewareStack as unknown as MiddlewareStack;
    stack.add(
      (next, context) => (args) => {
        const operation = operationOf(context);
        if (!TAKES_CONSUMED_CAPACITY.has(operation) || args.input.ReturnConsumedCapacity !== undefined)
          return next(args);
        return next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
      },
      { step: 'initialize', name: 'mapcConsumedCapacity' },
    );
    stack.add(
      (next, context) => async (args) => {
        const gate = this.gate;
        if (gate === undefined || operationOf(context) !== 'BatchWriteItem') return next(args);
        const pass = await gate.enter(writesIn(args.input));
        let outcome: CallOutcome = 'failed';
        try {
          const result = await next(args);
          outcome = leftUnprocessed(result.output) ? 'throttled' : 'ok';
          return result;
        } catch (error) {
          if (isThrottling(error)) outcome = 'throttled';
          throw error;
        } finally {
          gate.leave(pass, outcome);
        }
      },
      // Below the SDK's retries, so that every attempt passes the gate and a throttled attempt
      // counts as throttled even when the SDK's next attempt succeeds (the control table's
      // client retries on its own; the target writer's makes one attempt per call).
      { step: 'finalizeRequest', name: 'mapcWriteGate', priority: 'low' },
    );
    stack.add(
      (next, context) => async (args) => {
        const operation = operationOf(context);
        const state = context as AttemptState;
        const attempt = (state.mapcAttempts ?? 0) + 1;
        state.mapcAttempts = attempt;
        const marker = resendReason(args.input);
        const retry = attempt > 1 || marker !== undefined;
        const throttled = attempt > 1 ? state.mapcLastThrottled === true : marker === 'throttled';
        this.tally.sent(operation, args.input, { retry, throttled });
        try {
          const result = await next(args);
          this.tally.answered(operation, args.input, result.output);
          return result;
        } catch (error) {
          state.mapcLastThrottled = isThrottling(error);
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'mapcRequestCounter' },
    );
  }

  /** Starts a run: its counts are those from here, its BatchWriteItem calls pass a new write gate. */
  beginRun(gate: WriteGateOptions): RunCounting {
    const mark = this.tally.mark();
    const runGate = new WriteGate(gate);
    this.gate = runGate;
    return {
      finish: (): DynamoDbRequests => {
        if (this.gate === runGate) this.gate = undefined;
        return { ...this.tally.since(mark), backoff: runGate.report() };
      },
    };
  }
}

function writesIn(input: Input): number {
  const requestItems = (input.RequestItems ?? {}) as Record<string, unknown[]>;
  return Object.values(requestItems).reduce((sum, list) => sum + list.length, 0);
}

function leftUnprocessed(output: Output | undefined): boolean {
  const unprocessed = output?.UnprocessedItems as Record<string, unknown[]> | undefined;
  return unprocessed !== undefined && Object.values(unprocessed).some((list) => list.length > 0);
}

function operationOf(context: unknown): string {
  return String((context as { commandName?: unknown }).commandName ?? '').replace(/Command$/, '');
}

// The middleware stack as this file uses it: untyped inputs and outputs, as the counter reads
// the requests of every command.
type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
type Handler = (args: {
  input: Input;
  [other: string]: unknown;
}) => Promise<{ output: Output; [other: string]: unknown }>;
interface MiddlewareStack {
  add(
    middleware: (next: Handler, context: unknown) => Handler,
    options: { step: 'initialize' | 'build' | 'finalizeRequest'; name: string; priority?: 'low' },
  ): void;
}
