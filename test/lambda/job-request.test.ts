// jobRequestOf on the events a Lambda function running `mapc job` receives. The event shapes
// are copied from the documentation (each cites where from); keys and inputs are varied from
// there.
import { expect } from 'chai';
import { decodeS3EventKey, jobRequestOf, UnexpectedEventError } from '../../bin/lambda/job-request.js';
import { parseExtractLocation } from '../../runtime/archive/extract-location.js';

// Amazon S3 user guide, "EventBridge event message structure", example "Object created"
// (docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
const S3_OBJECT_CREATED = {
  version: '0',
  id: '17793124-05d4-b198-2fde-7ededc63b103',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '111122223333',
  time: '2021-11-12T00:00:00Z',
  region: 'ca-central-1',
  resources: ['arn:aws:s3:::DOC-EXAMPLE-BUCKET1'],
  detail: {
    version: '0',
    bucket: { name: 'DOC-EXAMPLE-BUCKET1' },
    object: {
      key: 'example-key',
      size: 5,
      etag: 'b1946ac92492d2347c6235b4d2611184',
      'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
      sequencer: '617f08299329d189',
    },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    'source-ip-address': '1.2.3.4',
    reason: 'PutObject',
  },
};

// The same page, example "Object deleted (using DeleteObject)".
const S3_OBJECT_DELETED = {
  version: '0',
  id: '2ee9cc15-d022-99ea-1fb8-1b1bac4850f9',
  'detail-type': 'Object Deleted',
  source: 'aws.s3',
  account: '111122223333',
  time: '2021-11-12T00:00:00Z',
  region: 'ca-central-1',
  resources: ['arn:aws:s3:::DOC-EXAMPLE-BUCKET1'],
  detail: {
    version: '0',
    bucket: { name: 'DOC-EXAMPLE-BUCKET1' },
    object: {
      key: 'example-key',
      etag: 'd41d8cd98f00b204e9800998ecf8427e',
      'version-id': '1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF',
      sequencer: '617f0837b476e463',
    },
    'request-id': '0BH729840619AG5K',
    requester: '123456789012',
    'source-ip-address': '1.2.3.4',
    reason: 'DeleteObject',
    'deletion-type': 'Delete Marker Created',
  },
};

// Amazon EventBridge user guide, "EventBridge events detail reference", example Scheduled Event
// (docs.aws.amazon.com/eventbridge/latest/userguide/event-reference.html).
const SCHEDULED_RULE_EVENT = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2016-12-30T18:44:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/SampleRule'],
  detail: {},
};

// EventBridge Scheduler's "default notification" for a schedule without input (Scheduler API
// reference, Target.Input): the Scheduler guide does not print it; this is its shape as
// recorded from a real invocation (detail is the string "{}").
const SCHEDULER_DEFAULT_EVENT = {
  version: '0',
  id: '37666ae6-48cf-4285-b4c6-a3320b38824a',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '123456789012',
  time: '2024-06-13T12:30:00Z',
  region: 'us-east-2',
  resources: ['arn:aws:scheduler:us-east-2:123456789012:schedule/default/mapc-catch-up'],
  detail: '{}',
};

// Amazon S3 user guide, "Event message structure" (S3 event notifications, not EventBridge):
// "Example message when an object is created using a PUT request", and the test message S3
// sends once a notification is configured
// (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
const S3_NOTIFICATION_TO_LAMBDA = {
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-west-2',
      eventTime: '1970-01-01T00:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AIDAJDPLRKLG7UEXAMPLE' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: {
        'x-amz-request-id': 'C3D13FE58DE4C810',
        'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'testConfigRule',
        bucket: { name: 'mybucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::mybucket' },
        object: {
          key: 'HappyFace.jpg',
          size: 1024,
          eTag: 'd41d8cd98f00b204e9800998ecf8427e',
          versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
          sequencer: '0055AED6DCD90281E5',
        },
      },
    },
  ],
};
const S3_TEST_MESSAGE = {
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2014-10-13T15:57:02.089Z',
  Bucket: 'bucketname',
  RequestId: '5582815E1AEA5ADF',
  HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
};

// Amazon EC2 user guide, "State change events for Amazon EC2 instances", example data
// (docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html).
const EC2_STATE_CHANGE = {
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2021-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'pending' },
};

function objectCreated(bucket: string, key: string) {
  return {
    ...S3_OBJECT_CREATED,
    detail: {
      ...S3_OBJECT_CREATED.detail,
      bucket: { name: bucket },
      object: { ...S3_OBJECT_CREATED.detail.object, key },
    },
  };
}

describe('jobRequestOf: what a Lambda invocation asks for', () => {
  it('the documented S3 Object Created event: the extract that landed', () => {
    expect(jobRequestOf(S3_OBJECT_CREATED)).to.deep.equal({
      kind: 'extract-landed',
      uri: 's3://DOC-EXAMPLE-BUCKET1/example-key',
    });
  });

  // key in the event → the object's key
  const keys: Array<[string, string]> = [
    ['extracts/2026-11-01.zip', 'extracts/2026-11-01.zip'],
    ['extracts/nightly+2026-11-01.zip', 'extracts/nightly 2026-11-01.zip'],
    ['extracts/a%2Bb.zip', 'extracts/a+b.zip'],
    ['extracts/red+flower%2B%2B.zip', 'extracts/red flower++.zip'],
    ['extracts/dt%3D2026-11-01/part%3A1.zip', 'extracts/dt=2026-11-01/part:1.zip'],
    ['extracts/caf%C3%A9/%E6%97%A5%E6%AC%A1.zip', 'extracts/café/日次.zip'],
    ['extracts/100%25+done.zip', 'extracts/100% done.zip'],
    ['extracts/(1)+copy.zip', 'extracts/(1) copy.zip'],
  ];
  for (const [encoded, key] of keys) {
    it(`key ${encoded} is the object ${key}`, () => {
      const request = jobRequestOf(objectCreated('warehouse-extracts', encoded));
      expect(request).to.deep.equal({ kind: 'extract-landed', uri: `s3://warehouse-extracts/${key}` });
      expect(decodeS3EventKey(encoded)).to.equal(key);
      // The uri means the same object to --extract.
      expect(parseExtractLocation((request as { uri: string }).uri)).to.deep.equal({
        kind: 's3',
        bucket: 'warehouse-extracts',
        key,
      });
    });
  }

  const catchUps: Array<[string, unknown]> = [
    ["an EventBridge scheduled rule's event", SCHEDULED_RULE_EVENT],
    ["EventBridge Scheduler's default event (no input)", SCHEDULER_DEFAULT_EVENT],
    ['Scheduler input {"mapc": "catch-up"}', { mapc: 'catch-up' }],
    ['Scheduler input {}', {}],
  ];
  for (const [name, event] of catchUps) {
    it(`${name}: catch up`, () => expect(jobRequestOf(event)).to.deep.equal({ kind: 'catch-up' }));
  }

  const refused: Array<[string, unknown, RegExp]> = [
    [
      'an S3 Object Deleted event',
      S3_OBJECT_DELETED,
      /^received an EventBridge event "Object Deleted" from aws\.s3: \{"version":"0"/,
    ],
    [
      'an event of another service',
      EC2_STATE_CHANGE,
      /^received an EventBridge event "EC2 Instance State-change Notification" from aws\.ec2/,
    ],
    [
      'a scheduled event from another source',
      { ...SCHEDULED_RULE_EVENT, source: 'my.app' },
      /^received an EventBridge event "Scheduled Event" from my\.app/,
    ],
    [
      'an S3 notification sent to Lambda directly',
      S3_NOTIFICATION_TO_LAMBDA,
      /^received an S3 event notification sent to Lambda directly \(Records\); send the bucket's events to EventBridge instead/,
    ],
    [
      'the S3 test message',
      S3_TEST_MESSAGE,
      /^received an input that is neither \{\} nor \{"mapc": "catch-up"\}: \{"Service":"Amazon S3"/,
    ],
    [
      'Object Created without a key',
      { ...S3_OBJECT_CREATED, detail: { ...S3_OBJECT_CREATED.detail, object: { size: 5 } } },
      /^an S3 "Object Created" event without detail\.bucket\.name and detail\.object\.key/,
    ],
    [
      'Object Created without detail',
      { ...S3_OBJECT_CREATED, detail: null },
      /^an S3 "Object Created" event without detail\.bucket\.name/,
    ],
    [
      'Object Created with an empty bucket name',
      objectCreated('', 'x.zip'),
      /^an S3 "Object Created" event without detail\.bucket\.name/,
    ],
    [
      'a key that is not URL-encoded',
      objectCreated('b', 'extracts/100%.zip'),
      /^an S3 "Object Created" event whose key "extracts\/100%\.zip" is not URL-encoded as S3 event keys are/,
    ],
    [
      'a key with a broken UTF-8 sequence',
      objectCreated('b', 'caf%C3.zip'),
      /whose key "caf%C3\.zip" is not URL-encoded/,
    ],
    [
      'another command',
      { mapc: 'apply' },
      /^received an input that is neither \{\} nor \{"mapc": "catch-up"\}: \{"mapc":"apply"\}/,
    ],
    [
      'catch-up with other members',
      { mapc: 'catch-up', extract: 's3://b/x.zip' },
      /^received an input that is neither/,
    ],
    ['null', null, /^received null: null\./],
    ['a string', 'catch-up', /^received a string: "catch-up"\./],
    ['an array', [], /^received an array: \[\]\./],
  ];
  for (const [name, event, message] of refused) {
    it(`refuses ${name}, saying what came and what fits`, () => {
      expect(() => jobRequestOf(event)).to.throw(UnexpectedEventError, message);
      expect(() => jobRequestOf(event)).to.throw(
        /mapc job takes an EventBridge S3 "Object Created" event \(source aws\.s3\), a "Scheduled Event" \(EventBridge rule or Scheduler\), or the input \{"mapc": "catch-up"\} or \{\}$/,
      );
    });
  }

  it('quotes at most 300 characters of a large event', () => {
    const big = { mapc: 'x'.repeat(5000) };
    const error = (() => {
      try {
        jobRequestOf(big);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('not refused');
    })();
    expect(error.message.length).to.be.below(600);
    expect(error.message).to.contain('…');
  });
});
