// The only actions any role of the stack is granted on Resource "*", each because AWS gives it
// no resource to name (the IAM Service Authorization Reference lists no resource type for it,
// or the service's documentation asks for "*"). CDK adds these statements itself; cdk-nag's
// acknowledgements (nag-acknowledgements.ts) carry the same reasons, and
// test/deploy/stack-iam.test.ts fails on any other action granted on "*".
export const ACTIONS_WITHOUT_RESOURCES: Record<string, string> = {
  // The task's execution role, pulling the image: the token is for the registry, not a repository.
  'ecr:GetAuthorizationToken': 'returns a registry login token; no resource type',
  // The state machine's role, delivering its execution logs to CloudWatch Logs (vended logs):
  // Step Functions' logging documentation grants these on "*".
  'logs:CreateLogDelivery': 'log deliveries are not resources IAM can name',
  'logs:GetLogDelivery': 'log deliveries are not resources IAM can name',
  'logs:UpdateLogDelivery': 'log deliveries are not resources IAM can name',
  'logs:DeleteLogDelivery': 'log deliveries are not resources IAM can name',
  'logs:ListLogDeliveries': 'a listing; no resource type',
  'logs:PutResourcePolicy': "the account's CloudWatch Logs resource policy; no resource type",
  'logs:DescribeResourcePolicies': 'a listing; no resource type',
  'logs:DescribeLogGroups': 'a listing of the account\'s log groups, asked on "*" by the log delivery',
  // The state machine's role, sending X-Ray traces.
  'xray:PutTraceSegments': 'no resource type',
  'xray:PutTelemetryRecords': 'no resource type',
  'xray:GetSamplingRules': 'no resource type',
  'xray:GetSamplingTargets': 'no resource type',
};
