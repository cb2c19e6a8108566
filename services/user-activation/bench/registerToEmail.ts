// Time from POST /users to the activation email in the local inbox, over 50 users registered one
// after another on a local cloud of its own: median, p95 and max, and the first (cold) user apart.
import { randomBytes } from 'node:crypto';
import { percentile, startBenchCloud } from '@zero-idle/local-cloud/bench';

const USERS = Number(process.env.BENCH_USERS ?? 50);
const cloud = await startBenchCloud(24566);
const api = cloud.urls['user-activation.httpApi'] ?? '';
const inbox = cloud.urls.inbox ?? '';

async function registerAndWait(): Promise<number> {
  const username = `b${randomBytes(6).toString('hex')}`;
  const email = `${username}@example.com`;
  const started = performance.now();
  const response = await fetch(`${api}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email, name: 'Bench' }),
  });
  if (response.status !== 201) throw new Error(`register answered ${response.status}: ${await response.text()}`);
  for (;;) {
    const { emails } = (await (await fetch(`${inbox}/store`)).json()) as { emails: Array<{ destination: { to: string[] } }> };
    if (emails.some((mail) => mail.destination.to.includes(email))) return performance.now() - started;
    if (performance.now() - started > 30_000) throw new Error(`no email for ${username} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

try {
  const cold = await registerAndWait();
  const warm: number[] = [];
  for (let index = 0; index < USERS; index += 1) warm.push(await registerAndWait());
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log('\nuser-activation: register -> activation email in the local inbox');
  console.log(`  first user (cold functions): ${ms(cold)}`);
  console.log(`  ${USERS} users, one at a time: median ${ms(percentile(warm, 50))}, p95 ${ms(percentile(warm, 95))}, max ${ms(Math.max(...warm))}`);
  console.log('  (stream polled 4 times a second, as Lambda does; path: register -> stream -> startActivation -> Step Functions -> 2 task functions -> SES)\n');
} finally {
  await cloud.stop();
}
