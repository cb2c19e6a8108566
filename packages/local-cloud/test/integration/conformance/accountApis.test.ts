// STS, CloudFormation and the IoT data plane through the endpoint with the real SDK v3 clients
// (STS and CloudFormation answer in the query protocol's XML, which their parsers insist on).
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, ListStackResourcesCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from '@jest/globals';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformanceaccount';
const sts = new STSClient(clientConfig(KEY));
const cloudFormation = new CloudFormationClient(clientConfig(KEY));
const iot = new IoTDataPlaneClient(clientConfig(KEY));

afterAll(() => {
  sts.destroy();
  cloudFormation.destroy();
  iot.destroy();
});

describe('STS through the endpoint', () => {
  it("says who the caller is: any other key is the account's root user", async () => {
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '000000000000',
      Arn: 'arn:aws:iam::000000000000:root',
      UserId: '000000000000',
    });
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/x', RoleSessionName: 's' }))).rejects.toMatchObject({
      name: 'InvalidAction',
    });
    await expectEveryDeclaredOperationCalled('AWS STS', 'sts', [KEY]);
  });
});

describe('CloudFormation through the endpoint', () => {
  it('lists and describes one stack per service, with its outputs resolved to local values and its resources', async () => {
    const { StackSummaries = [] } = await cloudFormation.send(new ListStacksCommand({}));
    expect(StackSummaries.map((stack) => stack.StackName).sort()).toEqual(
      expect.arrayContaining(['button-messenger-dev', 'gas-price-notifier-dev', 'nanny-booking-dev', 'story-submissions-dev', 'user-activation-dev']),
    );
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'user-activation-dev' }));
    expect(Stacks[0]).toMatchObject({ StackName: 'user-activation-dev', StackStatus: 'CREATE_COMPLETE' });
    expect(Stacks[0]?.Outputs?.find((output) => output.OutputKey === 'ActivationStateMachineArn')?.OutputValue).toBe(
      'arn:aws:states:us-east-1:000000000000:stateMachine:user-activation-dev-activation',
    );
    const { StackResourceSummaries = [] } = await cloudFormation.send(new ListStackResourcesCommand({ StackName: 'user-activation-dev' }));
    expect(StackResourceSummaries).toContainEqual(
      expect.objectContaining({ ResourceType: 'AWS::StepFunctions::StateMachine', ResourceStatus: 'CREATE_COMPLETE' }),
    );
    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: 'no-such-stack' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id no-such-stack does not exist',
    });
    await expect(cloudFormation.send(new CreateStackCommand({ StackName: 'x', TemplateBody: '{}' }))).rejects.toMatchObject({ name: 'InvalidAction' });
    await expectEveryDeclaredOperationCalled('AWS CloudFormation', 'cloudformation', [KEY]);
  });
});

describe('the IoT data plane through the endpoint', () => {
  it('publishes a message; a topic no rule selects drops it, as IoT Core does', async () => {
    const published = await iot.send(new PublishCommand({ topic: 'conformance/nobody-listens', payload: Buffer.from('{"hello":"world"}') }));
    expect(published.$metadata.httpStatusCode).toBe(200);
    await expectEveryDeclaredOperationCalled('AWS IoT Core', 'iotdata', [KEY]);
  });
});
