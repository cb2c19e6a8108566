#!/usr/bin/env -S npx tsx
import './quietWarnings';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { localAuthorization } from './awsCall';
import { CFN_LINT_MISSING, checksReport, checkTemplates } from './checks/index';
import { localCloudClient, localUserTokens } from './client';
import { coverageTable, withCoverageTable } from './coverage';
import { portsFrom, readState, startLocalCloud } from './index';
import { localModules } from './registry';
import { loadTemplates } from './services/cloudformation/template';

const usage = `Usage: local-cloud <command> [options]
  start [--port-base 4566] [--persist] [--services a,b]   start the local cloud (Ctrl-C stops it)
        [--persist-dir dir] [--root dir]                 keep the account in dir (implies --persist); another checkout's templates
  check [--services a,b]                                  check the compiled templates as AWS would (cfn-lint, IAM, creation order)
  publish <topic> <json> [--port-base 4566]               publish an MQTT message to the IoT rules
  calls [--port-base 4566]                                AWS API calls so far, per function and action
  fire <rule> [--port-base 4566]                          fire a scheduled rule now
  user <service> <username> [--group g,...] [--password p] a Cognito user of the service's pool, in groups, and its tokens
  coverage [--write]                                      what the local cloud emulates, by AWS service (--write: into the README)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'port-base': { type: 'string', default: '4566' },
    persist: { type: 'boolean', default: false },
    'persist-dir': { type: 'string' },
    root: { type: 'string' },
    services: { type: 'string' },
    group: { type: 'string', default: '' },
    password: { type: 'string', default: 'Local-passw0rd' },
    email: { type: 'string' },
    write: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command = 'start', ...args] = positionals;
const portBase = Number(values['port-base']);
const root = values.root ?? fileURLToPath(new URL('../../..', import.meta.url));

/** A request to the endpoint as the AWS CLI would make it (the local cloud reads the credential scope). */
async function callEndpoint(service: string, path: string, body: string): Promise<Response> {
  const { urls } = readState(root, portsFrom(portBase).endpoint);
  return fetch(`${urls.endpoint}${path}`, {
    method: 'POST',
    headers: { authorization: localAuthorization(service, 'localcli') },
    body,
  });
}

async function main(): Promise<void> {
  if (values.help) return console.log(usage);
  switch (command) {
    case 'start': {
      const cloud = await startLocalCloud({
        root,
        portBase,
        persist: values.persist,
        persistDir: values['persist-dir'],
        services: values.services?.split(','),
      });
      const { urls } = cloud.context;
      console.log(
        [
          '',
          `local cloud ready in ${Math.round(cloud.startedInMs)} ms`,
          `  AWS endpoint   ${urls.endpoint}   (export AWS_ENDPOINT_URL=${urls.endpoint})`,
          `  inbox (SES)    ${urls.inbox}`,
          ...(urls.smtp ? [`  SMTP (SES in)  ${urls.smtp}`] : []),
          ...Object.entries(urls)
            .filter(([name]) => name.endsWith('.httpApi') || name.endsWith('.graphql'))
            .map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
          '  Ctrl-C stops everything',
          '',
        ].join('\n'),
      );
      let stopping = false;
      const shutdown = async () => {
        if (stopping) return;
        stopping = true;
        console.log('stopping the local cloud...');
        await cloud.stop();
        process.exit(0);
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
      return;
    }
    case 'check': {
      const checks = await checkTemplates(root, loadTemplates(root, values.services?.split(',')));
      const lines = checksReport(checks);
      const failed = [...checks.findings.values()].some((findings) => findings.length);
      if (failed) console.error(lines.join('\n'));
      else console.log(lines.join('\n'));
      if (!checks.cfnLint) {
        // In CI a missing linter fails the run; on a laptop it is one loud line, and the rest still checks.
        if (process.env.CI === 'true') throw new Error(`${CFN_LINT_MISSING} (CI=true: the check is required)`);
        console.error(`\n\u001b[1;33m!!! ${CFN_LINT_MISSING}\u001b[0m\n`);
      }
      if (failed) process.exit(1);
      return;
    }
    case 'publish': {
      const [topic, message] = args;
      if (!topic || message === undefined) throw new Error(`publish needs a topic and a message\n${usage}`);
      const response = await callEndpoint('iotdata', `/topics/${encodeURIComponent(topic)}?qos=1`, message);
      if (!response.ok) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
      return console.log(`published to ${topic}`);
    }
    case 'fire': {
      const [rule] = args;
      if (!rule) throw new Error(`fire needs a rule name (GET /_local/schedules lists them)\n${usage}`);
      const { urls } = readState(root, portsFrom(portBase).endpoint);
      await localCloudClient(urls.endpoint ?? '').fireSchedule(rule);
      return console.log(`fired ${rule}`);
    }
    case 'user': {
      const [service, username] = args;
      if (!service || !username) throw new Error(`user needs a service and a username\n${usage}`);
      const { urls } = readState(root, portsFrom(portBase).endpoint);
      const pool = (await localCloudClient(urls.endpoint ?? '').userPools()).find((candidate) => candidate.service === service);
      if (!pool?.clients[0]) throw new Error(`${service} has no user pool with a client on this local cloud`);
      const tokens = await localUserTokens(urls.cognito ?? '', {
        poolId: pool.pool,
        clientId: pool.clients[0],
        username,
        password: values.password,
        email: values.email ?? `${username}@example.com`,
        groups: values.group.split(',').filter(Boolean),
      });
      return console.log(JSON.stringify({ username, pool: pool.pool, ...tokens }, null, 2));
    }
    case 'calls': {
      const { urls } = readState(root, portsFrom(portBase).endpoint);
      return console.log(JSON.stringify(await localCloudClient(urls.endpoint ?? '').calls(), null, 2));
    }
    case 'coverage': {
      if (!values.write) return console.log(coverageTable(localModules()));
      const readme = join(root, 'README.md');
      writeFileSync(readme, withCoverageTable(readFileSync(readme, 'utf8'), localModules()));
      return console.log(`Wrote the coverage table into ${readme}`);
    }
    default:
      throw new Error(`Unknown command ${command}\n${usage}`);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
