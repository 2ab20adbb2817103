// The files a run writes: checked before the run (checkOutputFile), never renamed over
// something that is not a regular file, and a write error names the file instead of
// crashing the process or surfacing as a bare errno.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RejectsFile } from '../../runtime/sinks/rejects-file.js';
import { NdjsonSink } from '../../runtime/sinks/ndjson-sink.js';
import { checkOutputFile, OutputFileError } from '../../runtime/sinks/output-file.js';

const REJECT = { table: 't', file: 'f.csv', line: 2, column: 'c', value: 'x', reason: 'bad' };

describe('output files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-output-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a new file in an existing folder, and leaves nothing behind', () => {
    const path = join(dir, 'new.ndjson');
    checkOutputFile(path, '--out');
    expect(existsSync(path)).to.equal(false);
  });

  it('accepts an existing regular file without truncating it', () => {
    const path = join(dir, 'old.ndjson');
    writeFileSync(path, 'kept\n');
    checkOutputFile(path, '--out');
    expect(readFileSync(path, 'utf8')).to.equal('kept\n');
  });

  for (const [label, path, cause] of [
    ['a device', '/dev/null', 'is not a regular file (a device)'],
    ['a folder', '.', 'is a folder'],
    ['a file under a missing folder', '/no/such/folder/items.ndjson', 'the folder /no/such/folder does not exist'],
    ['a file under a file', '/etc/hostname/items.ndjson', 'a part of the path is a file, not a folder'],
  ] as const) {
    it(`refuses ${label}, naming the file and what to do`, () => {
      expect(() => checkOutputFile(path, '--out')).to.throw(OutputFileError, `--out ${path}: ${cause}`);
    });
  }

  it('an items file never renames over a folder that took its place during the run', async () => {
    const path = join(dir, 'items.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain' });
    mkdirSync(path);
    let error: Error | undefined;
    await sink.commit().catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.contain(`${path}: is a folder`);
    expect(statSync(path).isDirectory()).to.equal(true);
  });

  it('an items file that cannot be written fails with the file named', async () => {
    const folder = join(dir, 'gone');
    mkdirSync(folder);
    const sink = new NdjsonSink({ path: join(folder, 'items.ndjson'), format: 'plain' });
    rmSync(folder, { recursive: true });
    let error: Error | undefined;
    await sink.commit().catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.match(/^the items file .*gone\/items\.ndjson\.partial: cannot be written/);
  });

  it('a rejects file that cannot be written fails on close with the file named, without crashing', async () => {
    const path = join(dir, 'gone', 'rejects.ndjson');
    const rejects = new RejectsFile(path);
    rejects.write(REJECT);
    let error: Error | undefined;
    await rejects.close().catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.match(/^the rejects file .*gone\/rejects\.ndjson: cannot be written/);
  });
});
