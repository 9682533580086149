import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Vigil, type VigilProps } from './vigil.js';

export interface VigilStackProps extends StackProps, Omit<VigilProps, 'name'> {}

/** A stack that holds Vigil and nothing else: what `npx cdk deploy` creates. */
export class VigilStack extends Stack {
  readonly vigil: Vigil;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    // The id 'Default' leaves the construct out of logical ids, so resources keep the ids they had
    // before Vigil was a construct of its own and an update does not replace the table.
    this.vigil = new Vigil(this, 'Default', props);
  }
}
