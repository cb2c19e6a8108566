/** Names that say a value is a secret (ACTIVATION_SECRET, DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY, ...). */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_KEY|SIGNING_KEY/i;
/** Values a template takes from a secret store (a dynamic reference CloudFormation resolves at deploy). */
const SECRET_SOURCE = /\{\{resolve:(ssm-secure|secretsmanager):/;

export const MASKED = '(secret: ask GetFunctionConfiguration)';

/** A function's environment for an unauthenticated listing: secrets by name or by source shown masked. */
export function maskSecrets(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, SECRET_NAME.test(name) || SECRET_SOURCE.test(value) ? MASKED : value]));
}
