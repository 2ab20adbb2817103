// Progress of a run: a live line on a terminal (rows read per table, items, rate), plain log
// lines at most every few seconds otherwise.
import type { RunProgress } from '../../runtime/run/run-plan.js';

const TERMINAL_EVERY_MS = 200;
const LOG_EVERY_MS = 5000;

function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : String(n);
}

export function progressReporter(out: NodeJS.WriteStream) {
  const started = Date.now();
  const live = out.isTTY === true;
  let last = started;
  let shown = false;
  return {
    update(p: RunProgress) {
      const now = Date.now();
      // Always say when a table is done; in between, at most every so often.
      if (!p.finished && now - last < (live ? TERMINAL_EVERY_MS : LOG_EVERY_MS)) return;
      last = now;
      const total = Object.values(p.tables).reduce((sum, c) => sum + c.read, 0);
      const rate = total / Math.max(0.001, (now - started) / 1000);
      const c = p.tables[p.table];
      const what = p.finished ? `${p.phase === 'holding' ? 'held' : 'streamed'} ${p.table}` : `${p.phase} ${p.table}`;
      const line = `${what}: ${compact(c?.read ?? 0)} rows · all tables ${compact(total)} rows at ${compact(Math.round(rate))}/s · ${compact(p.itemsWritten)} items`;
      if (live && !p.finished) {
        out.write(`\r\x1b[K${line}`);
        shown = true;
      } else {
        out.write(`${live ? '\r\x1b[K' : `${new Date(now).toISOString()} `}${line}\n`);
        shown = false;
      }
    },
    done() {
      if (live && shown) out.write('\r\x1b[K');
    },
  };
}
