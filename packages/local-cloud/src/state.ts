import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a running local cloud writes to .local-cloud/state-<port>.json for CLIs and tests. */
export interface LocalCloudState {
  pid: number;
  region: string;
  startedInMs: number;
  services: string[];
  /** Services not started because their templates fail the checks a deploy would fail, with the findings. */
  refused: Record<string, string[]>;
  urls: Record<string, string>;
}

export function stateFile(root: string, endpointPort = 4566): string {
  return join(root, '.local-cloud', `state-${endpointPort}.json`);
}

/** The running local cloud's URLs, or a clear error telling how to start it. */
export function readState(root: string, endpointPort = 4566): LocalCloudState {
  const file = stateFile(root, endpointPort);
  if (!existsSync(file)) throw new Error(`No local cloud is running on port ${endpointPort} (no ${file}): start it with "npm run dev"`);
  const state = JSON.parse(readFileSync(file, 'utf8')) as LocalCloudState;
  try {
    process.kill(state.pid, 0);
  } catch {
    throw new Error(`The local cloud that wrote ${file} (pid ${state.pid}) is gone: start it with "npm run dev"`);
  }
  return state;
}
