// What a Lambda invocation of `mapc job` asks for: apply the extract that just landed, or catch
// up (apply every extract under the source the ledger has not applied). Accepted, and nothing
// else (anything else is refused with an UnexpectedEventError saying what came and what fits):
//
// - an S3 "Object Created" event delivered by EventBridge (source "aws.s3"; the bucket sends
//   its events to EventBridge) → extract-landed, uri s3://<detail.bucket.name>/<key>. The key is
//   taken as URL-encoded like a form value and decoded: "+" → space, then %xx as UTF-8 ("%2B"
//   is a "+"). The S3 user guide says so of its event notifications ("Event message structure":
//   "red flower.jpg" becomes "red+flower.jpg"); its EventBridge page ("EventBridge event message
//   structure") shows only plain keys and does not say, and the same encoding is assumed there.
//   The uri carries the key as it is in S3, as `--extract` takes it
//   (runtime/archive/extract-location.ts).
// - a scheduled event → catch-up: an EventBridge scheduled rule's ("detail-type": "Scheduled
//   Event", source "aws.events") or EventBridge Scheduler's default payload when the schedule
//   has no input (the same detail-type, source "aws.scheduler").
// - an EventBridge Scheduler (or manual) invocation whose input is {"mapc": "catch-up"} or {}
//   → catch-up.
//
// S3 event notifications sent straight to Lambda ({"Records": [...]}) are refused with a hint:
// mapc job expects the bucket's events through EventBridge.
import type { EventBridgeEvent, S3ObjectCreatedNotificationEventDetail, ScheduledEvent } from 'aws-lambda';

export type JobRequest = { kind: 'extract-landed'; uri: string } | { kind: 'catch-up' };

export class UnexpectedEventError extends Error {}

const EXPECTED =
  'mapc job takes an EventBridge S3 "Object Created" event (source aws.s3), ' +
  'a "Scheduled Event" (EventBridge rule or Scheduler), or the input {"mapc": "catch-up"} or {}';

type S3ObjectCreatedEvent = EventBridgeEvent<'Object Created', S3ObjectCreatedNotificationEventDetail>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isEventBridgeEvent(
  event: Record<string, unknown>,
): event is Record<string, unknown> & { source: string; 'detail-type': string } {
  return typeof event.source === 'string' && typeof event['detail-type'] === 'string';
}

function isS3ObjectCreated(event: Record<string, unknown>): event is Record<string, unknown> & S3ObjectCreatedEvent {
  return event.source === 'aws.s3' && event['detail-type'] === 'Object Created';
}

function isScheduled(event: Record<string, unknown>): event is Record<string, unknown> & ScheduledEvent {
  return (
    event['detail-type'] === 'Scheduled Event' && (event.source === 'aws.events' || event.source === 'aws.scheduler')
  );
}

/** What came, short enough for an error message. */
function describe(event: unknown): string {
  const json = JSON.stringify(event) ?? String(event);
  return json.length > 300 ? `${json.slice(0, 300)}…` : json;
}

function refuse(event: unknown, why: string): never {
  throw new UnexpectedEventError(`${why}: ${describe(event)}. ${EXPECTED}`);
}

/** An S3 event key, URL-encoded as a form value, back to the object's key. */
export function decodeS3EventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

function extractLanded(event: S3ObjectCreatedEvent): JobRequest {
  const bucket: unknown = event.detail?.bucket?.name;
  const encodedKey: unknown = event.detail?.object?.key;
  if (typeof bucket !== 'string' || bucket === '' || typeof encodedKey !== 'string' || encodedKey === '') {
    refuse(event, 'an S3 "Object Created" event without detail.bucket.name and detail.object.key');
  }
  let key: string;
  try {
    key = decodeS3EventKey(encodedKey);
  } catch {
    refuse(
      event,
      `an S3 "Object Created" event whose key ${JSON.stringify(encodedKey)} is not URL-encoded as S3 event keys are`,
    );
  }
  return { kind: 'extract-landed', uri: `s3://${bucket}/${key}` };
}

export function jobRequestOf(event: unknown): JobRequest {
  if (!isObject(event))
    return refuse(
      event,
      `received ${event === null ? 'null' : Array.isArray(event) ? 'an array' : `a ${typeof event}`}`,
    );
  if (isEventBridgeEvent(event)) {
    if (isS3ObjectCreated(event)) return extractLanded(event);
    if (isScheduled(event)) return { kind: 'catch-up' };
    return refuse(event, `received an EventBridge event "${event['detail-type']}" from ${event.source}`);
  }
  if (Array.isArray(event.Records)) {
    return refuse(
      event,
      "received an S3 event notification sent to Lambda directly (Records); send the bucket's events to EventBridge instead",
    );
  }
  const keys = Object.keys(event);
  if (keys.length === 0 || (keys.length === 1 && event.mapc === 'catch-up')) return { kind: 'catch-up' };
  return refuse(event, 'received an input that is neither {} nor {"mapc": "catch-up"}');
}
