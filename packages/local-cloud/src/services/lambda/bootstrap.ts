// The local Lambda runtime inside one worker process: it loads the function's bundle once (the init
// phase) and then runs invocations one at a time, as a Lambda execution environment does.
// The local cloud bundles this file to plain JavaScript for the workers (see runtime.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { peakMemoryMb } from './peakMemory';

interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: unknown;
  deadline: number;
  functionName: string;
  functionArn: string;
  memoryMb: number;
}

type Handler = (event: unknown, context: unknown) => unknown;

const codeDir = process.env.LOCAL_LAMBDA_CODE_DIR ?? '';
const handlerSpec = process.env._HANDLER ?? '';

function send(message: unknown): void {
  process.send?.(message);
}

function describe(error: unknown) {
  const err = error instanceof Error ? error : new Error(String(error));
  return { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') };
}

async function loadHandler(): Promise<Handler> {
  const dot = handlerSpec.lastIndexOf('.');
  const modulePath = handlerSpec.slice(0, dot);
  const exportName = handlerSpec.slice(dot + 1);
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(codeDir, modulePath + ext)).find((candidate) => existsSync(candidate));
  if (!file) throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${codeDir}`), { name: 'Runtime.ImportModuleError' });
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

const initStart = performance.now();
let handler: Handler | undefined;
let initError: ReturnType<typeof describe> | undefined;
try {
  handler = await loadHandler();
} catch (error) {
  initError = describe(error);
}
send({ type: 'ready', initMs: performance.now() - initStart, error: initError });

process.on('message', async (message: InvokeMessage) => {
  if (message.type !== 'invoke') return;
  const started = performance.now();
  const context = {
    awsRequestId: message.requestId,
    functionName: message.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: String(message.memoryMb),
    logGroupName: `/aws/lambda/${message.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  let outcome: { ok: true; result: unknown } | { ok: false; error: ReturnType<typeof describe> };
  try {
    if (!handler) throw Object.assign(new Error(initError?.errorMessage ?? 'init failed'), { name: initError?.errorType ?? 'Runtime.InitError' });
    outcome = { ok: true, result: await handler(message.event, context) };
  } catch (error) {
    outcome = { ok: false, error: describe(error) };
  }
  send({
    type: 'result',
    requestId: message.requestId,
    ...outcome,
    durationMs: performance.now() - started,
    maxMemoryMb: peakMemoryMb(),
  });
});

// The local cloud went away: so does this execution environment.
process.on('disconnect', () => process.exit(0));
