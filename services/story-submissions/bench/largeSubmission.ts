// A 40 MB submission (SES's maximum): the processing function's duration and peak memory on the
// local cloud (its REPORT line), and, side by side in one run and one harness, the service's
// streaming parse against a baseline that buffers and parses the whole message at once.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleLikeLambda, startBenchCloud } from '@zero-idle/local-cloud/bench';
import nodemailer from 'nodemailer';

const root = fileURLToPath(new URL('../../..', import.meta.url));
// The harness runs bundled as a function would be, not under a TypeScript loader (some 30 MB more).
const harnessFile = await bundleLikeLambda(
  fileURLToPath(new URL('./support/harness.ts', import.meta.url)),
  join(tmpdir(), 'zero-idle-bench', 'story-submissions-harness.mjs'),
);
const cloud = await startBenchCloud(64566);
try {
  const smtp = new URL(cloud.urls.smtp ?? '');
  const attachment = randomBytes(28 * 1024 * 1024);
  const sent = performance.now();
  await nodemailer.createTransport({ host: smtp.hostname, port: Number(smtp.port), secure: false, ignoreTLS: true }).sendMail({
    from: 'Bench <bench@example.com>',
    to: 'submissions@stories.example.com',
    subject: 'The 40 MB novel',
    text: 'All of it.',
    attachments: [{ filename: 'novel.docx', content: attachment }],
  });
  const report = await new Promise<string>((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    const poll = setInterval(() => {
      const line = cloud
        .output()
        .split('\n')
        .find((candidate) => candidate.includes('story-submissions-dev-processSubmission] REPORT'));
      if (line) {
        clearInterval(poll);
        resolve(line);
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        reject(new Error('no REPORT line from processSubmission within 120 s'));
      }
    }, 100);
  });
  const rawKey = /stored s3:\/\/story-submissions-dev-mail\/(inbox\/\w+) \((\d+) bytes/.exec(cloud.output());
  const duration = /Duration: ([\d.]+) ms/.exec(report)?.[1];
  const memory = /Max Memory Used: (\d+) MB/.exec(report)?.[1];

  const harness = async (mode: string) => {
    const { stdout } = await promisify(execFile)(process.execPath, [harnessFile, mode, 'story-submissions-dev-mail', rawKey?.[1] ?? ''], {
      cwd: root,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: cloud.urls.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'benchharness',
        AWS_SECRET_ACCESS_KEY: 'x',
        NODE_OPTIONS: process.env.HARNESS_NODE_OPTIONS ?? '',
      },
      maxBuffer: 1024 * 1024,
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { durationMs: number; maxRssMb: number };
  };
  const streaming = await harness('streaming');
  const buffered = await harness('buffered');
  console.log(`\nstory-submissions: a ${((Number(rawKey?.[2]) || 0) / 1024 / 1024).toFixed(1)} MB submission (28 MB attachment)`);
  console.log(
    `  processSubmission on the local cloud (256 MB function): ${duration} ms, max memory used ${memory} MB; SMTP to REPORT ${Math.round(performance.now() - sent)} ms`,
  );
  console.log(`  same harness, streaming (the service, mailsplit): ${streaming.durationMs.toFixed(0)} ms, peak RSS ${streaming.maxRssMb} MB`);
  console.log(`  same harness, buffered baseline (mailparser):   ${buffered.durationMs.toFixed(0)} ms, peak RSS ${buffered.maxRssMb} MB`);
  if (process.env.BENCH_VERBOSE)
    console.log(
      cloud
        .output()
        .split('\n')
        .filter((line) => line.includes('processSubmission') || line.includes('ses receiving'))
        .join('\n'),
    );
  console.log(`  peak memory ratio ${(streaming.maxRssMb / buffered.maxRssMb).toFixed(2)} (target <= 0.6), function peak ${memory} MB (target <= 96 MB)\n`);
} finally {
  await cloud.stop();
}
