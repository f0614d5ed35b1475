import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ApiModule, configureApp } from '@cqo/server-app';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(ApiModule.forRoot(), { bufferLogs: true });
  configureApp(app);
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port);
}

void bootstrap();
