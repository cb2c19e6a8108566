import type { LocalResource } from './intrinsics';

/** What a resource's names and ARNs are built from. */
export interface NamingContext {
  region: string;
  account: string;
  stackName: string;
  logicalId: string;
  /** The resource's properties, intrinsics resolved. */
  properties: Record<string, unknown>;
}

/** The property that names a resource of each type, when the template gives one. */
export const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::SES::ReceiptRuleSet': 'RuleSetName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Events::Rule': 'Name',
  'AWS::IoT::TopicRule': 'RuleName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Cognito::UserPool': 'UserPoolName',
  'AWS::Cognito::UserPoolClient': 'ClientName',
};

/**
 * The name CloudFormation gives a resource: the template's, else one made from the stack and the
 * logical id (CloudFormation adds a random suffix; locally it is left out, so names stay stable).
 */
export function physicalName(naming: NamingContext, type: string): string {
  if (type === 'AWS::SES::ReceiptRule')
    return String((naming.properties.Rule as { Name?: unknown } | undefined)?.Name ?? `${naming.stackName}-${naming.logicalId}`);
  const property = NAME_PROPERTY[type];
  const given = property ? naming.properties[property] : undefined;
  if (given !== undefined) return String(given);
  const generated = `${naming.stackName}-${naming.logicalId}`;
  return type === 'AWS::S3::Bucket' ? generated.toLowerCase() : generated;
}

type Describe = (name: string, naming: NamingContext) => LocalResource;

const arn = (naming: NamingContext, service: string, resource: string, region = naming.region) => `arn:aws:${service}:${region}:${naming.account}:${resource}`;

/** An id of the length and alphabet AWS generates (lower-case letters and digits), made from the logical id so it is stable. */
const generatedId = (naming: NamingContext, length: number) =>
  naming.logicalId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .padEnd(length, '0')
    .slice(0, length);

/**
 * What Ref and Fn::GetAtt give for each resource type, as AWS documents them. Modules register what
 * only the running emulator knows (a stream's label, a user pool's id, a local URL) over these.
 */
const DESCRIBE: Record<string, Describe> = {
  'AWS::DynamoDB::Table': (name, naming) => {
    const tableArn = arn(naming, 'dynamodb', `table/${name}`);
    const stream = (naming.properties.StreamSpecification as { StreamViewType?: string } | undefined)?.StreamViewType;
    return { ref: name, attributes: { Arn: tableArn, ...(stream ? { StreamArn: `${tableArn}/stream/1970-01-01T00:00:00.000` } : {}) } };
  },
  'AWS::S3::Bucket': (name, naming) => ({
    ref: name,
    attributes: {
      Arn: `arn:aws:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${naming.region}.amazonaws.com`,
      WebsiteURL: `http://${name}.s3-website-${naming.region}.amazonaws.com`,
    },
  }),
  'AWS::SQS::Queue': (name, naming) => {
    const url = `https://sqs.${naming.region}.amazonaws.com/${naming.account}/${name}`;
    return { ref: url, attributes: { Arn: arn(naming, 'sqs', name), QueueName: name, QueueUrl: url } };
  },
  'AWS::SNS::Topic': (name, naming) => {
    const topicArn = arn(naming, 'sns', name);
    return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
  },
  'AWS::Lambda::Function': (name, naming) => ({ ref: name, attributes: { Arn: arn(naming, 'lambda', `function:${name}`) } }),
  'AWS::StepFunctions::StateMachine': (name, naming) => {
    const machineArn = arn(naming, 'states', `stateMachine:${name}`);
    return { ref: machineArn, attributes: { Arn: machineArn, Name: name } };
  },
  'AWS::Events::Rule': (name, naming) => ({ ref: name, attributes: { Arn: arn(naming, 'events', `rule/${name}`) } }),
  'AWS::IoT::TopicRule': (name, naming) => ({ ref: name, attributes: { Arn: arn(naming, 'iot', `rule/${name}`) } }),
  'AWS::Logs::LogGroup': (name, naming) => ({ ref: name, attributes: { Arn: arn(naming, 'logs', `log-group:${name}:*`) } }),
  'AWS::IAM::Role': (name, naming) => {
    const path = String(naming.properties.Path ?? '/');
    return {
      ref: name,
      attributes: {
        Arn: `arn:aws:iam::${naming.account}:role${path}${name}`,
        RoleId: `AROA${name
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 17)}`,
      },
    };
  },
  'AWS::SES::ReceiptRuleSet': (name) => ({ ref: name, attributes: {} }),
  'AWS::SES::ReceiptRule': (name) => ({ ref: name, attributes: {} }),
  'AWS::Cognito::UserPool': (_name, naming) => {
    const id = `${naming.region}_${naming.logicalId
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 9)
      .padEnd(9, '0')}`;
    return {
      ref: id,
      attributes: {
        Arn: arn(naming, 'cognito-idp', `userpool/${id}`),
        ProviderName: `cognito-idp.${naming.region}.amazonaws.com/${id}`,
        ProviderURL: `https://cognito-idp.${naming.region}.amazonaws.com/${id}`,
        UserPoolId: id,
      },
    };
  },
  'AWS::Cognito::UserPoolClient': (_name, naming) => {
    const id = generatedId(naming, 26);
    return { ref: id, attributes: { ClientId: id, Name: String(naming.properties.ClientName ?? naming.logicalId) } };
  },
  'AWS::Cognito::UserPoolGroup': (_name, naming) => ({ ref: String(naming.properties.GroupName ?? naming.logicalId), attributes: {} }),
  'AWS::ApiGatewayV2::Api': (_name, naming) => {
    const id = generatedId(naming, 10);
    return { ref: id, attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${naming.region}.amazonaws.com` } };
  },
  'AWS::AppSync::GraphQLApi': (_name, naming) => {
    const id = generatedId(naming, 26);
    const apiArn = arn(naming, 'appsync', `apis/${id}`);
    return {
      ref: apiArn,
      attributes: { ApiId: id, Arn: apiArn, GraphQLUrl: `https://${id}.appsync-api.${naming.region}.amazonaws.com/graphql`, GraphQLEndpointArn: id },
    };
  },
};

/** Ref and attributes of a resource from its template alone; undefined for types without a known shape. */
export function describeStatically(type: string, naming: NamingContext): LocalResource | undefined {
  return DESCRIBE[type]?.(physicalName(naming, type), naming);
}
