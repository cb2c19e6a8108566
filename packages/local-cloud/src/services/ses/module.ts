import type { LocalModule } from '../../context';
import { type SesLocal, startSesLocal } from '../../emulators/sesLocal';
import { proxyTo } from '../../endpoint';
import { SesAccount } from './identities';
import { sesOperation } from './operations';

/** SES (send) through aws-ses-v2-local; its web page is the local inbox. */
export function sesModule(): LocalModule {
  let ses: SesLocal | undefined;
  return {
    name: 'ses',
    emulator: true,
    async start(context) {
      ses = await startSesLocal({ port: context.ports.ses });
      const forward = proxyTo(ses.url);
      const account = new SesAccount(context);
      context.endpoint.route('ses', {
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
