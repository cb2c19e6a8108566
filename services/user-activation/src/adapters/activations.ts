import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Activations } from '../domain/ports';
import { executionName } from '../domain/user';

/**
 * The activation state machine. Execution names come from the user and token version, so a
 * redelivered record or a repeated request starts nothing new (ExecutionAlreadyExists).
 */
export function stepFunctionsActivations(sfn: SFNClient, stateMachineArn: string): Activations {
  return {
    async start({ username, tokenVersion }) {
      try {
        await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName(username, tokenVersion), input: JSON.stringify({ username, tokenVersion }) }),
        );
        return 'started';
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return 'duplicate';
        throw error;
      }
    },
  };
}
