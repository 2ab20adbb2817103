// What one pass of `mapc job` did, as plain data: the extracts it found under the source,
// oldest first, what became of each, and every run (one mapping applied to one extract).
import type { AsOfOrigin } from '../read/extract-time.js';
import type { RunReport } from '../report/run-report.js';

export type JobExtractStatus =
  /** Applied by this pass to every mapping that had not applied it. */
  | 'applied'
  /** Every mapping had applied it (or skipped it) before this pass. */
  | 'done already'
  | 'failed'
  /** --once named a newer extract: this one is older and not applied, so that one waits for it. */
  | 'pending'
  /** Not tried: the pass stopped at an earlier extract, or --once named another. */
  | 'not reached';

export interface JobExtract {
  uri: string;
  /** ISO; from the manifest's extractedAt, else the name, else the modification (upload) time. */
  asOf: string;
  /** 'ledger': done already, dated by the as_of its runs recorded. */
  asOfFrom: AsOfOrigin | 'ledger';
  status: JobExtractStatus;
  /** Bytes fetched from the extract by this pass, for every mapping together (each byte at most once). */
  bytesRead?: number;
}

export interface JobRun {
  extract: string;
  mapping: string;
  report: RunReport;
  /** Where the report and the rejects were written, when the job keeps them. */
  reportFile?: string;
  rejectsFile?: string;
}

export interface JobReport {
  source: string;
  /**
   * ok: every extract found is applied to every mapping (or, with --once, that one is);
   * failed: a run failed, later extracts wait (see `error`);
   * waiting: --once named an extract that older, unapplied extracts must go before; nothing was written.
   */
  status: 'ok' | 'failed' | 'waiting';
  startedAt: string;
  seconds: number;
  extracts: JobExtract[];
  runs: JobRun[];
  /** What failed or waits, naming the extract and the reason. */
  error?: string;
}
