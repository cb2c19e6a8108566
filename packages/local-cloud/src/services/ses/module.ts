import type { LocalModule } from '../../context';
import { type SesLocal, startSesLocal } from '../../emulators/sesLocal';
import { proxyTo } from '../../endpoint';
import { sesOperation } from './operations';

/** SES (send) through aws-ses-v2-local; its web page is the local inbox. */
export function sesModule(): LocalModule {
  let ses: SesLocal | undefined;
  return {
    name: 'ses',
    emulator: true,
    async start(context) {
      ses = await startSesLocal({ port: context.ports.ses });
      context.endpoint.route('ses', {
        // The v2 API is REST with JSON errors; v1 is the query protocol, with XML errors.
        protocol: (request) => (request.path.startsWith('/v2/') ? 'json' : 'query'),
        operation: (request) => sesOperation(request, context.region),
        accessDenied: { status: 403, code: 'AccessDeniedException' },
        handle: proxyTo(ses.url),
      });
      context.urls.inbox = ses.url;
    },
    async stop() {
      await ses?.stop();
    },
  };
}
