// The log `mapc job` writes its progress to (an extract started, applied, failed or waiting;
// the summary of a pass). Unattended, its output goes to a log collector (CloudWatch Logs, a
// container's stdout): one JSON object per line, `{"time", "level", "message", ...fields}`,
// that a query can filter on. On a terminal, the same events as readable text:
// `time level message key=value ...`. Which one is decided once, from the stream's isTTY.
//
// Fields are plain data. A field named like one of the three fixed members (time, level,
// message) is written as `field.<name>` so that it cannot hide them; undefined fields are left
// out. The clock is an option, so tests (and callers replaying events) can give the time.

export type LogValue = string | number | boolean | null | undefined | LogValue[] | { [key: string]: LogValue };
export type LogFields = Record<string, LogValue>;
export type LogLevel = 'info' | 'warn' | 'error';

export interface JobLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface JobLogOptions {
  /** The time of each event (default: the wall clock). */
  now?: () => Date;
}

export type LogStream = NodeJS.WritableStream & { isTTY?: boolean };

const FIXED_MEMBERS = new Set(['time', 'level', 'message']);

function fieldEntries(fields: LogFields | undefined): Array<[string, LogValue]> {
  return Object.entries(fields ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => [FIXED_MEMBERS.has(key) ? `field.${key}` : key, value]);
}

/** One JSON object: the fixed members first, then the fields. */
export function jsonLine(time: Date, level: LogLevel, message: string, fields?: LogFields): string {
  return JSON.stringify({ time: time.toISOString(), level, message, ...Object.fromEntries(fieldEntries(fields)) });
}

/** A value as it reads after `key=`: bare when it is a plain word or number, else as JSON. */
function textValue(value: LogValue): string {
  if (typeof value === 'string') return /^[^\s="\\]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

/** `time level message key=value ...`, the level padded so that messages line up. */
export function textLine(time: Date, level: LogLevel, message: string, fields?: LogFields): string {
  const pairs = fieldEntries(fields).map(([key, value]) => `${key}=${textValue(value)}`);
  return [time.toISOString(), level.padEnd(5), message, ...pairs].join(' ');
}

export function createJobLog(stream: LogStream, options: JobLogOptions = {}): JobLog {
  const now = options.now ?? (() => new Date());
  const format = stream.isTTY ? textLine : jsonLine;
  const write = (level: LogLevel) => (message: string, fields?: LogFields) => {
    stream.write(`${format(now(), level, message, fields)}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
