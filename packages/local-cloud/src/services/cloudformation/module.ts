import type { CloudContext, LocalModule } from '../../context';
import { AwsRefusal, queryParameters } from '../../operations';
import { queryResponse } from '../../xml';
import { ACCOUNT_ID } from './intrinsics';

const CLOUDFORMATION_OPERATIONS = ['ListStacks', 'DescribeStacks', 'ListStackResources'];

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** The stacks the local cloud runs, one per service, as CloudFormation describes them (outputs resolved). */
function stacks(context: CloudContext, startedAt: Date) {
  return context.templates.map((template) => {
    const name = `${template.service}-${template.stage}`;
    const resolver = context.resolvers.get(template.service);
    return {
      StackName: name,
      StackId: `arn:aws:cloudformation:${context.region}:${ACCOUNT_ID}:stack/${name}/00000000-0000-0000-0000-${template.service.length.toString().padStart(12, '0')}`,
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: startedAt.toISOString(),
      Outputs: Object.entries(template.outputs).map(([key, output]) => ({
        OutputKey: key,
        OutputValue: resolver?.resolveString(output.Value),
        Description: output.Description,
        ExportName: output.Export ? resolver?.resolveString(output.Export.Name) : undefined,
      })),
      resources: Object.entries(template.resources).map(([logicalId, resource]) => ({
        LogicalResourceId: logicalId,
        ResourceType: resource.Type,
        ResourceStatus: 'CREATE_COMPLETE',
      })),
    };
  });
}

/**
 * CloudFormation's read operations on the local cloud's stacks (one per started service):
 * ListStacks, DescribeStacks (with the outputs, resolved to local values) and ListStackResources.
 * The stacks themselves are created by the local cloud from the compiled templates, not by this API.
 */
export function cloudFormationModule(): LocalModule {
  const startedAt = new Date();
  return {
    name: 'cloudformation',
    coverage: {
      service: 'AWS CloudFormation',
      by: 'the local cloud',
      operations: CLOUDFORMATION_OPERATIONS,
      notEmulated: [
        'creating, updating or deleting stacks through the API (the local cloud makes one stack per service at start)',
        'change sets, drift, stack events',
        'parameter overrides: a template Parameter takes its Default (Conditions, Fn::If and AWS::NoValue are evaluated on it)',
      ],
    },
    async start(context) {
      context.endpoint.route('cloudformation', {
        operations: CLOUDFORMATION_OPERATIONS,
        protocol: () => 'query',
        operation: (request) => {
          const parameters = queryParameters(request);
          const action = parameters.get('Action') ?? '';
          const name = parameters.get('StackName');
          const stackArn = (stack: string) => `arn:aws:cloudformation:${context.region}:${ACCOUNT_ID}:stack/${stack}/*`;
          if (action === 'ListStacks') return { name: action, permissions: [{ action: 'cloudformation:ListStacks', resource: '*' }] };
          if (action === 'DescribeStacks')
            return { name: action, permissions: [{ action: 'cloudformation:DescribeStacks', resource: name ? stackArn(name) : '*' }] };
          if (action === 'ListStackResources' && name)
            return { name: action, permissions: [{ action: 'cloudformation:ListStackResources', resource: stackArn(name) }] };
          throw new AwsRefusal(
            400,
            'InvalidAction',
            `The local CloudFormation answers ListStacks, DescribeStacks and ListStackResources, not ${action || '(no Action)'}`,
          );
        },
        handle: async (request) => {
          const parameters = queryParameters(request);
          const all = stacks(context, startedAt);
          const name = parameters.get('StackName');
          const named = all.filter((stack) => !name || stack.StackName === name || stack.StackId === name);
          if (name && !named.length) throw new AwsRefusal(400, 'ValidationError', `Stack with id ${name} does not exist`);
          if (request.action === 'ListStacks') {
            return queryResponse('ListStacks', NAMESPACE, {
              StackSummaries: all.map(({ StackName, StackId, StackStatus, CreationTime }) => ({ StackName, StackId, StackStatus, CreationTime })),
            });
          }
          if (request.action === 'ListStackResources') {
            return queryResponse('ListStackResources', NAMESPACE, { StackResourceSummaries: named[0]?.resources ?? [] });
          }
          return queryResponse('DescribeStacks', NAMESPACE, { Stacks: named.map(({ resources: _resources, ...stack }) => stack) });
        },
      });
    },
  };
}
