import { type CloudContext, functionFromTarget, type LocalModule, resourcesAcross } from '../context';
import { awsError } from '../endpoint';
import { invokeAsync } from '../lambda/module';
import type { LocalFunction } from '../lambda/runtime';

interface TopicRule {
  name: string;
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
 * API (`aws iot-data publish`), and each matching rule invokes its function asynchronously, as IoT does.
 */
export function iotModule(): LocalModule {
  const rules: TopicRule[] = [];
  return {
    name: 'iot',
    async start(context) {
      for (const { template, logicalId, properties } of resourcesAcross(context, 'AWS::IoT::TopicRule')) {
        const payload = properties.TopicRulePayload as {
          Sql: string;
          RuleDisabled?: boolean;
          Actions?: Array<{ Lambda?: { FunctionArn: unknown } }>;
        };
        if (payload.RuleDisabled) continue;
        const sql = SELECT_ALL.exec(payload.Sql);
        if (!sql) throw new Error(`${template.service}: ${logicalId}: the local cloud runs only "SELECT * FROM '<topic>'", not ${payload.Sql}`);
        const functions = (payload.Actions ?? []).flatMap((action) =>
          action.Lambda ? [functionFromTarget(context, template, action.Lambda.FunctionArn)] : [],
        );
        const name = String(properties.RuleName ?? logicalId);
        rules.push({ name, filter: sql[1] ?? '', functions });
        context.log(`iot rule ${name}: ${sql[1]} -> ${functions.map((fn) => fn.config.name).join(', ')}`);
      }
      context.endpoint.route('iotdata', {
        action: (request) => (request.path.startsWith('/topics/') ? 'Publish' : `${request.method} ${request.path}`),
        handle: async (request) => {
          if (!request.path.startsWith('/topics/') || request.method !== 'POST') {
            return awsError(400, 'UnsupportedOperation', 'The local IoT data API supports Publish only');
          }
          const topic = decodeURIComponent(request.path.slice('/topics/'.length));
          const delivered = publish(context, rules, topic, request.body);
          if (delivered instanceof Error) return awsError(400, 'InvalidRequestException', delivered.message);
          return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
        },
      });
    },
  };
}

/** Runs the matching rules; the message must be JSON for `SELECT *` to yield an event. */
function publish(context: CloudContext, rules: TopicRule[], topic: string, payload: Buffer): number | Error {
  const matching = rules.filter((rule) => topicMatches(rule.filter, topic));
  if (!matching.length) {
    context.log(`iot: ${topic}: no rule matches; message dropped as IoT Core would`);
    return 0;
  }
  let event: unknown;
  try {
    event = JSON.parse(payload.toString('utf8'));
  } catch {
    return new Error(`The message on ${topic} is not JSON, so SELECT * yields nothing`);
  }
  for (const rule of matching) {
    for (const fn of rule.functions) void invokeAsync(context, fn, event, `iot rule ${rule.name}`);
  }
  return matching.length;
}
