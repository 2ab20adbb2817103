/*
 * createJobLog: JSON lines when the stream is not a terminal, readable text when it is; the
 * same events, the same fields.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createJobLog, type LogStream } from '../../../runtime/job/job-log.js';

function capture(isTTY?: boolean): { stream: LogStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  }) as LogStream;
  if (isTTY !== undefined) stream.isTTY = isTTY;
  return { stream, text: () => chunks.join('') };
}

const T0 = Date.UTC(2026, 10, 1, 2, 30, 0);
/** A clock that ticks one second per event. */
function ticking(): () => Date {
  let at = T0;
  return () => new Date((at += 1000) - 1000);
}

describe('job log', () => {
  describe('not a terminal: one JSON object per line', () => {
    for (const isTTY of [false, undefined]) {
      it(`isTTY ${isTTY}: time, level, message, then the fields`, () => {
        const out = capture(isTTY);
        const log = createJobLog(out.stream, { now: ticking() });
        log.info('extract applied', { mapping: 'customer', extract: 's3://b/x.zip', seconds: 1.5, items: 42 });
        log.warn('extract waiting', { extract: 's3://b/y.zip', reason: 'no _manifest.json yet' });
        log.error('extract failed', { mapping: 'customer', error: 'x.zip: truncated' });
        const lines = out.text().split('\n');
        expect(lines.pop(), 'ends with a newline').to.equal('');
        expect(lines.map((line) => JSON.parse(line))).to.deep.equal([
          {
            time: '2026-11-01T02:30:00.000Z',
            level: 'info',
            message: 'extract applied',
            mapping: 'customer',
            extract: 's3://b/x.zip',
            seconds: 1.5,
            items: 42,
          },
          {
            time: '2026-11-01T02:30:01.000Z',
            level: 'warn',
            message: 'extract waiting',
            extract: 's3://b/y.zip',
            reason: 'no _manifest.json yet',
          },
          {
            time: '2026-11-01T02:30:02.000Z',
            level: 'error',
            message: 'extract failed',
            mapping: 'customer',
            error: 'x.zip: truncated',
          },
        ]);
        expect(Object.keys(JSON.parse(lines[0]))).to.deep.equal([
          'time',
          'level',
          'message',
          'mapping',
          'extract',
          'seconds',
          'items',
        ]);
      });
    }

    it('a message or value with a newline stays on one line; nested data stays data', () => {
      const out = capture(false);
      createJobLog(out.stream, { now: ticking() }).info('pass done\nnext in 60 s', {
        applied: ['a.zip', 'b.zip'],
        counts: { ok: 2, failed: 0 },
        last: null,
      });
      const lines = out.text().split('\n');
      expect(lines).to.have.length(2);
      expect(JSON.parse(lines[0])).to.deep.include({
        message: 'pass done\nnext in 60 s',
        applied: ['a.zip', 'b.zip'],
        counts: { ok: 2, failed: 0 },
        last: null,
      });
    });

    it('fields cannot hide time, level or message; undefined fields are left out', () => {
      const out = capture(false);
      createJobLog(out.stream, { now: ticking() }).info('summary', {
        time: 12,
        level: 'debug',
        message: 'mine',
        skipped: undefined,
      });
      expect(JSON.parse(out.text())).to.deep.equal({
        time: '2026-11-01T02:30:00.000Z',
        level: 'info',
        message: 'summary',
        'field.time': 12,
        'field.level': 'debug',
        'field.message': 'mine',
      });
    });

    it('without a clock given, the time is now', () => {
      const out = capture(false);
      const before = Date.now();
      createJobLog(out.stream).info('started');
      const time = Date.parse((JSON.parse(out.text()) as { time: string }).time);
      expect(time).to.be.within(before, Date.now());
    });
  });

  describe('a terminal: readable text', () => {
    it('time, level (padded), message, key=value; values quoted only when they need it', () => {
      const out = capture(true);
      const log = createJobLog(out.stream, { now: ticking() });
      log.info('extract applied', { mapping: 'customer', extract: 's3://b/x.zip', seconds: 1.5, incremental: true });
      log.warn('extract waiting', { reason: 'no _manifest.json yet', empty: '', quote: 'say "hi"', eq: 'a=b' });
      log.error('extract failed', {
        applied: ['a.zip'],
        counts: { ok: 2 },
        last: null,
        skipped: undefined,
        message: 'shadow',
      });
      log.info('pass done');
      expect(out.text()).to.equal(
        [
          '2026-11-01T02:30:00.000Z info  extract applied mapping=customer extract=s3://b/x.zip seconds=1.5 incremental=true',
          '2026-11-01T02:30:01.000Z warn  extract waiting reason="no _manifest.json yet" empty="" quote="say \\"hi\\"" eq="a=b"',
          '2026-11-01T02:30:02.000Z error extract failed applied=["a.zip"] counts={"ok":2} last=null field.message=shadow',
          '2026-11-01T02:30:03.000Z info  pass done',
          '',
        ].join('\n'),
      );
    });
  });
});
