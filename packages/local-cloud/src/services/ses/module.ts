import type { LocalModule, ModuleCoverage } from '../../context';
import { type SesLocal, startSesLocal } from '../../emulators/sesLocal';
import { proxyTo } from '../../endpoint';
import { persistedPath } from '../../persistence';
import { SesAccount } from './identities';
import { sesOperation, V1_ACCOUNT_ACTIONS } from './operations';

/** Sending by aws-ses-v2-local (v1's SendEmail and SendRawEmail, v2's SendEmail, bulk and templates); identities and the quota here. */
const COVERAGE = {
  service: 'Amazon SES',
  by: 'aws-ses-v2-local and the local cloud',
  operations: [
    'SendEmail',
    'SendRawEmail',
    ...V1_ACCOUNT_ACTIONS,
    'SendBulkEmail',
    'GetAccount',
    'ListEmailIdentities',
    'CreateEmailIdentity',
    'GetEmailIdentity',
    'DeleteEmailIdentity',
    'CreateEmailTemplate',
    'GetEmailTemplate',
    'UpdateEmailTemplate',
    'DeleteEmailTemplate',
    'ListEmailTemplates',
    'TestRenderEmailTemplate',
  ],
  notEmulated: [
    "the sandbox's rule that sender and recipients be verified (everything is delivered to the local inbox)",
    'configuration sets, event publishing, suppression lists, DKIM',
  ],
} satisfies ModuleCoverage;

/** SES (send) through aws-ses-v2-local; its web page is the local inbox. */
export function sesModule(): LocalModule {
  let ses: SesLocal | undefined;
  return {
    name: 'ses',
    coverage: COVERAGE,
    emulator: true,
    async start(context) {
      ses = await startSesLocal({ port: context.ports.ses, inboxFile: persistedPath(context, 'inbox.jsonl'), log: context.log });
      const forward = proxyTo(ses.url);
      const account = new SesAccount(context);
      context.endpoint.route('ses', {
        operations: COVERAGE.operations,
        // The v2 API is REST with JSON errors; v1 is the query protocol, with XML errors.
        protocol: (request) => (request.path.startsWith('/v2/') ? 'json' : 'query'),
        operation: (request) => sesOperation(request, context.region),
        accessDenied: { status: 403, code: 'AccessDeniedException' },
        handle: async (request) => {
          const own = request.path.startsWith('/v2/') ? await account.v2(request) : await account.v1(request);
          if (own) return own;
          const response = await forward(request);
          if (response.status === 200 && /^Send/.test(request.action)) account.countSent();
          return response;
        },
      });
      context.urls.inbox = ses.url;
    },
    async stop() {
      await ses?.stop();
    },
  };
}
