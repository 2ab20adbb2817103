// The SNS topic that tells people something needs them: the state machine publishes a failed
// job to it (its Catch), and every alarm notifies it. Encrypted with a key of its own (rotated
// yearly), since CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key,
// and reachable only over TLS.
import { Duration } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export class AlertsTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: { name: string; email?: string }) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `${props.name}: encrypts the mapc alerts topic`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
    });
    // A key policy's statements apply to this key only (their Resource "*" means "this key").
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    this.topic = new Topic(this, 'Topic', {
      displayName: `${props.name}: mapc job alerts`,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
