export { type BatchOutcome, processRecords } from './batch';
export { CLAIM_ATTRIBUTES, type ClaimOutcome, type Claims, dynamoClaims } from './claim';
export { type Clock, systemClock } from './clock';
export { loadConfig, requiredFrom } from './config';
export {
  type CancellationCode,
  type CancellationMeaning,
  conditionFailedItem,
  createDocumentClient,
  explainTransactionFailure,
  isConditionFailed,
} from './dynamo';
export { type ComposedEmail, composeEmail, type EmailTemplate, escapeHtml, type OutgoingEmail, type SendResult, sendEmail } from './email';
export { ClientError, EventValidationError } from './errors';
export { createHandler, type HandlerOptions, type Invocation } from './handler';
export { type HttpRequest, html, json, parseBody, readBody, wantsHtml } from './http';
export { logLine } from './log';
export { memoryClaims } from './memoryClaims';
export { oneLine } from './text';
export { parse, type Schema } from './validation';
