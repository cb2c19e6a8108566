// The editor's command line: the queue, take the oldest unread story, download it, decide.
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { composeEmail, createDocumentClient, sendEmail } from '@zero-idle/core';
import { portsFrom, readState } from '@zero-idle/local-cloud/client';
import { decide } from '../src/domain/decide';
import { DECISIONS, type Decision, type Part, type Submission, type SubmissionState } from '../src/domain/submission';
import { visible } from '../src/mail/headers';
import { submissionStore } from '../src/store';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const usage = `Usage: npm run editor -- <command>
  queue                         counts by state, and the oldest unread
  show <id>                     one submission: its author, state, and every part it came with
  take [id]                     the oldest unread submission (or that one) becomes yours (reading)
  download <id> [part] [--out dir]
                                save its manuscript, or the part numbered or named in show (progress on stderr)
  set <id> accepted|rejected|held   record the decision and email the author (templates/<decision>.txt)
Targets the local cloud (npm run dev) unless --aws is given; --stage (dev), --port-base (4566),
--from (the submissions address the decisions come from).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: '.' },
    aws: { type: 'boolean', default: false },
    stage: { type: 'string', default: 'dev' },
    'port-base': { type: 'string', default: '4566' },
    from: { type: 'string', default: 'submissions@stories.example.com' },
  },
});

if (!values.aws) {
  const state = readState(root, portsFrom(Number(values['port-base'])).endpoint);
  Object.assign(process.env, { AWS_ENDPOINT_URL: state.urls.endpoint, AWS_ACCESS_KEY_ID: 'localeditor', AWS_SECRET_ACCESS_KEY: 'local' });
  process.env.AWS_REGION ??= state.region;
}
const store = submissionStore(createDocumentClient(), `story-submissions-${values.stage}`);
const bucket = `story-submissions-${values.stage}-mail`;
const STATES: SubmissionState[] = [
  'unread',
  'reading',
  'held',
  'accepted',
  'rejected',
  'no-manuscript',
  'not-answered',
  'automatic',
  'flagged',
  'failed',
  'receiving',
];

/** Every text a sender wrote (titles, names, file names) is shown with its control characters visible: a title cannot drive the terminal. */
const shown = (text: string | undefined) => visible(text ?? '');

function describe(submission: Submission): string {
  const lines = [
    `${submission.id}  ${submission.state}  received ${submission.receivedAt}`,
    `  "${shown(submission.title)}" by ${shown(submission.authorName)} <${shown(submission.authorEmail)}>`,
  ];
  if (submission.fromEmail && submission.fromEmail !== submission.authorEmail)
    lines.push(`  from ${shown(submission.fromName)} <${shown(submission.fromEmail)}>`);
  if (submission.notAnswered) lines.push(`  not answered: ${shown(submission.notAnswered)}`);
  if (submission.error) lines.push(`  error: ${shown(submission.error)}`);
  for (const [index, part] of (submission.parts ?? []).entries()) {
    const mark = part.key === submission.manuscript?.key ? '  (manuscript)' : '';
    lines.push(`  ${String(index + 1).padStart(2)}. ${shown(part.filename ?? part.name)}  ${part.contentType}  ${part.size} bytes${mark}`);
  }
  return lines.join('\n');
}

/** A submission just taken, as JSON, its texts shown visibly. */
const taken = (submission: Submission) =>
  JSON.stringify({ ...submission, state: 'reading' }, (_key, value) => (typeof value === 'string' ? shown(value) : value), 2);

/** The part `download` saves: by its number or name in `show`, the manuscript when none is named. */
function partOf(submission: Submission, wanted: string | undefined): Part {
  const parts = submission.parts ?? [];
  const part = !wanted
    ? submission.manuscript
    : /^\d+$/.test(wanted)
      ? parts[Number(wanted) - 1]
      : parts.find((candidate) => candidate.filename === wanted || candidate.name === wanted);
  if (!part)
    throw new Error(
      wanted
        ? `Submission ${submission.id} has no part ${wanted}; see: npm run editor -- show ${submission.id}`
        : `Submission ${submission.id} has no manuscript; see: npm run editor -- show ${submission.id}`,
    );
  return part;
}

/** A template file: a Subject: line, a blank line, the text; {{name}} and {{title}} are filled in. */
function decisionEmail(decision: Decision, values: { name: string; title: string }) {
  const file = readFileSync(fileURLToPath(new URL(`../templates/${decision}.txt`, import.meta.url)), 'utf8');
  const [first = '', ...rest] = file.split('\n');
  const subject = first.replace(/^Subject:\s*/i, '');
  const text = rest.join('\n').trim();
  const html = text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
  return composeEmail({ subject, text, html }, values);
}

async function main(): Promise<void> {
  const [command, id, decision] = positionals;
  switch (command) {
    case 'queue': {
      for (const state of STATES) {
        const count = await store.count(state);
        if (count) console.log(`${state.padEnd(14)} ${count}`);
      }
      const oldest = await store.oldest('unread', 5);
      if (oldest.length) console.log('\noldest unread:');
      for (const submission of oldest)
        console.log(
          `  ${submission.id}  ${submission.receivedAt}  "${shown(submission.title)}" by ${shown(submission.authorName)} <${shown(submission.authorEmail)}>`,
        );
      return;
    }
    case 'show': {
      const submission = id ? await store.get(id) : undefined;
      if (!submission) throw new Error(`No submission ${id}`);
      return console.log(describe(submission));
    }
    case 'take': {
      if (id) {
        const wanted = await store.get(id);
        if (!wanted || !(await store.move(id, ['unread'], 'reading', new Date().toISOString())))
          throw new Error(`Submission ${id} is not unread (${wanted?.state ?? 'no such submission'}); see: npm run editor -- show ${id}`);
        return console.log(taken(wanted));
      }
      // Another editor may take the same one at the same moment: the conditional move decides, try the next.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const [oldest] = await store.oldest('unread', 1);
        if (!oldest) return console.log('Nothing unread.');
        if (await store.move(oldest.id, ['unread'], 'reading', new Date().toISOString())) {
          return console.log(taken(oldest));
        }
      }
      throw new Error('Could not take a submission: other editors keep taking them; try again');
    }
    case 'download': {
      const submission = id ? await store.get(id) : undefined;
      if (!submission) throw new Error(`No submission ${id}`);
      const part = partOf(submission, decision);
      const { Body, ContentLength = 0 } = await new S3Client({}).send(new GetObjectCommand({ Bucket: bucket, Key: part.key }));
      const file = join(values.out, part.key.split('/').pop() ?? 'part');
      let received = 0;
      let shown = -1;
      const progress = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          const percent = ContentLength ? Math.floor((received / ContentLength) * 100) : 100;
          if (percent !== shown && percent % 10 === 0) {
            shown = percent;
            process.stderr.write(`\r${percent}% of ${ContentLength} bytes`);
          }
          done(null, chunk);
        },
      });
      await pipeline(Body as NodeJS.ReadableStream, progress, createWriteStream(file));
      process.stderr.write('\n');
      return console.log(file);
    }
    case 'set': {
      if (!id || !DECISIONS.includes(decision as Decision)) throw new Error(usage);
      const ses = new SESv2Client({});
      const { submission, told } = await decide(
        {
          records: store,
          emails: store.decisionEmails,
          compose: decisionEmail,
          send: (to, email) => sendEmail(ses, { from: values.from, to: [to], ...email }),
          now: Date.now,
        },
        id,
        decision as Decision,
      );
      return console.log(`${id} is ${decision}; ${submission.authorEmail} ${told === 'now' ? 'has been told' : 'was told before'}.`);
    }
    default:
      throw new Error(usage);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
