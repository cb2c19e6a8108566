import { type CloudContext, functionFromTarget, type LocalModule } from '../../context';
import { LIMITS } from '../../limits';
import { AwsRefusal, awsError } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { invokeAsync, serviceMayInvoke } from '../lambda/module';
import type { LocalFunction } from '../lambda/runtime';

interface TopicRule {
  name: string;
  arn: string;
  filter: string;
  functions: LocalFunction[];
}

/** `SELECT * FROM '<topic filter>'`: the one form of IoT SQL the local cloud runs. */
const SELECT_ALL = /^\s*SELECT\s+\*\s+FROM\s+'([^']+)'\s*$/i;

/** MQTT topic filters: `+` matches one level, `#` the rest. */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (const [index, level] of filterLevels.entries()) {
    if (level === '#') return true;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * AWS IoT topic rules with Lambda actions. Messages are published through the endpoint's IoT data
 * API (`aws iot-data publish`, authorized as iot:Publish on the topic), and each matching rule invokes
 * its functions asynchronously, as IoT does, if their permissions let IoT invoke them for the rule.
 */
export function iotModule(): LocalModule {
  const rules: TopicRule[] = [];
  return {
    name: 'iot',
    coverage: {
      service: 'AWS IoT Core',
      by: 'the local cloud',
      operations: ['Publish'],
      eventSources: ['topic rules (SQL SELECT * FROM with + and # wildcards) with Lambda actions'],
      notEmulated: ['MQTT connections, device shadows, rule actions other than Lambda, WHERE clauses'],
    },
    needs: ['lambda'],
    async start(context) {
      context.endpoint.route('iotdata', {
        operations: ['Publish'],
        protocol: () => 'json',
        operation: (request) => {
          if (!request.path.startsWith('/topics/') || request.method !== 'POST')
            throw new AwsRefusal(400, 'UnsupportedOperation', 'The local IoT data API supports Publish only');
          const topic = decodeURIComponent(request.path.slice('/topics/'.length));
          if (!topic) throw new AwsRefusal(400, 'InvalidRequestException', 'Publish needs a topic: POST /topics/<topic>');
          return { name: 'Publish', permissions: [{ action: 'iot:Publish', resource: `arn:aws:iot:${context.region}:${ACCOUNT_ID}:topic/${topic}` }] };
        },
        accessDenied: { status: 403, code: 'ForbiddenException' },
        handle: async (request) => {
          const topic = decodeURIComponent(request.path.slice('/topics/'.length));
          if (request.body.length > LIMITS.iotMessage)
            return awsError(413, 'RequestEntityTooLargeException', `Payload exceeds the maximum size allowed (${LIMITS.iotMessage} bytes)`);
          publish(context, rules, topic, request.body);
          return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
        },
      });
    },
    creates: {
      'AWS::IoT::TopicRule': async ({ template, resolver, logicalId, properties }, context) => {
        const name = resolver.ref(logicalId);
        // CreateTopicRule's constraint: IoT refuses a name with a hyphen.
        if (!/^[a-zA-Z0-9_]+$/.test(name))
          throw new Error(
            `InvalidRequestException: 1 validation error detected: Value '${name}' at 'ruleName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]+$`,
          );
        const payload = properties.TopicRulePayload as { Sql: string; RuleDisabled?: boolean; Actions?: Array<{ Lambda?: { FunctionArn: unknown } }> };
        const sql = SELECT_ALL.exec(payload.Sql);
        if (!sql) throw new Error(`the local cloud runs only "SELECT * FROM '<topic>'", not ${payload.Sql}`);
        const unsupported = (payload.Actions ?? []).flatMap((action) => Object.keys(action)).filter((kind) => kind !== 'Lambda');
        if (unsupported.length) throw new Error(`the local cloud runs Lambda actions of IoT rules only, not ${unsupported.join(', ')}`);
        const functions = (payload.Actions ?? []).flatMap((action) =>
          action.Lambda ? [functionFromTarget(context, template, action.Lambda.FunctionArn)] : [],
        );
        if (payload.RuleDisabled) return;
        rules.push({ name, arn: resolver.getAtt(logicalId, 'Arn'), filter: sql[1] ?? '', functions });
        context.log(`iot rule ${name}: ${sql[1]} -> ${functions.map((fn) => fn.config.name).join(', ')}`);
      },
    },
  };
}

/**
 * Runs the matching rules. IoT accepts any payload; a Lambda action needs JSON, so for a payload that is
 * not, `SELECT *` gives the action nothing to send and it fails, as IoT logs a failed action, after the publish succeeded.
 */
function publish(context: CloudContext, rules: TopicRule[], topic: string, payload: Buffer): number {
  const matching = rules.filter((rule) => topicMatches(rule.filter, topic));
  if (!matching.length) {
    context.log(`iot: ${topic}: no rule matches; message dropped as IoT Core would`);
    return 0;
  }
  let event: unknown;
  try {
    event = JSON.parse(payload.toString('utf8'));
  } catch {
    context.log(
      `iot: ${topic}: the payload is not JSON, so the Lambda actions of ${matching.map((rule) => rule.name).join(', ')} fail (IoT accepted the publish)`,
    );
    return 0;
  }
  for (const rule of matching) {
    for (const fn of rule.functions) {
      // IoT logs a failed rule action and moves on; so does the local cloud (and lists the denial).
      if (serviceMayInvoke(context, 'iot.amazonaws.com', fn, { arn: rule.arn })) void invokeAsync(context, fn, event, `iot rule ${rule.name}`);
    }
  }
  return matching.length;
}
