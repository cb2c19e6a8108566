// When: what authors and the editor do: mail a story over SMTP to the SES receiving endpoint, run the
// editor's CLI. In process, the same use case runs on twins of its ports (test/support/twins.ts) in
// the unit tests.
import { deliver, editor } from '../support/mail';

export const asPeople = {
  /** An author's mail client sends the message to the submissions address. */
  aStoryIsMailed: deliver,
  /** `npm run editor -- <args>` */
  theEditorRuns: editor,
};
