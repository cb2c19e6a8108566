import { type CloudContext, functionFromTarget, type LocalModule } from '../../context';
import { invokeAsync, serviceMayInvoke } from '../lambda/module';
import type { LocalFunction } from '../lambda/runtime';
import { scheduledEvent } from './scheduledEvent';
import { parseSchedule, type Schedule } from './scheduleExpression';

interface ScheduledRule {
  name: string;
  arn: string;
  schedule: Schedule;
  targets: Array<{ fn: LocalFunction; input?: string }>;
  nextAt?: Date;
  timer?: NodeJS.Timeout;
}

/**
 * EventBridge scheduled rules: each fires its Lambda targets asynchronously at the times its cron()
 * or rate() gives (UTC), with the "Scheduled Event" AWS sends or the target's Input. Any rule can be
 * fired now: POST /_local/schedules/<rule name>/fire (the CLI's `fire` command).
 */
export function schedulesModule(): LocalModule {
  const rules = new Map<string, ScheduledRule>();
  return {
    name: 'schedules',
    coverage: {
      service: 'Amazon EventBridge',
      by: 'the local cloud',
      eventSources: ['scheduled rules (cron and rate, UTC) to Lambda targets, with Input; fired on time or at once (POST /_local/schedules/<rule>/fire)'],
      notEmulated: ['event patterns and buses, PutEvents (a rule with a pattern is refused)', 'EventBridge Scheduler'],
    },
    needs: ['lambda'],
    async start(context) {
      context.endpoint.localApi('schedules', () =>
        [...rules.values()].map((rule) => ({
          name: rule.name,
          expression: rule.schedule.expression,
          next: rule.nextAt?.toISOString(),
          targets: rule.targets.map((t) => t.fn.config.name),
        })),
      );
      context.endpoint.localAction('POST', /^\/_local\/schedules\/([^/]+)\/fire$/, (match) => {
        const rule = rules.get(decodeURIComponent(match[1] ?? ''));
        if (!rule) return { status: 404, body: `No scheduled rule ${match[1]}; GET /_local/schedules lists them` };
        const time = new Date();
        fire(context, rule, time);
        return { status: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fired: rule.name, time: time.toISOString() }) };
      });
    },
    creates: {
      'AWS::Events::Rule': async ({ template, resolver, logicalId, properties: p }, context) => {
        if (!p.ScheduleExpression) throw new Error('the local cloud runs scheduled rules only, not event patterns');
        const name = resolver.ref(logicalId);
        const targets = ((p.Targets as Array<{ Arn: unknown; Input?: unknown }> | undefined) ?? []).map((target) => ({
          fn: functionFromTarget(context, template, target.Arn),
          input: target.Input === undefined ? undefined : resolver.resolveString(target.Input),
        }));
        const rule: ScheduledRule = { name, arn: resolver.getAtt(logicalId, 'Arn'), schedule: parseSchedule(String(p.ScheduleExpression)), targets };
        if (p.State === 'DISABLED') return;
        rules.set(name, rule);
        arm(context, rule);
        context.log(`schedule ${name}: ${rule.schedule.expression} -> ${targets.map((t) => t.fn.config.name).join(', ')} (next ${rule.nextAt?.toISOString()})`);
      },
    },
    async stop() {
      for (const rule of rules.values()) clearTimeout(rule.timer);
    },
  };
}

function arm(context: CloudContext, rule: ScheduledRule): void {
  const next = rule.schedule.next(new Date());
  rule.nextAt = next;
  // setTimeout takes at most ~24.8 days; a later firing re-arms on the way.
  const delay = Math.min(next.getTime() - Date.now(), 2 ** 31 - 1);
  rule.timer = setTimeout(() => {
    if (Date.now() >= next.getTime() - 5) fire(context, rule, next);
    arm(context, rule);
  }, delay);
  rule.timer.unref();
}

function fire(context: CloudContext, rule: ScheduledRule, time: Date): void {
  const event = scheduledEvent(rule.arn, context.region, time);
  context.log(`schedule ${rule.name} fired`);
  for (const target of rule.targets) {
    // EventBridge sends the rule as aws:SourceArn and no aws:SourceAccount (a permission requiring one never matches).
    if (!serviceMayInvoke(context, 'events.amazonaws.com', target.fn, { arn: rule.arn, account: false })) continue;
    void invokeAsync(context, target.fn, target.input === undefined ? event : JSON.parse(target.input), `schedule ${rule.name}`);
  }
}
