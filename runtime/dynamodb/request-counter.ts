// Counts every request a run's DynamoDB clients send, as SDK middleware on the clients (so no
// call site counts by hand), and holds back BatchWriteItem calls at the run's write gate:
//   - initialize: ReturnConsumedCapacity TOTAL on the operations that take it;
//   - build (once per call): the write gate (write-gate.ts) for BatchWriteItem, told whether
//     DynamoDB throttled the call or left items unprocessed;
//   - finalizeRequest, inside the SDK's retries (once per HTTP request): the request counted
//     by operation and by role (the control table, or a target table), with the items or keys
//     it carried, the capacity the answer reports, and whether it repeated an earlier request
//     (an SDK retry, or a resend marked by our own retry loops: resend-marker.ts).
//
//   const counter = new DynamoDbRequestCounter('mapc_control'); counter.attach(client);
//   const run = counter.beginRun({ concurrency: 8, maxWriteRate: 100 });
//   …; const requests = run.finish();   // the DynamoDbRequests of the run's report
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { emptyOperationCounts, type DynamoDbRequests, type OperationCounts } from '../report/dynamodb-requests.js';
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

const SINGLE_ITEM = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);

type Role = 'target' | 'control';
type Counts = Record<Role, Map<string, OperationCounts>>;

export interface RunCounting {
  /** The counts since beginRun, and what the write gate's backoff did. */
  finish(): DynamoDbRequests;
}

interface AttemptState {
  mapcAttempts?: number;
  mapcLastThrottled?: boolean;
}

export class DynamoDbRequestCounter {
  private readonly counts: Counts = { target: new Map(), control: new Map() };
  private gate: WriteGate | undefined;

  constructor(private readonly controlTable: string) {}

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
        for (const [role, items] of this.carried(operation, args.input)) {
          const counts = this.entry(role, operation);
          counts.requests++;
          counts.items += items;
          if (retry) counts.retries++;
          if (retry && throttled) counts.throttledRetries++;
        }
        try {
          const result = await next(args);
          this.answered(operation, args.input, result.output);
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
    const before = this.copy();
    const runGate = new WriteGate(gate);
    this.gate = runGate;
    return {
      finish: () => {
        if (this.gate === runGate) this.gate = undefined;
        return this.since(before, runGate);
      },
    };
  }

  private roleOf(table: string | undefined): Role {
    return table === this.controlTable ? 'control' : 'target';
  }

  private entry(role: Role, operation: string): OperationCounts {
    let counts = this.counts[role].get(operation);
    if (counts === undefined) this.counts[role].set(operation, (counts = emptyOperationCounts()));
    return counts;
  }

  /** Role → items or keys the request carries (one entry per role it reaches; most reach one). */
  private carried(operation: string, input: Input): Map<Role, number> {
    const roles = new Map<Role, number>();
    const add = (table: string | undefined, items: number) =>
      roles.set(this.roleOf(table), (roles.get(this.roleOf(table)) ?? 0) + items);
    const requestItems = input.RequestItems as Record<string, unknown[] | { Keys?: unknown[] }> | undefined;
    if (requestItems !== undefined) {
      for (const [table, list] of Object.entries(requestItems))
        add(table, Array.isArray(list) ? list.length : (list.Keys?.length ?? 0));
    } else {
      add(input.TableName as string | undefined, SINGLE_ITEM.has(operation) ? 1 : 0);
    }
    return roles;
  }

  /** Capacity reported, and the items a Query or Scan returned. */
  private answered(operation: string, input: Input, output: Output | undefined): void {
    if (output === undefined) return;
    if ((operation === 'Query' || operation === 'Scan') && typeof output.Count === 'number')
      this.entry(this.roleOf(input.TableName as string | undefined), operation).items += output.Count;
    const consumed = output.ConsumedCapacity;
    const list = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
    for (const capacity of list as Array<{ TableName?: string; CapacityUnits?: number }>) {
      if (typeof capacity.CapacityUnits === 'number')
        this.entry(this.roleOf(capacity.TableName), operation).capacityUnits += capacity.CapacityUnits;
    }
  }

  private copy(): Counts {
    const copy = (map: Map<string, OperationCounts>) => new Map([...map].map(([op, c]) => [op, { ...c }]));
    return { target: copy(this.counts.target), control: copy(this.counts.control) };
  }

  private since(before: Counts, gate: WriteGate): DynamoDbRequests {
    const report: DynamoDbRequests = {
      target: {},
      control: {},
      requests: 0,
      retries: 0,
      throttledRetries: 0,
      capacityUnits: 0,
      backoff: gate.report(),
    };
    for (const role of ['target', 'control'] as const) {
      for (const [operation, now] of [...this.counts[role]].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const then = before[role].get(operation) ?? emptyOperationCounts();
        const delta: OperationCounts = {
          requests: now.requests - then.requests,
          items: now.items - then.items,
          capacityUnits: Math.round((now.capacityUnits - then.capacityUnits) * 1000) / 1000,
          retries: now.retries - then.retries,
          throttledRetries: now.throttledRetries - then.throttledRetries,
        };
        if (delta.requests === 0) continue;
        report[role][operation] = delta;
        report.requests += delta.requests;
        report.retries += delta.retries;
        report.throttledRetries += delta.throttledRetries;
        report.capacityUnits += delta.capacityUnits;
      }
    }
    report.capacityUnits = Math.round(report.capacityUnits * 1000) / 1000;
    return report;
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
