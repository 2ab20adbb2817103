// The rejects file: one JSON line per rejected row (table, file, line, column, value, reason),
// so that nothing is dropped silently and every reject can be found in the extract.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { RejectSink } from './run-plan.js';
import type { Reject } from './table-reader.js';

export class RejectsFile implements RejectSink {
  private readonly stream: WriteStream;
  count = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
  }

  write(reject: Reject): void {
    this.count++;
    this.stream.write(`${JSON.stringify(reject)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
