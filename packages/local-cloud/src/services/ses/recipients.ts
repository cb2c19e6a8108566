/**
 * Which recipients a receipt rule's recipient conditions cover, as the SES Developer Guide documents them
 * (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-receipt-rules-console-walkthrough.html, and the
 * older https://docs.aws.amazon.com/ses/latest/DeveloperGuide/receiving-email-receipt-rules.html):
 * - `user@example.com`: that address, and the same address with a label (`user+label@example.com`);
 *   a condition that itself has a label matches that labelled address only;
 * - `example.com`: every address of that domain, not of its subdomains;
 * - `.example.com`: every address of every subdomain of example.com (not of example.com itself);
 * - no conditions at all: every recipient.
 * Addresses and domains compare case-insensitively.
 */
export function ruleCovers(conditions: readonly string[], recipient: string): boolean {
  return conditions.length === 0 || conditions.some((condition) => conditionCovers(condition, recipient));
}

/** Whether one recipient condition covers the address. */
export function conditionCovers(condition: string, recipient: string): boolean {
  const wanted = condition.trim().toLowerCase();
  const address = recipient.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0 || !wanted) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (wanted.includes('@')) {
    if (wanted === address) return true;
    const [wantedLocal, wantedDomain] = splitAddress(wanted);
    // A condition without a label also takes the address with any label; one with a label only itself.
    return !wantedLocal.includes('+') && wantedDomain === domain && local.split('+')[0] === wantedLocal;
  }
  if (wanted.startsWith('.')) return domain.endsWith(wanted) && domain.length > wanted.length;
  return domain === wanted;
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at), address.slice(at + 1)];
}
