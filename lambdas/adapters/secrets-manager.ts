/** SecretSource on AWS Secrets Manager. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretError } from '../core/errors.js';
import type { SecretSource } from './secrets.js';

export function secretsManagerSource(client: SecretsManagerClient): SecretSource {
  return async (name) => {
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name }));
      if (!SecretString) throw new SecretError(`secret ${name} has no string value`);
      return SecretString;
    } catch (error) {
      if (error instanceof SecretError) throw error;
      throw new SecretError(`secret ${name} could not be read: ${(error as Error).name}`, { cause: error });
    }
  };
}
