// Where the job's Fargate tasks run: a VPC of public subnets in two zones, with no NAT gateway
// (a task gets a public IP address for ECR and CloudWatch Logs, and reaches S3 and DynamoDB
// through free gateway endpoints), a security group that lets nothing in, and flow logs kept
// as long as the other logs. The job serves nothing: it only calls AWS APIs.
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export class JobNetwork extends Construct {
  readonly vpc: Vpc;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: { logRetention: RetentionDays }) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      gatewayEndpoints: {
        S3: { service: GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: props.logRetention }),
      ),
      trafficType: FlowLogTrafficType.ALL,
    });
    this.securityGroup = new SecurityGroup(this, 'JobTasks', {
      vpc: this.vpc,
      description: 'mapc job tasks: no inbound traffic; outbound HTTPS to AWS APIs',
      allowAllOutbound: false,
    });
    // Fargate reaches ECR, CloudWatch Logs, S3 and DynamoDB over HTTPS: AWS's public address
    // ranges (and the gateway endpoints' routes), not one block of addresses.
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs');
  }
}
