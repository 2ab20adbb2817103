// The rejects file: one JSON line per rejected row (table, file, line, column, value, reason),
// so that nothing is dropped silently and every reject can be found in the extract. A write
// error is kept and thrown by close(), naming the file (an unheard stream error would crash
// the process).
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { writeFailure } from './output-file.js';
import type { Reject, RejectSink } from '../report/run-state.js';

export class RejectsFile implements RejectSink {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  count = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error: Error) => {
      this.failure ??= writeFailure(path, 'the rejects file', error);
    });
  }

  write(reject: Reject): void {
    this.count++;
    if (this.failure === null) this.stream.write(`${JSON.stringify(reject)}\n`);
  }

  async close(): Promise<void> {
    if (!this.stream.destroyed) this.stream.end();
    await finished(this.stream).catch(() => undefined);
    if (this.failure) throw this.failure;
  }
}
