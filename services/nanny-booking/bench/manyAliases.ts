// A query of 1,000 aliases of `me` on a local cloud of its own: how many graphql invocations it makes,
// how long it takes, and how long another user's `{ me }` waits meanwhile; side by side in the same
// run with what the same query cost before the API's ResolverCountLimit (1,000 invocations at once,
// here 100 requests of 10 aliases, since one request now runs at most 10).
import { startBenchCloud } from '@zero-idle/local-cloud/bench';
import { localCloudClient, localUserTokens } from '@zero-idle/local-cloud/client';

const ALIASES = 1_000;
const GRAPHQL = 'nanny-booking-dev-graphql';
const cloud = await startBenchCloud(45566);
const local = localCloudClient(cloud.urls.endpoint ?? '');

try {
  const pool = (await local.userPools()).find((candidate) => candidate.service === 'nanny-booking');
  const graphqlUrl = cloud.urls['nanny-booking.graphql'] ?? '';
  const signIn = async (username: string, group: string) => {
    const { IdToken } = await localUserTokens(cloud.urls.cognito ?? '', {
      poolId: pool?.pool ?? '',
      clientId: pool?.clients[0] ?? '',
      username,
      password: 'Local-passw0rd',
      email: `${username}@example.com`,
      groups: [group],
    });
    const gql = (query: string) =>
      fetch(graphqlUrl, { method: 'POST', headers: { authorization: IdToken, 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
        (r) => r.json() as Promise<{ data?: Record<string, unknown> | null; errors?: unknown[] }>,
      );
    await gql(`mutation { createUser(input: {email: "${username}@example.com", name: "Bench"}) { username } }`);
    return gql;
  };
  const [flooder, bystander] = await Promise.all([signIn('benchflood', 'nanny'), signIn('benchbystander', 'parent')]);
  const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `m${index}: me { username }`).join(' ')} }`;
  const invocations = async () => (await local.calls())[GRAPHQL]?.['dynamodb:GetItem'] ?? 0;
  await Promise.all([flooder(aliases(10)), bystander('{ me { username } }')]); // warm

  /** Runs `flood`, and the bystander's `{ me }` once it is under way: figures of both. */
  async function measure(flood: () => Promise<unknown>) {
    const before = await invocations();
    const started = performance.now();
    const flooding = flood();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const asked = performance.now();
    await bystander('{ me { username } }');
    const bystanderMs = performance.now() - asked;
    await flooding;
    return { ms: performance.now() - started, bystanderMs, invocations: (await invocations()) - before - 1 };
  }
  const unlimited = await measure(() => Promise.all(Array.from({ length: ALIASES / 10 }, () => flooder(aliases(10)))));
  const limited = await measure(() => flooder(aliases(ALIASES)));

  const row = (label: string, figures: typeof limited) =>
    `  ${label.padEnd(44)} ${String(figures.invocations).padStart(5)} invocations  ${figures.ms.toFixed(0).padStart(6)} ms  bystander's { me } ${figures.bystanderMs.toFixed(0).padStart(5)} ms`;
  console.log(`\nnanny-booking: a query of ${ALIASES} aliases of me`);
  console.log(row('before (no ResolverCountLimit: all run)', unlimited));
  console.log(row('now (ResolverCountLimit 10: the rest null)', limited));
  console.log("  (invocations counted as the graphql function's GetItem calls, one per me)\n");
} finally {
  await cloud.stop();
}
