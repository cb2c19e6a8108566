// Backfill history, list stored weeks, fetch now: the gas-price-notifier's command line.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDocumentClient, parse } from '@zero-idle/core';
import { localCloudClient, portsFrom, readState } from '@zero-idle/local-cloud/client';
import { apiRows } from '../src/domain/prices';
import { readWeeks } from '../src/domain/weeks';
import { priceStore } from '../src/store';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const usage = `Usage: npm run gas -- <command> [options]
  backfill [--file F]    store the weeks of a file in the API's JSON format (default: the local sample), sending no alerts
  weeks [--limit 10]     the stored weeks, newest first
  fetch                  run the weekly fetch now (local cloud only)
Targets the local cloud (npm run dev) unless --aws is given; --stage (dev), --port-base (4566).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: 'string', default: fileURLToPath(new URL('../local/ny-gasoline-weekly-2017-q1.json', import.meta.url)) },
    limit: { type: 'string', default: '10' },
    aws: { type: 'boolean', default: false },
    stage: { type: 'string', default: 'dev' },
    'port-base': { type: 'string', default: '4566' },
  },
});

function localCloud() {
  return readState(root, portsFrom(Number(values['port-base'])).endpoint);
}

function connect() {
  if (!values.aws) {
    const state = localCloud();
    process.env.AWS_ENDPOINT_URL = state.urls.endpoint;
    process.env.AWS_REGION ??= state.region;
    process.env.AWS_ACCESS_KEY_ID = 'localgascli';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
  }
  return priceStore(createDocumentClient(), `gas-price-notifier-${values.stage}-prices`);
}

async function main(): Promise<void> {
  switch (positionals[0]) {
    case 'backfill': {
      const rows = parse(apiRows, JSON.parse(readFileSync(values.file, 'utf8')));
      if (!rows.ok) throw new Error(`${values.file} is not in the API's format:\n${rows.problems}`);
      const store = connect();
      let added = 0;
      // Backfilled weeks are stored as such, and the stream filter passes only fetched weeks: no alerts.
      const { weeks, rejected } = readWeeks(rows.value, Date.now());
      for (const row of rejected) console.error(`Skipped ${row.date}: ${row.reason}`);
      for (const week of weeks) if (await store.addWeekIfAbsent(week, 'backfill', Date.now())) added += 1;
      return console.log(`Backfilled ${added} new week(s) of ${rows.value.length} from ${values.file}; no alerts are sent for them.`);
    }
    case 'weeks': {
      const store = connect();
      const weeks = [];
      let cursor = await store.latestWeek();
      while (cursor && weeks.length < Number(values.limit)) {
        weeks.push(cursor);
        cursor = await store.weekBefore(cursor.week);
      }
      for (const week of weeks)
        console.log(`${week.week}  NY state ${week.prices.new_york_state_average_gal ?? '-'}  NYC ${week.prices.new_york_city_average_gal ?? '-'}`);
      return;
    }
    case 'fetch': {
      await localCloudClient(localCloud().urls.endpoint ?? '').fireSchedule(`gas-price-notifier-${values.stage}-weekly-fetch`);
      return console.log('The weekly fetch is running; the local cloud shows its log line.');
    }
    default:
      throw new Error(usage);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
