import { localAuthorization } from '../../awsCall';
import type { CloudContext } from '../../context';

/** An email AWS itself sends (a verification link, an SNS notification or confirmation). */
export interface AwsMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** Delivers an email from AWS to the local inbox, which holds every email the local cloud sends. */
export async function mailFromAws(context: CloudContext, mail: AwsMail): Promise<void> {
  const response = await fetch(`${context.urls.inbox}/v2/email/outbound-emails`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: localAuthorization('ses', 'aws') },
    body: JSON.stringify({
      FromEmailAddress: mail.from,
      Destination: { ToAddresses: [mail.to] },
      Content: { Simple: { Subject: { Data: mail.subject }, Body: { Text: { Data: mail.text } } } },
    }),
  });
  if (!response.ok)
    throw new Error(`the email "${mail.subject}" to ${mail.to} was not accepted by the local inbox: ${response.status} ${await response.text()}`);
}
