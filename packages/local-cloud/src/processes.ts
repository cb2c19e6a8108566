// The process tree under a process, from /proc (Linux only), for kill -9 tests and benches.
import { readdirSync, readFileSync } from 'node:fs';

/** The direct children of a process, whichever of its threads started them (esbuild's service is a worker thread's child). */
export function childProcesses(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((thread) =>
      readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return []; // Gone already.
  }
}

/** The process and every descendant, parents first. */
export function processTree(pid: number): number[] {
  return [pid, ...childProcesses(pid).flatMap(processTree)];
}
