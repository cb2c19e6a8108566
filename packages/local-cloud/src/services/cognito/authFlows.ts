import { AwsRefusal } from '../../operations';

/** What a client allows when its template names no ExplicitAuthFlows (CloudFormation's default). */
const DEFAULT_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

/** The ExplicitAuthFlows (new names, and the legacy ones) that let a client use each AuthFlow. */
const ENABLED_BY: Record<string, string[]> = {
  USER_PASSWORD_AUTH: ['ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH'],
  USER_SRP_AUTH: ['ALLOW_USER_SRP_AUTH'],
  REFRESH_TOKEN_AUTH: ['ALLOW_REFRESH_TOKEN_AUTH'],
  REFRESH_TOKEN: ['ALLOW_REFRESH_TOKEN_AUTH'],
  ADMIN_USER_PASSWORD_AUTH: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH'],
  ADMIN_NO_SRP_AUTH: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH'],
  CUSTOM_AUTH: ['ALLOW_CUSTOM_AUTH', 'CUSTOM_AUTH_FLOW_ONLY'],
  USER_AUTH: ['ALLOW_USER_AUTH'],
};

/**
 * The auth flows each app client of the templates allows. cognito-local accepts any flow from any
 * client; Cognito refuses one the client does not enable, so an app that works locally signs in the
 * same way once deployed.
 */
export class ClientAuthFlows {
  private readonly flows = new Map<string, Set<string>>();

  add(clientId: string, explicitAuthFlows: unknown): void {
    this.flows.set(clientId, new Set(Array.isArray(explicitAuthFlows) ? explicitAuthFlows.map(String) : DEFAULT_FLOWS));
  }

  /** Refuses InitiateAuth or AdminInitiateAuth with a flow its client does not allow, as Cognito does. */
  check(input: { ClientId?: unknown; AuthFlow?: unknown }): void {
    const allowed = this.flows.get(String(input.ClientId ?? ''));
    if (!allowed) return; // Not a client of the templates: cognito-local answers (ResourceNotFoundException).
    const enabledBy = ENABLED_BY[String(input.AuthFlow ?? '')] ?? [];
    if (!enabledBy.some((flow) => allowed.has(flow))) throw new AwsRefusal(400, 'InvalidParameterException', 'Auth flow not enabled for this client');
  }
}
