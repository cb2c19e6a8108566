import type { LocalModule } from './context';
import { dynamoDbLocalModule } from './emulators/dynamodbLocal';
import { fauxqsModule } from './emulators/fauxqs';
import { httpApiModule } from './services/apigateway/module';
import { appSyncModule } from './services/appsync/module';
import { cloudFormationModule } from './services/cloudformation/module';
import { cognitoModule } from './services/cognito/module';
import { dynamoDbModule } from './services/dynamodb/module';
import { dynamoDbStreamsModule } from './services/dynamodb/streams';
import { schedulesModule } from './services/events/module';
import { iamModule } from './services/iam/module';
import { iotModule } from './services/iot/module';
import { lambdaModule } from './services/lambda/module';
import { s3Module } from './services/s3/module';
import { sesModule } from './services/ses/module';
import { sesReceivingModule } from './services/ses/receiving';
import { snsModule } from './services/sns/module';
import { sqsEventSourcesModule } from './services/sqs/eventSource';
import { sqsModule } from './services/sqs/module';
import { stepFunctionsModule } from './services/stepfunctions/module';
import { stsModule } from './services/sts/module';
import { standInsModule } from './standIns/module';

/**
 * Every module of the local cloud, one per AWS service (an emulator process apart), in an order that
 * starts each after the modules it needs: the emulators, then the services, then their event sources.
 * Adding a service is one folder under services/ and one line here.
 */
export function localModules(): LocalModule[] {
  const modules = [
    dynamoDbLocalModule(),
    sesModule(),
    fauxqsModule(),
    iamModule(),
    stsModule(),
    cloudFormationModule(),
    standInsModule(),
    dynamoDbModule(),
    cognitoModule(),
    lambdaModule(),
    sqsModule(),
    snsModule(),
    s3Module(),
    sesReceivingModule(),
    httpApiModule(),
    appSyncModule(),
    stepFunctionsModule(),
    iotModule(),
    dynamoDbStreamsModule(),
    sqsEventSourcesModule(),
    schedulesModule(),
  ];
  // The order above is the start order; make sure it honours every module's needs.
  const started = new Set<string>();
  for (const module of modules) {
    const missing = (module.needs ?? []).filter((name) => !started.has(name));
    if (missing.length) throw new Error(`module ${module.name} needs ${missing.join(', ')} to start first`);
    started.add(module.name);
  }
  return modules;
}
