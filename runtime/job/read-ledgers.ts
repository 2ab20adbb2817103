// Each mapping's ledger, read and nothing else: the plan and check steps of a sharded job
// (`mapc job --plan`, `mapc job --once X --check`) look at the control table without making
// it, unlike a pass of the job, which creates it first. A control table that does not exist
// has recorded nothing: every extract is pending.
import type { DynamoDbStateStore } from '../control/control-table.js';
import type { LedgerEntry } from '../merge/state-store.js';

/** mapping → its ledger entries, as recorded (shards not folded); empty when there is no control table. */
export async function readLedgers(
  store: Pick<DynamoDbStateStore, 'ledger'>,
  mappings: string[],
): Promise<Map<string, LedgerEntry[]>> {
  const ledgers = new Map<string, LedgerEntry[]>();
  for (const mapping of mappings) {
    try {
      ledgers.set(mapping, await store.ledger(mapping));
    } catch (error) {
      if ((error as Error)?.name !== 'ResourceNotFoundException') throw error;
      return new Map(mappings.map((m) => [m, []]));
    }
  }
  return ledgers;
}
