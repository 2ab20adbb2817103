// The counts behind a run report's DynamoDB requests: each HTTP request sent, by role (the
// control table, or a target table) and operation, with the items or keys it carried, the
// capacity its answer reports, and whether it repeated an earlier request (and after
// throttling). Bookkeeping only: request-counter.ts feeds it from the clients' middleware.
//
// A request that names tables of both roles (a batch call with a target table and the control
// table; mapc's own writers and readers name one table a call) counts in each role it reaches,
// as a proxy counting per table would, with that role's items and capacity; the totals
// (requests, retries, throttledRetries) count it once, as the HTTP request it is. So the roles'
// requests may add up to more than the total; capacity is per table and adds up.
//
//   const tally = new RequestTally('mapc_control');
//   const mark = tally.mark();
//   tally.sent('BatchWriteItem', input, { retry: false, throttled: false });
//   tally.answered('BatchWriteItem', input, output);
//   const counts = tally.since(mark);   // the DynamoDbRequests of a report, but the backoff
import { emptyOperationCounts, type DynamoDbRequests, type OperationCounts } from '../report/dynamodb-requests.js';

const SINGLE_ITEM = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);

type Role = 'target' | 'control';
type Counts = Record<Role, Map<string, OperationCounts>>;
/** Each request once, whatever tables it names. */
type Totals = Pick<DynamoDbRequests, 'requests' | 'retries' | 'throttledRetries'>;

/** A request's input or its answer's output, as the SDK's middleware sees them. */
export type RequestFields = Record<string, unknown>;

/** Whether a request repeated an earlier one (retry), and did so after throttling. */
export interface Repeat {
  retry: boolean;
  throttled: boolean;
}

/** The counts at one moment, to count from (since). */
export interface TallyMark {
  readonly counts: Counts;
  readonly totals: Totals;
}

export type TalliedRequests = Omit<DynamoDbRequests, 'backoff'>;

export class RequestTally {
  private readonly counts: Counts = { target: new Map(), control: new Map() };
  private readonly totals: Totals = { requests: 0, retries: 0, throttledRetries: 0 };

  constructor(private readonly controlTable: string) {}

  /** One HTTP request sent. */
  sent(operation: string, input: RequestFields, repeat: Repeat): void {
    this.totals.requests++;
    if (repeat.retry) this.totals.retries++;
    if (repeat.retry && repeat.throttled) this.totals.throttledRetries++;
    for (const [role, items] of this.carried(operation, input)) {
      const counts = this.entry(role, operation);
      counts.requests++;
      counts.items += items;
      if (repeat.retry) counts.retries++;
      if (repeat.retry && repeat.throttled) counts.throttledRetries++;
    }
  }

  /** Its answer: the capacity reported, and the items a Query or Scan returned. */
  answered(operation: string, input: RequestFields, output: RequestFields | undefined): void {
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

  mark(): TallyMark {
    const copy = (map: Map<string, OperationCounts>) => new Map([...map].map(([op, c]) => [op, { ...c }]));
    return {
      counts: { target: copy(this.counts.target), control: copy(this.counts.control) },
      totals: { ...this.totals },
    };
  }

  /** The counts since `mark`. */
  since(mark: TallyMark): TalliedRequests {
    const before = mark.counts;
    const report: TalliedRequests = {
      target: {},
      control: {},
      requests: this.totals.requests - mark.totals.requests,
      retries: this.totals.retries - mark.totals.retries,
      throttledRetries: this.totals.throttledRetries - mark.totals.throttledRetries,
      capacityUnits: 0,
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
        report.capacityUnits += delta.capacityUnits;
      }
    }
    report.capacityUnits = Math.round(report.capacityUnits * 1000) / 1000;
    return report;
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
  private carried(operation: string, input: RequestFields): Map<Role, number> {
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
}
