// The sample warehouse the demos generate (`npm run demo`, and with --job): its size, and a
// base extract dated two days before the demo runs, on the hour (the deltas follow 6, 12 and
// 18 hours later). Dated so, the demos' extracts are recent whenever they run: DynamoDB Local,
// like DynamoDB, deletes items whose TTL (nine months after a customer's last order) is before
// the wall clock, and extracts of a fixed date would see the demo's items vanish as months pass.
import type { WorldSize } from './extract-generator/world.js';

const BASE_AGE_MS = 2 * 86_400_000;
const HOUR_MS = 3_600_000;

export function demoWorld(customers: number, now = Date.now()): Required<WorldSize> {
  const base = Math.floor((now - BASE_AGE_MS) / HOUR_MS) * HOUR_MS;
  return {
    customers,
    deltaCustomers: Math.max(1, Math.ceil(customers / 20)),
    seed: 1,
    extractedAt: new Date(base).toISOString().replace('.000Z', 'Z'),
  };
}
