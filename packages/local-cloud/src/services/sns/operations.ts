import { AwsRefusal, type Operation, queryParameters, type SignedRequest } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import type { IamCatalog } from '../iam/catalog';

/** The topic a subscription ARN belongs to (arn:aws:sns:<region>:<account>:<topic>:<id>). */
export const topicOfSubscription = (arn: string) => arn.split(':').slice(0, 6).join(':');

/** SNS operations (query protocol), authorized on the topic they name; a subscription belongs to its topic. */
export function snsOperation(request: SignedRequest, region: string, catalog: IamCatalog): Operation {
  const parameters = queryParameters(request);
  const name = parameters.get('Action') ?? '';
  const action = catalog.action(`sns:${name === 'PublishBatch' ? 'Publish' : name}`);
  if (!name || !action) throw new AwsRefusal(400, 'InvalidAction', `The action ${name || '(none)'} is not valid for this endpoint.`);
  let resource = '*';
  if (action.resourceTypes.length) {
    const topicArn = parameters.get('TopicArn') ?? parameters.get('TargetArn') ?? parameters.get('ResourceArn');
    const subscription = parameters.get('SubscriptionArn');
    const created = parameters.get('Name');
    if (topicArn) resource = topicArn;
    else if (subscription) resource = topicOfSubscription(subscription);
    else if (name === 'CreateTopic' && created) resource = `arn:aws:sns:${region}:${ACCOUNT_ID}:${created}`;
    else if (name === 'Publish' && parameters.get('PhoneNumber')) resource = '*';
    else throw new AwsRefusal(400, 'InvalidParameter', `${name} needs a TopicArn`);
  }
  return { name, permissions: [{ action: action.name, resource }] };
}
